// emergency-monitoring-require-every-account: the ids in every rule's and alert's query are the accounts' (and the
// group's), each alert notifies the declared action group and reads the rules' workspace at their frequency.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { queryWindow, signInQuery } from "../../../policies/contract/queries";
import { idDifference, monitoringEveryAccount as policy } from "../../../policies/rules/monitoringEveryAccount";
import { UNKNOWN, fixtureStack, setProp, updateProps, validateStack, type TestResource } from "../../helpers/policyHarness";
import { all, byName, byType, one } from "../../helpers/select";

const STRANGER = "00000000-0000-4000-8000-000000000001";

function objectId(stack: TestResource[], suffix: string): string {
    return one(stack, byName(suffix)).outputs.objectId as string;
}

function replaceInQuery(resource: TestResource, from: string, to: string) {
    updateProps(resource, (p) => {
        if (p.criteria) p.criteria.allOf[0].query = p.criteria.allOf[0].query.replaceAll(from, to);
        else p.query = p.query.replaceAll(from, to);
    });
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    for (const suffix of ["-sign-in-rule", "-change-rule", "-sign-in-alert", "-non-interactive-alert"]) {
        test(`refuses ${suffix}'s query naming another id instead of an account`, async () => {
            const stack = await fixtureStack();
            const second = objectId(stack, "account-2");
            replaceInQuery(one(stack, byName(suffix)), second, STRANGER);
            const { violations } = await validateStack(policy, stack);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], new RegExp(`${suffix}'s query misses ${second} and also names ${STRANGER}: it must name exactly`));
        });
    }

    test("refuses a sign-in query that drops an account", async () => {
        const stack = await fixtureStack();
        const [first] = all(stack, byType(TYPES.user)).map((u) => u.outputs.objectId as string);
        setProp(one(stack, byName("-sign-in-rule")), "query", signInQuery([first], queryWindow("PT5M")));
        assert.match((await validateStack(policy, stack)).violations.join("\n"), /-sign-in-rule's query misses /);
    });

    test("refuses a change query that watches another group", async () => {
        const stack = await fixtureStack();
        const group = one(stack, byType(TYPES.group)).outputs.objectId as string;
        replaceInQuery(one(stack, byName("-change-rule")), group, STRANGER);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `emergency-access-change-rule's query watches the group ${STRANGER}, not the emergency group ${group}.`,
        ]);
    });

    test("refuses an alert that notifies another action group", async () => {
        const stack = await fixtureStack();
        const other = "/subscriptions/a8fa7fd6-0893-511a-8990-7b5545ccf9c4/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ops-action-group";
        updateProps(one(stack, byName("-sign-in-alert")), (p) => (p.actions.actionGroups = [other]));
        const { violations } = await validateStack(policy, stack);
        assert.equal(violations.length, 1, violations.join("\n"));
        assert.match(violations[0], /emergency-access-sign-in-alert notifies .*ops-action-group.*; it must notify exactly the emergency action group/);
    });

    test("refuses an alert on another workspace, and at another frequency than the rules", async () => {
        const stack = await fixtureStack();
        const alert = one(stack, byName("-non-interactive-alert"));
        updateProps(alert, (p) => {
            p.scopes = [p.scopes[0].replace("law-sentinel-prod", "law-scratch")];
            p.evaluationFrequency = "PT15M";
        });
        const { violations } = await validateStack(policy, stack);
        assert.equal(violations.length, 2, violations.join("\n"));
        assert.match(violations[0], /reads ".*law-scratch"; it must read the Sentinel rules' workspace rg-security-prod\/law-sentinel-prod/);
        assert.match(violations[1], /runs every PT15M; the Sentinel rules run every PT5M/);
    });

    test("defers while the accounts' ids or the queries are unknown, and still judges the rest", async () => {
        const stack = await fixtureStack();
        setProp(one(stack, byName("account-1")), "objectId", UNKNOWN);
        updateProps(one(stack, byName("-sign-in-alert")), (p) => (p.evaluationFrequency = "PT15M"));
        const verdict = await validateStack(policy, stack);
        assert.equal(verdict.violations.length, 1, verdict.violations.join("\n"));
        assert.match(verdict.deferred ?? "", /the ids in emergency-access-sign-in-rule's query/);
    });

    test("defers the action group check while the action group's id is unknown", async () => {
        const stack = await fixtureStack();
        setProp(one(stack, byType(TYPES.actionGroup)), "id", UNKNOWN);
        const verdict = await validateStack(policy, stack);
        assert.deepEqual(verdict.violations, []);
        assert.match(verdict.deferred ?? "", /the action group of emergency-access-sign-in-alert/);
    });

    test("idDifference compares without regard to case or order", () => {
        assert.equal(idDifference(["A", "b"], ["B", "a"]), undefined);
        assert.equal(idDifference(["a"], ["a", "b"]), "misses b");
        assert.equal(idDifference(["a", "c"], ["a"]), "also names c");
    });
});
