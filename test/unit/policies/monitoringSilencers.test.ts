// emergency-monitoring-disallow-silencers: Sentinel automation rules and alert processing rules are refused unless
// the trusted allowedResources names them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { silencingKind } from "../../../policies/contract/declaration/monitoring";
import { monitoringSilencers as policy } from "../../../policies/rules/monitoringSilencers";
import { fixtureStack, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";

function resource(type: string, name: string): TestResource {
    return {
        urn: `urn:pulumi:fixture::entra-emergency-access::${type}::${name}`,
        type,
        name,
        inputs: { resourceGroupName: "rg-security-prod" },
        outputs: { resourceGroupName: "rg-security-prod" },
        protect: false,
    };
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateEachResource(policy, await fixtureStack()), { violations: [], deferred: undefined });
    });

    const silencers: Array<[string, string]> = [
        ["azure-native:securityinsights:AutomationRule", "a Sentinel automation rule"],
        ["azure-native:securityinsights/v20250901:AutomationRule", "a Sentinel automation rule"],
        ["azure-native:alertsmanagement:AlertProcessingRuleByName", "an Azure Monitor alert processing rule"],
        ["azure-native:alertsmanagement:ActionRuleByName", "an Azure Monitor alert processing rule"],
        ["azure:sentinel/automationRule:AutomationRule", "a Sentinel automation rule"],
        ["azure:monitoring/alertProcessingRuleSuppression:AlertProcessingRuleSuppression", "an Azure Monitor alert processing rule"],
        ["azure:monitoring/alertProcessingRuleActionGroup:AlertProcessingRuleActionGroup", "an Azure Monitor alert processing rule"],
    ];
    for (const [type, kind] of silencers) {
        test(`refuses ${type} unless allowed by name`, async () => {
            const silencer = resource(type, "close-incidents");
            assert.deepEqual((await validateResource(policy, silencer)).violations, [
                `close-incidents is ${kind}, which can close the emergency incidents or silence their notifications; it is ` +
                    "refused unless the trusted pack config lists its name in allowedResources.",
            ]);
            assert.deepEqual((await validateResource(policy, silencer, { allowedResources: ["close-incidents"] })).violations, []);
            assert.equal((await validateResource(policy, silencer, { allowedResources: ["other"] })).violations.length, 1);
        });
    }

    test("leaves other types alone", () => {
        for (const type of ["azure-native:securityinsights:ScheduledAlertRule", "azure-native:monitor:ActionGroup", "azure-native:securityinsights:AutomationRules"]) {
            assert.equal(silencingKind(type), undefined, type);
        }
    });
});
