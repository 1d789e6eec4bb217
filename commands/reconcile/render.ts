// The reconcile report for people (a table, what changed first) and for machines (one JSON object).
import type { Outcome, PolicyReport, ReconcileReport } from "./reconcile";

/** Outcomes in the order the table lists them: what changed or failed first. */
const ORDER: readonly Outcome[] = ["failed", "added", "missing", "deleted", "excluded", "skipped"];

/** How each outcome reads in the table. */
const LABELS: Record<Outcome, string> = {
    added: "added",
    excluded: "already excluded",
    missing: "missing (dry run)",
    skipped: "skipped",
    deleted: "deleted meanwhile",
    failed: "FAILED",
};

/** Counts per outcome, every outcome present. */
export function outcomeCounts(report: ReconcileReport): Record<Outcome, number> {
    const counts = Object.fromEntries(ORDER.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
    for (const policy of report.policies) counts[policy.outcome]++;
    return counts;
}

function ids(policy: PolicyReport): string {
    return [...policy.userIds.map((id) => `user ${id}`), ...policy.groupIds.map((id) => `group ${id}`)].join(", ");
}

/** The report as a text table, widest columns padded, and a summary line. */
export function renderTable(report: ReconcileReport): string {
    const sorted = [...report.policies].sort((a, b) => ORDER.indexOf(a.outcome) - ORDER.indexOf(b.outcome));
    const rows = [
        ["OUTCOME", "POLICY", "STATE", "NAME", "IDS / DETAIL"],
        ...sorted.map((p) => [LABELS[p.outcome], p.policyId, p.state, p.displayName, [ids(p), p.detail].filter(Boolean).join("; ")]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    const lines = rows.map((row) =>
        row
            .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
            .join("  ")
            .trimEnd(),
    );
    const counts = outcomeCounts(report);
    const summary = ORDER.filter((outcome) => counts[outcome] > 0)
        .map((outcome) => `${counts[outcome]} ${LABELS[outcome]}`)
        .join(", ");
    return [
        ...lines,
        "",
        `${report.policyCount} Conditional Access policies at ${report.graphEndpoint}: ${summary || "none"}; ${report.writes} write(s).`,
        ...report.notes.map((note) => `Note: ${note}.`),
    ].join("\n");
}

/** The report as one JSON object (for `--json`): the report itself plus the counts. */
export function renderJson(report: ReconcileReport): string {
    return JSON.stringify({ ...report, counts: outcomeCounts(report) }, null, 2);
}
