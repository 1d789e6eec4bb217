// What onboarding needs of the stack: the tenant, the declared accounts, how many passkeys each needs and which
// credential the stack requires, and the Graph cloud. Read straight from the stack file and validated with the
// program's own schema (config/schema.ts), so the command and `pulumi up` agree on every value and message.
import { CONFIG_NAMESPACE, ConfigError, misspelledNamespaceProblems, parseStackConfig } from "../../config/schema";
import { StackFileError, readStackFileConfig } from "../reconcile/stackConfig";

export { StackFileError, defaultStackFile } from "../reconcile/stackConfig";

/** The stack's settings onboarding uses, defaults applied. */
export interface OnboardingConfig {
    readonly tenantDomain: string;
    readonly accountCount: number;
    readonly accountPrefix: string;
    /** credential.requiredPasskeys: device-bound passkeys per account before it gets its role. */
    readonly requiredPasskeys: number;
    /** credential.method: "passkey" or "certificate". */
    readonly credentialMethod: string;
    /** limitedAccount: whether `<prefix>-limited` is declared. */
    readonly limitedAccount: boolean;
    /** conditionalAccess.graphEndpoint: the Graph cloud of the tenant. */
    readonly graphEndpoint: string;
}

/** The keys onboarding reads; an encrypted value of any other key is skipped, as onboarding needs no secret. */
const NEEDED_KEYS = ["tenantDomain", "accountCount", "accountPrefix", "credential", "limitedAccount", "conditionalAccess"];

/** `true` when `value` is, or holds anywhere inside, an encrypted config value (`{secure: ...}`). */
function holdsEncryptedValue(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    if (!Array.isArray(value) && "secure" in value) return true;
    return Object.values(value).some(holdsEncryptedValue);
}

/**
 * The namespace-less values of the stack's `entra-emergency-access:*` keys, as the schema takes them: keys onboarding
 * does not need are dropped when they hold an encrypted value (a webhook URL of `alerts`), since their clear values
 * are what the schema checks; an encrypted key onboarding needs is a StackFileError naming it.
 */
export function onboardingConfigValues(config: Record<string, unknown>, file: string): Record<string, unknown> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const values: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(config)) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        if (holdsEncryptedValue(value)) {
            if (NEEDED_KEYS.includes(key)) {
                throw new StackFileError(`${file}: ${fullKey} is encrypted; it holds no secret, set it in clear`);
            }
            continue;
        }
        values[key] = value;
    }
    // alerts cannot stand without sentinel (the schema refuses it): when sentinel was skipped as encrypted, so is alerts.
    if (values.sentinel === undefined) delete values.alerts;
    return values;
}

/** Reads and validates `file`; a bad value is a ConfigError naming the key, an unreadable file a StackFileError. */
export function readOnboardingConfig(file: string): OnboardingConfig {
    const config = readStackFileConfig(file);
    const misspelled = misspelledNamespaceProblems(Object.keys(config));
    if (misspelled.length > 0) throw new ConfigError(misspelled);
    const parsed = parseStackConfig(onboardingConfigValues(config as Record<string, unknown>, file));
    return {
        tenantDomain: parsed.tenantDomain,
        accountCount: parsed.accountCount,
        accountPrefix: parsed.accountPrefix,
        requiredPasskeys: parsed.credential.requiredPasskeys,
        credentialMethod: parsed.credential.method,
        limitedAccount: parsed.limitedAccount,
        graphEndpoint: parsed.conditionalAccess.graphEndpoint,
    };
}
