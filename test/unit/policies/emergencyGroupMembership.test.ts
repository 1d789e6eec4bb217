import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyGroupMembership as policy } from "../../../policies/rules/emergencyGroupMembership";
import { UNKNOWN, fixtureStack, setProp, updateProps, validateStack } from "../../helpers/policyHarness";
import { byType, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    test("refuses a group that is not role-assignable", async () => {
        const stack = await fixtureStack();
        setProp(one(stack, byType(TYPES.group)), "assignableToRole", false);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "emergency-access-group is not role-assignable, so Groups and User Administrators could change its members.",
        ]);
    });

    test("refuses a group that is not security-enabled", async () => {
        const stack = await fixtureStack();
        setProp(one(stack, byType(TYPES.group)), "securityEnabled", false);
        assert.deepEqual((await validateStack(policy, stack)).violations, ["emergency-access-group is not security-enabled."]);
    });

    test("matches members without regard to case", async () => {
        const stack = await fixtureStack();
        updateProps(one(stack, byType(TYPES.group)), (p) => (p.members = p.members.map((id: string) => id.toUpperCase())));
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("refuses a group missing an account", async () => {
        const stack = await fixtureStack();
        updateProps(one(stack, byType(TYPES.group)), (p) => p.members.pop());
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "breakglass-2@contoso.onmicrosoft.com is not a member of emergency-access-group.",
        ]);
    });

    test("refuses a member that is not an emergency account", async () => {
        const stack = await fixtureStack();
        updateProps(one(stack, byType(TYPES.group)), (p) => p.members.push("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 is a member of emergency-access-group but not an emergency account; the exclusions would cover it too.",
        ]);
    });

    test("leaves a removed group to the presence policy", async () => {
        const stack = (await fixtureStack()).filter((r) => r.type !== TYPES.group);
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("defers membership to pulumi up while ids are unknown, but still checks the flags", async () => {
        const stack = await fixtureStack();
        const group = one(stack, byType(TYPES.group));
        setProp(group, "members", [UNKNOWN, UNKNOWN]);
        setProp(group, "assignableToRole", false);
        const verdict = await validateStack(policy, stack);
        assert.equal(verdict.violations.length, 1);
        assert.match(verdict.deferred ?? "", /the group's members/);
    });
});
