// Reading exclusions from an azuread.ConditionalAccessPolicy's props (provider spelling: excludedUsers,
// excludedGroups) and from a ConditionalAccessExclusion's state.

/** True for a policy that targets workload identities only; user exclusions do not apply there. */
export function targetsWorkloadIdentitiesOnly(props: Record<string, any>): boolean {
    const servicePrincipals = props.conditions?.clientApplications?.includedServicePrincipals;
    return Array.isArray(servicePrincipals) && servicePrincipals.length > 0;
}

/**
 * The emergency account ids a policy does not exclude. An account counts as excluded when its id is in
 * excludedUsers or the emergency group is in excludedGroups.
 */
export function accountsNotExcluded(
    props: Record<string, any>,
    accountIds: readonly string[],
    groupId: string | undefined,
): string[] {
    const users = props.conditions?.users ?? {};
    const excludedUsers: unknown[] = Array.isArray(users.excludedUsers) ? users.excludedUsers : [];
    const excludedGroups: unknown[] = Array.isArray(users.excludedGroups) ? users.excludedGroups : [];
    if (groupId && excludedGroups.includes(groupId)) return [];
    return accountIds.filter((id) => !excludedUsers.includes(id));
}

/** The props with every emergency account id and the group id added to the exclusions (remediation). */
export function withEmergencyExclusions(
    props: Record<string, any>,
    accountIds: readonly string[],
    groupId: string | undefined,
): Record<string, any> {
    const conditions = props.conditions ?? {};
    const users = conditions.users ?? {};
    const add = (list: unknown, ids: readonly string[]) => {
        const current: string[] = Array.isArray(list) ? [...list] : [];
        return [...current, ...ids.filter((id) => !current.includes(id))];
    };
    return {
        ...props,
        conditions: {
            ...conditions,
            users: {
                ...users,
                excludedUsers: add(users.excludedUsers, accountIds),
                ...(groupId ? { excludedGroups: add(users.excludedGroups, [groupId]) } : {}),
            },
        },
    };
}
