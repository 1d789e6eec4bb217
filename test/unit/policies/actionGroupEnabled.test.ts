import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { actionGroupEnabled as policy } from "../../../policies/rules/actionGroupEnabled";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    test("refuses a disabled action group", async () => {
        const group = one(await fixtureStack(), byType(TYPES.actionGroup));
        setProp(group, "enabled", false);
        assert.deepEqual((await validateResource(policy, group)).violations, [
            "emergency-access-action-group is disabled; no email or SMS would go out.",
        ]);
    });

    test("refuses an action group without receivers", async () => {
        const group = one(await fixtureStack(), byType(TYPES.actionGroup));
        setProp(group, "emailReceivers", []);
        setProp(group, "smsReceivers", []);
        assert.deepEqual((await validateResource(policy, group)).violations, ["emergency-access-action-group has no receiver."]);
    });
});
