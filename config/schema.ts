// The stack configuration: one schema, one table of documentation, one error format.
// Pure: no Pulumi runtime, so every rule and message is tested directly (test/config.test.ts).
import { z } from "zod";
import {
    DEFAULTS,
    GRAPH_ENDPOINTS,
    INITIAL_DOMAIN_SUFFIX,
    LIMITS,
    PROJECT_NAME,
    isInitialDomain,
} from "../policies/contract/constants";
import { CUSTODY_MODES, ROTATION_LABEL_EXAMPLES, custodyProblems, rotationLabelProblem } from "../policies/contract/custody";
import { CREDENTIAL_METHODS } from "../policies/contract/declaration/passkeyRequirement";
import { isoDurationMinutes, minutesToIsoDuration } from "../policies/contract/queries";

/** Every key lives in the project's namespace: `entra-emergency-access:<key>`. */
export const CONFIG_NAMESPACE = PROJECT_NAME;

/** Raised for any bad configuration value. The message names every bad key; nothing has been declared yet. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

// Pulumi hands every config value to the program as a string (objects as JSON). These preprocessors
// turn config strings into typed values and pass typed values (from tests or other callers) through,
// so a wrong type still reaches zod and fails with the key's own message.
const fromIntegerString = (value: unknown) =>
    typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
const fromJsonString = (value: unknown) => {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
};

const guid = (what: string) =>
    z
        .string({ error: `must be ${what} (a GUID)` })
        .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: `must be ${what} (a GUID)` });

/** The queryFrequency range, as the ISO 8601 durations people write (PT5M): one definition, LIMITS.queryFrequencyMinutes. */
const FREQUENCY = {
    min: minutesToIsoDuration(LIMITS.queryFrequencyMinutes.min),
    max: minutesToIsoDuration(LIMITS.queryFrequencyMinutes.max),
};
const FREQUENCY_RANGE =
    FREQUENCY.min === FREQUENCY.max
        ? `of at most ${FREQUENCY.max}, the policy pack's trusted maximum (and Sentinel's shortest)`
        : `from ${FREQUENCY.min}, Sentinel's shortest, to ${FREQUENCY.max}, the policy pack's trusted maximum`;

/**
 * queryFrequency's problem, if any: not a duration; faster than Sentinel runs a rule; or slower than the trusted
 * pack accepts by default, which would make the config pass and the pack refuse the rule.
 */
function frequencyProblem(value: string): string | undefined {
    const minutes = isoDurationMinutes(value);
    if (minutes === undefined) return `must be an ISO 8601 duration such as ${DEFAULTS.queryFrequency}`;
    if (minutes < LIMITS.queryFrequencyMinutes.min) return `must be at least ${FREQUENCY.min}: Sentinel's shortest frequency`;
    if (minutes > LIMITS.queryFrequencyMinutes.max) return `must be at most ${FREQUENCY.max}: the policy pack's trusted maximum`;
    return undefined;
}

const wholeNumber = (min: number, max: number) =>
    z.preprocess(
        fromIntegerString,
        z
            .number({ error: "must be a whole number" })
            .int({ error: "must be a whole number" })
            .min(min, { error: `must be at least ${min}` })
            .max(max, { error: `must be at most ${max}` }),
    );

/** A boolean key: Pulumi hands `true`/`false` to the program as strings. */
const booleanKey = (defaultValue: boolean) =>
    z.preprocess(
        (value) => (value === "true" ? true : value === "false" ? false : value),
        z.boolean({ error: "must be true or false" }).default(defaultValue),
    );

// Region codes Intl knows that are not ISO 3166-1 countries, so Entra ID would reject them.
const NOT_COUNTRIES = new Set(["EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"]);
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
function isIsoCountryCode(code: string): boolean {
    if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
    const name = regionNames.of(code);
    return name !== undefined && name !== code;
}

/** Pulumi.yaml can declare only these types; object keys are documented but cannot be declared there. */
export type PulumiConfigType = "string" | "integer" | "boolean" | "array" | "object";

interface KeySpec {
    /** What the key does: the README's description column and Pulumi.yaml's `description`. */
    readonly description: string;
    /** What values are accepted: quoted in every error message about the key. */
    readonly accepted: string;
    /** The Pulumi.yaml type. */
    readonly type: PulumiConfigType;
    /** The default applied when the key is unset; `undefined` means required or optional without default. */
    readonly default?: unknown;
    /** True for a key the stack must set: Pulumi.yaml declares it without a default, the README says "required". */
    readonly required?: boolean;
    readonly schema: z.ZodType;
}

/**
 * Every config key. The zod schema, Pulumi.yaml and the README's configuration table are all
 * checked against this table by tests, so none of them can drift from it.
 */
export const CONFIG_KEYS = {
    tenantDomain: {
        description: "The tenant's initial domain; the accounts are created on it so they stay cloud-only.",
        accepted: `a domain ending in ${INITIAL_DOMAIN_SUFFIX}, such as contoso${INITIAL_DOMAIN_SUFFIX}`,
        type: "string",
        required: true,
        schema: z
            .string({ error: "must be a string" })
            .trim()
            .toLowerCase()
            .refine(isInitialDomain, { error: `is not a *${INITIAL_DOMAIN_SUFFIX} domain` }),
    },
    accountCount: {
        description: "How many emergency accounts to keep. Microsoft recommends two or more.",
        accepted: `a whole number from ${LIMITS.accountCount.min} to ${LIMITS.accountCount.max}`,
        type: "integer",
        default: DEFAULTS.accountCount,
        schema: wholeNumber(LIMITS.accountCount.min, LIMITS.accountCount.max).default(DEFAULTS.accountCount),
    },
    accountPrefix: {
        description: "Start of each account's user name: `<accountPrefix>-<n>@<tenantDomain>`.",
        accepted: "2 to 48 lower-case letters, digits, '.', '_' or '-', starting with a letter",
        type: "string",
        default: DEFAULTS.accountPrefix,
        schema: z
            .string({ error: "must be a string" })
            .regex(/^[a-z][a-z0-9._-]{0,46}[a-z0-9]$/, { error: "is not a valid user name prefix" })
            .default(DEFAULTS.accountPrefix),
    },
    passwordLength: {
        description: "Length of each generated password.",
        accepted: `a whole number from ${LIMITS.passwordLength.min} to ${LIMITS.passwordLength.max}`,
        type: "integer",
        default: DEFAULTS.passwordLength,
        schema: wholeNumber(LIMITS.passwordLength.min, LIMITS.passwordLength.max).default(DEFAULTS.passwordLength),
    },
    passwordRotation: {
        description:
            "A label changed on purpose; changing it generates new passwords for every account on the next `pulumi up` (rotate after each test).",
        accepted:
            `a non-empty label of at most ${LIMITS.passwordRotation.maxLength} characters, such as ${ROTATION_LABEL_EXAMPLES.join(", ")}; ` +
            "never a time of day, a date-time or an epoch number, which would rotate on every deployment",
        type: "string",
        default: DEFAULTS.passwordRotation,
        schema: z.preprocess(
            (value) => (typeof value === "number" ? String(value) : value),
            z
                .string({ error: "must be a string" })
                .trim()
                .min(1, { error: "must not be empty" })
                .max(LIMITS.passwordRotation.maxLength, {
                    error: `must be at most ${LIMITS.passwordRotation.maxLength} characters`,
                })
                // The pack's own predicate, so the config refuses exactly the labels the gate refuses.
                .superRefine((label, ctx) => {
                    // Emptiness and length have their own messages above.
                    if (label.length === 0 || label.length > LIMITS.passwordRotation.maxLength) return;
                    const problem = rotationLabelProblem(label);
                    if (problem) ctx.addIssue({ code: "custom", message: problem.replace(/^passwordRotation /, "") });
                })
                .default(DEFAULTS.passwordRotation),
        ),
    },
    credential: {
        description:
            "How the emergency passwords are kept, and which phishing-resistant credential each account needs before it " +
            "gets its role. `mode: passkey`: generated, set and discarded; the accounts sign in with FIDO2 passkeys or " +
            "certificates kept in the safes. `mode: sealed-password`: sealed with age to custodians, split k-of-n (Shamir) " +
            "when threshold is 2 or more. `method`: `passkey` (device-bound FIDO2 keys, `requiredPasskeys` per account) or " +
            "`certificate` (certificate-based authentication).",
        accepted:
            `an object {mode: ${CUSTODY_MODES.map((m) => `"${m}"`).join(" or ")}, custodians: [{name, recipient}], threshold, ` +
            `method: ${CREDENTIAL_METHODS.map((m) => `"${m}"`).join(" or ")} (default ${DEFAULTS.credentialMethod}), ` +
            `requiredPasskeys: ${LIMITS.requiredPasskeys.min} to ${LIMITS.requiredPasskeys.max} (default ${DEFAULTS.requiredPasskeys})}; ` +
            "recipients are age X25519 recipients (age1...), names and recipients unique, at most " +
            `${LIMITS.custodians.max} custodians; threshold from ${LIMITS.custodians.minThresholdWithSeveral} to the number ` +
            `of custodians when there are two or more (default ${DEFAULTS.custodyThreshold}), 1 with a single custodian; ` +
            "no custodians in passkey mode",
        type: "object",
        default: { mode: DEFAULTS.credentialMode },
        schema: z.preprocess(
            fromJsonString,
            z
                .strictObject({
                    mode: z
                        .enum(CUSTODY_MODES, { error: `must be one of ${CUSTODY_MODES.join(", ")}` })
                        .default(DEFAULTS.credentialMode),
                    custodians: z
                        .array(
                            z.strictObject({
                                name: z.string({ error: "is required: who holds the key" }),
                                recipient: z.string({ error: "is required: the custodian's age1... recipient" }),
                            }, { error: "must be an object {name, recipient}" }),
                            { error: "must be a list of {name, recipient}" },
                        )
                        .default([]),
                    threshold: z.preprocess(
                        fromIntegerString,
                        z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }).optional(),
                    ),
                    method: z
                        .enum(CREDENTIAL_METHODS, { error: `must be one of ${CREDENTIAL_METHODS.join(", ")}` })
                        .default(DEFAULTS.credentialMethod),
                    requiredPasskeys: wholeNumber(LIMITS.requiredPasskeys.min, LIMITS.requiredPasskeys.max).default(
                        DEFAULTS.requiredPasskeys,
                    ),
                }, { error: "must be an object" })
                .default({
                    mode: DEFAULTS.credentialMode,
                    custodians: [],
                    method: DEFAULTS.credentialMethod,
                    requiredPasskeys: DEFAULTS.requiredPasskeys,
                })
                .transform((credential, ctx) => {
                    const threshold =
                        credential.mode === "passkey"
                            ? 0
                            : (credential.threshold ?? (credential.custodians.length >= 2 ? DEFAULTS.custodyThreshold : 1));
                    const settings = { ...credential, threshold };
                    for (const problem of custodyProblems({ ...settings, threshold: credential.mode === "passkey" ? undefined : threshold })) {
                        // The problem starts with the field it is about (custodians[1].recipient, threshold).
                        const field = /^[a-z]+(?:\[\d+\])?(?:\.[a-z]+)?/.exec(problem)?.[0] ?? "";
                        const path = field.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
                        ctx.addIssue({ code: "custom", path, message: problem.slice(field.length).trim() });
                    }
                    return settings;
                }),
        ),
    },
    usageLocation: {
        description: "Optional usage location of the accounts (needed only if a license is ever assigned).",
        accepted: "an ISO 3166-1 alpha-2 country code in capitals, such as US or DE",
        type: "string",
        // Pulumi.yaml needs a default for an optional key (a declared key without one is required), so
        // the empty string stands for "not set".
        default: "",
        schema: z.preprocess(
            (value) => (value === "" ? undefined : value),
            z
                .string({ error: "must be a string" })
                .refine(isIsoCountryCode, { error: "is not an ISO 3166-1 alpha-2 country code" })
                .optional(),
        ),
    },
    limitedAccount: {
        description:
            "A limited recovery account (`<accountPrefix>-limited`) beside the Global Administrator accounts: permanent " +
            "Conditional Access Administrator and Authentication Policy Administrator, to recover a Conditional Access or " +
            "authentication-method lockout with far less power. Same custody, passkeys, group, exclusions and alerts; it never " +
            "counts toward the minimum of emergency accounts.",
        accepted: "true or false",
        type: "boolean",
        default: DEFAULTS.limitedAccount,
        schema: booleanKey(DEFAULTS.limitedAccount),
    },
    restrictedManagement: {
        description:
            "Put the accounts and the group in a restricted-management administrative unit, so that only roles assigned at " +
            "the unit's scope can change them (tenant-wide admins and application permissions cannot). The deploy identity " +
            "then needs such a role (README, \"Restricted management\"). Not with `credential.mode: sealed-password`.",
        accepted: "true or false; only with credential.mode passkey",
        type: "boolean",
        default: DEFAULTS.restrictedManagement,
        schema: booleanKey(DEFAULTS.restrictedManagement),
    },
    conditionalAccess: {
        description:
            "Which Conditional Access policies exclude the emergency accounts: every policy in the tenant by default, " +
            "minus documented skips.",
        accepted:
            'an object {excludeFrom: "all" or a list of policy ids, skip: [{policyId, reason}], graphEndpoint, ' +
            `requestsPerSecond: Graph requests per second, ${LIMITS.graphRequestsPerSecond.min} to ${LIMITS.graphRequestsPerSecond.max} ` +
            `(default ${DEFAULTS.graphRequestsPerSecond})}; every skip needs a reason`,
        type: "object",
        default: { excludeFrom: DEFAULTS.excludeFrom, skip: [] },
        schema: z.preprocess(
            fromJsonString,
            z
                .strictObject({
                    excludeFrom: z
                        .union([z.literal("all"), z.array(guid("a policy id")).min(1, { error: "must not be empty" })], {
                            error: 'must be "all" or a list of policy ids',
                        })
                        .default(DEFAULTS.excludeFrom),
                    skip: z
                        .array(
                            z.strictObject({
                                policyId: guid("a policy id"),
                                reason: z
                                    .string({ error: "is required: say why the policy may apply to the emergency accounts" })
                                    .trim()
                                    .min(1, { error: "must not be empty: say why the policy may apply to the emergency accounts" }),
                            }),
                            { error: "must be a list of {policyId, reason}" },
                        )
                        .default([]),
                    graphEndpoint: z
                        .enum(GRAPH_ENDPOINTS, { error: `must be one of ${GRAPH_ENDPOINTS.join(", ")}` })
                        .default(DEFAULTS.graphEndpoint),
                    // Unset means DEFAULTS.graphRequestsPerSecond, applied where Graph is called (graph/pacing.ts).
                    requestsPerSecond: z
                        .number({ error: "must be a number" })
                        .min(LIMITS.graphRequestsPerSecond.min, { error: `must be at least ${LIMITS.graphRequestsPerSecond.min}` })
                        .max(LIMITS.graphRequestsPerSecond.max, { error: `must be at most ${LIMITS.graphRequestsPerSecond.max}` })
                        .optional(),
                }, { error: "must be an object" })
                .default({ excludeFrom: DEFAULTS.excludeFrom, skip: [], graphEndpoint: DEFAULTS.graphEndpoint }),
        ),
    },
    sentinel: {
        description:
            "The existing Log Analytics workspace with Microsoft Sentinel that receives the Entra sign-in, non-interactive " +
            "sign-in and audit logs. Unset: no rule is declared (and the policy pack reports it).",
        accepted:
            `an object {resourceGroupName, workspaceName, queryFrequency}; queryFrequency is an ISO 8601 duration ${FREQUENCY_RANGE}; ` +
            `default ${DEFAULTS.queryFrequency}`,
        type: "object",
        schema: z.preprocess(
            fromJsonString,
            z
                .strictObject({
                    resourceGroupName: z
                        .string({ error: "is required" })
                        .regex(/^[-\w.()]{0,89}[-\w()]$/, {
                            error: "must be 1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
                        }),
                    workspaceName: z
                        .string({ error: "is required" })
                        .regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, {
                            error: "must be 4 to 63 letters, digits or '-', starting and ending with a letter or digit",
                        }),
                    queryFrequency: z
                        .string({ error: `must be an ISO 8601 duration such as ${DEFAULTS.queryFrequency}` })
                        .superRefine((value, ctx) => {
                            const problem = frequencyProblem(value);
                            if (problem) ctx.addIssue({ code: "custom", message: problem });
                        })
                        .default(DEFAULTS.queryFrequency),
                }, { error: "must be an object" })
                .optional(),
        ),
    },
    alerts: {
        description:
            "Direct notification of every emergency sign-in (email, SMS, webhooks such as Teams), through an Azure Monitor " +
            "action group, independent of the Sentinel queue. Needs `sentinel`.",
        accepted:
            "an object {emails: [addresses], sms: [{countryCode, phoneNumber}], webhooks: [https URLs]} with at least one receiver",
        type: "object",
        schema: z.preprocess(
            fromJsonString,
            z
                .strictObject({
                    emails: z.array(z.email({ error: "must be an email address" })).max(1000).default([]),
                    sms: z
                        .array(
                            z.strictObject({
                                countryCode: z
                                    .string({ error: "must be a string of 1 to 3 digits, such as \"1\" or \"44\"" })
                                    .regex(/^[1-9]\d{0,2}$/, { error: "must be 1 to 3 digits, such as 1 or 44" }),
                                phoneNumber: z
                                    .string({ error: "must be a string of digits" })
                                    .regex(/^\d{4,14}$/, { error: "must be 4 to 14 digits, without spaces or the country code" }),
                            }),
                        )
                        .max(10, { error: "may list at most 10 numbers (an action group's limit)" })
                        .default([]),
                    webhooks: z
                        .array(z.url({ protocol: /^https$/, error: "must be an https URL" }))
                        .max(10, { error: "may list at most 10 webhooks (an action group's limit)" })
                        .default([]),
                }, { error: "must be an object" })
                .refine((a) => a.emails.length + a.sms.length + a.webhooks.length > 0, {
                    error: "must name at least one email, SMS number or webhook",
                })
                .optional(),
        ),
    },
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

const stackConfigSchema = z.strictObject(
    Object.fromEntries(Object.entries(CONFIG_KEYS).map(([k, spec]) => [k, spec.schema])) as {
        [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["schema"];
    },
);

/** The validated stack configuration, defaults applied. */
export type StackConfig = z.output<typeof stackConfigSchema>;

function describeValue(value: unknown): string {
    if (value === undefined) return "unset";
    // Numbers arrive from Pulumi as strings: show them as the user wrote them.
    const text = typeof value === "string" && /^-?\d+$/.test(value) ? value : (JSON.stringify(value) ?? String(value));
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** How many edits (insert, delete, substitute) apart a typo may be from the name it suggests. */
const TYPO_DISTANCE = 3;

/** Levenshtein distance between two strings, for suggesting the key someone meant. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The candidate nearest to `name`, compared without regard to case, if one is at most TYPO_DISTANCE edits away. */
function nearest(name: string, candidates: readonly string[]): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (distance <= TYPO_DISTANCE && (best === undefined || distance < best.distance)) best = { candidate, distance };
    }
    return best?.candidate;
}

/** The known key nearest to an unknown one, for "did you mean": `entra-emergency-access:passwordLength`. */
function suggestedKey(key: string): string | undefined {
    const known = nearest(key, Object.keys(CONFIG_KEYS));
    return known === undefined ? undefined : `${CONFIG_NAMESPACE}:${known}`;
}

/**
 * Keys (`namespace:key`, as the engine hands every config value to the program) whose namespace is a misspelling
 * of this project's (`entra-emergency-acces:accountCount`, `Entra-Emergency-Access:accountCount`): the program would
 * never read them, and the stack would silently run on defaults. One problem per key, suggesting the right key.
 */
export function misspelledNamespaceProblems(keys: readonly string[]): string[] {
    const problems: string[] = [];
    for (const key of keys) {
        const colon = key.indexOf(":");
        if (colon < 0) continue;
        const namespace = key.slice(0, colon);
        const name = key.slice(colon + 1);
        if (namespace === CONFIG_NAMESPACE || editDistance(namespace.toLowerCase(), CONFIG_NAMESPACE) > TYPO_DISTANCE) continue;
        const meant = name in CONFIG_KEYS ? `${CONFIG_NAMESPACE}:${name}` : (suggestedKey(name) ?? `${CONFIG_NAMESPACE}:${name}`);
        problems.push(`${key}: is not in this project's namespace ${CONFIG_NAMESPACE}, so nothing reads it; did you mean ${meant}?`);
    }
    return problems;
}

function valueAt(raw: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
    // Object keys arrive as JSON strings: read nested values from the parsed object.
    let value: unknown = path.length > 1 ? fromJsonString(raw[path[0] as string]) : raw;
    for (const segment of path.length > 1 ? path.slice(1) : path) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<PropertyKey, unknown>)[segment];
    }
    return value;
}

function formatIssue(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string[] {
    if (issue.code === "unrecognized_keys") {
        if (issue.path.length === 0) {
            const known = Object.keys(CONFIG_KEYS).join(", ");
            return issue.keys.map((k) => {
                const meant = suggestedKey(k);
                return `${CONFIG_NAMESPACE}:${k}: is not a known key${meant ? `; did you mean ${meant}?` : "."} Accepted keys: ${known}.`;
            });
        }
        // Inside an object key: the key's own description of what it accepts names its fields.
        const where = issue.path.join(".");
        const spec: KeySpec | undefined = CONFIG_KEYS[String(issue.path[0]) as ConfigKey];
        return issue.keys.map(
            (k) => `${CONFIG_NAMESPACE}:${where}.${k}: is not a known key of ${where}. Accepted: ${spec?.accepted}.`,
        );
    }
    const key = issue.path
        .map((segment, i) => (typeof segment === "number" ? `[${segment}]` : `${i ? "." : ""}${String(segment)}`))
        .join("");
    const top = String(issue.path[0]) as ConfigKey;
    const spec: KeySpec | undefined = CONFIG_KEYS[top];
    const value = valueAt(raw, issue.path);
    const problem =
        value === undefined && issue.code === "invalid_type" ? "is required but not set" : issue.message;
    const got = value === undefined ? "" : ` (got ${describeValue(value)})`;
    return [`${CONFIG_NAMESPACE}:${key}: ${problem}${got}. Accepted: ${spec?.accepted ?? "see the README"}.`];
}

/**
 * Validates the conditionalAccess key alone (the raw value of `<namespace>:conditionalAccess`, or undefined), with
 * the same schema, defaults and messages as parseStackConfig: for the reconcile command, which reads this one key
 * of a stack file and must not stop on another.
 */
export function parseConditionalAccessConfig(value: unknown): StackConfig["conditionalAccess"] {
    const raw = { conditionalAccess: value };
    const result = z.strictObject({ conditionalAccess: CONFIG_KEYS.conditionalAccess.schema }).safeParse(raw);
    if (!result.success) throw new ConfigError(result.error.issues.flatMap((issue) => formatIssue(issue, raw)));
    return result.data.conditionalAccess;
}

/**
 * Validates raw config values (strings as Pulumi passes them, or typed values) keyed without namespace.
 * Throws one ConfigError listing every bad key; returns the typed config with defaults applied.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw);
    if (!result.success) throw new ConfigError(result.error.issues.flatMap((issue) => formatIssue(issue, raw)));
    // A Global Administrator inside a restricted-management unit cannot have its password reset by any admin outside the
    // unit's scope, so a sealed password could never be rotated or repaired; passkeys need no reset.
    if (result.data.restrictedManagement && result.data.credential.mode === "sealed-password") {
        throw new ConfigError([
            `${CONFIG_NAMESPACE}:restrictedManagement: cannot be true with ${CONFIG_NAMESPACE}:credential.mode sealed-password: ` +
                "inside a restricted-management administrative unit no tenant-wide admin can reset a Global Administrator's " +
                "password, so the sealed password could not be rotated after a test or repaired after a leak. " +
                "Accepted: use credential.mode passkey, or restrictedManagement false.",
        ]);
    }
    // The direct alert queries the Sentinel workspace, so it cannot stand alone.
    if (result.data.alerts && !result.data.sentinel) {
        throw new ConfigError([
            `${CONFIG_NAMESPACE}:alerts: needs ${CONFIG_NAMESPACE}:sentinel, whose workspace the alert queries. ` +
                `Accepted: set sentinel too, or remove alerts.`,
        ]);
    }
    return result.data;
}
