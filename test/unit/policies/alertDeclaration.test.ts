// emergency-alerts-require-declaration: each input of the Azure Monitor sign-in alerts against the contract's
// declaration, the single-table query against the builder, the action group and the scope per resource.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { queryHash } from "../../../policies/contract/kql/semantics";
import { queryWindow, signInQuery } from "../../../policies/contract/queries";
import { alertsDeclared as policy } from "../../../policies/rules/alertDeclaration";
import { UNKNOWN, fixtureStack, setProp, updateProps, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";
import { all, byName, byType, one } from "../../helpers/select";

async function stackAndAlert(suffix = "-sign-in-alert") {
    const stack = await fixtureStack();
    return { stack, alert: one(stack, byName(suffix)) };
}

function accountIds(stack: TestResource[]): string[] {
    return all(stack, byType(TYPES.user)).map((u) => u.outputs.objectId as string);
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateEachResource(policy, await fixtureStack()), { violations: [], deferred: undefined });
    });

    test("judges both alerts, each against its own table's query", async () => {
        const { stack, alert } = await stackAndAlert("-non-interactive-alert");
        const interactive = one(stack, byName("-sign-in-alert")).inputs.criteria.allOf[0].query;
        updateProps(alert, (p) => (p.criteria.allOf[0].query = interactive));
        assert.match((await validateResource(policy, alert)).violations.join("\n"), /not the builder's output/);
    });

    const cases: Array<[string, (p: Record<string, any>) => void, RegExp]> = [
        ["a disabled alert", (p) => (p.enabled = false), /^emergency-access-sign-in-alert: enabled is false; the declaration says true\.$/],
        ["a lower severity", (p) => (p.severity = 3), /severity is 3; the declaration says 0/],
        ["another kind", (p) => (p.kind = "LogToMetric"), /kind is "LogToMetric"/],
        ["a threshold above zero", (p) => (p.criteria.allOf[0].threshold = 5), /criteria differs from the declaration at \.allOf\[0\]\.threshold: 5 \(declared: 0\)/],
        ["another operator", (p) => (p.criteria.allOf[0].operator = "LessThan"), /\.allOf\[0\]\.operator: "LessThan"/],
        ["another aggregation", (p) => (p.criteria.allOf[0].timeAggregation = "Average"), /\.allOf\[0\]\.timeAggregation: "Average"/],
        [
            "more failing periods",
            (p) => (p.criteria.allOf[0].failingPeriods = { numberOfEvaluationPeriods: 4, minFailingPeriodsToAlert: 3 }),
            /\.allOf\[0\]\.failingPeriods\.numberOfEvaluationPeriods: 4 \(declared: 1\)/,
        ],
        ["the dimensions dropped", (p) => (p.criteria.allOf[0].dimensions = []), /\.allOf\[0\]\.dimensions: \[\]/],
        ["a slower evaluation", (p) => (p.evaluationFrequency = "PT12H"), /evaluationFrequency must be an ISO 8601 duration from PT5M/],
        ["a window shorter than the look-back", (p) => (p.windowSize = "PT5M"), /windowSize is "PT5M"; the declaration says PT1H/],
        ["autoMitigate on", (p) => (p.autoMitigate = true), /autoMitigate is true; the declaration says false/],
        ["a mute", (p) => (p.muteActionsDuration = "PT6H"), /unexpected input muteActionsDuration \("PT6H"\)/],
        ["query validation skipped", (p) => (p.skipQueryValidation = true), /skipQueryValidation is true; the declaration says false/],
        ["no action group", (p) => (p.actions = { actionGroups: [] }), /actions is .*exactly one action group/],
        ["no actions at all", (p) => delete p.actions, /actions is missing/],
        [
            "a second action group",
            (p) => p.actions.actionGroups.push(p.actions.actionGroups[0].replace("emergency-access-action-group", "ops")),
            /actions is .*exactly one action group/,
        ],
        [
            "another action group",
            (p) => (p.actions.actionGroups = [p.actions.actionGroups[0].replace("emergency-access-action-group", "ops-pager")]),
            /names the action group .*ops-pager.*; the declaration says the emergency action group/,
        ],
        ["custom properties on the actions", (p) => (p.actions.customProperties = { quiet: "yes" }), /actions is .*nothing else/],
        ["two scopes", (p) => p.scopes.push(p.scopes[0]), /scopes is .*exactly one Log Analytics workspace id/],
        ["a subscription as scope", (p) => (p.scopes = ["/subscriptions/a8fa7fd6-0893-511a-8990-7b5545ccf9c4"]), /scopes is /],
        ["an input the declaration does not know", (p) => (p.targetResourceTypes = ["Microsoft.Compute/virtualMachines"]), /unexpected input targetResourceTypes/],
        ["the query with `| where false` appended", (p) => (p.criteria.allOf[0].query += "\n| where false"), /not the builder's output/],
    ];
    for (const [what, mutate, message] of cases) {
        test(`refuses ${what}`, async () => {
            const { alert } = await stackAndAlert();
            updateProps(alert, mutate);
            const { violations } = await validateResource(policy, alert);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("refuses the union query of the Sentinel rule on an alert", async () => {
        const { stack, alert } = await stackAndAlert();
        updateProps(alert, (p) => (p.criteria.allOf[0].query = signInQuery(accountIds(stack), queryWindow("PT5M"))));
        assert.match((await validateResource(policy, alert)).violations.join("\n"), /not the builder's output/);
    });

    test("a reviewed query allowed by its hash passes when the syntax tree is sound, not with a result filter", async () => {
        const { alert } = await stackAndAlert();
        const canonical: string = alert.inputs.criteria.allOf[0].query;
        for (const [query, passes] of [[`${canonical}\n| extend Reviewed = true`, true], [`${canonical}\n| where ResultType == 0`, false]] as const) {
            updateProps(alert, (p) => (p.criteria.allOf[0].query = query));
            const { violations } = await validateResource(policy, alert, { allowedQueryHashes: [queryHash(query)] });
            assert.equal(violations.length === 0, passes, violations.join("\n"));
        }
    });

    test("defers the action group while its id is unknown, and judges everything else", async () => {
        const { alert } = await stackAndAlert();
        updateProps(alert, (p) => {
            p.actions.actionGroups = [UNKNOWN];
            p.criteria.allOf[0].query = UNKNOWN;
            p.enabled = false;
        });
        const verdict = await validateResource(policy, alert);
        assert.equal(verdict.violations.length, 1, verdict.violations.join("\n"));
        assert.match(verdict.violations[0], /enabled is false/);
        assert.match(verdict.deferred ?? "", /actions\.actionGroups, criteria\.allOf\[0\]\.query/);
    });

    test("accepts the provider's auto-named action group id and its own auto-name", async () => {
        const { alert } = await stackAndAlert();
        updateProps(alert, (p) => {
            p.actions.actionGroups = [`${p.actions.actionGroups[0]}4f2a9c1`];
            p.ruleName = "emergency-access-sign-in-alert1b2c3d4";
        });
        setProp(alert, "description", "Page the on-call.");
        assert.deepEqual((await validateResource(policy, alert)).violations, []);
    });
});
