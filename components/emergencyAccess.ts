// The EmergencyAccess component: composes the accounts, their passwords, Global Administrator and the
// protected group. It reads no config and calls no network; index.ts does both and passes the results in.
import type * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import {
    ACCOUNT_COUNT,
    EMERGENCY_ACCESS_TYPE,
    PASSWORD_LENGTH,
    isInitialDomain,
} from "../common/constants";
import { declareEmergencyAccounts, type AccountSettings } from "./accounts";
import { DEFAULT_GROUP_DISPLAY_NAME, declareEmergencyGroup } from "./emergencyGroup";
import type { ExclusionTarget, SkippedPolicy } from "./conditionalAccess/discovery";
import { DEFAULT_GRAPH_ENDPOINT } from "./conditionalAccess/graphClient";
import { declareConditionalAccessExclusions, excludeFromConditionalAccess } from "./conditionalAccessExclusions";
import { declareGlobalAdministrator } from "./globalAdministrator";
import { declareSentinelRules } from "./sentinelRules";
import { declareSignInAlert, type AlertReceivers } from "./signInAlert";
import { DEFAULT_QUERY_FREQUENCY, queryWindow } from "../common/queries";

export interface EmergencyAccessArgs {
    /** Required. The tenant's initial domain (`<tenant>.onmicrosoft.com`); the accounts live on it, cloud-only. */
    readonly tenantDomain: string;
    /** Optional. Number of emergency accounts, 2 to 4. Defaults to 2. */
    readonly accountCount?: number;
    /** Optional. User names are `<accountPrefix>-<n>@<tenantDomain>`. Defaults to `breakglass`. */
    readonly accountPrefix?: string;
    /** Optional. Length of each generated password, 24 to 256. Defaults to 32. */
    readonly passwordLength?: number;
    /** Optional. Any label; changing it rotates every password on the next `pulumi up`. Defaults to `initial`. */
    readonly passwordRotation?: string;
    /** Optional. ISO 3166-1 alpha-2 usage location of the accounts. Defaults to none. */
    readonly usageLocation?: string;
    /** Optional. Display name of the protected group. Defaults to `Emergency Access Accounts`. */
    readonly groupDisplayName?: string;
    /**
     * Optional. The existing Microsoft Sentinel workspace for the sign-in and change rules. Defaults to none:
     * no rule is declared, which the policy pack reports.
     */
    readonly sentinel?: EmergencyAccessSentinelArgs;
    /** Optional. Direct email/SMS/webhook notification of every sign-in. Requires `sentinel`. Defaults to none. */
    readonly alerts?: AlertReceivers;
    /**
     * Optional. The tenant's Conditional Access policies that must exclude the accounts (see
     * components/conditionalAccess/discovery.ts, which lists and narrows them). Defaults to none.
     */
    readonly conditionalAccess?: EmergencyAccessConditionalAccessArgs;
}

export interface EmergencyAccessConditionalAccessArgs {
    /** Required. One ConditionalAccessExclusion is declared per target. */
    readonly targets: readonly ExclusionTarget[];
    /** Optional. Policies left out on purpose, with the reason; reported as an output. Defaults to none. */
    readonly skipped?: readonly SkippedPolicy[];
    /** Optional. Microsoft Graph origin. Defaults to https://graph.microsoft.com. */
    readonly graphEndpoint?: string;
}

export interface EmergencyAccessSentinelArgs {
    /** Required. Resource group of the Log Analytics workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Name of the Log Analytics workspace Sentinel is enabled on. */
    readonly workspaceName: pulumi.Input<string>;
    /** Optional. How often the rules run, an ISO 8601 duration from PT5M to PT1H. Defaults to PT5M. */
    readonly queryFrequency?: string;
}

/** The arguments with every default applied. */
export type ResolvedEmergencyAccessArgs = AccountSettings & { readonly groupDisplayName: string };

/**
 * Applies defaults and enforces the component's security floor, whoever calls it: config validation
 * gives friendlier messages for the stack, this guards programs that build the component directly.
 */
export function resolveEmergencyAccessArgs(args: EmergencyAccessArgs): ResolvedEmergencyAccessArgs {
    const resolved = {
        tenantDomain: args.tenantDomain,
        accountCount: args.accountCount ?? ACCOUNT_COUNT.default,
        accountPrefix: args.accountPrefix ?? "breakglass",
        passwordLength: args.passwordLength ?? PASSWORD_LENGTH.default,
        passwordRotation: args.passwordRotation ?? "initial",
        usageLocation: args.usageLocation,
        groupDisplayName: args.groupDisplayName ?? DEFAULT_GROUP_DISPLAY_NAME,
    };
    const inRange = (n: number, limits: { min: number; max: number }) =>
        Number.isInteger(n) && n >= limits.min && n <= limits.max;
    if (!isInitialDomain(resolved.tenantDomain ?? "")) {
        throw new Error(`EmergencyAccessArgs.tenantDomain must be a *.onmicrosoft.com domain, got "${resolved.tenantDomain}"`);
    }
    if (!inRange(resolved.accountCount, ACCOUNT_COUNT)) {
        throw new Error(
            `EmergencyAccessArgs.accountCount must be a whole number from ${ACCOUNT_COUNT.min} to ${ACCOUNT_COUNT.max}, got ${resolved.accountCount}`,
        );
    }
    if (!inRange(resolved.passwordLength, PASSWORD_LENGTH)) {
        throw new Error(
            `EmergencyAccessArgs.passwordLength must be a whole number from ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max}, got ${resolved.passwordLength}`,
        );
    }
    if (resolved.passwordRotation.trim() === "") {
        throw new Error("EmergencyAccessArgs.passwordRotation must not be empty");
    }
    return resolved;
}

/**
 * Emergency access ("break glass") accounts for a Microsoft Entra ID tenant: cloud-only users with
 * generated passwords, permanent Global Administrator and a protected group. Every account, role
 * assignment and the group are protected and retained on delete.
 */
export class EmergencyAccess extends pulumi.ComponentResource {
    /** Object ids of the accounts, in account order. */
    public readonly accountObjectIds: pulumi.Output<string[]>;
    /** User principal names of the accounts, in account order. */
    public readonly accountUserPrincipalNames: pulumi.Output<string[]>;
    /** Object id of the protected group holding every account. */
    public readonly groupObjectId: pulumi.Output<string>;
    /** The generated passwords, in account order. Always a Pulumi secret. */
    public readonly passwords: pulumi.Output<string[]>;
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
        declareGlobalAdministrator(name, users, this);
        const group = declareEmergencyGroup(name, settings.groupDisplayName, users, this);

        this.accountObjectIds = pulumi.all(users.map((user) => user.objectId));
        this.accountUserPrincipalNames = pulumi.all(users.map((user) => user.userPrincipalName));
        this.groupObjectId = group.objectId;
        this.passwords = pulumi.secret(pulumi.all(accounts.map((account) => account.password.result)));

        const conditionalAccess = args.conditionalAccess ?? { targets: [] };
        const exclusions = declareConditionalAccessExclusions(
            name,
            conditionalAccess.targets,
            this.accountObjectIds,
            this.groupObjectId,
            conditionalAccess.graphEndpoint ?? DEFAULT_GRAPH_ENDPOINT,
            this,
        );
        this.excludedPolicyIds = pulumi.all(exclusions.map((exclusion) => exclusion.policyId));
        this.skippedPolicies = pulumi.output([...(conditionalAccess.skipped ?? [])]);

        if (args.sentinel) {
            const workspace = {
                resourceGroupName: args.sentinel.resourceGroupName,
                workspaceName: args.sentinel.workspaceName,
                window: queryWindow(args.sentinel.queryFrequency ?? DEFAULT_QUERY_FREQUENCY),
            };
            const rules = declareSentinelRules(name, workspace, this.accountObjectIds, this.groupObjectId, this);
            this.signInRuleId = rules.signInRule.id;
            this.changeRuleId = rules.changeRule.id;
            if (args.alerts) {
                const alert = declareSignInAlert(name, workspace, args.alerts, this.accountObjectIds, this);
                this.actionGroupId = alert.actionGroup.id;
            }
        } else if (args.alerts) {
            throw new pulumi.ResourceError("EmergencyAccessArgs.alerts needs EmergencyAccessArgs.sentinel: the alert runs on its workspace", this);
        }

        this.registerOutputs({
            accountObjectIds: this.accountObjectIds,
            accountUserPrincipalNames: this.accountUserPrincipalNames,
            groupObjectId: this.groupObjectId,
            passwords: this.passwords,
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
