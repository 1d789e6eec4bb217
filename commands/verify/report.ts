// The three outputs of a verify run, from one report object: JSON for machines (its schema is report.schema.json,
// generated from VERIFY_REPORT and checked by the tests), JUnit XML for CI test views, and Markdown for a job summary
// or an issue. None holds a secret: the checks read no secret, and webhook receivers are only counted.
import { z } from "zod";
import type { CheckResult, Status } from "./model";
import type { IdentitySummary } from "./preflight";

const STATUS = z.enum(["PASS", "FAIL", "WARN", "NOT_RUN"]);
const FACT = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

/** The JSON report: the one shape every output is made from. */
export const VERIFY_REPORT = z.strictObject({
    schemaVersion: z.literal(1),
    tool: z.literal("entra-emergency-access verify"),
    stack: z.string(),
    tenantDomain: z.string(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    identity: z.strictObject({
        kind: z.enum(["application", "delegated", "unknown"]),
        appId: z.string().optional(),
        objectId: z.string().optional(),
        permissions: z.array(z.string()),
        roles: z.array(z.string()),
    }),
    summary: z.strictObject({ pass: z.int(), warn: z.int(), fail: z.int(), notRun: z.int(), exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]) }),
    checks: z.array(
        z.strictObject({
            id: z.string().regex(/^[a-z]+(?:-[a-z0-9]+)+$/),
            title: z.string().min(1),
            severity: z.enum(["critical", "high", "medium", "low"]),
            sources: z.array(z.string().min(1)).min(1),
            status: STATUS,
            summary: z.string(),
            evidence: z.array(
                z.strictObject({
                    subject: z.string(),
                    id: z.string().optional(),
                    status: STATUS,
                    detail: z.string(),
                    facts: z.record(z.string(), FACT).optional(),
                }),
            ),
            missing: z.array(z.string()).optional(),
            durationMs: z.number().nonnegative(),
        }),
    ),
});

export type VerifyReport = z.infer<typeof VERIFY_REPORT>;

/** The JSON Schema of the report (draft 2020-12), as committed in report.schema.json. */
export function verifyReportJsonSchema(): Record<string, unknown> {
    return {
        $id: "https://github.com/entra-emergency-access/verify-report.schema.json",
        title: "entra-emergency-access verify report",
        ...z.toJSONSchema(VERIFY_REPORT),
    };
}

/** The report of a run. */
export function buildReport(
    results: readonly CheckResult[],
    meta: { readonly stack: string; readonly tenantDomain: string; readonly startedAt: Date; readonly finishedAt: Date; readonly identity: IdentitySummary },
    exitCode: 0 | 1 | 2,
): VerifyReport {
    const count = (status: Status) => results.filter((r) => r.status === status).length;
    return {
        schemaVersion: 1,
        tool: "entra-emergency-access verify",
        stack: meta.stack,
        tenantDomain: meta.tenantDomain,
        startedAt: meta.startedAt.toISOString(),
        finishedAt: meta.finishedAt.toISOString(),
        identity: { ...meta.identity, permissions: [...meta.identity.permissions], roles: [...meta.identity.roles] },
        summary: { pass: count("PASS"), warn: count("WARN"), fail: count("FAIL"), notRun: count("NOT_RUN"), exitCode },
        checks: results.map((r) => ({
            ...r,
            sources: [...r.sources],
            evidence: r.evidence.map((e) => ({ ...e, facts: e.facts ? (JSON.parse(JSON.stringify(e.facts)) as Record<string, z.infer<typeof FACT>>) : undefined })),
            missing: r.missing ? [...r.missing] : undefined,
        })),
    };
}

/** XML text with the five special characters escaped and the characters XML 1.0 forbids removed. */
function xml(text: string): string {
    return text
        .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;");
}

/** One line per evidence: `FAIL breakglass-1@...: detail`. */
function evidenceLines(check: VerifyReport["checks"][number]): string {
    return check.evidence.map((e) => `${e.status} ${e.subject}${e.id ? ` (${e.id})` : ""}: ${e.detail}`).join("\n");
}

/**
 * JUnit XML: one testcase per check (classname its family, the id's first word), FAIL as <failure>, NOT_RUN as
 * <error> with what is missing, WARN as a pass whose <system-out> says WARN; the evidence in <system-out>.
 */
export function renderJunit(report: VerifyReport): string {
    const seconds = (ms: number) => (ms / 1000).toFixed(3);
    const total = report.checks.reduce((sum, c) => sum + c.durationMs, 0);
    const cases = report.checks.map((check) => {
        const family = check.id.split("-")[0];
        const name = xml(`${check.id}: ${check.title}`);
        const open = `    <testcase classname="verify.${xml(family)}" name="${name}" time="${seconds(check.durationMs)}">`;
        const body: string[] = [];
        if (check.status === "FAIL") body.push(`      <failure type="FAIL" message="${xml(check.summary)}">${xml(evidenceLines(check))}</failure>`);
        if (check.status === "NOT_RUN") body.push(`      <error type="NOT_RUN" message="${xml(check.summary)}">${xml((check.missing ?? []).join("\n"))}</error>`);
        const out = [`${check.status} [${check.severity}] ${check.sources.join(", ")}`, check.summary, evidenceLines(check)].filter(Boolean).join("\n");
        body.push(`      <system-out>${xml(out)}</system-out>`);
        return [open, ...body, "    </testcase>"].join("\n");
    });
    const { fail, notRun } = report.summary;
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="entra-emergency-access verify" tests="${report.checks.length}" failures="${fail}" errors="${notRun}" time="${seconds(total)}">`,
        `  <testsuite name="verify ${xml(report.stack)} (${xml(report.tenantDomain)})" tests="${report.checks.length}" failures="${fail}" errors="${notRun}" skipped="0" time="${seconds(total)}" timestamp="${report.startedAt}">`,
        ...cases,
        "  </testsuite>",
        "</testsuites>",
        "",
    ].join("\n");
}

const ICONS: Readonly<Record<Status, string>> = { PASS: "✅ PASS", WARN: "⚠️ WARN", FAIL: "❌ FAIL", NOT_RUN: "⛔ NOT RUN" };

/** Markdown cell text: pipes and line breaks would break the table. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Markdown: a summary line, a table of every check, then the evidence of every check that is not a PASS. */
export function renderMarkdown(report: VerifyReport): string {
    const { pass, warn, fail, notRun } = report.summary;
    const lines = [
        `## Emergency access verify: \`${report.stack}\` (${report.tenantDomain})`,
        "",
        `${fail} failed, ${notRun} not run, ${warn} warnings, ${pass} passed; ${report.finishedAt}.`,
        "",
        "| status | check | what it proves | sources | result |",
        "|---|---|---|---|---|",
        ...report.checks.map((c) => `| ${ICONS[c.status]} | \`${c.id}\` | ${cell(c.title)} | ${cell(c.sources.join(", "))} | ${cell(c.summary)} |`),
    ];
    const flagged = report.checks.filter((c) => c.status !== "PASS");
    for (const check of flagged) {
        lines.push("", `### ${ICONS[check.status]} \`${check.id}\``, "");
        for (const e of check.evidence.filter((item) => item.status !== "PASS")) {
            lines.push(`- ${e.status} **${cell(e.subject)}**${e.id ? ` (\`${e.id}\`)` : ""}: ${cell(e.detail)}`);
        }
        for (const m of check.missing ?? []) lines.push(`- missing: ${cell(m)}`);
    }
    lines.push("");
    return lines.join("\n");
}

/** The plain-text table for a terminal. */
export function renderText(report: VerifyReport): string {
    const width = Math.max(...report.checks.map((c) => c.id.length), 5);
    const rows = report.checks.map((c) => `${c.status.padEnd(7)}  ${c.id.padEnd(width)}  ${c.summary}`);
    const details = report.checks
        .filter((c) => c.status !== "PASS")
        .flatMap((c) => [`\n${c.status} ${c.id} (${c.sources.join(", ")}):`, ...c.evidence.filter((e) => e.status !== "PASS").map((e) => `  ${e.status} ${e.subject}${e.id ? ` (${e.id})` : ""}: ${e.detail}`), ...(c.missing ?? []).map((m) => `  missing: ${m}`)]);
    const { pass, warn, fail, notRun } = report.summary;
    return [`${"STATUS".padEnd(7)}  ${"CHECK".padEnd(width)}  RESULT`, ...rows, ...details, "", `${fail} failed, ${notRun} not run, ${warn} warnings, ${pass} passed.`, ""].join("\n");
}
