// One verify run: the preflight, then every check, each on its own: a check that throws (a permission missing, Graph
// unavailable after the retries) is NOT_RUN with the reason, and every other check still runs. Reads only.
import { statusOf } from "../../graph/errors";
import type { TokenGrants } from "../../graph/token";
import type { CheckDefinition, CheckResult, Status, VerifyContext } from "./model";
import { worstStatus } from "./model";
import { missingFor } from "./preflight";

/** How many checks read the tenant at once; Graph's pacing (per client) keeps the request rate in any case. */
const CONCURRENT_CHECKS = 4;

/** The status of an error and of its cause: graph/ keeps Graph's own error as the cause. */
function failureStatus(error: unknown): number | undefined {
    return statusOf(error) ?? statusOf((error as { cause?: unknown } | undefined)?.cause);
}

/** What a failed check lacks: for a 403, the permissions it declares; otherwise the error's message. */
function whatFailed(check: CheckDefinition, error: unknown): string[] {
    const message = error instanceof Error ? error.message : String(error);
    if (failureStatus(error) !== 403) return [message];
    return [
        ...check.permissions.map((p) => `${p.application} (application) or ${p.delegated} (delegated)${p.role ? `, role ${p.role} or Global Reader` : ""}`),
        ...(check.azure ?? []).map((access) => access.description),
        message,
    ];
}

function summaryOf(status: Status, evidence: CheckResult["evidence"]): string {
    const counted = (wanted: Status) => evidence.filter((e) => e.status === wanted).length;
    if (status === "PASS") return evidence.length === 1 ? evidence[0].detail : `all ${evidence.length} pass`;
    const worst = evidence.filter((e) => e.status === status);
    const first = worst[0]?.detail ?? "";
    return worst.length > 1 ? `${counted(status)} ${status}: ${first} (and ${worst.length - 1} more)` : first;
}

/** Runs one check, never throwing. */
export async function runCheck(check: CheckDefinition, context: VerifyContext, grants?: TokenGrants, roleNames?: Readonly<Record<string, string>>): Promise<CheckResult> {
    const started = performance.now();
    const base = { id: check.id, title: check.title, severity: check.severity, sources: [...check.sources] };
    const missing = missingFor(check, grants, roleNames);
    if (missing.length > 0) {
        return { ...base, status: "NOT_RUN", summary: `not run: the identity lacks ${missing.join("; ")}`, evidence: [], missing, durationMs: 0 };
    }
    try {
        const verdict = await check.run(context);
        const status = verdict.evidence.length === 0 ? "PASS" : worstStatus(verdict.evidence.map((e) => e.status));
        return {
            ...base,
            status,
            summary: verdict.summary ?? summaryOf(status, verdict.evidence),
            evidence: [...verdict.evidence],
            durationMs: Math.round(performance.now() - started),
        };
    } catch (error) {
        const lacks = whatFailed(check, error);
        const reason = failureStatus(error) === 403 ? `the identity lacks ${lacks.slice(0, -1).join("; ")}` : lacks[0];
        return { ...base, status: "NOT_RUN", summary: `not run: ${reason}`, evidence: [], missing: lacks, durationMs: Math.round(performance.now() - started) };
    }
}

/** Runs every check (CONCURRENT_CHECKS at a time), in the order given. */
export async function runChecks(
    checks: readonly CheckDefinition[],
    context: VerifyContext,
    grants?: TokenGrants,
    roleNames?: Readonly<Record<string, string>>,
): Promise<CheckResult[]> {
    const results: CheckResult[] = new Array(checks.length);
    let next = 0;
    const worker = async () => {
        while (next < checks.length) {
            const index = next++;
            results[index] = await runCheck(checks[index], context, grants, roleNames);
        }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_CHECKS, checks.length) }, worker));
    return results;
}

/** The exit code: 1 when a check FAILs, else 2 when one could not run, else 0 (WARN passes). */
export function exitCodeOf(results: readonly CheckResult[]): 0 | 1 | 2 {
    if (results.some((r) => r.status === "FAIL")) return 1;
    if (results.some((r) => r.status === "NOT_RUN")) return 2;
    return 0;
}
