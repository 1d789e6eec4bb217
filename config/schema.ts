// The stack configuration: one schema, one table of documentation, one error format.
// Pure: no Pulumi runtime, so every rule and message is tested directly (test/config.test.ts).
import { z } from "zod";
import {
    ACCOUNT_COUNT,
    INITIAL_DOMAIN_SUFFIX,
    PASSWORD_LENGTH,
    PROJECT_NAME,
    isInitialDomain,
} from "../common/constants";

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

const wholeNumber = (min: number, max: number) =>
    z.preprocess(
        fromIntegerString,
        z
            .number({ error: "must be a whole number" })
            .int({ error: "must be a whole number" })
            .min(min, { error: `must be at least ${min}` })
            .max(max, { error: `must be at most ${max}` }),
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
        accepted: `a whole number from ${ACCOUNT_COUNT.min} to ${ACCOUNT_COUNT.max}`,
        type: "integer",
        default: ACCOUNT_COUNT.default,
        schema: wholeNumber(ACCOUNT_COUNT.min, ACCOUNT_COUNT.max).default(ACCOUNT_COUNT.default),
    },
    accountPrefix: {
        description: "Start of each account's user name: `<accountPrefix>-<n>@<tenantDomain>`.",
        accepted: "2 to 48 lower-case letters, digits, '.', '_' or '-', starting with a letter",
        type: "string",
        default: "breakglass",
        schema: z
            .string({ error: "must be a string" })
            .regex(/^[a-z][a-z0-9._-]{0,46}[a-z0-9]$/, { error: "is not a valid user name prefix" })
            .default("breakglass"),
    },
    passwordLength: {
        description: "Length of each generated password.",
        accepted: `a whole number from ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max}`,
        type: "integer",
        default: PASSWORD_LENGTH.default,
        schema: wholeNumber(PASSWORD_LENGTH.min, PASSWORD_LENGTH.max).default(PASSWORD_LENGTH.default),
    },
    passwordRotation: {
        description:
            "Any label; changing it generates new passwords for every account on the next `pulumi up` (rotate after each test).",
        accepted: "a non-empty label of at most 64 characters, such as 2026-Q4",
        type: "string",
        default: "initial",
        schema: z.preprocess(
            (value) => (typeof value === "number" ? String(value) : value),
            z
                .string({ error: "must be a string" })
                .trim()
                .min(1, { error: "must not be empty" })
                .max(64, { error: "must be at most 64 characters" })
                .default("initial"),
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
        const known = Object.keys(CONFIG_KEYS).join(", ");
        const where = issue.path.length ? `${issue.path.join(".")}.` : "";
        return issue.keys.map(
            (k) => `${CONFIG_NAMESPACE}:${where}${k}: is not a known key. Accepted keys: ${known}.`,
        );
    }
    const key = issue.path.map(String).join(".");
    const top = String(issue.path[0]) as ConfigKey;
    const spec: KeySpec | undefined = CONFIG_KEYS[top];
    const value = valueAt(raw, issue.path);
    const problem =
        value === undefined && issue.code === "invalid_type" ? "is required but not set" : issue.message;
    const got = value === undefined ? "" : ` (got ${describeValue(value)})`;
    return [`${CONFIG_NAMESPACE}:${key}: ${problem}${got}. Accepted: ${spec?.accepted ?? "see the README"}.`];
}

/**
 * Validates raw config values (strings as Pulumi passes them, or typed values) keyed without namespace.
 * Throws one ConfigError listing every bad key; returns the typed config with defaults applied.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw);
    if (result.success) return result.data;
    throw new ConfigError(result.error.issues.flatMap((issue) => formatIssue(issue, raw)));
}
