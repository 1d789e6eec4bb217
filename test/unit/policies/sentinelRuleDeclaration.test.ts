// emergency-sentinel-rules-require-declaration: each input of the Sentinel rules against the contract's declaration,
// the query against the builder (or a reviewed hash plus the syntax-tree checks), unknown inputs refused.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LIMITS, TYPES } from "../../../policies/contract/constants";
import { queryHash } from "../../../policies/contract/kql/semantics";
import { changeQuery, minutesToIsoDuration, queryWindow, signInQuery } from "../../../policies/contract/queries";
import { sentinelRulesDeclared as policy } from "../../../policies/rules/sentinelRuleDeclaration";
import { UNKNOWN, fixtureStack, setProp, updateProps, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";
import { all, byName, byType, one } from "../../helpers/select";

async function stackAndRule(suffix = "-sign-in-rule") {
    const stack = await fixtureStack();
    return { stack, rule: one(stack, byName(suffix)) };
}

function accountIds(stack: TestResource[]): string[] {
    return all(stack, byType(TYPES.user)).map((u) => u.outputs.objectId as string);
}

const tooSlow = minutesToIsoDuration(LIMITS.queryFrequencyMinutes.max + 5);

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateEachResource(policy, await fixtureStack()), { violations: [], deferred: undefined });
    });

    test("accepts free text in displayName and description", async () => {
        const { rule } = await stackAndRule();
        setProp(rule, "displayName", "Break glass sign-in");
        setProp(rule, "description", "Page the on-call.");
        assert.deepEqual((await validateResource(policy, rule)).violations, []);
    });

    test("accepts the longest frequency within the limits when the look-back and the query follow it", async () => {
        const { stack, rule } = await stackAndRule();
        const longest = minutesToIsoDuration(LIMITS.queryFrequencyMinutes.max);
        const window = queryWindow(longest);
        setProp(rule, "queryFrequency", longest);
        setProp(rule, "queryPeriod", minutesToIsoDuration(window.lookbackMinutes));
        setProp(rule, "query", signInQuery(accountIds(stack), window));
        assert.deepEqual((await validateResource(policy, rule)).violations, []);
    });

    const cases: Array<[string, (p: Record<string, any>) => void, RegExp]> = [
        ["a disabled rule", (p) => (p.enabled = false), /^emergency-access-sign-in-rule: enabled is false; the declaration says true\.$/],
        ["a lowered severity", (p) => (p.severity = "Medium"), /severity is "Medium"; the declaration says "High"/],
        ["another kind", (p) => (p.kind = "NRT"), /kind is "NRT"; the declaration says "Scheduled"/],
        ["a frequency beyond the maximum", (p) => (p.queryFrequency = tooSlow), new RegExp(`queryFrequency must be an ISO 8601 duration from PT5M to ${minutesToIsoDuration(LIMITS.queryFrequencyMinutes.max)}`)],
        ["a frequency that is not a duration", (p) => (p.queryFrequency = "often"), /queryFrequency must be an ISO 8601 duration/],
        ["queryPeriod equal to queryFrequency", (p) => (p.queryPeriod = p.queryFrequency), /queryPeriod is "PT5M"; the declaration says PT1H: the look-back must be longer than queryFrequency/],
        ["a threshold above zero", (p) => (p.triggerThreshold = 3), /triggerThreshold is 3; the declaration says 0/],
        ["another trigger operator", (p) => (p.triggerOperator = "GreaterThanOrEqual"), /triggerOperator is "GreaterThanOrEqual"/],
        ["suppression on", (p) => (p.suppressionEnabled = true), /suppressionEnabled is true; the declaration says false/],
        ["another suppression duration", (p) => (p.suppressionDuration = "P1D"), /suppressionDuration is "P1D"/],
        ["incidents off", (p) => (p.incidentConfiguration.createIncident = false), /incidentConfiguration differs from the declaration at \.createIncident: false \(declared: true\)/],
        [
            "incident grouping on for 7 days",
            (p) => Object.assign(p.incidentConfiguration.groupingConfiguration, { enabled: true, lookbackDuration: "P7D" }),
            /incidentConfiguration differs from the declaration at \.groupingConfiguration\.enabled: true \(declared: false\)/,
        ],
        ["a per-alert severity column", (p) => (p.alertDetailsOverride.alertSeverityColumnName = "Severity"), /alertDetailsOverride differs from the declaration at \.alertSeverityColumnName: "Severity" \(declared: unset\)/],
        [
            "per-alert dynamic properties",
            (p) => (p.alertDetailsOverride.alertDynamicProperties = [{ alertProperty: "ProviderName", value: "x" }]),
            /alertDetailsOverride differs from the declaration at \.alertDynamicProperties: /,
        ],
        ["one alert for all results", (p) => (p.eventGroupingSettings = { aggregationKind: "SingleAlert" }), /eventGroupingSettings differs from the declaration at \.aggregationKind: "SingleAlert" \(declared: "AlertPerResult"\)/],
        ["the IP entity dropped", (p) => p.entityMappings.pop(), /entityMappings differs from the declaration: /],
        ["another technique", (p) => (p.techniques = ["T1110"]), /techniques differs from the declaration at \[0\]: "T1110" \(declared: "T1078"\)/],
        ["fewer tactics", (p) => p.tactics.pop(), /tactics differs from the declaration: /],
        ["a display name that is not a string", (p) => (p.displayName = 42), /displayName must be a string \(got 42\)/],
        ["an empty workspace name", (p) => (p.workspaceName = ""), /workspaceName must be a non-empty string/],
        ["an input the declaration does not know", (p) => (p.templateVersion = "1.0.0"), /unexpected input templateVersion \("1\.0\.0"\)/],
        ["the query with `| where false` appended", (p) => (p.query = `${p.query}\n| where false`), /the query is not the builder's output .* not in the trusted allowedQueryHashes/],
        ["a failure filter written ['ResultType'] == \"0\"", (p) => (p.query = `${p.query}\n| where ['ResultType'] == "0"`), /not the builder's output/],
        ["a query that is not a string", (p) => (p.query = 7), /the query must be a non-empty string/],
    ];
    for (const [what, mutate, message] of cases) {
        test(`refuses ${what}`, async () => {
            const { rule } = await stackAndRule();
            updateProps(rule, mutate);
            const { violations } = await validateResource(policy, rule);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("refuses the sign-in query built for SigninLogs only", async () => {
        const { stack, rule } = await stackAndRule();
        setProp(rule, "query", signInQuery(accountIds(stack), queryWindow("PT5M"), ["SigninLogs"]));
        const { violations } = await validateResource(policy, rule);
        assert.equal(violations.length, 1, violations.join("\n"));
        assert.match(violations[0], /not the builder's output/);
    });

    test("refuses a query built for another window than the rule's frequency", async () => {
        const { stack, rule } = await stackAndRule();
        setProp(rule, "query", signInQuery(accountIds(stack), { frequencyMinutes: 5, lookbackMinutes: 120 }));
        assert.match((await validateResource(policy, rule)).violations.join("\n"), /a 5-minute window/);
    });

    test("judges the change rule too, with the change query's builder", async () => {
        const { stack, rule } = await stackAndRule("-change-rule");
        assert.deepEqual((await validateResource(policy, rule)).violations, []);
        const group = one(stack, byType(TYPES.group)).outputs.objectId as string;
        setProp(rule, "query", changeQuery(accountIds(stack).slice(0, 1), group, queryWindow("PT5M")));
        assert.deepEqual((await validateResource(policy, rule)).violations, [], "canonical for the ids it declares: the stack policy compares ids");
        setProp(rule, "severity", "Low");
        assert.equal((await validateResource(policy, rule)).violations.length, 1);
    });

    test("refuses a Sentinel rule of the component with another name", async () => {
        const { rule } = await stackAndRule();
        rule.urn = rule.urn.replace(/-sign-in-rule$/, "-quiet-rule");
        rule.name = rule.name.replace(/-sign-in-rule$/, "-quiet-rule");
        assert.match((await validateResource(policy, rule)).violations.join("\n"), /the declaration does not know/);
    });

    test("a reviewed query allowed by its hash passes when the syntax tree is sound", async () => {
        const { rule } = await stackAndRule();
        const reviewed = `${rule.inputs.query}\n| extend Reviewed = true`;
        setProp(rule, "query", reviewed);
        assert.equal((await validateResource(policy, rule)).violations.length, 1, "refused without the hash");
        const verdict = await validateResource(policy, rule, { allowedQueryHashes: [queryHash(reviewed)] });
        assert.deepEqual(verdict.violations, []);
    });

    test("a reviewed query allowed by its hash still fails with a ResultType filter", async () => {
        const { rule } = await stackAndRule();
        const reviewed = `${rule.inputs.query}\n| where ['ResultType'] == "0"`;
        setProp(rule, "query", reviewed);
        const { violations } = await validateResource(policy, rule, { allowedQueryHashes: [queryHash(reviewed)] });
        assert.ok(violations.length > 0);
        assert.match(violations.join("\n"), /the reviewed query \(SHA-256 [0-9a-f]{64}\): .*ResultType/);
    });

    test("defers only the unknown query during preview; every other input is still judged", async () => {
        const { rule } = await stackAndRule();
        setProp(rule, "query", UNKNOWN);
        setProp(rule, "severity", "Low");
        const verdict = await validateResource(policy, rule);
        assert.equal(verdict.violations.length, 1);
        assert.match(verdict.violations[0], /severity is "Low"/);
        assert.match(verdict.deferred ?? "", /emergency-access-sign-in-rule's query/);
    });
});
