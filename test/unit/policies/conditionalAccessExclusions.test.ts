import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { conditionalAccessExclusions as policy } from "../../../policies/rules/conditionalAccessExclusions";
import { UNKNOWN, fixtureStack, updateProps, validateStack, type TestResource } from "../../helpers/policyHarness";
import { byType, first, one } from "../../helpers/select";

async function withCaPolicy(users: Record<string, unknown>): Promise<TestResource[]> {
    const stack = await fixtureStack();
    const props = {
        displayName: "Block legacy authentication",
        state: "enabled",
        conditions: { clientAppTypes: ["exchangeActiveSync", "other"], users: { includedUsers: ["All"], ...users } },
        grantControls: { operator: "OR", builtInControls: ["block"] },
    };
    const component = one(stack, byType("entra-emergency-access:index:EmergencyAccess"));
    stack.push({
        urn: "urn:pulumi:fixture::entra-emergency-access::azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy::block-legacy",
        type: TYPES.conditionalAccessPolicy,
        name: "block-legacy",
        parent: component.parent,
        inputs: props,
        outputs: props,
        protect: false,
    });
    return stack;
}

describe(policy.name, () => {
    test("passes the fixture stack and its seven exclusions", async () => {
        const stack = await fixtureStack();
        assert.equal(stack.filter(byType(TYPES.conditionalAccessExclusion)).length, 7);
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("passes a declared CA policy built with excludeFromConditionalAccess (both ids and the group)", async () => {
        const stack = await fixtureStack();
        const ids = one(stack, byType(TYPES.stack)).outputs.emergencyAccountObjectIds;
        const group = one(stack, byType(TYPES.group)).outputs.objectId;
        assert.deepEqual((await validateStack(policy, await withCaPolicy({ excludedUsers: ids, excludedGroups: [group] }))).violations, []);
    });

    test("refuses a declared CA policy without the exclusion", async () => {
        assert.deepEqual((await validateStack(policy, await withCaPolicy({}))).violations, [
            "Conditional Access policy Block legacy authentication does not exclude breakglass-1@contoso.onmicrosoft.com, breakglass-2@contoso.onmicrosoft.com.",
        ]);
    });

    test("refuses a declared CA policy excluding only one account", async () => {
        const stack = await fixtureStack();
        const [firstId] = one(stack, byType(TYPES.stack)).outputs.emergencyAccountObjectIds;
        assert.deepEqual((await validateStack(policy, await withCaPolicy({ excludedUsers: [firstId] }))).violations, [
            "Conditional Access policy Block legacy authentication does not exclude breakglass-2@contoso.onmicrosoft.com.",
        ]);
    });

    test("refuses an exclusion resource missing an account", async () => {
        const stack = await fixtureStack();
        const exclusion = first(stack, byType(TYPES.conditionalAccessExclusion));
        updateProps(exclusion, (p) => p.userIds.pop());
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `Exclusion ${exclusion.name} (policy ${exclusion.inputs.policyId}) does not cover breakglass-2@contoso.onmicrosoft.com.`,
        ]);
    });

    test("defers while the exclusion's ids are unknown", async () => {
        const stack = await fixtureStack();
        updateProps(first(stack, byType(TYPES.conditionalAccessExclusion)), (p) => (p.userIds = UNKNOWN));
        const verdict = await validateStack(policy, stack);
        assert.deepEqual(verdict.violations, []);
        assert.match(verdict.deferred ?? "", /Conditional Access exclusions/);
    });
});
