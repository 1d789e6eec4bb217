import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { monitoringCoverage as policy } from "../../../policies/rules/monitoringCoverage";
import { UNKNOWN, fixtureStack, setProp, updateProps, validateStack } from "../../helpers/policyHarness";
import { byName, byType, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    test("refuses a sign-in query that does not mention an account", async () => {
        const stack = await fixtureStack();
        const second = one(stack, byName("account-2")).outputs.objectId as string;
        updateProps(one(stack, byName("-sign-in-rule")), (p) => (p.query = p.query.replaceAll(second, "00000000-0000-0000-0000-000000000000")));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `the sign-in rule's query does not match breakglass-2@contoso.onmicrosoft.com (${second}).`,
        ]);
    });

    test("refuses a change query that does not watch the group", async () => {
        const stack = await fixtureStack();
        const group = one(stack, byType(TYPES.group)).outputs.objectId as string;
        updateProps(one(stack, byName("-change-rule")), (p) => (p.query = p.query.replaceAll(group, "00000000-0000-0000-0000-000000000000")));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `the change rule's query does not watch the emergency group (${group}).`,
        ]);
    });

    test("refuses a disabled change rule", async () => {
        const stack = await fixtureStack();
        setProp(one(stack, byName("-change-rule")), "enabled", false);
        assert.deepEqual((await validateStack(policy, stack)).violations, ["the change rule is disabled."]);
    });

    test("defers while the queries are unknown", async () => {
        const stack = await fixtureStack();
        setProp(one(stack, byName("-sign-in-rule")), "query", UNKNOWN);
        const verdict = await validateStack(policy, stack);
        assert.deepEqual(verdict.violations, []);
        assert.match(verdict.deferred ?? "", /the rules' queries/);
    });
});
