// The one Conditional Access model: which policies are user-scoped, which emergency ids a policy excludes or
// misses, and the policy with the missing ids added. The exclusion provider, the in-program helper, the pack
// and the later verify and reconcile commands all use it, over either spelling of a policy:
// - Microsoft Graph's JSON (`conditions.users.excludeUsers`, `conditions.clientApplications.includeServicePrincipals`);
// - the azuread provider's inputs (`excludedUsers`, `includedServicePrincipals`).
// Pure: no network, no Pulumi. Object ids are GUIDs and compare without regard to case, everywhere.

/** `conditions.users` in Graph's spelling. Keys this project does not read are kept exactly as Graph returned them. */
export interface ConditionalAccessUsers {
    readonly includeUsers?: string[] | null;
    readonly excludeUsers?: string[] | null;
    readonly includeGroups?: string[] | null;
    readonly excludeGroups?: string[] | null;
    readonly includeRoles?: string[] | null;
    readonly excludeRoles?: string[] | null;
    readonly includeGuestsOrExternalUsers?: unknown;
    readonly excludeGuestsOrExternalUsers?: unknown;
    readonly [key: string]: unknown;
}

/** `conditions.clientApplications` in Graph's spelling: the workload identities (service principals, agents) a policy targets. */
export interface ConditionalAccessClientApplications {
    readonly includeServicePrincipals?: string[] | null;
    readonly excludeServicePrincipals?: string[] | null;
    readonly includeAgentIdServicePrincipals?: string[] | null;
    readonly [key: string]: unknown;
}

/** `conditions` of a policy in Graph's spelling; only `users` and `clientApplications` are read here. */
export interface ConditionalAccessConditions {
    readonly users?: ConditionalAccessUsers | null;
    readonly clientApplications?: ConditionalAccessClientApplications | null;
    readonly [key: string]: unknown;
}

/** A conditionalAccessPolicy as Graph returns it. */
export interface ConditionalAccessPolicy {
    readonly id: string;
    readonly displayName?: string;
    readonly state?: string;
    readonly modifiedDateTime?: string | null;
    readonly conditions?: ConditionalAccessConditions | null;
    readonly [key: string]: unknown;
}

/** Policy states Graph v1.0 knows. */
export const POLICY_STATES = ["enabled", "disabled", "enabledForReportingButNotEnforced"] as const;

/** The key names of one spelling of a policy's conditions. */
export interface Spelling {
    readonly includeUsers: string;
    readonly excludeUsers: string;
    readonly includeGroups: string;
    readonly excludeGroups: string;
    readonly includeRoles: string;
    readonly includeGuestsOrExternalUsers: string;
    readonly includeServicePrincipals: string;
    readonly includeAgentIdServicePrincipals: string;
}

/** Microsoft Graph's spelling, used by the provider, discovery, reconcile and verify. */
export const GRAPH_SPELLING: Spelling = {
    includeUsers: "includeUsers",
    excludeUsers: "excludeUsers",
    includeGroups: "includeGroups",
    excludeGroups: "excludeGroups",
    includeRoles: "includeRoles",
    includeGuestsOrExternalUsers: "includeGuestsOrExternalUsers",
    includeServicePrincipals: "includeServicePrincipals",
    includeAgentIdServicePrincipals: "includeAgentIdServicePrincipals",
};

/** The azuread provider's spelling (`azuread.ConditionalAccessPolicy` inputs), used by the in-program helper and the pack. */
export const AZUREAD_SPELLING: Spelling = {
    includeUsers: "includedUsers",
    excludeUsers: "excludedUsers",
    includeGroups: "includedGroups",
    excludeGroups: "excludedGroups",
    includeRoles: "includedRoles",
    includeGuestsOrExternalUsers: "includedGuestsOrExternalUsers",
    includeServicePrincipals: "includedServicePrincipals",
    // The provider (6.9) has no agent identity condition; a key that is never present reads as empty.
    includeAgentIdServicePrincipals: "includedAgentIdServicePrincipals",
};

/** Emergency object ids, split the way Conditional Access stores exclusions. */
export interface EmergencyIds {
    /** Object ids of emergency users. */
    readonly userIds: readonly string[];
    /** Object ids of emergency groups. */
    readonly groupIds: readonly string[];
}

/** Whether a policy is user-scoped (and so must exclude the emergency accounts), and why not when it is not. */
export type PolicyClassification = { readonly userScoped: true } | { readonly userScoped: false; readonly reason: string };

/** Why a policy that is not user-scoped is left out; each is a fixed sentence so reports and tests can name it. */
export const NOT_USER_SCOPED_REASONS = {
    workloadIdentities:
        "targets workload identities (service principals) only; Graph accepts no user or group exclusions there",
    agentIdentities: "targets agent identities only; Graph accepts no user or group exclusions there",
    noUsers: 'includes no user (includeUsers: ["None"], no group, role or guest): it applies to nobody',
} as const;

/** Object ids are GUIDs, which compare without regard to case. */
export function sameId(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

/** `true` when `ids` holds `id`, in any letter case. */
export function includesId(ids: readonly unknown[] | null | undefined, id: string): boolean {
    return (ids ?? []).some((other) => typeof other === "string" && sameId(other, id));
}

/** `ids` without repeats (in any letter case), first occurrence kept, order preserved. */
function distinct(ids: readonly string[]): string[] {
    return ids.filter((id, index) => ids.findIndex((other) => sameId(other, id)) === index);
}

/** The list at `key` of an object read from Graph or from provider inputs; anything else reads as empty. */
function listAt(object: unknown, key: string): unknown[] {
    const value = object !== null && typeof object === "object" ? (object as Record<string, unknown>)[key] : undefined;
    return Array.isArray(value) ? value : [];
}

/** `true` when a list of ids names something (an empty list and `["None"]` name nothing). */
function namesAnyone(ids: readonly unknown[]): boolean {
    return ids.some((id) => id !== "None");
}

/** `true` when a users condition applies to some user: by id, "All", group, role or guest type. */
function targetsUsers(users: unknown, spelling: Spelling): boolean {
    if (users === null || typeof users !== "object") return false;
    const guests = (users as Record<string, unknown>)[spelling.includeGuestsOrExternalUsers];
    return (
        namesAnyone(listAt(users, spelling.includeUsers)) ||
        namesAnyone(listAt(users, spelling.includeGroups)) ||
        namesAnyone(listAt(users, spelling.includeRoles)) ||
        (guests !== null && guests !== undefined && !(Array.isArray(guests) && guests.length === 0))
    );
}

/**
 * Whether a policy must exclude the emergency accounts. Every policy that applies to some user does, in any
 * state (report-only and disabled policies can be switched on at any time), even when it also targets
 * workload identities. Left out, each with its reason: policies that target only service principals, only
 * agent identities, or nobody at all. `conditions` is the policy's conditions in either spelling.
 */
export function classifyPolicy(conditions: unknown, spelling: Spelling = GRAPH_SPELLING): PolicyClassification {
    const record = conditions !== null && typeof conditions === "object" ? (conditions as Record<string, unknown>) : {};
    if (targetsUsers(record.users, spelling)) return { userScoped: true };
    const apps = record.clientApplications;
    if (namesAnyone(listAt(apps, spelling.includeServicePrincipals))) {
        return { userScoped: false, reason: NOT_USER_SCOPED_REASONS.workloadIdentities };
    }
    if (namesAnyone(listAt(apps, spelling.includeAgentIdServicePrincipals))) {
        return { userScoped: false, reason: NOT_USER_SCOPED_REASONS.agentIdentities };
    }
    return { userScoped: false, reason: NOT_USER_SCOPED_REASONS.noUsers };
}

/** The emergency ids a users condition excludes directly (excludeUsers, excludeGroups); what `read` reports as state. */
export function excludedEmergencyIds(users: unknown, wanted: EmergencyIds, spelling: Spelling = GRAPH_SPELLING): EmergencyIds {
    return {
        userIds: distinct(wanted.userIds).filter((id) => includesId(listAt(users, spelling.excludeUsers), id)),
        groupIds: distinct(wanted.groupIds).filter((id) => includesId(listAt(users, spelling.excludeGroups), id)),
    };
}

/** The emergency ids a users condition does not exclude directly yet. Empty lists mean converged. */
export function missingEmergencyIds(users: unknown, wanted: EmergencyIds, spelling: Spelling = GRAPH_SPELLING): EmergencyIds {
    return {
        userIds: distinct(wanted.userIds).filter((id) => !includesId(listAt(users, spelling.excludeUsers), id)),
        groupIds: distinct(wanted.groupIds).filter((id) => !includesId(listAt(users, spelling.excludeGroups), id)),
    };
}

/** `true` when nothing is missing. */
export function isConverged(missing: EmergencyIds): boolean {
    return missing.userIds.length === 0 && missing.groupIds.length === 0;
}

/**
 * The users condition exactly as given, with only the missing emergency ids appended to its user and group
 * exclusions. Graph replaces `users` wholesale on PATCH, so everything else in it (includes, roles, guests,
 * other people's exclusions) must be sent back unchanged; the azuread helper and the pack's remediation use
 * the same function in the provider's spelling.
 */
export function withEmergencyExclusions<T extends object>(
    users: T | null | undefined,
    wanted: EmergencyIds,
    spelling: Spelling = GRAPH_SPELLING,
): T {
    const current = (users ?? {}) as T & Record<string, unknown>;
    const missing = missingEmergencyIds(current, wanted, spelling);
    const appended = (key: string, ids: readonly string[]) =>
        ids.length > 0 ? { [key]: [...listAt(current, key), ...ids] } : {};
    return {
        ...current,
        ...appended(spelling.excludeUsers, missing.userIds),
        ...appended(spelling.excludeGroups, missing.groupIds),
    };
}

/**
 * The emergency accounts a policy still lets in, for the pack and verify: an account counts as excluded when
 * its id is in the user exclusions or an emergency group is in the group exclusions.
 */
export function accountsNotExcluded(users: unknown, wanted: EmergencyIds, spelling: Spelling = GRAPH_SPELLING): string[] {
    const excluded = excludedEmergencyIds(users, wanted, spelling);
    if (excluded.groupIds.length > 0) return [];
    return distinct(wanted.userIds).filter((id) => !includesId(excluded.userIds, id));
}
