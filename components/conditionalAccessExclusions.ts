// The component's Conditional Access concern: one ConditionalAccessExclusion per targeted policy of the
// tenant, and the helper that merges the emergency ids into Conditional Access policies declared in the same
// program. Both add ids through the one Conditional Access model (policies/contract/conditionalAccess.ts).
import type * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { AZUREAD_SPELLING, withEmergencyExclusions } from "../policies/contract/conditionalAccess";
import { ConditionalAccessExclusion } from "./conditionalAccessExclusion";

/** A policy that gets the emergency exclusions. */
export interface ExclusionTarget {
    /** Id of the Conditional Access policy. */
    readonly policyId: string;
    /** Its display name, for people reading the plan. */
    readonly displayName: string;
    /** Its state: enabled, disabled or enabledForReportingButNotEnforced. */
    readonly state: string;
}

/** A policy left without the exclusions, and why. */
export interface SkippedPolicy {
    /** Id of the Conditional Access policy. */
    readonly policyId: string;
    /** Its display name. */
    readonly displayName: string;
    /** Why it is left out: a reason from config, or from the Conditional Access model. */
    readonly reason: string;
}

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
            users: withEmergencyExclusions(given.users, { userIds: ids, groupIds: [group] }, AZUREAD_SPELLING),
        }));
    return { ...args, conditions };
}
