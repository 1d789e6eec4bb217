// The trusted parameters of the gate: floors and allow-lists that must not come from the pull request under
// review. Their values live in the pack config (policies/policy-config.json, passed from the base branch in CI, or
// a Pulumi Cloud policy group's config); the defaults here are the strictest the contract allows, so a pack run
// without any config is as strict as it gets. The stack config (Pulumi.<stack>.yaml) can only tighten them:
// anything it declares beyond these is a mandatory violation. Plain data and pure code only.
import type { PolicyConfigSchema } from "@pulumi/policy";
import { LIMITS } from "./constants";

/** A Conditional Access policy the trusted config allows the program to leave without the exclusions. */
export interface AllowedSkip {
    readonly policyId: string;
    /** Why the policy may apply to the emergency accounts; shown in every plan that skips it. */
    readonly reason: string;
}

/** Every trusted parameter, with the type its value has. */
export interface TrustedParameters {
    /** Fewest emergency Global Administrator accounts. */
    readonly minimumAccounts: number;
    /** Shortest generated password (bootstrap and custody). */
    readonly minimumPasswordLength: number;
    /** Fewest device-bound FIDO2 keys an account needs before it gets its role (credential.requiredPasskeys may ask for more). */
    readonly minimumPasskeys: number;
    /**
     * The phishing-resistant credentials an account's role may wait for: `passkey` (device-bound keys, counted per account)
     * and, only when listed, `certificate` (judged by the tenant's certificate-based authentication targeting the group).
     */
    readonly allowedCredentialMethods: readonly string[];
    /** Whether the limited recovery account (a standing Conditional Access and Authentication Policy Administrator) may exist. */
    readonly allowLimitedAccount: boolean;
    /** Conditional Access policies the stack config may skip, each with its reason. */
    readonly allowedConditionalAccessSkips: readonly AllowedSkip[];
    /** Whether `conditionalAccess.excludeFrom` may list policies instead of "all". */
    readonly allowNarrowExcludeFrom: boolean;
    /** Fewest human receivers (email addresses and phone numbers) of the direct alerts. */
    readonly minimumHumanReceivers: number;
    /** Host names webhook receivers may post to (exact, lower case). */
    readonly allowedWebhookHosts: readonly string[];
    /** SHA-256 (hex) of rule and alert queries that differ from the builders' output and are reviewed and allowed. */
    readonly allowedQueryHashes: readonly string[];
    /**
     * Names (the last part of the URN) of resources outside the canonical declaration that may touch the emergency
     * objects: a group member, an automation rule, an alert processing rule, a Conditional Access policy, ...
     */
    readonly allowedResources: readonly string[];
}

export type TrustedParameter = keyof TrustedParameters;

/** The defaults: the strictest values. A pack config may loosen only what is listed here, and only as far as LIMITS. */
export const TRUSTED_DEFAULTS: TrustedParameters = {
    minimumAccounts: LIMITS.accountCount.min,
    minimumPasswordLength: LIMITS.passwordLength.min,
    minimumPasskeys: LIMITS.requiredPasskeys.min,
    allowedCredentialMethods: ["passkey"],
    allowLimitedAccount: false,
    allowedConditionalAccessSkips: [],
    allowNarrowExcludeFrom: false,
    minimumHumanReceivers: 2,
    allowedWebhookHosts: [],
    allowedQueryHashes: [],
    allowedResources: [],
};

const GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/** JSON schema of each parameter, as policies declare it in `configSchema`. */
const SCHEMAS: { readonly [K in TrustedParameter]: Record<string, unknown> } = {
    minimumAccounts: {
        type: "integer",
        minimum: LIMITS.accountCount.min,
        maximum: LIMITS.accountCount.max,
        description: `Fewest emergency Global Administrator accounts (never below ${LIMITS.accountCount.min}).`,
    },
    minimumPasswordLength: {
        type: "integer",
        minimum: LIMITS.passwordLength.min,
        maximum: LIMITS.passwordLength.max,
        description: `Shortest generated password (never below ${LIMITS.passwordLength.min}).`,
    },
    minimumPasskeys: {
        type: "integer",
        minimum: LIMITS.requiredPasskeys.min,
        maximum: LIMITS.requiredPasskeys.max,
        description: `Fewest device-bound FIDO2 keys per emergency account before its role (never below ${LIMITS.requiredPasskeys.min}).`,
    },
    allowedCredentialMethods: {
        type: "array",
        items: { type: "string", enum: ["passkey", "certificate"] },
        minItems: 1,
        description: "Credentials an emergency account's role may wait for: passkey, and certificate only when listed.",
    },
    allowLimitedAccount: {
        type: "boolean",
        description: "Whether the limited recovery account (Conditional Access and Authentication Policy Administrator) may be declared.",
    },
    allowedConditionalAccessSkips: {
        type: "array",
        items: {
            type: "object",
            properties: { policyId: { type: "string", pattern: GUID_PATTERN }, reason: { type: "string", minLength: 1 } },
            required: ["policyId", "reason"],
            additionalProperties: false,
        },
        description: "Conditional Access policies the stack config may skip, each with the reason reviewed for it.",
    },
    allowNarrowExcludeFrom: {
        type: "boolean",
        description: 'Whether conditionalAccess.excludeFrom may list policies instead of "all".',
    },
    minimumHumanReceivers: {
        type: "integer",
        minimum: 1,
        description: "Fewest email addresses and phone numbers the direct alerts reach.",
    },
    allowedWebhookHosts: {
        type: "array",
        items: { type: "string", pattern: "^[a-z0-9.-]+$" },
        description: "Host names webhook receivers may post to, exact and lower case.",
    },
    allowedQueryHashes: {
        type: "array",
        items: { type: "string", pattern: "^[0-9a-f]{64}$" },
        description: "SHA-256 (hex) of reviewed rule and alert queries that differ from the builders' output.",
    },
    allowedResources: {
        type: "array",
        items: { type: "string", minLength: 1 },
        description: "Names of resources outside the declaration that may touch the emergency objects.",
    },
};

/** The `configSchema` of a policy that reads the given trusted parameters, each defaulting to TRUSTED_DEFAULTS. */
export function trustedConfigSchema(...parameters: TrustedParameter[]): PolicyConfigSchema {
    return {
        properties: Object.fromEntries(
            parameters.map((name) => [name, { ...SCHEMAS[name], default: TRUSTED_DEFAULTS[name] }]),
        ) as PolicyConfigSchema["properties"],
    };
}

/** The trusted parameters a policy was configured with, every missing one at its default. */
export function trustedParameters(config: Partial<TrustedParameters> | undefined): TrustedParameters {
    return { ...TRUSTED_DEFAULTS, ...(config ?? {}) };
}
