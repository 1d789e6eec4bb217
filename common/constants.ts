// Constants shared by the program (components/, config/, plan/) and the policy pack (policies/).
// The pack imports this folder and never the program, so everything here is plain data and pure code.

/** The Pulumi project name; also the namespace of every config key. */
export const PROJECT_NAME = "entra-emergency-access";

/** Type token of the EmergencyAccess component. Policies recognise emergency resources by it in the URN. */
export const EMERGENCY_ACCESS_TYPE = `${PROJECT_NAME}:index:EmergencyAccess`;

/**
 * Global Administrator role template id. Built-in role template ids are the same in every tenant and
 * every cloud, so the role is identified by this id and never by its display name.
 */
export const GLOBAL_ADMINISTRATOR_TEMPLATE_ID = "62e90394-69f5-4237-9190-012177145e10";

/** Directory scope of a tenant-wide role assignment. */
export const DIRECTORY_ROOT_SCOPE = "/";

/** Limits shared by config validation, the component and the password policy. */
export const ACCOUNT_COUNT = { min: 2, max: 4, default: 2 } as const;
export const PASSWORD_LENGTH = { min: 24, max: 256, default: 32 } as const;

/**
 * Minimum count of each character class (upper, lower, digit, special) in a generated password.
 * The pack only demands 1 of each; the component asks for 2 so a tweak to the component cannot
 * silently reach the floor.
 */
export const PASSWORD_MIN_PER_CLASS = 2;

/**
 * Special characters a generated password may contain. All are accepted by Microsoft Entra ID
 * and none is a quote, a backslash or a space, which are the characters people mistype when they
 * copy a password from paper.
 */
export const PASSWORD_SPECIAL_CHARACTERS = "!#$%&*()-_=+[]{}<>:?";

/** Microsoft Graph endpoints: the global one (the default) first, then the national clouds. */
export const GRAPH_ENDPOINTS = [
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
] as const;

/** Suffix every emergency account's domain must carry: cloud-only accounts live on the initial domain. */
export const INITIAL_DOMAIN_SUFFIX = ".onmicrosoft.com";

/** Token of a Terraform-bridged provider's resource (azuread, random): `<pkg>:index/<camelName>:<Name>`. */
function bridgedToken<P extends string, N extends string>(pkg: P, name: N): `${P}:index/${Uncapitalize<N>}:${N}` {
    return `${pkg}:index/${name.charAt(0).toLowerCase()}${name.slice(1)}:${name}` as `${P}:index/${Uncapitalize<N>}:${N}`;
}

/** Pulumi type tokens of the resources the program declares and the pack inspects. */
export const TYPES = {
    stack: "pulumi:pulumi:Stack",
    randomPassword: bridgedToken("random", "RandomPassword"),
    user: bridgedToken("azuread", "User"),
    group: bridgedToken("azuread", "Group"),
    directoryRole: bridgedToken("azuread", "DirectoryRole"),
    directoryRoleAssignment: bridgedToken("azuread", "DirectoryRoleAssignment"),
    directoryRoleEligibilityScheduleRequest: bridgedToken("azuread", "DirectoryRoleEligibilityScheduleRequest"),
    conditionalAccessPolicy: bridgedToken("azuread", "ConditionalAccessPolicy"),
    conditionalAccessExclusion: "pulumi-nodejs:dynamic/entra-emergency-access:ConditionalAccessExclusion",
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

/** Names of the stack outputs, shared by index.ts, the plan and the pack's secrets policy. */
export const STACK_OUTPUTS = {
    accountObjectIds: "emergencyAccountObjectIds",
    accountUserPrincipalNames: "emergencyAccountUserPrincipalNames",
    groupObjectId: "emergencyAccessGroupObjectId",
    passwords: "emergencyAccountPasswords",
    excludedPolicyIds: "conditionalAccessExcludedPolicyIds",
    skippedPolicies: "conditionalAccessSkippedPolicies",
    signInRuleId: "signInRuleId",
    changeRuleId: "changeRuleId",
    actionGroupId: "actionGroupId",
} as const;

/** `true` when `domain` is a tenant's initial (`*.onmicrosoft.com`) domain. */
export function isInitialDomain(domain: string): boolean {
    return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.onmicrosoft\.com$/i.test(domain);
}

/** The user principal name of emergency account `index` (1-based). */
export function emergencyUserPrincipalName(prefix: string, index: number, tenantDomain: string): string {
    return `${prefix}-${index}@${tenantDomain}`;
}
