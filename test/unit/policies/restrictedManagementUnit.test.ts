// The restricted-management unit, when declared: restricted, the contract's name and description, and exactly the
// emergency accounts and the group as members.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { restrictedManagementUnit as policy } from "../../../policies/rules/restrictedManagementUnit";
import { UNKNOWN, fixtureStack, setProp, updateProps, validateStack, type TestResource } from "../../helpers/policyHarness";
import { all, byName, byType, one } from "../../helpers/select";

const STRANGER = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

async function stackWithUnit(): Promise<{ stack: TestResource[]; unit: TestResource }> {
    const stack = await fixtureStack({ restrictedManagement: true, limitedAccount: true });
    return { stack, unit: one(stack, byType(TYPES.restrictedManagementUnit)) };
}

describe(policy.name, () => {
    test("passes a stack without a unit (restrictedManagement is opt-in), and the unit the component declares", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
        const { stack, unit } = await stackWithUnit();
        assert.equal(unit.outputs.memberIds.length, 4, "three accounts and the group");
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("refuses a unit that is not restricted", async () => {
        const { stack, unit } = await stackWithUnit();
        setProp(unit, "isMemberManagementRestricted", false);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "emergency-access-restricted-management-unit: isMemberManagementRestricted is false; the declaration says true.",
        ]);
    });

    test("refuses a unit that lets an account out", async () => {
        const { stack, unit } = await stackWithUnit();
        const limited = one(stack, byName("account-limited")).outputs.objectId;
        updateProps(unit, (p) => (p.memberIds = p.memberIds.filter((id: string) => id !== limited)));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `emergency-access-restricted-management-unit does not hold breakglass-limited@contoso.onmicrosoft.com (${limited}).`,
        ]);
    });

    test("refuses a unit that lets the group out, or takes a stranger in", async () => {
        const { stack, unit } = await stackWithUnit();
        const group = one(stack, byType(TYPES.group)).outputs.objectId;
        updateProps(unit, (p) => (p.memberIds = [...p.memberIds.filter((id: string) => id !== group), STRANGER]));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `emergency-access-restricted-management-unit does not hold the emergency group (${group}).`,
            `emergency-access-restricted-management-unit holds ["${STRANGER}"], which are neither an emergency account nor the emergency group.`,
        ]);
    });

    test("refuses an unknown input and a second unit", async () => {
        const { stack, unit } = await stackWithUnit();
        setProp(unit, "visibility", "Public");
        const second = structuredClone(unit);
        second.urn = `${unit.urn}-2`;
        second.name = `${unit.name}-2`;
        stack.push(second);
        const violations = (await validateStack(policy, stack)).violations;
        assert.ok(violations.includes('emergency-access-restricted-management-unit: unexpected input visibility ("Public"): the gate accepts only the declared inputs.'));
        assert.equal(violations.at(-1), "2 restricted-management units are declared; one holds the accounts and the group.");
        assert.equal(all(stack, byType(TYPES.restrictedManagementUnit)).length, 2);
    });

    test("defers the members during a first preview", async () => {
        const { stack, unit } = await stackWithUnit();
        setProp(unit, "memberIds", [UNKNOWN]);
        const verdict = await validateStack(policy, stack);
        assert.deepEqual(verdict.violations, []);
        assert.match(String(verdict.deferred), /restricted-management unit's members/);
    });
});
