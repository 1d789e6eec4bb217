// The EmergencyAccess component. It composes one file per concern: the accounts (accounts.ts), the custody of
// their passwords (passwordCustody.ts), permanent Global Administrator (globalAdministrator.ts), the protected group
// (emergencyGroup.ts), the exclusion from every Conditional Access policy (conditionalAccessExclusions.ts),
// the Sentinel sign-in and change rules (sentinelRules.ts), and the direct alerts with their action group
// (signInAlert.ts). It reads no config and calls no network; index.ts does both and passes the results in.
import type * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, EMERGENCY_ACCESS_TYPE, LIMITED_ACCOUNT_KEY, LIMITS, isInitialDomain } from "../policies/contract/constants";
import { custodyProblems, type Custodian, type CustodyMode } from "../policies/contract/custody";
import {
    CREDENTIAL_METHODS,
    minimumPasskeysProblem,
    type CredentialMethod,
} from "../policies/contract/declaration/passkeyRequirement";
import { queryWindow } from "../policies/contract/queries";
import { declareEmergencyAccounts, type AccountSettings } from "./accounts";
import {
    declareConditionalAccessExclusions,
    excludeFromConditionalAccess,
    type ExclusionTarget,
    type SkippedPolicy,
} from "./conditionalAccessExclusions";
import { declareEmergencyGroup } from "./emergencyGroup";
import { declareEmergencyRoles } from "./globalAdministrator";
import { declarePasskeyRequirements } from "./passkeyRequirement";
import { declarePasswordCustody, type CredentialSettings } from "./passwordCustody";
import type { Envelope } from "./passwordSealing";
import { declareRestrictedManagementUnit } from "./restrictedManagementUnit";
import { declareSentinelRules } from "./sentinelRules";
import { declareSignInAlert, type AlertReceivers } from "./signInAlert";

export interface EmergencyAccessArgs {
    /** Required. The tenant's initial domain (`<tenant>.onmicrosoft.com`); the accounts live on it, cloud-only. */
    readonly tenantDomain: string;
    /** Optional. Number of emergency Global Administrator accounts, within LIMITS.accountCount. Defaults to DEFAULTS.accountCount. */
    readonly accountCount?: number;
    /**
     * Optional. Also declare the limited recovery account `<accountPrefix>-limited` (Conditional Access Administrator and
     * Authentication Policy Administrator; never Global Administrator, never counted in accountCount). Defaults to
     * DEFAULTS.limitedAccount (false).
     */
    readonly limitedAccount?: boolean;
    /**
     * Optional. Hold the accounts and the group in a restricted-management administrative unit. Not with sealed-password
     * custody (no tenant-wide admin could reset a password inside it). Defaults to DEFAULTS.restrictedManagement (false).
     */
    readonly restrictedManagement?: boolean;
    /** Optional. User names are `<accountPrefix>-<n>@<tenantDomain>`. Defaults to DEFAULTS.accountPrefix. */
    readonly accountPrefix?: string;
    /** Optional. Length of each generated password, within LIMITS.passwordLength. Defaults to DEFAULTS.passwordLength. */
    readonly passwordLength?: number;
    /** Optional. Any label; changing it rotates every password on the next `pulumi up`. Defaults to DEFAULTS.passwordRotation. */
    readonly passwordRotation?: string;
    /** Optional. How the passwords are kept: discarded (passkey) or sealed to custodians. Defaults to passkey mode. */
    readonly credential?: EmergencyAccessCredentialArgs;
    /** Optional. ISO 3166-1 alpha-2 usage location of the accounts. Defaults to none. */
    readonly usageLocation?: string;
    /** Optional. Display name of the protected group. Defaults to DEFAULTS.groupDisplayName. */
    readonly groupDisplayName?: string;
    /**
     * Optional. The existing Microsoft Sentinel workspace for the sign-in and change rules. Defaults to none:
     * no rule is declared, which the policy pack reports.
     */
    readonly sentinel?: EmergencyAccessSentinelArgs;
    /** Optional. Direct email/SMS/webhook notification of every sign-in. Requires `sentinel`. Defaults to none. */
    readonly alerts?: AlertReceivers;
    /**
     * Optional. The tenant's Conditional Access policies that must exclude the accounts (the program lists
     * them through graph/ and narrows them in program/exclusionPlan.ts). Defaults to none.
     */
    readonly conditionalAccess?: EmergencyAccessConditionalAccessArgs;
}

export interface EmergencyAccessCredentialArgs {
    /** Optional. `passkey` (the password is discarded) or `sealed-password`. Defaults to DEFAULTS.credentialMode. */
    readonly mode?: CustodyMode;
    /** Optional. Custodians with their age X25519 recipients; required, and only allowed, in sealed-password mode. */
    readonly custodians?: readonly Custodian[];
    /**
     * Optional. Shares needed to open a sealed password (k of n). Defaults to DEFAULTS.custodyThreshold with two
     * or more custodians, 1 with a single custodian.
     */
    readonly threshold?: number;
    /**
     * Optional. The phishing-resistant credential each account needs before its role is assigned: `passkey`
     * (device-bound FIDO2 keys) or `certificate`. Defaults to DEFAULTS.credentialMethod.
     */
    readonly method?: CredentialMethod;
    /** Optional. Device-bound FIDO2 keys per account, within LIMITS.requiredPasskeys. Defaults to DEFAULTS.requiredPasskeys. */
    readonly requiredPasskeys?: number;
}

export interface EmergencyAccessConditionalAccessArgs {
    /** Required. One ConditionalAccessExclusion is declared per target. */
    readonly targets: readonly ExclusionTarget[];
    /** Optional. Policies left out on purpose, with the reason; reported as an output. Defaults to none. */
    readonly skipped?: readonly SkippedPolicy[];
    /** Optional. Microsoft Graph origin, one of GRAPH_ENDPOINTS. Defaults to DEFAULTS.graphEndpoint. */
    readonly graphEndpoint?: string;
}

export interface EmergencyAccessSentinelArgs {
    /** Required. Resource group of the Log Analytics workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Name of the Log Analytics workspace Sentinel is enabled on. */
    readonly workspaceName: pulumi.Input<string>;
    /** Optional. How often the rules run, an ISO 8601 duration within LIMITS.queryFrequencyMinutes. Defaults to DEFAULTS.queryFrequency. */
    readonly queryFrequency?: string;
}

/** The credential settings with defaults applied: custody, and the credential each account needs before its role. */
export interface ResolvedCredentialSettings extends CredentialSettings {
    readonly method: CredentialMethod;
    readonly requiredPasskeys: number;
}

/** The arguments with every default applied. */
export type ResolvedEmergencyAccessArgs = AccountSettings & {
    readonly groupDisplayName: string;
    readonly passwordRotation: string;
    readonly credential: ResolvedCredentialSettings;
    readonly restrictedManagement: boolean;
};

/** The credential settings with defaults applied; throws naming EmergencyAccessArgs.credential on a bad one. */
export function resolveCredential(args: EmergencyAccessCredentialArgs = {}): ResolvedCredentialSettings {
    const mode = args.mode ?? DEFAULTS.credentialMode;
    const custodians = [...(args.custodians ?? [])];
    const threshold =
        mode === "passkey" ? 0 : (args.threshold ?? (custodians.length >= 2 ? DEFAULTS.custodyThreshold : 1));
    const problems = custodyProblems({ mode, custodians, threshold: mode === "passkey" ? undefined : threshold });
    const method = args.method ?? DEFAULTS.credentialMethod;
    if (!(CREDENTIAL_METHODS as readonly string[]).includes(method)) problems.push(`method must be one of ${CREDENTIAL_METHODS.join(", ")}, got "${method}"`);
    const requiredPasskeys = args.requiredPasskeys ?? DEFAULTS.requiredPasskeys;
    const passkeyProblem = minimumPasskeysProblem(requiredPasskeys, LIMITS.requiredPasskeys.min);
    if (passkeyProblem) problems.push(`requiredPasskeys ${passkeyProblem}`);
    if (problems.length > 0) throw new Error(`EmergencyAccessArgs.credential: ${problems.join("; ")}`);
    return { mode, custodians, threshold, method, requiredPasskeys };
}

/**
 * Applies defaults and enforces the component's security floor, whoever calls it: config validation
 * gives friendlier messages for the stack, this guards programs that build the component directly.
 */
export function resolveEmergencyAccessArgs(args: EmergencyAccessArgs): ResolvedEmergencyAccessArgs {
    const resolved = {
        tenantDomain: args.tenantDomain,
        accountCount: args.accountCount ?? DEFAULTS.accountCount,
        accountPrefix: args.accountPrefix ?? DEFAULTS.accountPrefix,
        passwordLength: args.passwordLength ?? DEFAULTS.passwordLength,
        passwordRotation: args.passwordRotation ?? DEFAULTS.passwordRotation,
        usageLocation: args.usageLocation,
        groupDisplayName: args.groupDisplayName ?? DEFAULTS.groupDisplayName,
        credential: resolveCredential(args.credential),
        limitedAccount: args.limitedAccount ?? DEFAULTS.limitedAccount,
        restrictedManagement: args.restrictedManagement ?? DEFAULTS.restrictedManagement,
    };
    const inRange = (n: number, limits: { min: number; max: number }) =>
        Number.isInteger(n) && n >= limits.min && n <= limits.max;
    if (!isInitialDomain(resolved.tenantDomain ?? "")) {
        throw new Error(`EmergencyAccessArgs.tenantDomain must be a *.onmicrosoft.com domain, got "${resolved.tenantDomain}"`);
    }
    if (!inRange(resolved.accountCount, LIMITS.accountCount)) {
        throw new Error(
            `EmergencyAccessArgs.accountCount must be a whole number from ${LIMITS.accountCount.min} to ${LIMITS.accountCount.max}, got ${resolved.accountCount}`,
        );
    }
    if (!inRange(resolved.passwordLength, LIMITS.passwordLength)) {
        throw new Error(
            `EmergencyAccessArgs.passwordLength must be a whole number from ${LIMITS.passwordLength.min} to ${LIMITS.passwordLength.max}, got ${resolved.passwordLength}`,
        );
    }
    if (resolved.passwordRotation.trim() === "") {
        throw new Error("EmergencyAccessArgs.passwordRotation must not be empty");
    }
    if (resolved.restrictedManagement && resolved.credential.mode === "sealed-password") {
        throw new Error(
            "EmergencyAccessArgs.restrictedManagement cannot be used with credential.mode sealed-password: inside a restricted-management " +
                "administrative unit no tenant-wide admin can reset a Global Administrator's password, so the sealed password could not be rotated",
        );
    }
    return resolved;
}

/** One account's sealed password, as the stack output lists it. */
export interface AccountEnvelopes {
    readonly userPrincipalName: string;
    readonly rotation: string;
    readonly threshold: number;
    readonly passwordSetAt: string;
    readonly envelopes: Envelope[];
}

/**
 * Emergency access ("break glass") accounts for a Microsoft Entra ID tenant: cloud-only users whose
 * passwords no state or output holds, permanent Global Administrator and a protected group. Every account, role
 * assignment and the group are protected and retained on delete.
 */
export class EmergencyAccess extends pulumi.ComponentResource {
    /** Object ids of every emergency account, in account order (the limited recovery account last, when declared). */
    public readonly accountObjectIds: pulumi.Output<string[]>;
    /** Object id of the limited recovery account; undefined without `limitedAccount`. */
    public readonly limitedAccountObjectId?: pulumi.Output<string>;
    /** Per account, in account order: device-bound passkeys counted at the last deployment or refresh, and whether that is enough. */
    public readonly passkeyRequirements: pulumi.Output<{ userPrincipalName: string; registeredPasskeys: number; satisfied: boolean }[]>;
    /** Object id of the restricted-management administrative unit; undefined without `restrictedManagement`. */
    public readonly administrativeUnitId?: pulumi.Output<string>;
    /** User principal names of the accounts, in account order. */
    public readonly accountUserPrincipalNames: pulumi.Output<string[]>;
    /** Object id of the protected group holding every account. */
    public readonly groupObjectId: pulumi.Output<string>;
    /** How the passwords are kept: `passkey` or `sealed-password`. */
    public readonly credentialMode: pulumi.Output<CustodyMode>;
    /** Sealed mode: per account, the armored envelopes per custodian; undefined in passkey mode. Not secrets. */
    public readonly passwordEnvelopes?: pulumi.Output<AccountEnvelopes[]>;
    /** Resource id of the Sentinel sign-in rule; undefined without `sentinel`. */
    public readonly signInRuleId?: pulumi.Output<string>;
    /** Resource id of the Sentinel change rule; undefined without `sentinel`. */
    public readonly changeRuleId?: pulumi.Output<string>;
    /** Resource id of the action group; undefined without `alerts`. */
    public readonly actionGroupId?: pulumi.Output<string>;
    /** Ids of the Conditional Access policies the accounts are excluded from, sorted. */
    public readonly excludedPolicyIds: pulumi.Output<string[]>;
    /** Policies left without the exclusion, each with the reason. */
    public readonly skippedPolicies: pulumi.Output<SkippedPolicy[]>;

    constructor(name: string, args: EmergencyAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EMERGENCY_ACCESS_TYPE, name, {}, opts);
        const settings = resolveEmergencyAccessArgs(args);

        const accounts = declareEmergencyAccounts(name, settings, this);
        const users = accounts.map((account) => account.user);
        const graphEndpoint = args.conditionalAccess?.graphEndpoint ?? DEFAULTS.graphEndpoint;
        const custody = declarePasswordCustody(name, accounts, { ...settings, graphEndpoint }, this);
        const group = declareEmergencyGroup(name, settings.groupDisplayName, users, this);
        // Everything but the roles, which the passkey requirements wait for (see below).
        const beforeRequirements: pulumi.Resource[] = [...custody, group];

        this.accountObjectIds = pulumi.all(users.map((user) => user.objectId));
        this.accountUserPrincipalNames = pulumi.all(users.map((user) => user.userPrincipalName));
        this.groupObjectId = group.objectId;
        this.credentialMode = pulumi.output(settings.credential.mode);
        if (settings.credential.mode === "sealed-password") {
            this.passwordEnvelopes = pulumi.all(
                custody.map((c) =>
                    pulumi.all([c.userPrincipalName, c.rotation, c.threshold, c.passwordSetAt, c.envelopes]).apply(
                        ([userPrincipalName, rotation, threshold, passwordSetAt, envelopes]) => ({
                            userPrincipalName,
                            rotation,
                            threshold,
                            passwordSetAt,
                            envelopes,
                        }),
                    ),
                ),
            );
        }

        const conditionalAccess = args.conditionalAccess ?? { targets: [] };
        const exclusions = declareConditionalAccessExclusions(
            name,
            conditionalAccess.targets,
            this.accountObjectIds,
            this.groupObjectId,
            graphEndpoint,
            this,
        );
        beforeRequirements.push(...exclusions);
        this.excludedPolicyIds = pulumi.all(exclusions.map((exclusion) => exclusion.policyId));
        this.skippedPolicies = pulumi.output([...(conditionalAccess.skipped ?? [])]);

        if (args.sentinel) {
            const workspace = {
                resourceGroupName: args.sentinel.resourceGroupName,
                workspaceName: args.sentinel.workspaceName,
                window: queryWindow(args.sentinel.queryFrequency ?? DEFAULTS.queryFrequency),
            };
            const rules = declareSentinelRules(name, workspace, this.accountObjectIds, this.groupObjectId, this);
            this.signInRuleId = rules.signInRule.id;
            this.changeRuleId = rules.changeRule.id;
            beforeRequirements.push(rules.signInRule, rules.changeRule);
            if (args.alerts) {
                const alert = declareSignInAlert(name, workspace, args.alerts, this.accountObjectIds, this);
                this.actionGroupId = alert.actionGroup.id;
                beforeRequirements.push(alert.actionGroup, ...alert.alertRules);
            }
        } else if (args.alerts) {
            throw new pulumi.ResourceError("EmergencyAccessArgs.alerts needs EmergencyAccessArgs.sentinel: the alert runs on its workspace", this);
        }

        if (settings.restrictedManagement) {
            // After the custody resources: each password is set while a tenant-scoped role may still set it.
            const unit = declareRestrictedManagementUnit(name, [...users.map((user) => user.objectId), group.objectId], graphEndpoint, custody, this);
            this.administrativeUnitId = unit.id;
            beforeRequirements.push(unit);
        }

        // Fail closed: each account's roles wait for its passkeys (or certificate). The requirements come after everything
        // else, so the first `pulumi up` leaves the tenant with accounts, group, exclusions and alerts, and no role yet.
        const requirements = declarePasskeyRequirements(
            name,
            accounts,
            group.objectId,
            { method: settings.credential.method, minimumPasskeys: settings.credential.requiredPasskeys, graphEndpoint },
            beforeRequirements,
            this,
        );
        declareEmergencyRoles(name, accounts, accounts.map((_, i) => ({ custody: custody[i], requirement: requirements[i] })), this);
        this.passkeyRequirements = pulumi.all(
            requirements.map((requirement) =>
                pulumi
                    .all([requirement.userPrincipalName, requirement.registeredPasskeys, requirement.satisfied])
                    .apply(([userPrincipalName, registeredPasskeys, satisfied]) => ({ userPrincipalName, registeredPasskeys, satisfied })),
            ),
        );
        const limited = accounts.find((account) => account.key === LIMITED_ACCOUNT_KEY);
        if (limited) this.limitedAccountObjectId = limited.user.objectId;

        this.registerOutputs({
            accountObjectIds: this.accountObjectIds,
            limitedAccountObjectId: this.limitedAccountObjectId,
            passkeyRequirements: this.passkeyRequirements,
            administrativeUnitId: this.administrativeUnitId,
            accountUserPrincipalNames: this.accountUserPrincipalNames,
            groupObjectId: this.groupObjectId,
            credentialMode: this.credentialMode,
            passwordEnvelopes: this.passwordEnvelopes,
            signInRuleId: this.signInRuleId,
            changeRuleId: this.changeRuleId,
            actionGroupId: this.actionGroupId,
            excludedPolicyIds: this.excludedPolicyIds,
            skippedPolicies: this.skippedPolicies,
        });
    }

    /**
     * The args of a Conditional Access policy declared in the same program, with every emergency account
     * and the emergency group added to its exclusions. Use it for every `azuread.ConditionalAccessPolicy`:
     * the policy pack blocks one that does not exclude the accounts.
     */
    excludeFromConditionalAccess(args: azuread.ConditionalAccessPolicyArgs): azuread.ConditionalAccessPolicyArgs {
        return excludeFromConditionalAccess(args, this.accountObjectIds, this.groupObjectId);
    }
}
