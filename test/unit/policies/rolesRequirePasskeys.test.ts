// Fail closed: one PasskeyRequirement per emergency account, pointed at the emergency group, and every role assignment
// of the account waiting for it; none for anyone else.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { rolesRequirePasskeys as policy } from "../../../policies/rules/rolesRequirePasskeys";
import { fixtureStack, setProp, validateStack, type TestResource } from "../../helpers/policyHarness";
import { all, byName, byType, one } from "../../helpers/select";

function requirement(stack: TestResource[], key: number | "limited"): TestResource {
    return one(stack, byName(`passkey-requirement-${key}`));
}

describe(policy.name, () => {
    test("passes the fixture stack, with and without the limited account: every assignment waits for its requirement", async () => {
        for (const stack of [await fixtureStack(), await fixtureStack({ limitedAccount: true })]) {
            for (const assignment of all(stack, byType(TYPES.directoryRoleAssignment))) {
                const key = /-(\d+|limited)$/.exec(assignment.name)![1];
                assert.ok(assignment.dependencies?.includes(requirement(stack, key === "limited" ? key : Number(key)).urn), assignment.name);
            }
            assert.deepEqual(await validateStack(policy, stack), { violations: [] });
        }
    });

    test("refuses an account without a requirement", async () => {
        const stack = (await fixtureStack()).filter((r) => !r.name.endsWith("passkey-requirement-2"));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "breakglass-2@contoso.onmicrosoft.com has 0 PasskeyRequirement resources; exactly one must hold its roles until it has its passkeys.",
        ]);
    });

    test("refuses a Global Administrator assignment that does not wait for the requirement", async () => {
        const stack = await fixtureStack();
        const assignment = one(stack, byName("global-administrator-1"));
        assignment.dependencies = assignment.dependencies!.filter((urn) => urn !== requirement(stack, 1).urn);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "emergency-access-global-administrator-1 does not depend on emergency-access-passkey-requirement-1: " +
                "breakglass-1@contoso.onmicrosoft.com would hold Global Administrator before it has its passkeys.",
        ]);
    });

    test("refuses a limited role assignment that does not wait for the limited account's requirement", async () => {
        const stack = await fixtureStack({ limitedAccount: true });
        const assignment = one(stack, byName("conditional-access-administrator-limited"));
        assignment.dependencies = assignment.dependencies!.filter((urn) => urn !== requirement(stack, "limited").urn);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "emergency-access-conditional-access-administrator-limited does not depend on emergency-access-passkey-requirement-limited: " +
                "breakglass-limited@contoso.onmicrosoft.com would hold Conditional Access Administrator before it has its passkeys.",
        ]);
    });

    test("refuses a requirement pointed at another group", async () => {
        const stack = await fixtureStack();
        setProp(requirement(stack, 1), "emergencyGroupObjectId", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        const group = one(stack, byType(TYPES.group)).outputs.objectId;
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `emergency-access-passkey-requirement-1 names group 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0, not the emergency group ${group}.`,
        ]);
    });

    test("refuses a requirement for a user that is not an emergency account", async () => {
        const stack = await fixtureStack();
        const stray = structuredClone(requirement(stack, 1));
        stray.urn = stray.urn.replace("passkey-requirement-1", "passkey-requirement-helpdesk");
        stray.name = "emergency-access-passkey-requirement-helpdesk";
        setProp(stray, "userObjectId", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        setProp(stray, "userPrincipalName", "helpdesk-admin@contoso.onmicrosoft.com");
        stack.push(stray);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            'emergency-access-passkey-requirement-helpdesk counts the passkeys of "helpdesk-admin@contoso.onmicrosoft.com" ' +
                '("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), which is not an emergency account.',
        ]);
    });

    test("refuses two requirements for one account (one could be satisfied while the other is not counted)", async () => {
        const stack = await fixtureStack();
        const second = structuredClone(requirement(stack, 1));
        second.urn = second.urn.replace("passkey-requirement-1", "passkey-requirement-9");
        second.name = "emergency-access-passkey-requirement-9";
        stack.push(second);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "breakglass-1@contoso.onmicrosoft.com has 2 PasskeyRequirement resources; exactly one must hold its roles until it has its passkeys.",
        ]);
    });
});
