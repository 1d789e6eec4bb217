// Which of the tenant's Conditional Access policies get the emergency exclusions: the policies (live from
// Graph, or from a snapshot in the offline plan) narrowed by the stack's conditionalAccess config, with a
// reason for every policy left out. Part of the program's composition: config/ only validates the config,
// the component only declares what it is given.
import type { ExclusionTarget, SkippedPolicy } from "../components/conditionalAccessExclusions";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError } from "../config/schema";
import { classifyPolicy, sameId, type ConditionalAccessPolicy } from "../policies/contract/conditionalAccess";

/** A policy the config leaves out on purpose, and why. */
export interface PolicySkip {
    readonly policyId: string;
    readonly reason: string;
}

/** Which policies get the exclusions: every policy or listed ones, minus the skipped ones. */
export interface ExclusionScope {
    readonly excludeFrom: "all" | readonly string[];
    readonly skip: readonly PolicySkip[];
}

/** The outcome of planExclusions; both lists sorted by policy id so resource names are stable. */
export interface ExclusionPlan {
    readonly targets: ExclusionTarget[];
    readonly skipped: SkippedPolicy[];
}

/** Why a policy outside an explicit excludeFrom list is left out. */
export const NOT_LISTED_REASON = "not listed in excludeFrom";

/** The entry of `ids` that names `id` (in any letter case), if any. */
function findId(ids: readonly string[], id: string): string | undefined {
    return ids.find((other) => sameId(other, id));
}

/** Throws when config names a policy the tenant does not have; a typo must not silently protect nothing. */
function requireKnownIds(policies: readonly ConditionalAccessPolicy[], ids: readonly string[], setting: string): void {
    const unknown = ids.filter((id) => !policies.some((policy) => sameId(policy.id, id)));
    if (unknown.length > 0) {
        throw new Error(`${setting} names Conditional Access policies that do not exist in the tenant: ${unknown.join(", ")}`);
    }
}

/** Orders by policy id so the resources derived from a plan keep their names from run to run. */
function byPolicyId(a: { policyId: string }, b: { policyId: string }): number {
    return a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0;
}

/**
 * Splits the tenant's policies into those that get the emergency exclusions and those that do not, each
 * skipped policy with its reason: the reason from config, "not listed in excludeFrom", or the model's reason
 * for a policy that is not user-scoped (policies/contract/conditionalAccess.ts).
 */
export function planExclusions(policies: readonly ConditionalAccessPolicy[], scope: ExclusionScope): ExclusionPlan {
    const skipIds = scope.skip.map((skip) => skip.policyId);
    requireKnownIds(policies, skipIds, "skip");
    const listed = scope.excludeFrom === "all" ? undefined : scope.excludeFrom;
    if (listed) {
        requireKnownIds(policies, listed, "excludeFrom");
        const both = listed.filter((id) => findId(skipIds, id) !== undefined);
        if (both.length > 0) throw new Error(`excludeFrom and skip both name ${both.join(", ")}; keep each policy in one`);
    }

    const targets: ExclusionTarget[] = [];
    const skipped: SkippedPolicy[] = [];
    for (const policy of policies) {
        const displayName = policy.displayName ?? "";
        const classification = classifyPolicy(policy.conditions);
        const reason =
            scope.skip.find((skip) => sameId(skip.policyId, policy.id))?.reason ??
            (listed && findId(listed, policy.id) === undefined ? NOT_LISTED_REASON : undefined) ??
            (classification.userScoped ? undefined : classification.reason);
        if (reason !== undefined) {
            skipped.push({ policyId: policy.id, displayName, reason });
        } else {
            targets.push({ policyId: policy.id, displayName, state: policy.state ?? "" });
        }
    }
    return { targets: targets.sort(byPolicyId), skipped: skipped.sort(byPolicyId) };
}

/**
 * The conditionalAccess config applied to the tenant's policies. A policy id the tenant does not have is a
 * config error, reported like any other bad value before anything is declared.
 */
export function conditionalAccessScope(policies: readonly ConditionalAccessPolicy[], scope: ExclusionScope): ExclusionPlan {
    try {
        return planExclusions(policies, scope);
    } catch (err) {
        throw new ConfigError([
            `${CONFIG_NAMESPACE}:conditionalAccess: ${(err as Error).message}. Accepted: ${CONFIG_KEYS.conditionalAccess.accepted}, ` +
                "naming policies that exist in the tenant.",
        ]);
    }
}
