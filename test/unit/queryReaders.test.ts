// The query readers (policies/contract/queryReaders.ts), which the pack runs on queries it did not build: does a
// query mention an account's object id, and does it filter on a sign-in result (which hides failed sign-ins).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { changeQuery, signInQuery } from "../../policies/contract/queries";
import { queryHidesFailedSignIns, queryReferencesAccount } from "../../policies/contract/queryReaders";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";
import { ACCOUNT_SETS, WINDOWS, assertRefused } from "../helpers/queries";

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
