// The semantic checks the pack runs on a detection query it did not build (policies/contract/kql/semantics.ts):
// the builders' own queries have no problem, and every way of weakening one that review found (a filter on a
// result column however it is spelled, a filter that is never true, an account dropped or matched in one letter
// case only, a sign-in table not read) is a problem naming what is wrong. Replaces queryReaders.test.ts: the
// regex readers' cases that still mean something are here, judged on Kusto's syntax tree.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { kustoLoaded } from "../../policies/contract/kql/analyzer";
import { detectionQueryProblems, queryHash, type DetectionQueryExpectation } from "../../policies/contract/kql/semantics";
import { changeQuery, queryWindow, SIGN_IN_TABLES, signInQuery, type SignInTable } from "../../policies/contract/queries";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";
import { ACCOUNT_SETS, assertRefused, WINDOWS } from "../helpers/queries";

const IDS = ACCOUNTS.slice(0, 2);
const WINDOW = queryWindow("PT5M");
const BOTH_TABLES = Object.keys(SIGN_IN_TABLES) as SignInTable[];
const SIGN_IN: DetectionQueryExpectation = { accountIds: IDS, requiredTables: BOTH_TABLES };
const CHANGE: DetectionQueryExpectation = { accountIds: IDS, requiredTables: ["AuditLogs"] };
const signIn = signInQuery(IDS, WINDOW);
const change = changeQuery(IDS, GROUP, WINDOW);
const ACCOUNT_FILTER = "| where UserId in~ (emergencyAccountIds)";

/** `text` with the first `from` replaced; fails when `from` is absent, so a mutation cannot silently do nothing. */
function replaceOnce(text: string, from: string, to: string): string {
    assert.ok(text.includes(from), `the query no longer contains ${JSON.stringify(from)}`);
    return text.replace(from, to);
}

/** The sign-in query with `lines` added after the account filter of its first union leg (SigninLogs). */
function inFirstLeg(lines: string): string {
    return replaceOnce(signIn, ACCOUNT_FILTER, `${ACCOUNT_FILTER}\n    ${lines}`);
}

/** The sign-in query with `lines` appended after its final project. */
function appended(lines: string): string {
    return `${signIn}\n${lines}`;
}

// The first test: nothing above may have loaded Kusto. Importing the checks must cost nothing until the first call.
test("importing the checks does not load Kusto; the first call does", () => {
    assert.equal(kustoLoaded(), false);
    assert.equal((globalThis as { Kusto?: unknown }).Kusto, undefined);
    assert.equal(queryHash("SigninLogs"), createHash("sha256").update("SigninLogs").digest("hex"));
    assert.equal(kustoLoaded(), false, "queryHash needs no Kusto");
    detectionQueryProblems(signIn, SIGN_IN);
    assert.equal(kustoLoaded(), true);
});

describe("the builders' queries have no problem", () => {
    test("the sign-in query over both tables, for one, two and four accounts and every window", () => {
        for (const ids of ACCOUNT_SETS) {
            for (const window of WINDOWS) {
                assert.deepEqual(detectionQueryProblems(signInQuery(ids, window), { accountIds: ids, requiredTables: BOTH_TABLES }), []);
            }
        }
    });

    for (const table of BOTH_TABLES) {
        test(`the sign-in query over ${table} only, expected to read ${table}`, () => {
            assert.deepEqual(detectionQueryProblems(signInQuery(IDS, WINDOW, [table]), { accountIds: IDS, requiredTables: [table] }), []);
        });
    }

    test("the change query, for one, two and four accounts and every window", () => {
        for (const ids of ACCOUNT_SETS) {
            for (const window of WINDOWS) {
                assert.deepEqual(detectionQueryProblems(changeQuery(ids, GROUP, window), { accountIds: ids, requiredTables: ["AuditLogs"] }), []);
            }
        }
    });

    test("expected ids in capitals are the same accounts", () => {
        assert.deepEqual(detectionQueryProblems(signIn, { ...SIGN_IN, accountIds: IDS.map((id) => id.toUpperCase()) }), []);
    });
});

describe("what a detection query may do", () => {
    const harmless: Array<[string, string]> = [
        ["project a result column", appended("| project UserId, ResultType")],
        ["summarize by a result column", appended("| summarize count() by UserId, ResultType")],
        ["compute a column from a result column without filtering on it", appended('| extend Failed = ResultType != "0"')],
        ["mention a result filter in a comment", `// | where ResultType == 0\n${signIn}`],
        ["mention a result filter inside a string", inFirstLeg('| where UserPrincipalName != "| where ResultType == 0"')],
        ["filter on a time in the past", inFirstLeg("| where TimeGenerated > ago(2h) and TimeGenerated <= now()")],
        ["take a positive number of rows", appended("| take 1000")],
        ["match each account with =~", replaceOnce(signIn, ACCOUNT_FILTER, `| where UserId =~ "${IDS[0]}" or UserId =~ "${IDS[1].toUpperCase()}"`)],
        ["match the accounts with has", replaceOnce(signIn, ACCOUNT_FILTER, `| where UserId has "${IDS[0]}" or UserId has "${IDS[1]}"`)],
        ["lower-case UserId and compare it case-sensitively", replaceOnce(signIn, ACCOUNT_FILTER, "| where tolower(UserId) in (emergencyAccountIds)")],
        ["read the tables through a wildcard union", `let ids = dynamic(["${IDS[0]}", "${IDS[1]}"]);\nunion Signin*, AADNonInteractive* | where UserId in~ (ids)`],
        ["read a table through table()", `let ids = dynamic(["${IDS[0]}", "${IDS[1]}"]);\nunion table("SigninLogs"), AADNonInteractiveUserSignInLogs\n| where UserId in~ (ids)`],
    ];
    for (const [what, query] of harmless) {
        test(`${what}: no problem`, () => assert.deepEqual(detectionQueryProblems(query, SIGN_IN), []));
    }
});

/** A weakened query, what it is judged against, and what its problem must name. */
interface Bypass {
    readonly name: string;
    readonly query: string;
    readonly expected?: DetectionQueryExpectation;
    /** Every pattern must match one of the problems: the column, id, table or operator at fault. */
    readonly names: readonly RegExp[];
    /** Whether the weakened query is itself invalid KQL (otherwise the test asserts that it compiles). */
    readonly invalid?: true;
}

const resultFilter = (column: string) => new RegExp(`filters on ${column} in `);
const never = (text: string) => new RegExp(`"${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^"]*" (is never true|keeps no rows)`);

const BYPASSES: readonly Bypass[] = [
    // 2. A filter on a result column, however it is written.
    { name: "where ResultType == 0", query: inFirstLeg("| where ResultType == 0"), names: [resultFilter("ResultType")] },
    { name: "a bracketed name: ['ResultType'] == \"0\"", query: inFirstLeg("| where ['ResultType'] == \"0\""), names: [resultFilter("ResultType")] },
    { name: "column_ifexists(\"ResultType\", \"\")", query: inFirstLeg('| where column_ifexists("ResultType", "") == "0"'), names: [resultFilter("ResultType")] },
    { name: "through extend: extend ok = ResultType == 0 | where ok", query: inFirstLeg("| extend ok = ResultType == 0 | where ok"), names: [resultFilter("ResultType")] },
    { name: "through two extends", query: inFirstLeg('| extend code = tostring(ResultType) | extend ok = code == "0" | where ok'), names: [resultFilter("ResultType")] },
    { name: "tostring(ResultType) in (\"0\")", query: inFirstLeg('| where tostring(ResultType) in ("0")'), names: [resultFilter("ResultType")] },
    { name: "a renamed column: project-rename", query: appended('| project-rename Outcome = ResultType | where Outcome == "0"'), names: [resultFilter("ResultType")] },
    { name: "after the union, on the unified column", query: appended('| where ResultType in~ ("0", "50126")'), names: [resultFilter("ResultType")] },
    { name: "Status.errorCode == 0", query: inFirstLeg("| where Status.errorCode == 0"), names: [resultFilter("Status")] },
    { name: "isempty(ResultDescription)", query: inFirstLeg("| where isempty(ResultDescription)"), names: [resultFilter("ResultDescription")] },
    { name: "ResultSignature", query: inFirstLeg('| where ResultSignature == "SUCCESS"'), names: [resultFilter("ResultSignature")] },
    { name: "ConditionalAccessStatus", query: appended('| where ConditionalAccessStatus == "success"'), names: [resultFilter("ConditionalAccessStatus")] },
    { name: "the filter keyword", query: inFirstLeg("| filter ResultType == 0"), names: [resultFilter("ResultType")] },
    { name: "inside the account filter: and ResultType == 0", query: replaceOnce(signIn, ACCOUNT_FILTER, `${ACCOUNT_FILTER.replace("| where ", "| where ResultType == 0 and ")}`), names: [resultFilter("ResultType")] },
    {
        name: "a where inside a let",
        query: `let emergencyAccountIds = dynamic(["${IDS[0]}", "${IDS[1]}"]);\nlet successes = SigninLogs | where ResultType == "0";\nunion successes, AADNonInteractiveUserSignInLogs\n| where UserId in~ (emergencyAccountIds)`,
        names: [resultFilter("ResultType")],
    },
    {
        name: "a where inside mv-apply",
        query: inFirstLeg('| mv-apply Policy = ConditionalAccessPolicies on (where ResultType == "0")'),
        names: [resultFilter("ResultType")],
    },
    { name: "a join on the result column", query: appended('| join kind=inner (datatable(ResultType: string)["0"]) on ResultType'), names: [resultFilter("ResultType")] },
    { name: "every column: where * has", query: inFirstLeg('| where * has "Success"'), names: [/filters on every column/] },
    { name: "the change query: where Result == \"success\"", query: `${change}\n| where Result == "success"`, expected: CHANGE, names: [resultFilter("Result")] },
    { name: "the change query: ResultReason", query: `${change}\n| where isempty(ResultReason)`, expected: CHANGE, names: [resultFilter("ResultReason")] },

    // 3. A filter that is never true, or an operator that keeps no row.
    { name: "where false", query: appended("| where false"), names: [never("where false")] },
    { name: "where 1 == 0", query: appended("| where 1 == 0"), names: [never("where 1 == 0")] },
    { name: "where 1 > 2", query: inFirstLeg("| where 1 > 2"), names: [never("where 1 > 2")] },
    { name: "where not(true)", query: appended("| where not(true)"), names: [never("where not(true)")] },
    { name: "where UserId == \"x\" and false", query: appended('| where UserId == "x" and false'), names: [never('where UserId == \\"x\\" and false'.replace(/\\/g, ""))] },
    { name: "a let-bound false", query: `let off = false;\n${appended("| where off")}`, names: [never("where off")] },
    { name: "an extended false: extend live = 1 == 2 | where live", query: inFirstLeg("| extend live = 1 == 2 | where live"), names: [never("where live")] },
    { name: "future-only: TimeGenerated > now()", query: appended("| where TimeGenerated > now()"), names: [never("where TimeGenerated > now()")] },
    { name: "future-only: TimeGenerated > now(1d)", query: inFirstLeg("| where TimeGenerated > now(1d)"), names: [never("where TimeGenerated > now(1d)")] },
    { name: "future-only: TimeGenerated >= ago(-1h)", query: inFirstLeg("| where TimeGenerated >= ago(-1h)"), names: [never("where TimeGenerated >= ago(-1h)")] },
    { name: "future-only: ingestion_time() > now()", query: inFirstLeg("| where ingestion_time() > now()"), names: [never("where ingestion_time() > now()")] },
    { name: "future-only: between now(1h) and now(2h)", query: inFirstLeg("| where TimeGenerated between (now(1h) .. now(2h))"), names: [never("where TimeGenerated between")] },
    { name: "future-only: a fixed date far ahead", query: inFirstLeg("| where TimeGenerated > datetime(2999-01-01)"), names: [never("where TimeGenerated > datetime(2999-01-01)")] },
    { name: "past-only: TimeGenerated < ago(1d)", query: inFirstLeg("| where TimeGenerated < ago(1d)"), names: [never("where TimeGenerated < ago(1d)")] },
    { name: "take 0", query: appended("| take 0"), names: [never("take 0")] },
    { name: "limit 0", query: appended("| limit 0"), names: [never("limit 0")] },
    { name: "sample 0", query: appended("| sample 0"), names: [never("sample 0")] },
    { name: "top 0 by TimeGenerated", query: appended("| top 0 by TimeGenerated"), names: [never("top 0 by TimeGenerated")] },
    { name: "take 0 in a union leg", query: inFirstLeg("| take 0"), names: [never("take 0")] },

    // 4. Every account, matched in any letter case.
    { name: "an account the query never names", query: signIn, expected: { ...SIGN_IN, accountIds: [...IDS, OTHER] }, names: [new RegExp(`never names account ${OTHER}`)] },
    {
        name: "in instead of in~",
        query: signIn.replaceAll(ACCOUNT_FILTER, "| where UserId in (emergencyAccountIds)"),
        names: IDS.map((id) => new RegExp(`matches ${id} case-sensitively; ids may arrive in another case`)),
    },
    {
        name: "== for one account",
        query: signIn.replaceAll(ACCOUNT_FILTER, `| where UserId == "${IDS[0]}" or UserId =~ "${IDS[1]}"`),
        names: [new RegExp(`matches ${IDS[0]} case-sensitively`)],
    },
    {
        name: "has_cs",
        query: signIn.replaceAll(ACCOUNT_FILTER, `| where UserId has_cs "${IDS[0]}" or UserId has "${IDS[1]}"`),
        names: [new RegExp(`matches ${IDS[0]} case-sensitively`)],
    },
    { name: "!in~ instead of in~", query: signIn.replaceAll(ACCOUNT_FILTER, "| where UserId !in~ (emergencyAccountIds)"), names: IDS.map((id) => new RegExp(`excludes account ${id}`)) },
    { name: "a later filter to another account", query: appended(`| where UserId =~ "${OTHER}"`), names: IDS.map((id) => new RegExp(`excludes account ${id}`)) },
    { name: "one account carved out", query: appended(`| where UserId !~ "${IDS[1]}"`), names: [new RegExp(`excludes account ${IDS[1]}`)] },
    {
        // The account filter then compares a constant: never true.
        name: "UserId overwritten before the account filter",
        query: replaceOnce(signIn, ACCOUNT_FILTER, `| extend UserId = "${OTHER}"\n    ${ACCOUNT_FILTER}`),
        names: [never(ACCOUNT_FILTER.slice(2))],
    },
    {
        name: "the ids matched on another column",
        query: signIn.replaceAll(ACCOUNT_FILTER, "| where UserPrincipalName in~ (emergencyAccountIds)"),
        names: IDS.map((id) => new RegExp(`no filter matches account ${id}`)),
    },
    {
        name: "the change query without tolower",
        query: change.replaceAll("tolower(tostring(Target.id))", "tostring(Target.id)").replaceAll("tolower(tostring(InitiatedBy.user.id))", "tostring(InitiatedBy.user.id)"),
        expected: CHANGE,
        names: IDS.map((id) => new RegExp(`matches ${id} case-sensitively`)),
    },

    // 5. Every required table read.
    { name: "SigninLogs only", query: signInQuery(IDS, WINDOW, ["SigninLogs"]), names: [/does not read AADNonInteractiveUserSignInLogs/] },
    { name: "AADNonInteractiveUserSignInLogs only", query: signInQuery(IDS, WINDOW, ["AADNonInteractiveUserSignInLogs"]), names: [/does not read SigninLogs:/] },
    {
        name: "the missing table bound by an unused let",
        query: `let unused = AADNonInteractiveUserSignInLogs;\n${signInQuery(IDS, WINDOW, ["SigninLogs"])}`,
        names: [/does not read AADNonInteractiveUserSignInLogs/],
    },
    {
        name: "the missing table only as a join's right side",
        query: appended("| join kind=leftanti (AADNonInteractiveUserSignInLogs | project CorrelationId) on CorrelationId").replace(
            signIn,
            signInQuery(IDS, WINDOW, ["SigninLogs"]),
        ),
        names: [/does not read AADNonInteractiveUserSignInLogs/],
    },
    { name: "the change query expected to read AuditLogs, given the sign-in query", query: signIn, expected: CHANGE, names: [/does not read AuditLogs/] },

    // 1. Invalid KQL.
    { name: "a dangling where", query: appended("| where"), names: [/has an error at line 2\d, column/], invalid: true },
    { name: "a misspelled operator", query: signIn.replace("union", "unoin"), names: [/has an error at line/], invalid: true },
    { name: "an unknown column", query: inFirstLeg("| where ResultTypo == 0"), names: [/has an error at line 10, column 13: .*ResultTypo/], invalid: true },
];

describe("weakened queries: each is a problem naming what is wrong", () => {
    test("there are at least 25 of them", () => assert.ok(BYPASSES.length >= 25));
    for (const bypass of BYPASSES) {
        test(bypass.name, () => {
            const problems = detectionQueryProblems(bypass.query, bypass.expected ?? SIGN_IN);
            if (!bypass.invalid) {
                assert.deepEqual(problems.filter((p) => p.startsWith("the query has an error")), [], "the weakened query must be valid KQL");
            }
            for (const pattern of bypass.names) {
                assert.ok(problems.some((p) => pattern.test(p)), `no problem matches ${pattern}; problems: ${JSON.stringify(problems, null, 2)}`);
            }
        });
    }

    test("a problem quotes the operator at fault", () => {
        const problems = detectionQueryProblems(inFirstLeg("| where ['ResultType'] == \"0\""), SIGN_IN);
        assert.deepEqual(problems, [`the query filters on ResultType in "where ['ResultType'] == "0"": a filter on a result column hides failed and blocked attempts.`]);
    });

    test("a filter that is never true is reported once, not again as excluding each account", () => {
        assert.deepEqual(detectionQueryProblems(appended("| where false"), SIGN_IN), [`the filter "where false" is never true: the rule can never fire.`]);
    });
});

describe("bad input", () => {
    test("bad KQL is a problem, never an exception", () => {
        for (const query of ["", "|||", "let x = ;", "SigninLogs | where (", "\u0000", "```"]) {
            const problems = detectionQueryProblems(query, SIGN_IN);
            assert.ok(problems.length > 0, `no problem for ${JSON.stringify(query)}`);
        }
    });

    test("an expectation without accounts is refused, naming the key", () => {
        assertRefused(
            () => detectionQueryProblems(signIn, { accountIds: [], requiredTables: BOTH_TABLES }),
            "expected.accountIds must list at least one emergency account object id.",
        );
    });

    test("an account id that is not a GUID is refused, naming its index", () => {
        assertRefused(
            () => detectionQueryProblems(signIn, { accountIds: [IDS[0], ".*"], requiredTables: BOTH_TABLES }),
            'expected.accountIds[1] is not a GUID (got ".*"): object ids look like 00000000-0000-0000-0000-000000000000.',
        );
    });

    test("an unknown table is refused, naming its index", () => {
        assertRefused(
            () => detectionQueryProblems(signIn, { accountIds: IDS, requiredTables: ["SigninLogs", "SignInLogs"] }),
            'expected.requiredTables[1] is not a known table (got "SignInLogs"); known: SigninLogs, AADNonInteractiveUserSignInLogs, AuditLogs.',
        );
    });
});

describe("queryHash", () => {
    test("is the SHA-256 of the exact text, in lower-case hex", () => {
        for (const query of [signIn, change, "", "SigninLogs\r\n| take 1", "é ∑ 🙂"]) {
            const hash = queryHash(query);
            assert.equal(hash, createHash("sha256").update(query, "utf8").digest("hex"));
            assert.match(hash, /^[0-9a-f]{64}$/);
        }
    });

    test("is stable, and changes with a single space", () => {
        assert.equal(queryHash(signIn), queryHash(signInQuery(IDS, WINDOW)));
        // FIPS 180-2's test vector.
        assert.equal(queryHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert.notEqual(queryHash(signIn), queryHash(`${signIn} `));
    });
});
