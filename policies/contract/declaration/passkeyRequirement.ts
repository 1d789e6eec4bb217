// The canonical declaration of each emergency account's passkey requirement: the dynamic resource that counts the
// account's phishing-resistant credentials and fails `pulumi up` while they are missing, so the account's role
// assignment (which depends on it) is made only once the account can sign in without its password. The component
// builds the resource from these functions and the pack judges it by the same ones; the fewest keys comes from the
// trusted pack config (minimumPasskeys), the stack config can only ask for more. Pure: no Pulumi import.
import { DEFAULTS, GRAPH_ENDPOINTS, LIMITS, type AccountKey } from "../constants";
import type { InputDeclaration } from "./inputs";

/**
 * The phishing-resistant credential an account needs before it gets its role: device-bound FIDO2 passkeys
 * (security keys in the safes), or certificate-based authentication. Microsoft recommends both for emergency
 * accounts, different from what everyday admins use.
 */
export const CREDENTIAL_METHODS = ["passkey", "certificate"] as const;
export type CredentialMethod = (typeof CREDENTIAL_METHODS)[number];

/** Name infix of an account's passkey requirement: `<component>-passkey-requirement-<n|limited>`. */
export const PASSKEY_REQUIREMENT_INFIX = "-passkey-requirement-";

/** The resource name of account `key`'s passkey requirement. */
export function passkeyRequirementName(component: string, key: AccountKey): string {
    return `${component}${PASSKEY_REQUIREMENT_INFIX}${key}`;
}

/** The exact command that onboards an account, as every "requirement not met" message names it. */
export function onboardingCommand(userPrincipalName: string, minimumPasskeys: number): string {
    const keys = minimumPasskeys === DEFAULTS.requiredPasskeys ? "" : ` --keys ${minimumPasskeys}`;
    return `npm run onboard -- --account ${userPrincipalName}${keys}`;
}

/** What an account's passkey requirement is built from. */
export interface PasskeyRequirementSettings<Id> {
    readonly userObjectId: Id;
    readonly userPrincipalName: string;
    readonly method: CredentialMethod;
    readonly minimumPasskeys: number;
    readonly emergencyGroupObjectId: Id;
    readonly graphEndpoint: string;
}

/** The inputs of an account's PasskeyRequirement. */
export function passkeyRequirementInputs<Id>(settings: PasskeyRequirementSettings<Id>) {
    return {
        userObjectId: settings.userObjectId,
        userPrincipalName: settings.userPrincipalName,
        method: settings.method,
        minimumPasskeys: settings.minimumPasskeys,
        emergencyGroupObjectId: settings.emergencyGroupObjectId,
        graphEndpoint: settings.graphEndpoint,
    };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const objectId = (value: unknown) => (typeof value === "string" && GUID.test(value) ? undefined : `is ${JSON.stringify(value)}; it must be an object id.`);

/** Why a required number of passkeys is refused (a whole number from the trusted `minimum` to LIMITS' maximum), or undefined. */
export function minimumPasskeysProblem(value: unknown, minimum: number): string | undefined {
    const floor = Math.max(LIMITS.requiredPasskeys.min, minimum);
    const { max } = LIMITS.requiredPasskeys;
    if (typeof value === "number" && Number.isInteger(value) && value >= floor && value <= max) return undefined;
    return (
        `is ${JSON.stringify(value)}; each emergency account needs from ${floor} to ${max} device-bound passkeys before it gets ` +
        "its role (the trusted floor), so one lost key is never a lockout."
    );
}

/** What the pack accepts for a PasskeyRequirement, with the trusted fewest keys. */
export function passkeyRequirementDeclaration(minimumPasskeys: number): InputDeclaration {
    return {
        userObjectId: { test: objectId },
        userPrincipalName: {
            test: (value) =>
                typeof value === "string" && /^[^@\s]+@[^@\s]+$/.test(value) ? undefined : `is ${JSON.stringify(value)}; it must be a user principal name.`,
        },
        method: {
            test: (value) =>
                (CREDENTIAL_METHODS as readonly unknown[]).includes(value)
                    ? undefined
                    : `is ${JSON.stringify(value)}; it must be one of ${CREDENTIAL_METHODS.join(", ")}.`,
        },
        minimumPasskeys: { test: (value) => minimumPasskeysProblem(value, minimumPasskeys) },
        emergencyGroupObjectId: { test: objectId },
        graphEndpoint: {
            test: (value) =>
                (GRAPH_ENDPOINTS as readonly unknown[]).includes(value)
                    ? undefined
                    : `is ${JSON.stringify(value)}; the provider sends its token there, so it must be one of ${GRAPH_ENDPOINTS.join(", ")}.`,
        },
    };
}
