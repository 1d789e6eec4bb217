// Which Conditional Access policies get the emergency exclusions: the tenant's policies (live from Graph or
// from a snapshot file in Graph's own list format) narrowed by config, with a reason for every policy left out.
import { readFileSync } from "node:fs";
import { getAllPages, type GraphClient } from "./graphClient";
import { classifyPolicy, type ConditionalAccessPolicy } from "./policies";

/** The Graph collection of Conditional Access policies, relative to `<endpoint>/v1.0`. */
export const CONDITIONAL_ACCESS_POLICIES_PATH = "/identity/conditionalAccess/policies";

/** Policy states Graph v1.0 knows. */
const POLICY_STATES = ["enabled", "disabled", "enabledForReportingButNotEnforced"];

/** A policy config leaves out on purpose, and why. */
export interface PolicySkip {
    readonly policyId: string;
    readonly reason: string;
}

/** Which policies get the exclusions: every policy or listed ones, minus the skipped ones. */
export interface ExclusionScope {
    readonly excludeFrom: "all" | readonly string[];
    readonly skip: readonly PolicySkip[];
}

/** A policy that gets the emergency exclusions. */
export interface ExclusionTarget {
    readonly policyId: string;
    readonly displayName: string;
    readonly state: string;
}

/** A policy that does not, with the reason. */
export interface SkippedPolicy {
    readonly policyId: string;
    readonly displayName: string;
    readonly reason: string;
}

/** The outcome of planExclusions; both lists sorted by policy id so resource names are stable. */
export interface ExclusionPlan {
    readonly targets: ExclusionTarget[];
    readonly skipped: SkippedPolicy[];
}

/** What is wrong with one list entry, or undefined when it is a usable policy. */
function policyProblem(entry: unknown): string | undefined {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return "is not an object";
    const policy = entry as Record<string, unknown>;
    if (typeof policy.id !== "string" || policy.id.trim() === "") return "has no id";
    if (typeof policy.displayName !== "string") return `(id ${policy.id}) has no displayName`;
    if (typeof policy.state !== "string" || !POLICY_STATES.includes(policy.state)) {
        return `(id ${policy.id}) has state ${JSON.stringify(policy.state)}; expected one of ${POLICY_STATES.join(", ")}`;
    }
    const conditions = policy.conditions;
    if (typeof conditions !== "object" || conditions === null) return `(id ${policy.id}) has no conditions object`;
    const users = (conditions as Record<string, unknown>).users;
    if (users !== null && users !== undefined && typeof users !== "object") {
        return `(id ${policy.id}) has conditions.users that is not an object`;
    }
    return undefined;
}

/** Checks a `{"value":[...]}` list; errors name `source` and the index of the bad entry. */
function validatePolicyList(list: unknown, source: string): ConditionalAccessPolicy[] {
    const value = (list as { value?: unknown } | null)?.value;
    if (typeof list !== "object" || list === null || !Array.isArray(value)) {
        throw new Error(`${source}: expected Graph's list format {"value": [ ...policies ]}`);
    }
    const firstIndexById = new Map<string, number>();
    value.forEach((entry: unknown, index) => {
        const problem = policyProblem(entry);
        if (problem) throw new Error(`${source}: value[${index}] ${problem}`);
        const id = (entry as ConditionalAccessPolicy).id;
        const earlier = firstIndexById.get(id);
        if (earlier !== undefined) throw new Error(`${source}: value[${index}] repeats the id ${id} of value[${earlier}]`);
        firstIndexById.set(id, index);
    });
    return value as ConditionalAccessPolicy[];
}

/** Every Conditional Access policy of the tenant, following every `@odata.nextLink`. */
export async function listConditionalAccessPolicies(graph: GraphClient): Promise<ConditionalAccessPolicy[]> {
    const value = await getAllPages<unknown>(graph, CONDITIONAL_ACCESS_POLICIES_PATH);
    return validatePolicyList({ value }, `GET ${graph.endpoint}/v1.0${CONDITIONAL_ACCESS_POLICIES_PATH}`);
}

/**
 * The policies of a snapshot file in Graph's own list format (what `GET .../policies` returns), so a plan can
 * be made offline from an export. Errors name the file and the index of a bad entry.
 */
export function readPolicySnapshot(file: string): ConditionalAccessPolicy[] {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`${file}: cannot read the policy snapshot: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
    }
    return validatePolicyList(parsed, file);
}

/** Throws when config names a policy the tenant does not have; a typo must not silently protect nothing. */
function requireKnownIds(known: ReadonlySet<string>, ids: readonly string[], setting: string): void {
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
        throw new Error(
            `${setting} names Conditional Access policies that do not exist in the tenant: ${unknown.join(", ")}`,
        );
    }
}

/** Orders by policy id so the resources derived from a plan keep their names from run to run. */
function byPolicyId(a: { policyId: string }, b: { policyId: string }): number {
    return a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0;
}

/**
 * Splits the tenant's policies into those that get the emergency exclusions and those that do not, each
 * skipped policy with its reason: the reason from config, "not listed in excludeFrom", or the reason from
 * classifyPolicy (workload-identity-only policies cannot take user exclusions).
 */
export function planExclusions(policies: readonly ConditionalAccessPolicy[], scope: ExclusionScope): ExclusionPlan {
    const known = new Set(policies.map((policy) => policy.id));
    const skipReasons = new Map(scope.skip.map((skip) => [skip.policyId, skip.reason]));
    requireKnownIds(known, [...skipReasons.keys()], "skip");
    const listed = scope.excludeFrom === "all" ? undefined : new Set(scope.excludeFrom);
    if (listed) {
        requireKnownIds(known, [...listed], "excludeFrom");
        const both = [...listed].filter((id) => skipReasons.has(id));
        if (both.length > 0) throw new Error(`excludeFrom and skip both name ${both.join(", ")}; keep each policy in one`);
    }

    const targets: ExclusionTarget[] = [];
    const skipped: SkippedPolicy[] = [];
    for (const policy of policies) {
        const displayName = policy.displayName ?? "";
        const classification = classifyPolicy(policy);
        const reason = skipReasons.get(policy.id)
            ?? (listed && !listed.has(policy.id) ? "not listed in excludeFrom" : undefined)
            ?? (classification.target ? undefined : classification.reason);
        if (reason !== undefined) {
            skipped.push({ policyId: policy.id, displayName, reason });
        } else {
            targets.push({ policyId: policy.id, displayName, state: policy.state ?? "" });
        }
    }
    return { targets: targets.sort(byPolicyId), skipped: skipped.sort(byPolicyId) };
}
