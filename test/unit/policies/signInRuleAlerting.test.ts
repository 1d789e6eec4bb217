import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { signInRuleAlerting as policy } from "../../../policies/rules/signInRuleAlerting";
import { fixtureStack, setProp, updateProps, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byName, one } from "../../helpers/select";

async function signInRule() {
    return one(await fixtureStack(), byName("-sign-in-rule"));
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    const cases: Array<[string, (rule: any) => void, RegExp]> = [
        ["a disabled rule", (r) => setProp(r, "enabled", false), /^the sign-in rule is disabled\.$/],
        ["a lowered severity", (r) => setProp(r, "severity", "Medium"), /^severity is Medium; emergency sign-ins are High\.$/],
        ["an hourly frequency", (r) => setProp(r, "queryFrequency", "PT1H"), /^the rule runs every PT1H; it must run at least every PT5M\.$/],
        ["suppression on", (r) => setProp(r, "suppressionEnabled", true), /^suppression is on/],
        ["incidents off", (r) => updateProps(r, (p) => (p.incidentConfiguration.createIncident = false)), /^the rule does not create incidents\.$/],
        ["a threshold above zero", (r) => setProp(r, "triggerThreshold", 3), /fires on GreaterThan 3; it must fire on any result/],
        [
            "a ResultType == 0 filter",
            (r) => updateProps(r, (p) => (p.query = `${p.query}\n| where ResultType == 0`)),
            /filters on ResultType, which hides failed sign-ins/,
        ],
        [
            "a query that does not parse",
            (r) => updateProps(r, (p) => (p.query = p.query.replace("IPAddress", "IPAdress"))),
            /^the query does not parse: .*IPAdress/,
        ],
    ];
    for (const [what, mutate, message] of cases) {
        test(`refuses ${what}`, async () => {
            const rule = await signInRule();
            mutate(rule);
            const { violations } = await validateResource(policy, rule);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("a configured maximum frequency is honoured", async () => {
        const rule = await signInRule();
        setProp(rule, "queryFrequency", "PT15M");
        assert.equal((await validateResource(policy, rule)).violations.length, 1);
        assert.equal((await validateResource(policy, rule, { maximumFrequency: "PT30M" })).violations.length, 0);
    });

    test("does not judge the change rule", async () => {
        const change = one(await fixtureStack(), byName("-change-rule"));
        setProp(change, "severity", "Low");
        assert.deepEqual((await validateResource(policy, change)).violations, []);
    });
});
