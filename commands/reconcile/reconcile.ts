// The exclusion invariant on its own, for the scheduled reconcile job: list every Conditional Access policy once,
// pick the policies the stack's config targets (program/exclusionPlan.ts, the same plan `pulumi up` makes), and
// make each one exclude the emergency ids with the same ensure-exclusions code the provider runs
// (graph/conditionalAccess.ts). It adds ids to `conditions.users` and touches nothing else; a policy that already
// excludes them costs no request beyond the listing, so a converged tenant costs ⌈N/100⌉ requests.
import { ensureEmergencyExclusions, listConditionalAccessPolicies } from "../../graph/conditionalAccess";
import type { GraphClient } from "../../graph/client";
import { statusOf } from "../../graph/errors";
import {
    isConverged,
    missingEmergencyIds,
    sameId,
    type ConditionalAccessPolicy,
    type EmergencyIds,
} from "../../policies/contract/conditionalAccess";
import { planExclusions, type ExclusionScope } from "../../program/exclusionPlan";

/** What happened to one policy. */
export type Outcome =
    /** The ids this run added (one PATCH, read back). */
    | "added"
    /** It excluded every id already: no write. */
    | "excluded"
    /** Dry run: these ids are missing and would be added. */
    | "missing"
    /** Left out by the stack's config or the model (workload identities only, nobody), with the reason. */
    | "skipped"
    /** Deleted in the tenant between the listing and the write. */
    | "deleted"
    /** Graph refused or kept failing: the invariant does not hold for this policy. */
    | "failed";

/** One row of the report. */
export interface PolicyReport {
    readonly policyId: string;
    readonly displayName: string;
    readonly state: string;
    readonly outcome: Outcome;
    /** The ids added (outcome "added") or missing (outcome "missing"); empty otherwise. */
    readonly userIds: readonly string[];
    readonly groupIds: readonly string[];
    /** Why a policy was skipped, or what failed. */
    readonly detail?: string;
}

/** What one run did. */
export interface ReconcileReport {
    readonly graphEndpoint: string;
    readonly dryRun: boolean;
    /** Policies in the tenant when listed. */
    readonly policyCount: number;
    /** One row per listed policy, in list order. */
    readonly policies: readonly PolicyReport[];
    /** PATCH requests Graph accepted. */
    readonly writes: number;
    /** Config entries that name a policy the tenant no longer has; ignored, reported. */
    readonly notes: readonly string[];
}

/** How one run behaves. */
export interface ReconcileOptions {
    /** The emergency account ids and the group id to keep excluded. */
    readonly ids: EmergencyIds;
    /** The stack's conditionalAccess config: which policies, which skipped (with reasons). */
    readonly scope: ExclusionScope;
    /** List and plan only; write nothing. Defaults to false. */
    readonly dryRun?: boolean;
    /** Rounds against a concurrent writer per policy. Defaults to graph/conditionalAccess.ts's. */
    readonly writeAttempts?: number;
}

/** `true` when the run leaves a policy without the exclusions it needs. */
export function reportFailed(report: ReconcileReport): boolean {
    return report.policies.some((policy) => policy.outcome === "failed");
}

/**
 * The scope without entries for policies the tenant does not have (a policy deleted since the config was written),
 * each reported: the guard must keep guarding the others rather than stop on a stale config line.
 */
function scopeForTenant(policies: readonly ConditionalAccessPolicy[], scope: ExclusionScope): { scope: ExclusionScope; notes: string[] } {
    const exists = (id: string) => policies.some((policy) => sameId(policy.id, id));
    const notes: string[] = [];
    const skip = scope.skip.filter((entry) => {
        if (!exists(entry.policyId)) notes.push(`conditionalAccess.skip names ${entry.policyId}, which the tenant does not have`);
        return exists(entry.policyId);
    });
    let excludeFrom = scope.excludeFrom;
    if (excludeFrom !== "all") {
        for (const id of excludeFrom.filter((id) => !exists(id))) {
            notes.push(`conditionalAccess.excludeFrom names ${id}, which the tenant does not have`);
        }
        excludeFrom = excludeFrom.filter(exists);
    }
    return { scope: { excludeFrom, skip }, notes };
}

/** One reconcile run against `graph`. Never throws for one policy: its row says what went wrong. */
export async function reconcileExclusions(graph: GraphClient, options: ReconcileOptions): Promise<ReconcileReport> {
    const policies = await listConditionalAccessPolicies(graph);
    const { scope, notes } = scopeForTenant(policies, options.scope);
    const plan = planExclusions(policies, scope);
    const rows = new Map<string, PolicyReport>();
    for (const skipped of plan.skipped) {
        const policy = policies.find((p) => p.id === skipped.policyId);
        rows.set(skipped.policyId, {
            policyId: skipped.policyId,
            displayName: skipped.displayName,
            state: policy?.state ?? "",
            outcome: "skipped",
            userIds: [],
            groupIds: [],
            detail: skipped.reason,
        });
    }
    let writes = 0;
    // One policy after the other: pacing allows one request a second anyway, and a failure stays with its policy.
    for (const target of plan.targets) {
        const listed = policies.find((p) => p.id === target.policyId)!;
        const row = { policyId: target.policyId, displayName: target.displayName, state: target.state };
        const missing = missingEmergencyIds(listed.conditions?.users, options.ids);
        if (isConverged(missing)) {
            rows.set(target.policyId, { ...row, outcome: "excluded", userIds: [], groupIds: [] });
            continue;
        }
        if (options.dryRun) {
            rows.set(target.policyId, { ...row, outcome: "missing", userIds: missing.userIds, groupIds: missing.groupIds });
            continue;
        }
        try {
            const result = await ensureEmergencyExclusions(graph, target.policyId, options.ids, {
                listed,
                writeAttempts: options.writeAttempts,
            });
            writes += result.writes;
            const added = result.writes > 0;
            rows.set(target.policyId, {
                ...row,
                outcome: added ? "added" : "excluded",
                userIds: result.added.userIds,
                groupIds: result.added.groupIds,
                detail: added ? undefined : "excluded meanwhile by another writer",
            });
        } catch (error) {
            const gone = statusOf((error as Error).cause) === 404;
            rows.set(target.policyId, {
                ...row,
                outcome: gone ? "deleted" : "failed",
                userIds: [],
                groupIds: [],
                detail: gone ? "deleted in the tenant during the run" : (error as Error).message,
            });
        }
    }
    return {
        graphEndpoint: graph.endpoint,
        dryRun: options.dryRun ?? false,
        policyCount: policies.length,
        policies: policies.map((policy) => rows.get(policy.id)!),
        writes,
        notes,
    };
}
