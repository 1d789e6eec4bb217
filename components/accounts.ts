// The emergency accounts: one cloud-only user per account, created with a bootstrap password. Entra ID needs a
// password to create a user, so a RandomPassword provides one; it is in the state, so the user ignores it from
// then on and the account's PasswordCustody (passwordCustody.ts) replaces it in the same `pulumi up`, before
// the account gets its role.
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    PASSWORD_MIN_PER_CLASS,
    PASSWORD_SPECIAL_CHARACTERS,
    emergencyUserPrincipalName,
} from "../policies/contract/constants";

/** Settings the accounts are built from, already validated and defaulted by the component. */
export interface AccountSettings {
    readonly tenantDomain: string;
    readonly accountCount: number;
    readonly accountPrefix: string;
    readonly passwordLength: number;
    readonly usageLocation?: string;
}

/** One emergency account. */
export interface EmergencyAccount {
    /** 1-based number of the account, part of its user name. */
    readonly number: number;
    readonly userPrincipalName: string;
    /** The bootstrap password the user is created with (in the state; replaced by the custody resource). */
    readonly bootstrapPassword: random.RandomPassword;
    readonly user: azuread.User;
}

/** The display name plainly marks the account, so nobody mistakes it for a person or deletes it as stale. */
function emergencyDisplayName(accountNumber: number): string {
    return `EMERGENCY ACCESS ${accountNumber} (break glass - do not use, every sign-in alerts)`;
}

export function declareEmergencyAccounts(
    name: string,
    settings: AccountSettings,
    parent: pulumi.Resource,
): EmergencyAccount[] {
    return Array.from({ length: settings.accountCount }, (_, i) => {
        const accountNumber = i + 1;
        const userPrincipalName = emergencyUserPrincipalName(
            settings.accountPrefix,
            accountNumber,
            settings.tenantDomain,
        );
        // The bootstrap password: never rotated (the custody resource rotates), never exported. Not protected:
        // it protects nothing once the custody resource has replaced it.
        const password = new random.RandomPassword(
            `${name}-password-${accountNumber}`,
            {
                length: settings.passwordLength,
                upper: true,
                lower: true,
                numeric: true,
                special: true,
                minUpper: PASSWORD_MIN_PER_CLASS,
                minLower: PASSWORD_MIN_PER_CLASS,
                minNumeric: PASSWORD_MIN_PER_CLASS,
                minSpecial: PASSWORD_MIN_PER_CLASS,
                overrideSpecial: PASSWORD_SPECIAL_CHARACTERS,
            },
            { parent },
        );
        const user = new azuread.User(
            `${name}-account-${accountNumber}`,
            {
                userPrincipalName,
                mailNickname: userPrincipalName.split("@")[0],
                displayName: emergencyDisplayName(accountNumber),
                // Explicit secret: the password stays encrypted even where an engine or a mock does not
                // apply additionalSecretOutputs.
                password: pulumi.secret(password.result),
                accountEnabled: true,
                forcePasswordChange: false,
                disablePasswordExpiration: true,
                disableStrongPassword: false,
                showInAddressList: false,
                usageLocation: settings.usageLocation,
            },
            // Neither `pulumi destroy`, a deleted line nor a replacement may delete an emergency account. The
            // password is set once at creation; after that only the custody resource sets it, so a later change
            // of the bootstrap value must never reach the account.
            { parent, protect: true, retainOnDelete: true, ignoreChanges: ["password"] },
        );
        return { number: accountNumber, userPrincipalName, bootstrapPassword: password, user };
    });
}
