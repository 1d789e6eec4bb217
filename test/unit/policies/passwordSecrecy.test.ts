import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { passwordSecrecy as policy } from "../../../policies/rules/passwordSecrecy";
import { fixtureStack, validateStack } from "../../helpers/policyHarness";
import { byType, first, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack, where passwords sit only in their secret places", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    test("refuses a password exported as another stack output", async () => {
        const stack = await fixtureStack();
        const password = first(stack, byType(TYPES.randomPassword)).outputs.result;
        one(stack, byType(TYPES.stack)).outputs.breakGlassPassword = password;
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "an emergency password is in stack output breakGlassPassword; it must stay secret.",
        ]);
    });

    test("refuses a password copied into another resource's inputs, and never prints it", async () => {
        const stack = await fixtureStack();
        const password = first(stack, byType(TYPES.randomPassword)).outputs.result as string;
        const group = one(stack, byType(TYPES.group));
        group.outputs.description = `backup: ${password}`;
        const { violations } = await validateStack(policy, stack);
        assert.deepEqual(violations, [`an emergency password is in description of ${TYPES.group} emergency-access-group; it must stay secret.`]);
        assert.ok(!violations.join("").includes(password));
    });
});
