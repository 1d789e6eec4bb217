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
/** The accounts as a let-bound list named `ids`, for hand-written queries. */
const ID_LIST = `let ids = dynamic(["${IDS[0]}", "${IDS[1]}"]);`;

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
                const expected = { accountIds: ids, requiredTables: BOTH_TABLES };
                assert.deepEqual(detectionQueryProblems(signInQuery(ids, window), expected), []);
            }
        }
    });

    for (const table of BOTH_TABLES) {
        test(`the sign-in query over ${table} only, expected to read ${table}`, () => {
            const expected = { accountIds: IDS, requiredTables: [table] };
            assert.deepEqual(detectionQueryProblems(signInQuery(IDS, WINDOW, [table]), expected), []);
        });
    }

    test("the change query, for one, two and four accounts and every window", () => {
        for (const ids of ACCOUNT_SETS) {
            for (const window of WINDOWS) {
                const expected = { accountIds: ids, requiredTables: ["AuditLogs"] };
                assert.deepEqual(detectionQueryProblems(changeQuery(ids, GROUP, window), expected), []);
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
        [
            "match each account with =~",
            signIn.replaceAll(ACCOUNT_FILTER, `| where UserId =~ "${IDS[0]}" or UserId =~ "${IDS[1].toUpperCase()}"`),
        ],
        [
            "match the accounts with has",
            signIn.replaceAll(ACCOUNT_FILTER, `| where UserId has "${IDS[0]}" or UserId has "${IDS[1]}"`),
        ],
        [
            "lower-case UserId and compare it case-sensitively",
            signIn.replaceAll(ACCOUNT_FILTER, "| where tolower(UserId) in (emergencyAccountIds)"),
        ],
        ["read the tables through a wildcard union", `${ID_LIST}\nunion Signin*, AADNonInteractive* | where UserId in~ (ids)`],
        [
            "read a table through table()",
            `${ID_LIST}\nunion table("SigninLogs"), AADNonInteractiveUserSignInLogs\n| where UserId in~ (ids)`,
        ],
        ["match the accounts with has_any", signIn.replaceAll(ACCOUNT_FILTER, "| where UserId has_any (emergencyAccountIds)")],
        [
            "match the accounts with a case-insensitive regular expression",
            signIn.replaceAll(ACCOUNT_FILTER, `| where UserId matches regex "(?i)^(${IDS[0]}|${IDS[1]})$"`),
        ],
        // Kept from the regex readers' tests (queryReaders.test.ts).
        [
            "filter on a column whose name starts like a result column's",
            appended("| extend ResultTypeCount = 1 | where ResultTypeCount > 0"),
        ],
        [
            "name the accounts in verbatim and single-quoted strings, in capitals",
            signIn.replaceAll(ACCOUNT_FILTER, `| where UserId =~ @"${IDS[0]}" or UserId =~ '${IDS[1].toUpperCase()}'`),
        ],
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
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const never = (text: string) => new RegExp(`"${escaped(text)}.*" (is never true|keeps no rows)`);
const excludes = (id: string) => new RegExp(`excludes account ${id}`);
const caseSensitive = (id: string) => new RegExp(`matches ${id} case-sensitively; ids may arrive in another case`);
const notRead = (table: string) => new RegExp(`does not read ${table}:`);

/** A sign-in bypass whose problem must match each of `names`. */
function signInBypass(name: string, query: string, ...names: RegExp[]): Bypass {
    return { name, query, names };
}

/** The same for the change query. */
function changeBypass(name: string, query: string, ...names: RegExp[]): Bypass {
    return { name, query, expected: CHANGE, names };
}

const BYPASSES: readonly Bypass[] = [
    // 2. A filter on a result column, however it is written.
    signInBypass("where ResultType == 0", inFirstLeg("| where ResultType == 0"), resultFilter("ResultType")),
    signInBypass(
        `a bracketed name: ['ResultType'] == "0"`,
        inFirstLeg(`| where ['ResultType'] == "0"`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        `column_ifexists("ResultType", "")`,
        inFirstLeg(`| where column_ifexists("ResultType", "") == "0"`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "through extend: extend ok = ResultType == 0 | where ok",
        inFirstLeg("| extend ok = ResultType == 0 | where ok"),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "through two extends",
        inFirstLeg(`| extend code = tostring(ResultType) | extend ok = code == "0" | where ok`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        `tostring(ResultType) in ("0")`,
        inFirstLeg(`| where tostring(ResultType) in ("0")`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "a renamed column: project-rename",
        appended(`| project-rename Outcome = ResultType | where Outcome == "0"`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "after the union, on the unified column",
        appended(`| where ResultType in~ ("0", "50126")`),
        resultFilter("ResultType"),
    ),
    signInBypass("Status.errorCode == 0", inFirstLeg("| where Status.errorCode == 0"), resultFilter("Status")),
    signInBypass(
        "isempty(ResultDescription)",
        inFirstLeg("| where isempty(ResultDescription)"),
        resultFilter("ResultDescription"),
    ),
    signInBypass("ResultSignature", inFirstLeg(`| where ResultSignature == "SUCCESS"`), resultFilter("ResultSignature")),
    signInBypass(
        "ConditionalAccessStatus",
        appended(`| where ConditionalAccessStatus == "success"`),
        resultFilter("ConditionalAccessStatus"),
    ),
    signInBypass("the filter keyword", inFirstLeg("| filter ResultType == 0"), resultFilter("ResultType")),
    signInBypass(
        "inside the account filter: and ResultType == 0",
        replaceOnce(signIn, ACCOUNT_FILTER, "| where ResultType == 0 and UserId in~ (emergencyAccountIds)"),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "a where inside a let",
        [
            `let emergencyAccountIds = dynamic(["${IDS[0]}", "${IDS[1]}"]);`,
            `let successes = SigninLogs | where ResultType == "0";`,
            "union successes, AADNonInteractiveUserSignInLogs",
            "| where UserId in~ (emergencyAccountIds)",
        ].join("\n"),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "a where inside mv-apply",
        inFirstLeg(`| mv-apply Policy = ConditionalAccessPolicies on (where ResultType == "0")`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "a join on the result column",
        appended(`| join kind=inner (datatable(ResultType: string)["0"]) on ResultType`),
        resultFilter("ResultType"),
    ),
    signInBypass("search", appended(`| search ResultType == "0"`), resultFilter("ResultType")),
    signInBypass(
        "parse-where",
        inFirstLeg(`| parse-where ResultDescription with "Success" *`),
        resultFilter("ResultDescription"),
    ),
    signInBypass(
        "a lookup on the result column",
        appended(`| lookup kind=inner (datatable(ResultType: string)["0"]) on ResultType`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "a where inside a function the query invokes",
        `let successes = (T: (ResultType: string)) { T | where ResultType == "0" };\n${appended("| invoke successes()")}`,
        resultFilter("ResultType"),
    ),
    signInBypass(
        "has_any on the result column",
        appended(`| where ResultType has_any (dynamic(["0"]))`),
        resultFilter("ResultType"),
    ),
    signInBypass(
        "case() on the result column",
        appended(`| where case(ResultType == "0", true, false)`),
        resultFilter("ResultType"),
    ),
    signInBypass("pack_all()", inFirstLeg(`| where pack_all().ResultType == "0"`), /filters on every column/),
    signInBypass("every column: where * has", inFirstLeg(`| where * has "Success"`), /filters on every column/),
    // Kept from the regex readers' tests (queryReaders.test.ts).
    signInBypass(`ResultType != "0"`, appended(`| where ResultType != "0"`), resultFilter("ResultType")),
    signInBypass("toint(ResultType) == 0", inFirstLeg("| where toint(ResultType) == 0"), resultFilter("ResultType")),
    signInBypass(
        "a filter over several lines",
        inFirstLeg(`| where UserId =~ '${IDS[0]}'\n        or ResultType == 0`),
        resultFilter("ResultType"),
    ),
    changeBypass(`the change query: where Result == "success"`, `${change}\n| where Result == "success"`, resultFilter("Result")),
    changeBypass("the change query: ResultReason", `${change}\n| where isempty(ResultReason)`, resultFilter("ResultReason")),

    // 3. A filter that is never true, or an operator that keeps no row.
    signInBypass("where false", appended("| where false"), never("where false")),
    signInBypass("where 1 == 0", appended("| where 1 == 0"), never("where 1 == 0")),
    signInBypass("where 1 > 2", inFirstLeg("| where 1 > 2"), never("where 1 > 2")),
    signInBypass("where not(true)", appended("| where not(true)"), never("where not(true)")),
    signInBypass(
        `where UserId == "x" and false`,
        appended(`| where UserId == "x" and false`),
        never(`where UserId == "x" and false`),
    ),
    signInBypass("a let-bound false", `let off = false;\n${appended("| where off")}`, never("where off")),
    signInBypass(
        "an extended false: extend live = 1 == 2 | where live",
        inFirstLeg("| extend live = 1 == 2 | where live"),
        never("where live"),
    ),
    signInBypass(
        // The account filter then compares a constant: never true.
        "UserId overwritten before the account filter",
        replaceOnce(signIn, ACCOUNT_FILTER, `| extend UserId = "${OTHER}"\n    ${ACCOUNT_FILTER}`),
        never(ACCOUNT_FILTER.slice(2)),
    ),
    signInBypass(
        "future-only: TimeGenerated > now()",
        appended("| where TimeGenerated > now()"),
        never("where TimeGenerated > now()"),
    ),
    signInBypass(
        "future-only: TimeGenerated > now(1d)",
        inFirstLeg("| where TimeGenerated > now(1d)"),
        never("where TimeGenerated > now(1d)"),
    ),
    signInBypass(
        "future-only: TimeGenerated >= ago(-1h)",
        inFirstLeg("| where TimeGenerated >= ago(-1h)"),
        never("where TimeGenerated >= ago(-1h)"),
    ),
    signInBypass(
        "future-only: ingestion_time() > now()",
        inFirstLeg("| where ingestion_time() > now()"),
        never("where ingestion_time() > now()"),
    ),
    signInBypass(
        "future-only: between now(1h) and now(2h)",
        inFirstLeg("| where TimeGenerated between (now(1h) .. now(2h))"),
        never("where TimeGenerated between"),
    ),
    signInBypass(
        "future-only: a fixed date far ahead",
        inFirstLeg("| where TimeGenerated > datetime(2999-01-01)"),
        never("where TimeGenerated > datetime(2999-01-01)"),
    ),
    signInBypass(
        "past-only: TimeGenerated < ago(1d)",
        inFirstLeg("| where TimeGenerated < ago(1d)"),
        never("where TimeGenerated < ago(1d)"),
    ),
    signInBypass(
        "a contradictory time range",
        inFirstLeg("| where TimeGenerated > ago(1h) and TimeGenerated < ago(2h)"),
        never("where TimeGenerated > ago(1h) and"),
    ),
    signInBypass(
        "future-only: ingestion_time() > ago(0m)",
        inFirstLeg("| where ingestion_time() > ago(0m)"),
        never("where ingestion_time() > ago(0m)"),
    ),
    signInBypass(
        "future-only: datetime_add",
        inFirstLeg(`| where TimeGenerated > datetime_add("day", 1, now())`),
        never("where TimeGenerated > datetime_add("),
    ),
    signInBypass(
        "future-only, through todatetime()",
        inFirstLeg("| where todatetime(TimeGenerated) > now()"),
        never("where todatetime(TimeGenerated) > now()"),
    ),
    signInBypass(
        "a record time moved to the future by extend",
        inFirstLeg("| extend TimeGenerated = now(1d) | where TimeGenerated < now()"),
        never("where TimeGenerated < now()"),
    ),
    signInBypass("iff(1 == 1, false, true)", appended("| where iff(1 == 1, false, true)"), never("where iff(")),
    signInBypass("take 0", appended("| take 0"), never("take 0")),
    signInBypass("a let-bound take 0", `let n = 0;\n${appended("| take n")}`, never("take n")),
    signInBypass("take toint(\"0\")", appended(`| take toint("0")`), never("take toint(")),
    signInBypass("sample-distinct 0", appended("| sample-distinct 0 of UserId"), never("sample-distinct 0 of UserId")),
    signInBypass("top-nested 0", appended("| top-nested 0 of UserId by count()"), never("top-nested 0 of UserId")),
    signInBypass("limit 0", appended("| limit 0"), never("limit 0")),
    signInBypass("sample 0", appended("| sample 0"), never("sample 0")),
    signInBypass("top 0 by TimeGenerated", appended("| top 0 by TimeGenerated"), never("top 0 by TimeGenerated")),
    signInBypass("take 0 in a union leg", inFirstLeg("| take 0"), never("take 0")),

    // 4. Every account, matched in any letter case.
    {
        name: "an account the query never names",
        query: signIn,
        expected: { ...SIGN_IN, accountIds: [...IDS, OTHER] },
        names: [new RegExp(`never names account ${OTHER}`)],
    },
    signInBypass(
        "an account named only in a comment",
        `// ${IDS[1]}\n${signInQuery([IDS[0]], WINDOW)}`,
        new RegExp(`never names account ${IDS[1]}`),
    ),
    signInBypass(
        "an account named only as part of a longer token",
        signInQuery([IDS[0]], WINDOW).replaceAll(ACCOUNT_FILTER, `| where UserId in~ (emergencyAccountIds, "${IDS[1]}0")`),
        new RegExp(`never names account ${IDS[1]}`),
    ),
    signInBypass(
        "in instead of in~",
        signIn.replaceAll(ACCOUNT_FILTER, "| where UserId in (emergencyAccountIds)"),
        ...IDS.map(caseSensitive),
    ),
    signInBypass(
        "== for one account",
        signIn.replaceAll(ACCOUNT_FILTER, `| where UserId == "${IDS[0]}" or UserId =~ "${IDS[1]}"`),
        caseSensitive(IDS[0]),
    ),
    signInBypass(
        "in with the id listed in lower case and in capitals",
        signIn.replaceAll(ACCOUNT_FILTER, `| where UserId in ("${IDS[0]}", "${IDS[0].toUpperCase()}") or UserId =~ "${IDS[1]}"`),
        caseSensitive(IDS[0]),
    ),
    signInBypass(
        "has_cs",
        signIn.replaceAll(ACCOUNT_FILTER, `| where UserId has_cs "${IDS[0]}" or UserId has "${IDS[1]}"`),
        caseSensitive(IDS[0]),
    ),
    signInBypass(
        "!in~ instead of in~",
        signIn.replaceAll(ACCOUNT_FILTER, "| where UserId !in~ (emergencyAccountIds)"),
        ...IDS.map(excludes),
    ),
    signInBypass("a later filter to another account", appended(`| where UserId =~ "${OTHER}"`), ...IDS.map(excludes)),
    signInBypass("a regular expression no id matches", appended(`| where UserId matches regex "^zzz"`), ...IDS.map(excludes)),
    signInBypass("a length no id has", appended("| where strlen(UserId) > 100"), ...IDS.map(excludes)),
    signInBypass("a prefix no id has", appended(`| where UserId startswith "zzz"`), ...IDS.map(excludes)),
    signInBypass("isnull(UserId)", appended("| where isnull(UserId)"), ...IDS.map(excludes)),
    signInBypass("one account carved out", appended(`| where UserId !~ "${IDS[1]}"`), excludes(IDS[1])),
    signInBypass(
        "the ids matched on another column",
        signIn.replaceAll(ACCOUNT_FILTER, "| where UserPrincipalName in~ (emergencyAccountIds)"),
        ...IDS.map((id) => new RegExp(`no filter matches account ${id}`)),
    ),
    changeBypass(
        "the change query without tolower",
        change
            .replaceAll("tolower(tostring(Target.id))", "tostring(Target.id)")
            .replaceAll("tolower(tostring(InitiatedBy.user.id))", "tostring(InitiatedBy.user.id)"),
        ...IDS.map(caseSensitive),
    ),

    // 5. Every required table read.
    signInBypass("SigninLogs only", signInQuery(IDS, WINDOW, ["SigninLogs"]), notRead("AADNonInteractiveUserSignInLogs")),
    signInBypass(
        "AADNonInteractiveUserSignInLogs only",
        signInQuery(IDS, WINDOW, ["AADNonInteractiveUserSignInLogs"]),
        notRead("SigninLogs"),
    ),
    signInBypass(
        "the missing table bound by an unused let",
        `let unused = AADNonInteractiveUserSignInLogs;\n${signInQuery(IDS, WINDOW, ["SigninLogs"])}`,
        notRead("AADNonInteractiveUserSignInLogs"),
    ),
    signInBypass(
        "the missing table only as a join's right side",
        `${signInQuery(IDS, WINDOW, ["SigninLogs"])}\n` +
            "| join kind=leftanti (AADNonInteractiveUserSignInLogs | project CorrelationId) on CorrelationId",
        notRead("AADNonInteractiveUserSignInLogs"),
    ),
    changeBypass("the change rule given the sign-in query", signIn, notRead("AuditLogs")),

    // 1. Invalid KQL.
    { name: "a dangling where", query: appended("| where"), names: [/has an error at line 2\d, column/], invalid: true },
    { name: "a misspelled operator", query: signIn.replace("union", "unoin"), names: [/has an error at line/], invalid: true },
    {
        name: "an unknown column",
        query: inFirstLeg("| where ResultTypo == 0"),
        names: [/has an error at line 10, column 13: .*ResultTypo/],
        invalid: true,
    },
];

describe("weakened queries: each is a problem naming what is wrong", () => {
    test("there are at least 25 of them", () => assert.ok(BYPASSES.length >= 25));
    for (const bypass of BYPASSES) {
        test(bypass.name, () => {
            const problems = detectionQueryProblems(bypass.query, bypass.expected ?? SIGN_IN);
            if (!bypass.invalid) {
                const errors = problems.filter((p) => p.startsWith("the query has an error"));
                assert.deepEqual(errors, [], "the weakened query must be valid KQL");
            }
            for (const pattern of bypass.names) {
                const shown = JSON.stringify(problems, null, 2);
                assert.ok(problems.some((p) => pattern.test(p)), `no problem matches ${pattern}; problems: ${shown}`);
            }
        });
    }

    test("a problem quotes the operator at fault", () => {
        const problems = detectionQueryProblems(inFirstLeg("| where ['ResultType'] == \"0\""), SIGN_IN);
        assert.deepEqual(problems, [
            `the query filters on ResultType in "where ['ResultType'] == "0"": ` +
                "a filter on a result column hides failed and blocked attempts.",
        ]);
    });

    test("a filter that is never true is reported once, not again as excluding each account", () => {
        const problems = detectionQueryProblems(appended("| where false"), SIGN_IN);
        assert.deepEqual(problems, [`the filter "where false" is never true: the rule can never fire.`]);
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
            'expected.requiredTables[1] is not a known table (got "SignInLogs"); ' +
                "known: SigninLogs, AADNonInteractiveUserSignInLogs, AuditLogs.",
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
