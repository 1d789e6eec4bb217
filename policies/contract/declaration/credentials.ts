// The canonical declaration of the emergency credentials: each account's bootstrap RandomPassword and its
// PasswordCustody resource, every input of each. The component builds both resources from these functions and the
// pack judges what it receives by the same ones, so a pull request that weakens how a password is generated (a
// shorter length, a narrower character set, a custom overrideSpecial, keepers) produces a declaration the gate
// refuses. Values only the stack config knows (length, rotation label, custody mode, custodians) are parameters;
// their floors come from the trusted pack config (trust.ts) and the custody rules (custody.ts). Pure: no Pulumi import.
import { DEFAULTS, GRAPH_ENDPOINTS, LIMITS, PASSWORD_MIN_PER_CLASS, PASSWORD_SPECIAL_CHARACTERS } from "../constants";
import {
    PASSWORD_CHARACTER_CLASSES,
    rotationLabelProblem,
    type Custodian,
    type CustodyMode,
    type PasswordCharacterClasses,
} from "../custody";
import type { InputDeclaration } from "./inputs";

/** Name suffix of account n's bootstrap RandomPassword: `<component>-password-<n>`. */
export const BOOTSTRAP_PASSWORD_INFIX = "-password-";

/** Name suffix of account n's user: `<component>-account-<n>`. */
export const ACCOUNT_INFIX = "-account-";

/** Name suffix of account n's custody resource: `<component>-password-custody-<n>`. */
export const PASSWORD_CUSTODY_INFIX = "-password-custody-";

/** The name of the bootstrap RandomPassword of the user named `userName` (`<c>-account-<n>` → `<c>-password-<n>`). */
export function bootstrapPasswordNameOf(userName: string): string | undefined {
    const match = /^(.*)-account-(\d+|limited)$/.exec(userName);
    return match ? `${match[1]}${BOOTSTRAP_PASSWORD_INFIX}${match[2]}` : undefined;
}

/**
 * The inputs of an account's bootstrap RandomPassword: `passwordLength` characters, every class required at least
 * PASSWORD_MIN_PER_CLASS times, specials only from PASSWORD_SPECIAL_CHARACTERS. No keepers: it is never rotated
 * (the custody resource rotates), so nothing may make it change.
 */
export function bootstrapPasswordInputs(passwordLength: number) {
    return {
        length: passwordLength,
        upper: true,
        lower: true,
        numeric: true,
        special: true,
        minUpper: PASSWORD_MIN_PER_CLASS,
        minLower: PASSWORD_MIN_PER_CLASS,
        minNumeric: PASSWORD_MIN_PER_CLASS,
        minSpecial: PASSWORD_MIN_PER_CLASS,
        overrideSpecial: PASSWORD_SPECIAL_CHARACTERS,
    } as const;
}

/** Why a generated password length is refused (whole number from `minimum` to LIMITS' maximum), or undefined. */
export function passwordLengthProblem(value: unknown, minimum: number): string | undefined {
    const floor = Math.max(LIMITS.passwordLength.min, minimum);
    const { max } = LIMITS.passwordLength;
    if (typeof value === "number" && Number.isInteger(value) && value >= floor && value <= max) return undefined;
    return `is ${JSON.stringify(value)}; emergency passwords need a whole number of characters from ${floor} to ${max}.`;
}

/**
 * What the pack accepts for a bootstrap RandomPassword: a length of at least `minimumPasswordLength` (the trusted
 * floor) and every other input exactly as bootstrapPasswordInputs declares it, nothing else.
 */
export function bootstrapPasswordDeclaration(minimumPasswordLength: number): InputDeclaration {
    const fixed = Object.entries(bootstrapPasswordInputs(LIMITS.passwordLength.min)).filter(([key]) => key !== "length");
    return {
        length: { test: (value) => passwordLengthProblem(value, minimumPasswordLength) },
        ...Object.fromEntries(fixed.map(([key, value]) => [key, { equals: value }])),
        // The provider's deprecated alias of `numeric`, which its Check may fill in: true or absent, never false.
        number: {
            optional: true,
            test: (value) =>
                value === true ? undefined : `is ${JSON.stringify(value)}; it is numeric's alias and must stay true.`,
        },
    };
}

/** How the custody resource's provider generates: the character classes and the fewest characters of each. */
export interface PasswordGenerationRules {
    readonly characterClasses: PasswordCharacterClasses;
    readonly minimumPerClass: number;
}

/**
 * The generation rules every custody resource declares. Explicit inputs (not constants inside the provider) so the
 * pack sees them: analyzers never receive the provider's code (`__provider`).
 */
export const PASSWORD_GENERATION_RULES: PasswordGenerationRules = {
    characterClasses: { ...PASSWORD_CHARACTER_CLASSES },
    minimumPerClass: PASSWORD_MIN_PER_CLASS,
};

/** What the custody resource of one account is declared from. */
export interface CustodyDeclarationSettings<Id> {
    /** Object id of the user (an Output in the program, a string or unknown in the pack). */
    readonly userObjectId: Id;
    readonly userPrincipalName: string;
    /** The passwordRotation label (custody.ts: rotationLabelProblem). */
    readonly rotation: string;
    readonly passwordLength: number;
    readonly mode: CustodyMode;
    readonly custodians: readonly Custodian[];
    readonly threshold: number;
    readonly graphEndpoint: string;
}

/** The inputs of an account's PasswordCustody resource. */
export function passwordCustodyInputs<Id>(settings: CustodyDeclarationSettings<Id>) {
    return {
        userObjectId: settings.userObjectId,
        userPrincipalName: settings.userPrincipalName,
        rotation: settings.rotation,
        passwordLength: settings.passwordLength,
        mode: settings.mode,
        custodians: settings.custodians.map((c) => ({ name: c.name, recipient: c.recipient })),
        threshold: settings.threshold,
        graphEndpoint: settings.graphEndpoint,
        characterClasses: { ...PASSWORD_GENERATION_RULES.characterClasses },
        minimumPerClass: PASSWORD_GENERATION_RULES.minimumPerClass,
    };
}

/** The input keys of a custody resource, as passwordCustodyInputs declares them. */
export const PASSWORD_CUSTODY_INPUT_KEYS = Object.keys(
    passwordCustodyInputs({
        userObjectId: "",
        userPrincipalName: "",
        rotation: DEFAULTS.passwordRotation,
        passwordLength: DEFAULTS.passwordLength,
        mode: DEFAULTS.credentialMode,
        custodians: [],
        threshold: 0,
        graphEndpoint: DEFAULTS.graphEndpoint,
    }),
) as (keyof ReturnType<typeof passwordCustodyInputs>)[];

/** Why a custody resource's Graph endpoint is refused: the password is sent there, so only Microsoft's own. */
export function graphEndpointProblem(value: unknown): string | undefined {
    return (GRAPH_ENDPOINTS as readonly unknown[]).includes(value)
        ? undefined
        : `is ${JSON.stringify(value)}; the password is sent there, so it must be one of Microsoft Graph's: ` +
              `${GRAPH_ENDPOINTS.join(", ")}.`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the pack accepts for a custody resource, input by input: the user's object id, a rotation label changed on
 * purpose (rotationLabelProblem), a length of at least the trusted floor, Microsoft's Graph, and exactly the
 * contract's generation rules. Mode, custodians and threshold are judged together (custodyProblems and the trusted
 * custody parameters), so here they only have to be present.
 */
export function passwordCustodyDeclaration(minimumPasswordLength: number): InputDeclaration {
    const present = { test: (value: unknown) => (value === undefined ? "is missing." : undefined) };
    return {
        userObjectId: {
            test: (value) =>
                typeof value === "string" && GUID.test(value) ? undefined : `is ${JSON.stringify(value)}; it must be the user's object id.`,
        },
        userPrincipalName: {
            test: (value) =>
                typeof value === "string" && value.includes("@")
                    ? undefined
                    : `is ${JSON.stringify(value)}; it must be the user's principal name.`,
        },
        rotation: {
            test: (value) => {
                const problem = rotationLabelProblem(value);
                return problem ? `is refused: ${problem}.` : undefined;
            },
        },
        passwordLength: { test: (value) => passwordLengthProblem(value, minimumPasswordLength) },
        mode: present,
        custodians: present,
        threshold: present,
        graphEndpoint: { test: graphEndpointProblem },
        characterClasses: { equals: PASSWORD_GENERATION_RULES.characterClasses },
        minimumPerClass: { equals: PASSWORD_GENERATION_RULES.minimumPerClass },
    };
}
