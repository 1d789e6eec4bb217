// The three outputs of verify from one report: JSON that validates against the committed schema (and a report that
// does not, refused), JUnit XML that parses with one testcase per check, and Markdown with a row per check.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { CheckResult } from "../../commands/verify/model";
import { buildReport, renderJunit, renderMarkdown, renderText, verifyReportJsonSchema } from "../../commands/verify/report";
import { PROJECT_DIR } from "../helpers/fixtures";

const SCHEMA_FILE = path.join(PROJECT_DIR, "commands", "verify", "report.schema.json");

const RESULTS: CheckResult[] = [
    {
        id: "accounts-exist",
        title: "Every declared emergency account exists",
        severity: "critical",
        sources: ["Microsoft", "ZTA 21835"],
        status: "PASS",
        summary: "all 2 pass",
        evidence: [{ subject: "breakglass-1@contoso.onmicrosoft.com", id: "e2fb0405-ab36-5f6d-bb04-f604c1d9480a", status: "PASS", detail: "enabled, cloud-only", facts: { accountEnabled: true, licenses: [] } }],
        durationMs: 12,
    },
    {
        id: "conditional-access-exclusions",
        title: "Every policy excludes the accounts & the group",
        severity: "critical",
        sources: ["MT.1005"],
        status: "FAIL",
        summary: 'CA001 <Require MFA> | "admins" misses breakglass-2',
        evidence: [{ subject: 'CA001 <Require MFA> | "admins"', id: "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47", status: "FAIL", detail: "does not exclude breakglass-2 & the group", facts: { state: "enabled", lastSeen: null } }],
        durationMs: 40,
    },
    {
        id: "drill-recency",
        title: "Each account was tested within 90 days",
        severity: "high",
        sources: ["Microsoft"],
        status: "WARN",
        summary: "breakglass-1 last tested 80 days ago",
        evidence: [{ subject: "breakglass-1@contoso.onmicrosoft.com", status: "WARN", detail: "last tested 80 days ago; due in 10 days" }],
        durationMs: 5,
    },
    {
        id: "alerts-sign-in-log-recent",
        title: "The workspace received a sign-in log recently",
        severity: "medium",
        sources: ["product"],
        status: "NOT_RUN",
        summary: "not run: the identity lacks Log Analytics Reader on the workspace",
        evidence: [],
        missing: ["Log Analytics Reader on the workspace"],
        durationMs: 0,
    },
];

function report() {
    return buildReport(
        RESULTS,
        {
            stack: "staging",
            tenantDomain: "contoso.onmicrosoft.com",
            startedAt: new Date("2026-11-26T10:00:00Z"),
            finishedAt: new Date("2026-11-26T10:00:07Z"),
            identity: { kind: "application", appId: "11111111-2222-3333-4444-555555555555", permissions: ["Policy.Read.All"], roles: [] },
        },
        1,
    );
}

describe("verify's JSON report", () => {
    test("the committed schema is the one the report's model generates", () => {
        assert.deepEqual(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")), verifyReportJsonSchema());
    });

    test("a report validates against the committed schema, with its counts", () => {
        const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
        const built: unknown = JSON.parse(JSON.stringify(report()));
        assert.ok(validate(built), JSON.stringify(validate.errors));
        assert.deepEqual((JSON.parse(JSON.stringify(report())) as { summary: unknown }).summary, { pass: 1, warn: 1, fail: 1, notRun: 1, exitCode: 1 });
    });

    const broken: Array<[string, (r: any) => void]> = [
        ["an unknown status", (r) => (r.checks[0].status = "OK")],
        ["a check without sources", (r) => (r.checks[0].sources = [])],
        ["an id that is not kebab-case", (r) => (r.checks[0].id = "AccountsExist")],
        ["a fact that is an object", (r) => (r.checks[0].evidence[0].facts.nested = { a: 1 })],
        ["an unknown field", (r) => (r.checks[0].password = "x")],
        ["an exit code of 3", (r) => (r.summary.exitCode = 3)],
    ];
    for (const [what, breakIt] of broken) {
        test(`the schema refuses ${what}`, () => {
            const validate = new Ajv2020({ strict: false }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
            const built = JSON.parse(JSON.stringify(report()));
            breakIt(built);
            assert.equal(validate(built), false);
        });
    }
});

describe("verify's JUnit report", () => {
    test("is well-formed XML with one testcase per check: FAIL a failure, NOT_RUN an error, WARN a pass that says so", () => {
        const xml = renderJunit(report());
        assert.equal(XMLValidator.validate(xml), true);
        const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
        const suites = parsed.testsuites;
        assert.equal(suites.tests, "4");
        assert.equal(suites.failures, "1");
        assert.equal(suites.errors, "1");
        const cases = suites.testsuite.testcase;
        assert.equal(cases.length, 4);
        assert.deepEqual(cases.map((c: any) => c.classname), ["verify.accounts", "verify.conditional", "verify.drill", "verify.alerts"]);
        assert.equal(cases[0].failure, undefined);
        assert.equal(cases[1].failure.type, "FAIL");
        assert.match(cases[1].failure["#text"], /FAIL CA001 <Require MFA> \| "admins" \(7f3e2a91/);
        assert.equal(cases[3].error.type, "NOT_RUN");
        assert.match(cases[3].error["#text"], /Log Analytics Reader/);
        assert.match(cases[2]["system-out"], /^WARN \[high\] Microsoft/);
    });
});

describe("verify's Markdown and text reports", () => {
    test("one row per check, pipes escaped, the evidence of every check that is not a PASS", () => {
        const markdown = renderMarkdown(report());
        const rows = markdown.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| status"));
        assert.equal(rows.length, 4);
        assert.ok(rows[1].includes('CA001 <Require MFA> \\| "admins" misses breakglass-2'));
        assert.match(markdown, /### ❌ FAIL `conditional-access-exclusions`/);
        assert.match(markdown, /- missing: Log Analytics Reader on the workspace/);
        assert.doesNotMatch(markdown, /### .* `accounts-exist`/);
        const text = renderText(report());
        assert.match(text, /^FAIL {5}conditional-access-exclusions/m);
        assert.match(text, /1 failed, 1 not run, 1 warnings, 1 passed\./);
    });
});
