// The query builders, read as text: no Kusto engine runs here (test/kql.test.ts parses and binds the same
// queries). What is checked is what a reviewer would check by eye: the exact ids, both sign-in tables, no
// result filter, the ingestion-delay filters, the three change detections, and refused input.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
    CHANGE_COLUMNS,
    CHANGE_DETECTIONS,
    DEFAULT_QUERY_FREQUENCY,
    INGESTION_DELAY_ALLOWANCE_MINUTES,
    MAX_LOOKBACK_MINUTES,
    QueryInputError,
    SIGN_IN_COLUMNS,
    SIGN_IN_TABLES,
    changeQuery,
    defaultLookback,
    isoDurationMinutes,
    minutesToIsoDuration,
    queryHidesFailedSignIns,
    queryReferencesAccount,
    queryWindow,
    signInQuery,
    type QueryWindow,
} from "../policies/contract/queries";
import { ACCOUNTS, GROUP } from "./helpers/ids";

const OTHER = "e902893a-9d22-3c7e-a7b8-d6e313b71d9f";
const GUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

const ACCOUNT_SETS = [1, 2, 4].map((n) => ACCOUNTS.slice(0, n));
const WINDOWS: QueryWindow[] = ["PT5M", "PT15M", "PT1H", "P1D"].map((frequency) => queryWindow(frequency));

/** The ids of a `let name = dynamic([...]);` statement. */
function letIds(query: string, name: string): string[] {
    const match = new RegExp(`^let ${name} = dynamic\\((\\[.*\\])\\);$`, "m").exec(query);
    assert.ok(match, `no "let ${name} = dynamic([...]);" in:\n${query}`);
    return JSON.parse(match[1]) as string[];
}

/** The columns of the query's final `| project` (the last one, which may span lines). */
function projectedColumns(query: string): string[] {
    const clause = query.slice(query.lastIndexOf("| project "));
    return clause
        .slice("| project ".length)
        .split(",")
        .map((column) => column.trim().split(/\s*=\s*/)[0]);
}

/** Every `ago(<n>m)` that follows `what`, as minutes. */
function agoAfter(query: string, what: string): number[] {
    const escaped = what.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return [...query.matchAll(new RegExp(`${escaped} ago\\((\\d+)m\\)`, "g"))].map((m) => Number(m[1]));
}

function assertRefused(run: () => unknown, message: string): void {
    assert.throws(run, (err: unknown) => {
        assert.ok(err instanceof QueryInputError, `expected QueryInputError, got ${String(err)}`);
        assert.equal(err.message, message);
        return true;
    });
}

describe("signInQuery", () => {
    for (const ids of ACCOUNT_SETS) {
        for (const window of WINDOWS) {
            const label = `${ids.length} account(s), every ${window.frequencyMinutes}m over ${window.lookbackMinutes}m`;
            const query = signInQuery(ids, window);

            test(`${label}: matches exactly the given object ids`, () => {
                assert.deepEqual(letIds(query, "emergencyAccountIds"), ids);
                assert.deepEqual([...new Set(query.match(GUIDS))], ids);
                for (const id of ids) assert.ok(queryReferencesAccount(query, id));
                assert.ok(!queryReferencesAccount(query, OTHER));
                // Matched on UserId (object id), in each table, never on the renameable UPN.
                assert.equal(query.match(/\| where UserId in~ \(emergencyAccountIds\)/g)?.length, 2);
                assert.doesNotMatch(query, /where[^|]*UserPrincipalName/);
            });

            test(`${label}: reads both sign-in tables and keeps failures`, () => {
                assert.match(query, /^union\n {4}\(SigninLogs\n/m);
                assert.match(query, /^ {4}\(AADNonInteractiveUserSignInLogs\n/m);
                assert.equal(queryHidesFailedSignIns(query), false);
                assert.doesNotMatch(query, /where[^|]*Result/);
            });

            test(`${label}: ingestion_time() over the frequency, TimeGenerated over the look-back`, () => {
                assert.deepEqual(agoAfter(query, "| where ingestion_time() >"), [window.frequencyMinutes, window.frequencyMinutes]);
                assert.deepEqual(agoAfter(query, "| where TimeGenerated >="), [window.lookbackMinutes, window.lookbackMinutes]);
                // No other time filter that could narrow the window.
                assert.equal(query.match(/ago\(/g)?.length, 4);
            });
        }
    }

    test("projects what an analyst and the rules need, including the source table", () => {
        const columns = projectedColumns(signInQuery(ACCOUNTS, queryWindow(DEFAULT_QUERY_FREQUENCY)));
        for (const column of [
            "TimeGenerated",
            "UserPrincipalName",
            "UserId",
            "IPAddress",
            "Location",
            "AppDisplayName",
            "ResultType",
            "ResultDescription",
            "ConditionalAccessStatus",
            "AuthenticationRequirement",
            "UserAgent",
            "SignInType",
            "SourceTable",
            ...Object.values(SIGN_IN_COLUMNS),
        ]) {
            assert.ok(columns.includes(column), `${column} is not projected: ${columns.join(", ")}`);
        }
    });

    test("aligns the columns whose types differ between the two tables before the union", () => {
        const query = signInQuery(ACCOUNTS, queryWindow(DEFAULT_QUERY_FREQUENCY));
        assert.match(query, /LocationDetails = todynamic\(LocationDetails\), DeviceDetail = todynamic\(DeviceDetail\)\)/);
    });

    test("lower-cases and de-duplicates ids", () => {
        const query = signInQuery([ACCOUNTS[0].toUpperCase(), ACCOUNTS[0], ACCOUNTS[1]], queryWindow("PT5M"));
        assert.deepEqual(letIds(query, "emergencyAccountIds"), [ACCOUNTS[0], ACCOUNTS[1]]);
    });

    // Azure Monitor log alert rules refuse `union`: an alert reads one table per rule.
    for (const table of Object.keys(SIGN_IN_TABLES) as Array<keyof typeof SIGN_IN_TABLES>) {
        test(`reads ${table} alone without a union, with the same filters and columns`, () => {
            const window = queryWindow("PT15M");
            const query = signInQuery(ACCOUNTS, window, [table]);
            assert.doesNotMatch(query, /\bunion\b/);
            assert.match(query, new RegExp(`^${table}\n\\| where TimeGenerated >= ago\\(70m\\)\n`, "m"));
            assert.deepEqual(agoAfter(query, "| where ingestion_time() >"), [15]);
            assert.deepEqual(letIds(query, "emergencyAccountIds"), ACCOUNTS);
            assert.ok(query.includes(`SignInType = "${SIGN_IN_TABLES[table]}", SourceTable = "${table}"`));
            assert.deepEqual(projectedColumns(query), projectedColumns(signInQuery(ACCOUNTS, window)));
            assert.equal(queryHidesFailedSignIns(query), false);
        });
    }
});

describe("changeQuery", () => {
    for (const ids of ACCOUNT_SETS) {
        for (const window of WINDOWS) {
            const label = `${ids.length} account(s), every ${window.frequencyMinutes}m over ${window.lookbackMinutes}m`;
            const query = changeQuery(ids, GROUP, window);

            test(`${label}: exactly the given accounts, plus the group where a group can appear`, () => {
                assert.deepEqual(letIds(query, "emergencyAccountIds"), ids);
                assert.deepEqual(letIds(query, "emergencyObjectIds"), [...ids, GROUP]);
                assert.deepEqual([...new Set(query.match(GUIDS))].sort(), [...ids, GROUP].sort());
            });

            test(`${label}: ingestion_time() over the frequency, TimeGenerated over the look-back`, () => {
                assert.deepEqual(agoAfter(query, "| where ingestion_time() >"), [window.frequencyMinutes]);
                assert.deepEqual(agoAfter(query, "| where TimeGenerated >="), [window.lookbackMinutes]);
                assert.equal(query.match(/ago\(/g)?.length, 2);
                // Every detection reads the filtered rows, never AuditLogs directly.
                assert.equal(query.match(/\bAuditLogs\b/g)?.length, 1);
                assert.equal(query.match(/= recent\n/g)?.length, 3);
            });
        }
    }

    const query = changeQuery(ACCOUNTS.slice(0, 2), GROUP, queryWindow("PT5M"));

    test("fires on an emergency account or the group among TargetResources", () => {
        assert.match(query, /\| mv-expand Target = TargetResources\n {4}\| extend EmergencyObjectId = tolower\(tostring\(Target\.id\)\)\n {4}\| where EmergencyObjectId in \(emergencyObjectIds\)/);
        assert.ok(query.includes(`"${CHANGE_DETECTIONS.target}"`));
    });

    test("fires on anything an emergency account initiates", () => {
        assert.match(query, /EmergencyObjectId = tolower\(tostring\(InitiatedBy\.user\.id\)\)\n {4}\| where EmergencyObjectId in \(emergencyAccountIds\)/);
        assert.ok(query.includes(`"${CHANGE_DETECTIONS.initiator}"`));
    });

    test("fires on a Conditional Access update whose new exclusions lack an emergency id the old ones had", () => {
        assert.match(query, /\| where OperationName =~ "Update conditional access policy"/);
        assert.match(query, /excludeUsers/);
        assert.match(query, /excludeGroups/);
        assert.match(
            query,
            /set_difference\(\s*set_intersect\(excludedIds\(tostring\(Property\.oldValue\)\), emergencyObjectIds\),\s*excludedIds\(tostring\(Property\.newValue\)\)\)/,
        );
        assert.ok(query.includes(`"${CHANGE_DETECTIONS.exclusionRemoved}"`));
    });

    test("has no result filter: a failed attempt to change an account matters too", () => {
        assert.doesNotMatch(query, /where[^|]*\bResult\b/);
    });

    test("returns one row per audit record with the columns the rule maps", () => {
        assert.match(query, /\) by Id\n/);
        const columns = projectedColumns(query);
        for (const column of [...Object.values(CHANGE_COLUMNS), "Category", "Result", "AuditId"]) {
            assert.ok(columns.includes(column), `${column} is not projected: ${columns.join(", ")}`);
        }
    });

    test("does not repeat the group when it is also listed as an account", () => {
        assert.deepEqual(letIds(changeQuery([GROUP], GROUP.toUpperCase(), queryWindow("PT5M")), "emergencyObjectIds"), [GROUP]);
    });
});

describe("refused input", () => {
    const window = queryWindow("PT5M");
    const shape = "object ids look like 00000000-0000-0000-0000-000000000000.";
    const cases: Array<[string, () => unknown, string]> = [
        ["a non-GUID account", () => signInQuery([ACCOUNTS[0], "breakglass-1"], window), `accountIds[1] is not a GUID (got "breakglass-1"): ${shape}`],
        [
            "an id that tries to leave its string literal",
            () => signInQuery([`${ACCOUNTS[0]}") or true //`], window),
            `accountIds[0] is not a GUID (got "${ACCOUNTS[0]}\\") or true //"): ${shape}`,
        ],
        ["a GUID with braces", () => changeQuery(ACCOUNTS, `{${GROUP}}`, window), `groupId is not a GUID (got "{${GROUP}}"): ${shape}`],
        ["an undefined id", () => signInQuery([undefined as unknown as string], window), `accountIds[0] is not a GUID (got undefined): ${shape}`],
        ["no account", () => changeQuery([], GROUP, window), "accountIds is empty: at least one emergency account object id is required."],
        [
            "a look-back no longer than the frequency",
            () => signInQuery(ACCOUNTS, { frequencyMinutes: 60, lookbackMinutes: 60 }),
            "window.lookbackMinutes (60) must be longer than window.frequencyMinutes (60): the difference is the ingestion delay the rule tolerates.",
        ],
        [
            "a fractional frequency",
            () => signInQuery(ACCOUNTS, { frequencyMinutes: 2.5, lookbackMinutes: 60 }),
            "window.frequencyMinutes must be a positive whole number of minutes (got 2.5).",
        ],
        [
            "a look-back beyond 14 days",
            () => changeQuery(ACCOUNTS, GROUP, { frequencyMinutes: 60, lookbackMinutes: MAX_LOOKBACK_MINUTES + 1 }),
            "window.lookbackMinutes (20161) exceeds Sentinel's 20160-minute (14-day) limit.",
        ],
        [
            "a frequency that is not an ISO 8601 duration",
            () => queryWindow("5m"),
            'frequency "5m" is not an ISO 8601 duration of whole minutes, such as PT5M or PT1H.',
        ],
        ["zero minutes", () => minutesToIsoDuration(0), "minutes must be a positive whole number (got 0)."],
        [
            "an unknown sign-in table",
            () => signInQuery(ACCOUNTS, window, ["SignInLogs" as "SigninLogs"]),
            'tables must list distinct sign-in tables among SigninLogs, AADNonInteractiveUserSignInLogs (got ["SignInLogs"]).',
        ],
        [
            "no sign-in table",
            () => signInQuery(ACCOUNTS, window, []),
            "tables must list distinct sign-in tables among SigninLogs, AADNonInteractiveUserSignInLogs (got []).",
        ],
    ];
    for (const [what, run, message] of cases) {
        test(`refuses ${what}`, () => assertRefused(run, message));
    }
});

describe("windows", () => {
    test("the default frequency runs every 5 minutes over the last hour", () => {
        assert.deepEqual(queryWindow(DEFAULT_QUERY_FREQUENCY), { frequencyMinutes: 5, lookbackMinutes: 60 });
        assert.deepEqual(queryWindow("PT1H"), { frequencyMinutes: 60, lookbackMinutes: 115 });
        assert.deepEqual(queryWindow(1), { frequencyMinutes: 1, lookbackMinutes: 60 });
    });

    test("the default look-back is strictly longer than the frequency, by the allowance, and at least an hour", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: MAX_LOOKBACK_MINUTES - INGESTION_DELAY_ALLOWANCE_MINUTES }), (frequency) => {
                const lookback = defaultLookback(frequency);
                assert.ok(lookback > frequency);
                assert.ok(lookback >= 60);
                assert.ok(lookback - frequency >= INGESTION_DELAY_ALLOWANCE_MINUTES);
                assert.ok(lookback <= MAX_LOOKBACK_MINUTES);
            }),
        );
        assert.throws(() => defaultLookback(MAX_LOOKBACK_MINUTES), QueryInputError);
    });

    // The technique itself, simulated: runs every f minutes; each keeps the records generated within the
    // look-back and ingested since the previous run. A record whose ingestion delay is within the allowance
    // is reported by exactly one run.
    test("a record delayed by up to the allowance is reported exactly once", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 180 }),
                fc.integer({ min: 0, max: 10_000 }),
                fc.integer({ min: 0, max: INGESTION_DELAY_ALLOWANCE_MINUTES * 60 }),
                (frequency, generatedSecond, delaySeconds) => {
                    const lookback = defaultLookback(frequency) * 60;
                    const step = frequency * 60;
                    const generated = generatedSecond;
                    const ingested = generated + delaySeconds;
                    let reports = 0;
                    for (let run = 0; run <= ingested + 2 * lookback; run += step) {
                        const inLookback = generated >= run - lookback;
                        const newlyIngested = ingested > run - step && ingested <= run;
                        if (inLookback && newlyIngested) reports++;
                    }
                    assert.equal(reports, 1);
                },
            ),
        );
    });
});

describe("ISO 8601 durations", () => {
    const cases: Array<[string, number | undefined]> = [
        ["PT5M", 5],
        ["PT1H", 60],
        ["PT1H5M", 65],
        ["PT120S", 2],
        ["P1D", 1440],
        ["P1DT1H", 1500],
        ["P14D", 20160],
        ["PT90S", undefined],
        ["PT0M", undefined],
        ["P", undefined],
        ["PT", undefined],
        ["P1DT", undefined],
        ["P1M", undefined],
        ["P1W", undefined],
        ["pt5m", undefined],
        ["5", undefined],
        ["", undefined],
    ];
    for (const [text, minutes] of cases) {
        test(`${JSON.stringify(text)} is ${String(minutes)} minutes`, () => assert.equal(isoDurationMinutes(text), minutes));
    }

    test("minutes print in Azure's canonical form", () => {
        assert.deepEqual(
            [5, 60, 65, 115, 1440, 1500, 20160].map(minutesToIsoDuration),
            ["PT5M", "PT1H", "PT1H5M", "PT1H55M", "P1D", "P1DT1H", "P14D"],
        );
    });

    test("minutes survive a round trip", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (minutes) => {
            assert.equal(isoDurationMinutes(minutesToIsoDuration(minutes)), minutes);
        }));
    });
});

describe("queryReferencesAccount", () => {
    const id = ACCOUNTS[0];
    const cases: Array<[string, string, boolean]> = [
        ["a string literal", `SigninLogs | where UserId == "${id}"`, true],
        ["another letter case", `SigninLogs | where UserId =~ '${id.toUpperCase()}'`, true],
        ["a dynamic list", `let ids = dynamic(["${OTHER}", "${id}"]);`, true],
        ["a verbatim string", `SigninLogs | where UserId == @"${id}"`, true],
        ["another id only", `SigninLogs | where UserId == "${OTHER}"`, false],
        ["a comment only", `// ${id}\nSigninLogs | take 1`, false],
        ["a comment after code", `SigninLogs | where UserId == "${OTHER}" // not ${id}`, false],
        ["a longer token", `SigninLogs | where UserId == "${id}0"`, false],
        ["a URL in a string, not a comment", `print "https://example.com/${id}"`, true],
    ];
    for (const [what, query, expected] of cases) {
        test(`${expected ? "finds" : "does not find"} the id in ${what}`, () => assert.equal(queryReferencesAccount(query, id), expected));
    }

    test("refuses an id that is not a GUID", () => {
        assertRefused(
            () => queryReferencesAccount("SigninLogs", ".*"),
            'id is not a GUID (got ".*"): object ids look like 00000000-0000-0000-0000-000000000000.',
        );
    });
});

describe("queryHidesFailedSignIns", () => {
    const cases: Array<[string, boolean]> = [
        ["SigninLogs | where ResultType == 0", true],
        ['SigninLogs | where ResultType == "0"', true],
        ['SigninLogs | where ResultType in ("0")', true],
        ['SigninLogs | where ResultType in~ ("0", "50126")', true],
        ['SigninLogs | where ResultType != "0"', true],
        ["SigninLogs | where toint(ResultType) == 0", true],
        ['SigninLogs | where UserId == "x" and ResultType == 0', true],
        ["SigninLogs\n| where UserId == 'x'\n    and ResultType == 0", true],
        ["SigninLogs | filter ResultType == 0", true],
        ["union (SigninLogs | where ResultType == 0), AADNonInteractiveUserSignInLogs", true],
        ["SigninLogs | where Status.errorCode == 0", true],
        ['SigninLogs | mv-apply p = ConditionalAccessPolicies on (where ResultType == "0")', true],
        ['SigninLogs | where ConditionalAccessStatus == "success"', true],
        ["SigninLogs | project UserId, ResultType", false],
        ["SigninLogs | summarize count() by ResultType", false],
        ["// | where ResultType == 0\nSigninLogs", false],
        ['SigninLogs | where UserPrincipalName != "| where ResultType == 0"', false],
        ["SigninLogs | where ResultTypeCount > 0", false],
        ['SigninLogs | where UserId == "x" | extend Failed = ResultType != "0"', false],
    ];
    for (const [query, expected] of cases) {
        test(`${JSON.stringify(query)} → ${expected}`, () => assert.equal(queryHidesFailedSignIns(query), expected));
    }

    test("the built queries never hide a failed sign-in", () => {
        for (const ids of ACCOUNT_SETS) {
            for (const window of WINDOWS) {
                assert.equal(queryHidesFailedSignIns(signInQuery(ids, window)), false);
                assert.equal(queryHidesFailedSignIns(changeQuery(ids, GROUP, window)), false);
            }
        }
    });
});
