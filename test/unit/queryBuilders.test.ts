// The query builders, read as text: no Kusto engine runs here (kql.test.ts parses and binds the same queries).
// What is checked is what a reviewer would check by eye: the exact ids, both sign-in tables, no result filter,
// the ingestion-delay filters, the three change detections, and refused input. The windows and durations they
// take are in queryWindows.test.ts; the pack's syntax-tree checks of queries it did not build, in kqlSemantics tests.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULTS } from "../../policies/contract/constants";
import {
    CHANGE_COLUMNS,
    CHANGE_DETECTIONS,
    MAX_LOOKBACK_MINUTES,
    SIGN_IN_COLUMNS,
    SIGN_IN_TABLES,
    changeQuery,
    minutesToIsoDuration,
    queryWindow,
    signInQuery,
} from "../../policies/contract/queries";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";
import { ACCOUNT_SETS, WINDOWS, assertRefused } from "../helpers/queries";

const GUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

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

describe("signInQuery", () => {
    for (const ids of ACCOUNT_SETS) {
        for (const window of WINDOWS) {
            const label = `${ids.length} account(s), every ${window.frequencyMinutes}m over ${window.lookbackMinutes}m`;
            const query = signInQuery(ids, window);

            test(`${label}: matches exactly the given object ids`, () => {
                assert.deepEqual(letIds(query, "emergencyAccountIds"), ids);
                assert.deepEqual([...new Set(query.match(GUIDS))], ids);
                for (const id of ids) assert.ok(query.includes(id));
                assert.ok(!query.toLowerCase().includes(OTHER.toLowerCase()));
                // Matched on UserId (object id), in each table, never on the renameable UPN.
                assert.equal(query.match(/\| where UserId in~ \(emergencyAccountIds\)/g)?.length, 2);
                assert.doesNotMatch(query, /where[^|]*UserPrincipalName/);
            });

            test(`${label}: reads both sign-in tables and keeps failures`, () => {
                assert.match(query, /^union\n {4}\(SigninLogs\n/m);
                assert.match(query, /^ {4}\(AADNonInteractiveUserSignInLogs\n/m);
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
        const columns = projectedColumns(signInQuery(ACCOUNTS, queryWindow(DEFAULTS.queryFrequency)));
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
        const query = signInQuery(ACCOUNTS, queryWindow(DEFAULTS.queryFrequency));
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
            assert.doesNotMatch(query, /where[^|]*Result/);
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
                assert.equal(query.match(/= recent\n/g)?.length, 4);
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
