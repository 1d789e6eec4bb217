// The emergency accounts and their passwords: one RandomPassword and one cloud-only user per account.
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
    readonly passwordRotation: string;
    readonly usageLocation?: string;
}

/** One emergency account. */
export interface EmergencyAccount {
    /** 1-based number of the account, part of its user name. */
    readonly number: number;
    readonly userPrincipalName: string;
    readonly password: random.RandomPassword;
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
        // Not protected on purpose: rotation replaces the password resource. The user that holds the
        // password is protected instead.
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
                // A new label means new passwords for every account on the next `pulumi up`.
                keepers: { rotation: settings.passwordRotation },
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
            // Neither `pulumi destroy`, a deleted line nor a replacement may delete an emergency account.
            { parent, protect: true, retainOnDelete: true },
        );
        return { number: accountNumber, userPrincipalName, password, user };
    });
}
