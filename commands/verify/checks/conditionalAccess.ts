// Conditional Access exclusions (MT.1005, Prowler, ZTA 21835): every user-scoped policy, in any state (a report-only
// or disabled policy can be switched on at any time), excludes every emergency account directly and the group. The
// auditors are stricter than Microsoft's own guidance here, and excluding from every such policy satisfies all of them.
import {
    classifyPolicy,
    missingEmergencyIds,
    type ConditionalAccessPolicy,
    type EmergencyIds,
} from "../../../policies/contract/conditionalAccess";
import type { CheckDefinition, Evidence } from "../model";
import { PERMISSIONS, readAccountIds, readPolicies } from "./reads";

/** conditional-access-exclusions: one FAIL per policy that misses an id, one PASS per policy that cannot take exclusions, and a PASS summary. Pure. */
export function judgeConditionalAccessExclusions(policies: readonly ConditionalAccessPolicy[], wanted: EmergencyIds): Evidence[] {
    const evidence: Evidence[] = [];
    let userScoped = 0;
    for (const policy of policies) {
        const subject = policy.displayName ?? policy.id;
        const classification = classifyPolicy(policy.conditions);
        if (!classification.userScoped) {
            evidence.push({ subject, id: policy.id, status: "PASS", detail: `Not user-scoped: ${classification.reason}.`, facts: { state: policy.state ?? null } });
            continue;
        }
        userScoped++;
        const missing = missingEmergencyIds(policy.conditions?.users, wanted);
        if (missing.userIds.length === 0 && missing.groupIds.length === 0) continue;
        const named = [...missing.userIds.map((id) => `user ${id}`), ...missing.groupIds.map((id) => `group ${id}`)];
        evidence.push({
            subject,
            id: policy.id,
            status: "FAIL",
            detail: `State ${policy.state ?? "unknown"}: does not exclude directly ${named.join(", ")}.`,
            facts: { state: policy.state ?? null, missingUserIds: missing.userIds, missingGroupIds: missing.groupIds },
        });
    }
    const failing = evidence.filter((item) => item.status === "FAIL").length;
    evidence.unshift({
        subject: "Conditional Access policies",
        status: failing === 0 ? "PASS" : "FAIL",
        detail:
            `${userScoped} user-scoped polic${userScoped === 1 ? "y" : "ies"} checked (of ${policies.length}), in every state: ` +
            (failing === 0 ? "each excludes every account and the group directly." : `${failing} miss an exclusion.`),
        facts: { policies: policies.length, userScoped, failing },
    });
    return evidence;
}

/** The Conditional Access checks. */
export const CONDITIONAL_ACCESS_CHECKS: readonly CheckDefinition[] = [
    {
        id: "conditional-access-exclusions",
        title: "Every user-scoped Conditional Access policy, in any state, excludes every emergency account directly and the group",
        severity: "critical",
        sources: ["MT.1005", "Prowler", "ZTA 21835"],
        permissions: [PERMISSIONS.users, PERMISSIONS.conditionalAccess],
        async run(context) {
            const [policies, userIds] = await Promise.all([readPolicies(context), readAccountIds(context)]);
            // Declared ids count too: an account deleted and recreated must not pass on the strength of its old id.
            const declaredIds = context.declaration.accounts.map((account) => account.id).filter((id): id is string => id !== undefined);
            // missingEmergencyIds drops repeats (in any letter case) itself.
            const wanted = { userIds: [...userIds, ...declaredIds], groupIds: [context.declaration.group.id] };
            return { evidence: judgeConditionalAccessExclusions(policies, wanted) };
        },
    },
];
