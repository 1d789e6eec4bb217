// The contract's constants: names, ids, type tokens, and the one table of defaults and limits. The pack
// owns them and ships them (policies/ imports nothing outside itself); the program, config/ and graph/
// import them from here. Plain data and pure code only.

/** The Pulumi project name; also the namespace of every config key. */
export const PROJECT_NAME = "entra-emergency-access";

/** Type token of the EmergencyAccess component. Policies recognise emergency resources by it in the URN. */
export const EMERGENCY_ACCESS_TYPE = `${PROJECT_NAME}:index:EmergencyAccess`;

/**
 * Global Administrator role template id. Built-in role template ids are the same in every tenant and
 * every cloud, so the role is identified by this id and never by its display name.
 */
export const GLOBAL_ADMINISTRATOR_TEMPLATE_ID = "62e90394-69f5-4237-9190-012177145e10";

/** Conditional Access Administrator role template id: the limited recovery account's first role. */
export const CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9";

/** Authentication Policy Administrator role template id: the limited recovery account's second role. */
export const AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID = "0526716b-113d-4c15-b2c8-68e3c22b9f80";

/** Directory scope of a tenant-wide role assignment. */
export const DIRECTORY_ROOT_SCOPE = "/";

/** Microsoft Graph endpoints: the global one (the default) first, then the national clouds. */
export const GRAPH_ENDPOINTS = [
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
] as const;

/**
 * Every limit, defined once. Config validation, the component's own checks, the pack's floors, the README
 * and Pulumi.yaml all read them from here (test/repo checks the documents against this table).
 */
export const LIMITS = {
    /** Emergency accounts: Microsoft asks for two or more; CIS 1.1.3 allows 2 to 4 Global Administrators. */
    accountCount: { min: 2, max: 4 },
    /** Generated password length: the seed article's 24 is the floor; Entra ID accepts up to 256. */
    passwordLength: { min: 24, max: 256 },
    /** Rotation label length. */
    passwordRotation: { maxLength: 64 },
    /**
     * Scheduled rule frequency in minutes: Sentinel's shortest is 5, and the pack's trusted maximum is 5 too (an
     * emergency sign-in is paged within minutes). The one definition of both: the config schema accepts exactly this
     * range, and the pack's frequency check defaults its maximum to `max` (as an ISO 8601 duration: PT5M), so a value
     * the config accepts is never refused by the pack.
     */
    queryFrequencyMinutes: { min: 5, max: 5 },
    /**
     * Custodians of sealed passwords: at most 10 (one envelope per custodian per account in the stack outputs);
     * with two or more, at least 2 shares must be needed, so no single custodian opens a password alone.
     */
    custodians: { max: 10, minThresholdWithSeveral: 2 },
    /**
     * Graph requests per second a process sends (conditionalAccess.requestsPerSecond). Graph allows Conditional
     * Access about one request per second per tenant, for all apps together; more than a few only buys 429s.
     */
    graphRequestsPerSecond: { min: 0.1, max: 20 },
    /**
     * Device-bound FIDO2 keys each account must have before it gets its role: Microsoft and the article's author ask for
     * at least two, kept in separate safes, so one lost key is not a lockout. At most 10, more than any safe plan needs.
     */
    requiredPasskeys: { min: 2, max: 10 },
    /**
     * Lifetime of the onboarding Temporary Access Pass, in minutes: Graph accepts 10 to 43200; onboarding needs one
     * sitting, so anything beyond 8 hours is a pass left lying around.
     */
    temporaryAccessPassMinutes: { min: 10, max: 480 },
} as const;

/**
 * Every default, defined once: the config schema, the component (for programs that build it directly),
 * the pack's recognition parameters, Pulumi.yaml and the README all take them from here.
 */
export const DEFAULTS = {
    accountCount: 2,
    accountPrefix: "breakglass",
    passwordLength: 32,
    passwordRotation: "initial",
    groupDisplayName: "Emergency Access Accounts",
    queryFrequency: "PT5M",
    graphEndpoint: GRAPH_ENDPOINTS[0],
    excludeFrom: "all",
    /** Custody of the emergency passwords: passwordless (the password is discarded), Microsoft's current guidance. */
    credentialMode: "passkey",
    /** Shares needed to open a sealed password when the config names two or more custodians and no threshold. */
    custodyThreshold: 2,
    /** Graph's documented limit for Conditional Access and identity protection: 1 request per second per tenant, all apps. */
    graphRequestsPerSecond: 1,
    /** How long one process reuses its paged listing of the Conditional Access policies (any write drops it sooner). */
    policyListCacheSeconds: 30,
    /** The phishing-resistant credential each account must have before it gets its role: FIDO2 passkeys. */
    credentialMethod: "passkey",
    /** Device-bound FIDO2 keys per account (credential.requiredPasskeys). */
    requiredPasskeys: 2,
    /** Lifetime of the onboarding Temporary Access Pass (npm run onboard --tap-minutes). */
    temporaryAccessPassMinutes: 60,
    /** Seconds between two polls of the account's FIDO2 methods while onboarding waits for the keys. */
    onboardingPollSeconds: 5,
    /** The limited recovery account (limitedAccount) is opt-in. */
    limitedAccount: false,
    /** The restricted-management administrative unit (restrictedManagement) is opt-in. */
    restrictedManagement: false,
    /** Display name of the restricted-management administrative unit holding the accounts and the group. */
    administrativeUnitDisplayName: "Emergency Access (restricted management)",
    /** Minutes between runs of the reconcile workflow (.github/workflows/reconcile.yml); the exposure window's bound. */
    reconcileIntervalMinutes: 15,
} as const;

/**
 * The value the engine sends for an input not known yet (during preview). The provider and the pack both
 * recognise it; the pack also knows the SDK's other sentinels (policies/lib/emergency.ts).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Minimum count of each character class (upper, lower, digit, special) in a generated password.
 * The pack only demands 1 of each; the component asks for 2 so a tweak to the component cannot
 * silently reach the floor.
 */
export const PASSWORD_MIN_PER_CLASS = 2;

/**
 * Special characters a generated password may contain (the custody provider's and the bootstrap's). All are
 * accepted by Microsoft Entra ID and sit on every common keyboard layout without dead keys: no quote,
 * backslash, backtick, tilde, caret, bracket or space, which people mistype when they copy from paper.
 */
export const PASSWORD_SPECIAL_CHARACTERS = "!#$%&*+-=?";

/** Suffix every emergency account's domain must carry: cloud-only accounts live on the initial domain. */
export const INITIAL_DOMAIN_SUFFIX = ".onmicrosoft.com";

/** Token of a Terraform-bridged provider's resource (azuread, random): `<pkg>:index/<camelName>:<Name>`. */
function bridgedToken<P extends string, N extends string>(pkg: P, name: N): `${P}:index/${Uncapitalize<N>}:${N}` {
    return `${pkg}:index/${name.charAt(0).toLowerCase()}${name.slice(1)}:${name}` as `${P}:index/${Uncapitalize<N>}:${N}`;
}

/** Module of this project's dynamic resources: their tokens are `pulumi-nodejs:dynamic/<module>:<Type>`. */
export const DYNAMIC_RESOURCE_MODULE = PROJECT_NAME;

/** Token of one of this project's dynamic resources. */
function dynamicToken<N extends string>(name: N): `pulumi-nodejs:dynamic/${typeof PROJECT_NAME}:${N}` {
    return `pulumi-nodejs:dynamic/${DYNAMIC_RESOURCE_MODULE}:${name}`;
}

/** Pulumi type tokens of the resources the program declares and the pack inspects. */
export const TYPES = {
    stack: "pulumi:pulumi:Stack",
    randomPassword: bridgedToken("random", "RandomPassword"),
    user: bridgedToken("azuread", "User"),
    group: bridgedToken("azuread", "Group"),
    groupMember: bridgedToken("azuread", "GroupMember"),
    directoryRole: bridgedToken("azuread", "DirectoryRole"),
    directoryRoleAssignment: bridgedToken("azuread", "DirectoryRoleAssignment"),
    directoryRoleEligibilityScheduleRequest: bridgedToken("azuread", "DirectoryRoleEligibilityScheduleRequest"),
    conditionalAccessPolicy: bridgedToken("azuread", "ConditionalAccessPolicy"),
    conditionalAccessExclusion: dynamicToken("ConditionalAccessExclusion"),
    passwordCustody: dynamicToken("PasswordCustody"),
    passkeyRequirement: dynamicToken("PasskeyRequirement"),
    restrictedManagementUnit: dynamicToken("RestrictedManagementUnit"),
    randomString: bridgedToken("random", "RandomString"),
    scheduledAlertRule: "azure-native:securityinsights:ScheduledAlertRule",
    actionGroup: "azure-native:monitor:ActionGroup",
    scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
} as const;

/**
 * Child resource names are `<component name><suffix>`. The pack tells the sign-in rule from the change
 * rule by these suffixes, so renaming a rule is itself a violation rather than a silent loss.
 */
export const SIGN_IN_RULE_SUFFIX = "-sign-in-rule";
export const CHANGE_RULE_SUFFIX = "-change-rule";
export const SIGN_IN_ALERT_SUFFIX = "-sign-in-alert";
export const NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX = "-non-interactive-alert";
export const ACTION_GROUP_SUFFIX = "-action-group";

/** Names of the stack outputs, shared by index.ts, the plan and the pack. None carries a password. */
export const STACK_OUTPUTS = {
    /** Every emergency account, the limited recovery account last when declared. */
    accountObjectIds: "emergencyAccountObjectIds",
    /** The limited recovery account, only when declared. */
    limitedAccountObjectId: "limitedEmergencyAccountObjectId",
    /** Per account: device-bound passkeys counted at the last deployment or refresh, and whether the role may stand. */
    passkeyRequirements: "emergencyAccountPasskeyRequirements",
    /** The restricted-management administrative unit, only when declared. */
    administrativeUnitId: "restrictedManagementUnitId",
    accountUserPrincipalNames: "emergencyAccountUserPrincipalNames",
    groupObjectId: "emergencyAccessGroupObjectId",
    credentialMode: "emergencyAccountCredentialMode",
    passwordEnvelopes: "emergencyAccountPasswordEnvelopes",
    excludedPolicyIds: "conditionalAccessExcludedPolicyIds",
    skippedPolicies: "conditionalAccessSkippedPolicies",
    /** The stack config's Conditional Access scope ({excludeFrom, skip}): what the pack judges against the trusted allow-list. */
    conditionalAccessScope: "conditionalAccessScope",
    signInRuleId: "signInRuleId",
    changeRuleId: "changeRuleId",
    actionGroupId: "actionGroupId",
} as const;

/** `true` when `domain` is a tenant's initial (`*.onmicrosoft.com`) domain. */
export function isInitialDomain(domain: string): boolean {
    return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.onmicrosoft\.com$/i.test(domain);
}

/**
 * The key of the limited recovery account (`<prefix>-limited@<domain>`): Conditional Access Administrator and
 * Authentication Policy Administrator, never Global Administrator, never counted among the emergency accounts' minimum.
 */
export const LIMITED_ACCOUNT_KEY = "limited";

/** The most emergency accounts a stack declares: LIMITS.accountCount.max Global Administrator accounts and the limited one. */
export const MAX_EMERGENCY_ACCOUNTS = LIMITS.accountCount.max + 1;

/** Which emergency account: its 1-based number, or LIMITED_ACCOUNT_KEY. */
export type AccountKey = number | typeof LIMITED_ACCOUNT_KEY;

/** The user principal name of emergency account `key` (a 1-based number, or the limited account). */
export function emergencyUserPrincipalName(prefix: string, key: AccountKey, tenantDomain: string): string {
    return `${prefix}-${key}@${tenantDomain}`;
}
