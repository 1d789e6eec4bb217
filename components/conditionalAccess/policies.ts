// Pure functions over Microsoft Graph's conditionalAccessPolicy JSON (v1.0 spelling). They decide which
// emergency exclusions a policy lacks and build the one object a PATCH sends; they never call the network.

/** `conditions.users` of a policy. Keys this project does not read are kept exactly as Graph returned them. */
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

/** `conditions.clientApplications` of a policy: the workload identities (service principals, agents) it targets. */
export interface ConditionalAccessClientApplications {
    readonly includeServicePrincipals?: string[] | null;
    readonly excludeServicePrincipals?: string[] | null;
    readonly includeAgentIdServicePrincipals?: string[] | null;
    readonly [key: string]: unknown;
}

/** `conditions` of a policy; only `users` and `clientApplications` are read here. */
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

/** Emergency object ids, split the way Graph stores exclusions. */
export interface EmergencyIds {
    /** Object ids of emergency users. */
    readonly userIds: string[];
    /** Object ids of emergency groups. */
    readonly groupIds: string[];
}

/** Whether the exclusions are added to a policy, and why not when they are not. */
export type PolicyClassification = { readonly target: true } | { readonly target: false; readonly reason: string };

/** Reason given for a policy that only targets workload identities. */
export const WORKLOAD_IDENTITY_ONLY_REASON =
    "targets workload identities (service principals or agents) only; Graph accepts no user or group exclusions there";

/** Object ids are GUIDs, which compare without regard to case. */
function sameId(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

/** `ids` without repeats, first occurrence kept, order preserved. */
function distinct(ids: readonly string[]): string[] {
    return ids.filter((id, index) => ids.findIndex((other) => sameId(other, id)) === index);
}

/** The ids of `wanted` that `present` lacks. */
function absentFrom(present: readonly string[] | null | undefined, wanted: readonly string[]): string[] {
    return distinct(wanted).filter((id) => !(present ?? []).some((other) => sameId(other, id)));
}

/** The ids of `wanted` that `present` holds. */
function presentIn(present: readonly string[] | null | undefined, wanted: readonly string[]): string[] {
    return distinct(wanted).filter((id) => (present ?? []).some((other) => sameId(other, id)));
}

/** The desired emergency ids the policy does not exclude yet. Empty lists mean the policy is converged. */
export function missingExclusions(
    policy: ConditionalAccessPolicy,
    userIds: readonly string[],
    groupIds: readonly string[],
): EmergencyIds {
    const users = policy.conditions?.users;
    return {
        userIds: absentFrom(users?.excludeUsers, userIds),
        groupIds: absentFrom(users?.excludeGroups, groupIds),
    };
}

/** The desired emergency ids the live policy does exclude; what `read` reports as state. */
export function excludedEmergencyIds(
    policy: ConditionalAccessPolicy,
    userIds: readonly string[],
    groupIds: readonly string[],
): EmergencyIds {
    const users = policy.conditions?.users;
    return {
        userIds: presentIn(users?.excludeUsers, userIds),
        groupIds: presentIn(users?.excludeGroups, groupIds),
    };
}

/** `true` when nothing is missing. */
export function isConverged(missing: EmergencyIds): boolean {
    return missing.userIds.length === 0 && missing.groupIds.length === 0;
}

/**
 * The whole `conditions.users` object exactly as read, with only the missing ids appended to `excludeUsers`
 * and `excludeGroups`. Graph replaces `users` wholesale on PATCH, so everything else in it (includes, roles,
 * guests, other people's exclusions) must be sent back unchanged.
 */
export function withExclusions(
    users: ConditionalAccessUsers | null | undefined,
    userIds: readonly string[],
    groupIds: readonly string[],
): ConditionalAccessUsers {
    const current: ConditionalAccessUsers = users ?? {};
    const newUsers = absentFrom(current.excludeUsers, userIds);
    const newGroups = absentFrom(current.excludeGroups, groupIds);
    return {
        ...current,
        ...(newUsers.length > 0 ? { excludeUsers: [...(current.excludeUsers ?? []), ...newUsers] } : {}),
        ...(newGroups.length > 0 ? { excludeGroups: [...(current.excludeGroups ?? []), ...newGroups] } : {}),
    };
}

/** `true` when a list of Graph ids names something (an empty list and `["None"]` name nothing). */
function namesAnyone(ids: readonly string[] | null | undefined): boolean {
    return (ids ?? []).some((id) => id !== "None");
}

/** `true` when the policy applies to some user: by id, "All", group, role or guest type. */
function targetsUsers(users: ConditionalAccessUsers | null | undefined): boolean {
    if (!users) return false;
    return (
        namesAnyone(users.includeUsers) ||
        namesAnyone(users.includeGroups) ||
        namesAnyone(users.includeRoles) ||
        (users.includeGuestsOrExternalUsers !== null && users.includeGuestsOrExternalUsers !== undefined)
    );
}

/** `true` when the policy applies to some service principal or agent identity. */
function targetsWorkloadIdentities(apps: ConditionalAccessClientApplications | null | undefined): boolean {
    if (!apps) return false;
    return namesAnyone(apps.includeServicePrincipals) || namesAnyone(apps.includeAgentIdServicePrincipals);
}

/**
 * Whether a policy gets the emergency exclusions. Every user policy does, whatever its state (report-only and
 * disabled policies can be switched on at any time); policies that target workload identities only are skipped,
 * because Graph rejects user and group exclusions on them and they cannot lock a person out anyway.
 */
export function classifyPolicy(policy: ConditionalAccessPolicy): PolicyClassification {
    const conditions = policy.conditions;
    if (targetsWorkloadIdentities(conditions?.clientApplications) && !targetsUsers(conditions?.users)) {
        return { target: false, reason: WORKLOAD_IDENTITY_ONLY_REASON };
    }
    return { target: true };
}
