// The canonical declaration of the identity side of emergency access: the accounts, their group, the Global
// Administrator role and its assignments, and the options every emergency resource is declared with. The
// component builds its resources from these functions and the pack judges by the same ones, so a change to
// either side shows up as a difference the gate refuses. Pure data and functions; no Pulumi import.
import {
    AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
    CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID,
    DIRECTORY_ROOT_SCOPE,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    GRAPH_ENDPOINTS,
    LIMITED_ACCOUNT_KEY,
    TYPES,
    emergencyUserPrincipalName,
    isInitialDomain,
    type AccountKey,
} from "../constants";
import type { InputDeclaration } from "./inputs";

/** The display name plainly marks the account, so nobody mistakes it for a person or deletes it as stale. */
export function emergencyDisplayName(key: AccountKey): string {
    const which = key === LIMITED_ACCOUNT_KEY ? "LIMITED" : String(key);
    return `EMERGENCY ACCESS ${which} (break glass - do not use, every sign-in alerts)`;
}

/** The group's description, as the tenant's admins read it in the portal. */
export const EMERGENCY_GROUP_DESCRIPTION =
    "Emergency access (break glass) accounts, managed by the entra-emergency-access Pulumi program. " +
    "Excluded from every Conditional Access policy. Change only through the program.";

/** The settings of an emergency user that do not depend on which account it is. */
export const EMERGENCY_USER_SETTINGS = {
    accountEnabled: true,
    // A forced change at first sign-in would leave the account unusable in an outage.
    forcePasswordChange: false,
    // An expired password locks the account out exactly when nobody has used it for months.
    disablePasswordExpiration: true,
    disableStrongPassword: false,
    showInAddressList: false,
} as const;

/** The inputs of emergency account `key` (its password aside: see declaration/credentials). */
export function emergencyUserInputs(prefix: string, key: AccountKey, tenantDomain: string, usageLocation?: string) {
    const userPrincipalName = emergencyUserPrincipalName(prefix, key, tenantDomain);
    return {
        userPrincipalName,
        mailNickname: userPrincipalName.split("@")[0],
        displayName: emergencyDisplayName(key),
        ...EMERGENCY_USER_SETTINGS,
        usageLocation,
    };
}

/** The inputs of the emergency group; `members` are the accounts' object ids. */
export function emergencyGroupInputs<Id>(displayName: string, members: readonly Id[]) {
    return {
        displayName,
        description: EMERGENCY_GROUP_DESCRIPTION,
        securityEnabled: true,
        mailEnabled: false,
        // Only Global and Privileged Role Administrators can change a role-assignable group's members,
        // so a Groups or User Administrator cannot add themselves to the exclusion group.
        assignableToRole: true,
        visibility: "Private",
        preventDuplicateNames: true,
        members: [...members],
    } as const;
}

/**
 * A permanent, active assignment of the role `templateId` (activated by template id, the same in every tenant and
 * cloud) at directory scope.
 */
export function directoryRoleAssignmentInputs<Id>(templateId: string, principalObjectId: Id) {
    return { roleId: templateId, principalObjectId, directoryScopeId: DIRECTORY_ROOT_SCOPE } as const;
}

/**
 * The limited recovery account's roles, each with the suffix of its role resource (`<component><suffix>`) and of its
 * assignment (`<component><suffix>-limited`): enough to undo a Conditional Access or authentication-methods lockout,
 * far less than Global Administrator. Assigned permanently, like Global Administrator, for the same reason.
 */
export const LIMITED_ACCOUNT_ROLES = [
    { suffix: "-conditional-access-administrator", templateId: CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID, displayName: "Conditional Access Administrator" },
    {
        suffix: "-authentication-policy-administrator",
        templateId: AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
        displayName: "Authentication Policy Administrator",
    },
] as const;

/** The display name of an emergency role (Global Administrator or a limited account's role), for messages. */
export function emergencyRoleName(templateId: unknown): string {
    return LIMITED_ACCOUNT_ROLES.find((role) => role.templateId === templateId)?.displayName ?? "Global Administrator";
}

/** Every role an emergency resource may activate or assign: Global Administrator and the limited account's two. */
export const EMERGENCY_ROLE_TEMPLATE_IDS: readonly string[] = [GLOBAL_ADMINISTRATOR_TEMPLATE_ID, ...LIMITED_ACCOUNT_ROLES.map((role) => role.templateId)];

/**
 * The options of every emergency resource: neither `pulumi destroy`, a deleted line nor a replacement may delete
 * one. retainOnDelete is invisible to analyzers (the Analyzer protocol does not carry it), so the offline plan
 * checks it from the recorded registrations.
 */
export const EMERGENCY_RESOURCE_OPTIONS = { protect: true, retainOnDelete: true } as const;

/**
 * Emergency resources declared without protect and retainOnDelete, because deleting them is harmless and must stay
 * possible: an exclusion's delete is a no-op in the tenant (the exclusion stays), and the set of exclusions follows the
 * tenant's Conditional Access policies, which come and go.
 */
export const UNPROTECTED_TYPES: ReadonlySet<string> = new Set([TYPES.conditionalAccessExclusion]);

/**
 * The only ignoreChanges the declaration has: the user's bootstrap password, set once at creation and replaced by
 * the custody resource, must never be written back. Any other ignored input would let drift stand unnoticed.
 */
export const DECLARED_IGNORE_CHANGES: Readonly<Record<string, readonly string[]>> = {
    [TYPES.user]: ["password"],
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function guidTest(value: unknown): string | undefined {
    return typeof value === "string" && GUID.test(value) ? undefined : `is ${JSON.stringify(value)}; it must be an object id.`;
}

/**
 * What the pack accepts for emergency account `key`, named `<prefix>-<n|limited>@<initial domain>`. The tenant
 * domain is read from the declared name (the stack config's), and must be an initial domain: emergency accounts
 * are cloud-only.
 */
export function emergencyUserDeclaration(prefix: string, key: AccountKey, declaredUserPrincipalName: unknown): InputDeclaration {
    const domain = typeof declaredUserPrincipalName === "string" ? (declaredUserPrincipalName.split("@")[1] ?? "") : "";
    const expected = emergencyUserInputs(prefix, key, domain);
    return {
        userPrincipalName: isInitialDomain(domain)
            ? { equals: expected.userPrincipalName }
            : {
                  test: (value) =>
                      `is ${JSON.stringify(value)}; emergency accounts are cloud-only, named ${prefix}-${key}@<tenant>.onmicrosoft.com.`,
              },
        mailNickname: { equals: expected.mailNickname },
        displayName: { equals: expected.displayName },
        ...Object.fromEntries(Object.entries(EMERGENCY_USER_SETTINGS).map(([key, value]) => [key, { equals: value }])),
        usageLocation: {
            optional: true,
            test: (value) => (typeof value === "string" && /^[A-Z]{2}$/.test(value) ? undefined : "must be an ISO 3166-1 alpha-2 country code."),
        },
        // Judged by the credential policies: its value must come from the account's bootstrap RandomPassword.
        password: { optional: true, test: () => undefined },
    };
}

/** What the pack accepts for the emergency group; its members are judged against the accounts by a stack policy. */
export function emergencyGroupDeclaration(displayName: string): InputDeclaration {
    const settings = Object.entries(emergencyGroupInputs(displayName, [])).filter(([key]) => key !== "members");
    return {
        ...Object.fromEntries(settings.map(([key, value]) => [key, { equals: value }])),
        members: {
            test: (value) =>
                Array.isArray(value) && value.every((id) => guidTest(id) === undefined) ? undefined : "must be a list of object ids.",
        },
    };
}

function emergencyRoleTest(value: unknown): string | undefined {
    return EMERGENCY_ROLE_TEMPLATE_IDS.includes(value as string)
        ? undefined
        : `is ${JSON.stringify(value)}; an emergency role is Global Administrator (${GLOBAL_ADMINISTRATOR_TEMPLATE_ID}) or one of the ` +
              `limited account's (${LIMITED_ACCOUNT_ROLES.map((role) => `${role.displayName} ${role.templateId}`).join(", ")}).`;
}

/** Suffix of the Global Administrator role resource (`<component>-global-administrator`); assignments add `-<n>`. */
export const GLOBAL_ADMINISTRATOR_SUFFIX = "-global-administrator";

/**
 * The role template a component role or assignment must carry, told by its name: `<c>-global-administrator[-<n>]` is
 * Global Administrator, `<c><limited role suffix>[-limited]` the limited role. Undefined for any other name.
 */
export function emergencyRoleTemplateIdOf(name: string): string | undefined {
    if (new RegExp(`${GLOBAL_ADMINISTRATOR_SUFFIX}(?:-\\d+)?$`).test(name)) return GLOBAL_ADMINISTRATOR_TEMPLATE_ID;
    return LIMITED_ACCOUNT_ROLES.find((role) => new RegExp(`${role.suffix}(?:-${LIMITED_ACCOUNT_KEY})?$`).test(name))?.templateId;
}

/** What the pack accepts for an emergency directory role and each assignment of one (who holds which is a stack policy's). */
export function emergencyRoleDeclaration(name: string): InputDeclaration {
    const templateId = emergencyRoleTemplateIdOf(name);
    return { templateId: templateId ? { equals: templateId } : { test: emergencyRoleTest } };
}

export function emergencyRoleAssignmentDeclaration(name: string): InputDeclaration {
    const templateId = emergencyRoleTemplateIdOf(name);
    return {
        roleId: templateId ? { equals: templateId } : { test: emergencyRoleTest },
        principalObjectId: { test: guidTest },
        directoryScopeId: { equals: DIRECTORY_ROOT_SCOPE },
    };
}

function guidListTest(value: unknown): string | undefined {
    return Array.isArray(value) && value.every((id) => guidTest(id) === undefined) ? undefined : "must be a list of object ids.";
}

/**
 * What the pack accepts for a ConditionalAccessExclusion: a policy id, the ids to exclude (judged against the
 * accounts and the group by conditional-access-require-emergency-exclusions), and a Microsoft Graph endpoint, since
 * the provider sends its token there. Nothing else.
 */
export const CONDITIONAL_ACCESS_EXCLUSION_DECLARATION: InputDeclaration = {
    policyId: { test: guidTest },
    userIds: { test: guidListTest },
    groupIds: { test: guidListTest },
    graphEndpoint: {
        optional: true,
        test: (value) =>
            (GRAPH_ENDPOINTS as readonly unknown[]).includes(value)
                ? undefined
                : `is ${JSON.stringify(value)}; the provider sends its token there, so it must be one of ${GRAPH_ENDPOINTS.join(", ")}.`,
    },
};
