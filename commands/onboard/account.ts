// Which account `--account` means. Onboarding issues a Temporary Access Pass, a credential that signs the account
// in, so it must only ever reach one of the stack's declared emergency accounts: anything else is refused before
// any request. Pure.
import { LIMITED_ACCOUNT_KEY, emergencyUserPrincipalName, type AccountKey } from "../../policies/contract/constants";
import type { OnboardingConfig } from "./stackConfig";
import { UsageError } from "./options";

/** A declared emergency account. */
export interface DeclaredAccount {
    /** Its number (1-based) or LIMITED_ACCOUNT_KEY. */
    readonly key: AccountKey;
    readonly userPrincipalName: string;
}

/** Every emergency account the stack declares, in order: 1..accountCount, then the limited one when enabled. */
export function declaredAccounts(config: OnboardingConfig): DeclaredAccount[] {
    const keys: AccountKey[] = Array.from({ length: config.accountCount }, (_, index) => index + 1);
    if (config.limitedAccount) keys.push(LIMITED_ACCOUNT_KEY);
    return keys.map((key) => ({ key, userPrincipalName: emergencyUserPrincipalName(config.accountPrefix, key, config.tenantDomain) }));
}

/**
 * The declared account `selector` names: its number, "limited" (only when the stack declares the limited account),
 * or its user principal name (compared without regard to case). Anything else is a UsageError listing the accounts.
 */
export function chooseAccount(selector: string, config: OnboardingConfig): DeclaredAccount {
    const accounts = declaredAccounts(config);
    const listed = accounts.map((account) => `${account.key} (${account.userPrincipalName})`).join(", ");
    const refuse = (why: string) =>
        new UsageError(`--account ${selector}: ${why}. This command issues a Temporary Access Pass only to a declared emergency account: ${listed}`);
    if (/^\d+$/.test(selector)) {
        const found = accounts.find((account) => account.key === Number(selector));
        if (!found) throw refuse(`the stack declares accounts 1 to ${config.accountCount}`);
        return found;
    }
    if (selector.toLowerCase() === LIMITED_ACCOUNT_KEY) {
        const found = accounts.find((account) => account.key === LIMITED_ACCOUNT_KEY);
        if (!found) throw refuse("the stack does not declare the limited account (limitedAccount is false)");
        return found;
    }
    const found = accounts.find((account) => account.userPrincipalName.toLowerCase() === selector.toLowerCase());
    if (!found) throw refuse("not an emergency account of this stack");
    return found;
}
