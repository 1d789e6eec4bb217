// One custody resource per emergency account, and none for anyone else; the user ignores its bootstrap password; the
// Global Administrator assignment waits for the custody resource.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { passwordCustody as policy } from "../../../policies/rules/passwordCustody";
import { UNKNOWN, fixtureStack, validateStack, type TestResource } from "../../helpers/policyHarness";
import { byName, byType, one } from "../../helpers/select";

const UPN_1 = "breakglass-1@contoso.onmicrosoft.com";

function custody(stack: TestResource[], n: number): TestResource {
    return one(stack, byName(`password-custody-${n}`));
}

describe(policy.name, () => {
    test("passes the fixture stack: one custody per account, the assignments wait for it, users ignore the bootstrap", async () => {
        const stack = await fixtureStack();
        const assignment = one(stack, byName("global-administrator-1"));
        assert.ok(assignment.dependencies?.includes(custody(stack, 1).urn), "the fixture's assignment depends on its custody");
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("refuses an account without a custody resource", async () => {
        const stack = (await fixtureStack()).filter((r) => !r.name.endsWith("password-custody-1"));
        assert.deepEqual((await validateStack(policy, stack)).violations, [`${UPN_1} has 0 PasswordCustody resources; exactly one keeps its password.`]);
    });

    test("refuses two custody resources for one account", async () => {
        const stack = await fixtureStack();
        const second = structuredClone(custody(stack, 1));
        second.urn = second.urn.replace("password-custody-1", "password-custody-9");
        second.name = "emergency-access-password-custody-9";
        stack.push(second);
        assert.deepEqual((await validateStack(policy, stack)).violations, [`${UPN_1} has 2 PasswordCustody resources; exactly one keeps its password.`]);
    });

    test("refuses a custody resource that would set another user's password", async () => {
        const stack = await fixtureStack();
        const stray = structuredClone(custody(stack, 1));
        stray.urn = stray.urn.replace("password-custody-1", "password-custody-helpdesk");
        stray.name = "emergency-access-password-custody-helpdesk";
        stray.outputs.userObjectId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        stray.outputs.userPrincipalName = "helpdesk-admin@contoso.onmicrosoft.com";
        stack.push(stray);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            'emergency-access-password-custody-helpdesk keeps the password of "helpdesk-admin@contoso.onmicrosoft.com" ' +
                '("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), which is not an emergency account; a custody resource may only set an ' +
                "emergency account's password.",
        ]);
    });

    test("refuses a Global Administrator assignment that does not wait for the custody resource", async () => {
        const stack = await fixtureStack();
        const assignment = one(stack, byName("global-administrator-2"));
        assignment.dependencies = assignment.dependencies!.filter((urn) => urn !== custody(stack, 2).urn);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "emergency-access-global-administrator-2 does not depend on emergency-access-password-custody-2: " +
                "breakglass-2@contoso.onmicrosoft.com would hold Global Administrator while its password is still the bootstrap in the state.",
        ]);
    });

    test("refuses a user that does not ignore changes to its bootstrap password", async () => {
        const stack = await fixtureStack();
        one(stack, byName("account-1")).ignoreChanges = [];
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `${UPN_1}: the user must ignore changes to password; only its custody resource sets it after creation.`,
        ]);
    });

    test("during a first preview (ids unknown) matches custody by user principal name and assignments by dependency", async () => {
        const stack = await fixtureStack();
        for (const user of stack.filter(byType(TYPES.user))) user.outputs.objectId = UNKNOWN;
        for (const c of stack.filter(byType(TYPES.passwordCustody))) c.outputs.userObjectId = UNKNOWN;
        for (const a of stack.filter(byType(TYPES.directoryRoleAssignment))) a.outputs.principalObjectId = UNKNOWN;
        assert.deepEqual((await validateStack(policy, stack)).violations, []);
        const assignment = one(stack, byName("global-administrator-1"));
        assignment.dependencies = assignment.dependencies!.filter((urn) => urn !== custody(stack, 1).urn);
        assert.equal((await validateStack(policy, stack)).violations.length, 1);
    });
});
