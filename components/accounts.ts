// The emergency accounts: one cloud-only user per account, created with a bootstrap password. Entra ID needs a
// password to create a user, so a RandomPassword provides one; it is in the state, so the user ignores it from
// then on and the account's PasswordCustody (passwordCustody.ts) replaces it in the same `pulumi up`, before
// the account gets its role.
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LIMITED_ACCOUNT_KEY, TYPES, type AccountKey } from "../policies/contract/constants";
import { BOOTSTRAP_PASSWORD_INFIX, bootstrapPasswordInputs } from "../policies/contract/declaration/credentials";
import {
    DECLARED_IGNORE_CHANGES,
    EMERGENCY_RESOURCE_OPTIONS,
    emergencyUserInputs,
} from "../policies/contract/declaration/identity";

/** Settings the accounts are built from, already validated and defaulted by the component. */
export interface AccountSettings {
    readonly tenantDomain: string;
    readonly accountCount: number;
    readonly accountPrefix: string;
    readonly passwordLength: number;
    readonly usageLocation?: string;
    /** Whether to declare the limited recovery account `<prefix>-limited` after the numbered ones. */
    readonly limitedAccount: boolean;
}

/** One emergency account. */
export interface EmergencyAccount {
    /** 1-based number of the account, or LIMITED_ACCOUNT_KEY; part of its user name and of its resources' names. */
    readonly key: AccountKey;
    readonly userPrincipalName: string;
    /** The bootstrap password the user is created with (in the state; replaced by the custody resource). */
    readonly bootstrapPassword: random.RandomPassword;
    readonly user: azuread.User;
}

export function declareEmergencyAccounts(
    name: string,
    settings: AccountSettings,
    parent: pulumi.Resource,
): EmergencyAccount[] {
    const keys: AccountKey[] = Array.from({ length: settings.accountCount }, (_, i) => i + 1);
    if (settings.limitedAccount) keys.push(LIMITED_ACCOUNT_KEY);
    return keys.map((accountNumber) => {
        // Every input but the password comes from the contract's declaration, which the policy pack judges by.
        const inputs = emergencyUserInputs(settings.accountPrefix, accountNumber, settings.tenantDomain, settings.usageLocation);
        // The bootstrap password: never rotated (the custody resource rotates), never exported.
        // Its inputs are the contract's declaration, which the policy pack judges by.
        const password = new random.RandomPassword(
            `${name}${BOOTSTRAP_PASSWORD_INFIX}${accountNumber}`,
            bootstrapPasswordInputs(settings.passwordLength),
            { parent, ...EMERGENCY_RESOURCE_OPTIONS },
        );
        const user = new azuread.User(
            `${name}-account-${accountNumber}`,
            {
                ...inputs,
                // Explicit secret: the password stays encrypted even where an engine or a mock does not
                // apply additionalSecretOutputs.
                password: pulumi.secret(password.result),
            },
            // Neither `pulumi destroy`, a deleted line nor a replacement may delete an emergency account. The
            // password is set once at creation; after that only the custody resource sets it, so a later change
            // of the bootstrap value must never reach the account.
            { parent, ...EMERGENCY_RESOURCE_OPTIONS, ignoreChanges: [...DECLARED_IGNORE_CHANGES[TYPES.user]] },
        );
        return { key: accountNumber, userPrincipalName: inputs.userPrincipalName, bootstrapPassword: password, user };
    });
}
