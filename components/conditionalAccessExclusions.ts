// One ConditionalAccessExclusion per targeted policy, and the helper that merges the emergency ids into
// Conditional Access policies declared in the same program.
import type * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ConditionalAccessExclusion } from "./conditionalAccess/exclusionProvider";
import type { ExclusionTarget } from "./conditionalAccess/discovery";

export function declareConditionalAccessExclusions(
    name: string,
    targets: readonly ExclusionTarget[],
    userIds: pulumi.Output<string[]>,
    groupId: pulumi.Output<string>,
    graphEndpoint: string,
    parent: pulumi.Resource,
): ConditionalAccessExclusion[] {
    // Named by policy id, not display name: renaming a policy in the portal must not replace anything.
    return targets.map(
        (target) =>
            new ConditionalAccessExclusion(
                `${name}-ca-exclusion-${target.policyId}`,
                { policyId: target.policyId, userIds, groupIds: [groupId], graphEndpoint },
                // Not protected: deleting it never removes the exclusion (the provider's delete is a no-op),
                // and a policy deleted in the tenant must be able to leave the stack.
                { parent },
            ),
    );
}

function withIds(existing: readonly string[] | undefined, ids: readonly string[]): string[] {
    const list = [...(existing ?? [])];
    for (const id of ids) if (!list.includes(id)) list.push(id);
    return list;
}

/**
 * The policy's args with every emergency user id and the group id added to
 * `conditions.users.excludedUsers` / `excludedGroups`; everything else as given.
 */
export function excludeFromConditionalAccess(
    args: azuread.ConditionalAccessPolicyArgs,
    userIds: pulumi.Input<string[]>,
    groupId: pulumi.Input<string>,
): azuread.ConditionalAccessPolicyArgs {
    const conditions = pulumi
        .all([args.conditions, userIds, groupId])
        .apply(([given, ids, group]) => ({
            ...given,
            users: {
                ...given.users,
                excludedUsers: withIds(given.users?.excludedUsers, ids),
                excludedGroups: withIds(given.users?.excludedGroups, [group]),
            },
        }));
    return { ...args, conditions };
}
