// The pack's reading of rule and alert queries (policies/lib/monitoring.ts): the ids a query declares, the verdict
// on a query (the builder's output costs no Kusto parse: a performance target of issue 11; anything else needs a
// trusted hash and the syntax-tree checks), and how the stack policy recognises the declared action group by id.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { declaredWindow } from "../../policies/contract/declaration/monitoring";
import { kustoLoaded } from "../../policies/contract/kql/analyzer";
import { queryHash } from "../../policies/contract/kql/semantics";
import { changeQuery, queryWindow, signInQuery } from "../../policies/contract/queries";
import { declaredIdList, judgeQuery, queryDeclaredIds } from "../../policies/lib/monitoring";
import { isActionGroupId } from "../../policies/rules/monitoringEveryAccount";
import { ACCOUNTS, GROUP } from "../helpers/ids";

const WINDOW = queryWindow("PT5M");
const GROUP_URN = "urn:pulumi:s::p::entra-emergency-access:index:EmergencyAccess$azure-native:monitor:ActionGroup::ea-action-group";

function actionGroup(props: Record<string, unknown>): any {
    return { type: TYPES.actionGroup, urn: GROUP_URN, name: "ea-action-group", props };
}

describe("the ids a query declares", () => {
    test("reads the builders' let statements, the change query's group among the object ids", () => {
        assert.deepEqual(queryDeclaredIds(signInQuery(ACCOUNTS, WINDOW), { rule: "sign-in" }), { accountIds: ACCOUNTS.map((id) => id.toLowerCase()) });
        assert.deepEqual(queryDeclaredIds(changeQuery(ACCOUNTS, GROUP, WINDOW), { rule: "change" }), {
            accountIds: ACCOUNTS.map((id) => id.toLowerCase()),
            groupId: GROUP.toLowerCase(),
        });
        assert.deepEqual(queryDeclaredIds(signInQuery(ACCOUNTS, WINDOW, ["SigninLogs"]), { alertTable: "SigninLogs" })?.accountIds.length, ACCOUNTS.length);
    });

    test("nothing when the list is missing, empty or not string literals", () => {
        assert.equal(declaredIdList("SigninLogs | take 1", "emergencyAccountIds"), undefined);
        assert.equal(queryDeclaredIds("let emergencyAccountIds = dynamic([]);\nSigninLogs", { rule: "sign-in" }), undefined);
        assert.equal(declaredIdList("let emergencyAccountIds = dynamic([tolower(x)]);", "emergencyAccountIds"), undefined);
        assert.equal(queryDeclaredIds(signInQuery(ACCOUNTS, WINDOW), { rule: "change" }), undefined, "the change rule needs its object ids");
    });
});

describe("judgeQuery", () => {
    test("the builder's output is canonical, for every purpose, without loading Kusto", () => {
        const cases = [
            [signInQuery(ACCOUNTS, WINDOW), { rule: "sign-in" }],
            [changeQuery(ACCOUNTS, GROUP, WINDOW), { rule: "change" }],
            [signInQuery(ACCOUNTS, WINDOW, ["SigninLogs"]), { alertTable: "SigninLogs" }],
            [signInQuery(ACCOUNTS, WINDOW, ["AADNonInteractiveUserSignInLogs"]), { alertTable: "AADNonInteractiveUserSignInLogs" }],
        ] as const;
        for (const [query, purpose] of cases) {
            const verdict = judgeQuery(query, purpose, WINDOW, []);
            assert.deepEqual([verdict.problems, verdict.canonical], [[], true], JSON.stringify(purpose));
        }
        assert.equal(kustoLoaded(), false, "a canonical query is never parsed");
    });

    test("another builder's query, another window, or an edit is not canonical and needs a trusted hash", () => {
        const edited = `${signInQuery(ACCOUNTS, WINDOW)}\n| take 0`;
        for (const [query, purpose] of [
            [signInQuery(ACCOUNTS, WINDOW, ["SigninLogs"]), { rule: "sign-in" }],
            [signInQuery(ACCOUNTS, WINDOW), { alertTable: "SigninLogs" }],
            [signInQuery(ACCOUNTS, { frequencyMinutes: 5, lookbackMinutes: 30 }), { rule: "sign-in" }],
            [edited, { rule: "sign-in" }],
        ] as const) {
            const verdict = judgeQuery(query, purpose, WINDOW, []);
            assert.equal(verdict.canonical, false);
            assert.match(verdict.problems.join("\n"), new RegExp(`SHA-256 ${queryHash(query)} is not in the trusted allowedQueryHashes`));
        }
    });

    test("with its hash allowed, a query passes only when the syntax tree is sound", () => {
        const sound = `${signInQuery(ACCOUNTS, WINDOW)}\n| extend Reviewed = true`;
        assert.deepEqual(judgeQuery(sound, { rule: "sign-in" }, WINDOW, [queryHash(sound).toUpperCase()]).problems, []);
        const hiding = `${signInQuery(ACCOUNTS, WINDOW)}\n| where column_ifexists("ResultType", "") == "0"`;
        assert.notDeepEqual(judgeQuery(hiding, { rule: "sign-in" }, WINDOW, [queryHash(hiding)]).problems, []);
        const idsElsewhere = "SigninLogs | where UserId in~ (dynamic([\"a\"]))";
        assert.match(judgeQuery(idsElsewhere, { rule: "sign-in" }, WINDOW, [queryHash(idsElsewhere)]).problems[0], /does not declare emergencyAccountIds/);
    });

    test("refuses what is not a query", () => {
        for (const value of [undefined, 3, "", "   "]) assert.deepEqual(judgeQuery(value, { rule: "sign-in" }, WINDOW, []).problems, ["the query must be a non-empty string."]);
    });
});

describe("declaredWindow", () => {
    test("the default frequency gives the builders' window; anything outside the limits is refused with the range", () => {
        assert.deepEqual(declaredWindow("PT5M"), WINDOW);
        for (const bad of ["PT4M", "PT2H", "P1M", "5 minutes", ""]) assert.match(String(declaredWindow(bad)), /must be an ISO 8601 duration from PT5M to /);
    });
});

describe("isActionGroupId", () => {
    const id = "/subscriptions/s/resourceGroups/rg-security-prod/providers/Microsoft.Insights/actionGroups/ea-action-group";
    test("by the action group's own id when the engine gives it", () => {
        assert.equal(isActionGroupId(id.toUpperCase(), actionGroup({ id })), true);
        assert.equal(isActionGroupId(id.replace("ea-", "ops-"), actionGroup({ id })), false);
    });
    test("else by resource group and Azure name, declared or auto-named", () => {
        assert.equal(isActionGroupId(id, actionGroup({ resourceGroupName: "rg-security-prod" })), true);
        assert.equal(isActionGroupId(`${id}a1b2c3d`, actionGroup({ resourceGroupName: "rg-security-prod" })), true);
        assert.equal(isActionGroupId(`${id}-evil-twin`, actionGroup({ resourceGroupName: "rg-security-prod" })), false);
        assert.equal(isActionGroupId(id, actionGroup({ resourceGroupName: "rg-other" })), false);
        assert.equal(isActionGroupId(id, actionGroup({ resourceGroupName: "rg-security-prod", name: "ea-action-group" })), true);
        assert.equal(isActionGroupId(id, actionGroup({ resourceGroupName: "rg-security-prod", actionGroupName: "named" })), false);
    });
    test("undecided while a value is unknown", () => {
        assert.equal(isActionGroupId("04da6b54-80e4-46f7-96ec-b56ff0331ba9", actionGroup({ id })), undefined);
    });
});
