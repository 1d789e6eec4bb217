// The EmergencyAccess component: composes the accounts, their passwords, Global Administrator and the
// protected group. It reads no config and calls no network; index.ts does both and passes the results in.
import * as pulumi from "@pulumi/pulumi";
import {
    ACCOUNT_COUNT,
    EMERGENCY_ACCESS_TYPE,
    PASSWORD_LENGTH,
    isInitialDomain,
} from "../common/constants";
import { declareEmergencyAccounts, type AccountSettings } from "./accounts";
import { DEFAULT_GROUP_DISPLAY_NAME, declareEmergencyGroup } from "./emergencyGroup";
import { declareGlobalAdministrator } from "./globalAdministrator";

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

        this.registerOutputs({
            accountObjectIds: this.accountObjectIds,
            accountUserPrincipalNames: this.accountUserPrincipalNames,
            groupObjectId: this.groupObjectId,
            passwords: this.passwords,
        });
    }
}
