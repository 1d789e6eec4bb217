import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { STACK_OUTPUTS, TYPES } from "../../../policies/contract/constants";
import { conditionalAccessTrustedScope as policy } from "../../../policies/rules/conditionalAccessTrustedScope";
import { fixtureStack, validateStack } from "../../helpers/policyHarness";
import { byType, one } from "../../helpers/select";

const POLICY_ID = "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47";

async function stackWithScope(scope: unknown) {
    const stack = await fixtureStack();
    const root = one(stack, byType(TYPES.stack));
    if (scope === undefined) delete root.outputs[STACK_OUTPUTS.conditionalAccessScope];
    else root.outputs[STACK_OUTPUTS.conditionalAccessScope] = scope;
    return stack;
}

describe(policy.name, () => {
    test("passes the fixture stack (excludeFrom all, no skip)", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    test("refuses a skip the trusted config does not allow, naming the policy and the reason", async () => {
        const stack = await stackWithScope({ excludeFrom: "all", skip: [{ policyId: POLICY_ID, reason: "covered by the SOC runbook" }] });
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `Conditional Access policy ${POLICY_ID} is skipped ("covered by the SOC runbook") but the trusted pack config does not allow ` +
                "skipping it; the stack config can only tighten the trusted scope.",
        ]);
    });

    test("accepts a skip the trusted config allows, in any letter case", async () => {
        const stack = await stackWithScope({ excludeFrom: "all", skip: [{ policyId: POLICY_ID.toUpperCase(), reason: "reviewed" }] });
        const config = { allowedConditionalAccessSkips: [{ policyId: POLICY_ID, reason: "a reviewed exception" }] };
        assert.deepEqual(await validateStack(policy, stack, config), { violations: [] });
    });

    test("refuses a narrower excludeFrom unless the trusted config allows it", async () => {
        const stack = await stackWithScope({ excludeFrom: [POLICY_ID], skip: [] });
        assert.match((await validateStack(policy, stack)).violations.join("\n"), /excludeFrom lists .* instead of "all"/);
        assert.deepEqual(await validateStack(policy, stack, { allowNarrowExcludeFrom: true }), { violations: [] });
    });

    test("refuses a stack that does not export its scope", async () => {
        const { violations } = await validateStack(policy, await stackWithScope(undefined));
        assert.equal(violations.length, 1);
        assert.match(violations[0], /does not export conditionalAccessScope/);
    });
});
