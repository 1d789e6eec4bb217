import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { passwordSecrecy as policy } from "../../../policies/rules/passwordSecrecy";
import { fixtureStack, validateStack, type TestResource } from "../../helpers/policyHarness";
import { byType, first, one } from "../../helpers/select";

/** The fixture's first bootstrap password value. */
function bootstrap(stack: TestResource[]): string {
    return first(stack, byType(TYPES.randomPassword)).outputs.result as string;
}

describe(policy.name, () => {
    test("passes the fixture stack, where each bootstrap password sits only in its user's password", async () => {
        const stack = await fixtureStack();
        assert.ok(bootstrap(stack).length >= 24);
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("refuses a bootstrap password exported as a stack output", async () => {
        const stack = await fixtureStack();
        one(stack, byType(TYPES.stack)).outputs.breakGlassPassword = bootstrap(stack);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "a generated password is in stack output breakGlassPassword; it must stay secret.",
        ]);
    });

    test("refuses a bootstrap password in the component's outputs (the old EmergencyAccess.passwords)", async () => {
        const stack = await fixtureStack();
        one(stack, byType("entra-emergency-access:index:EmergencyAccess")).outputs.passwords = [bootstrap(stack)];
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "a generated password is in passwords[0] of entra-emergency-access:index:EmergencyAccess emergency-access; it must stay secret.",
        ]);
    });

    test("refuses a password copied into another resource's inputs, and never prints it", async () => {
        const stack = await fixtureStack();
        const password = bootstrap(stack);
        one(stack, byType(TYPES.group)).outputs.description = `backup: ${password}`;
        const { violations } = await validateStack(policy, stack);
        assert.deepEqual(violations, [`a generated password is in description of ${TYPES.group} emergency-access-group; it must stay secret.`]);
        assert.ok(!violations.join("").includes(password));
    });

    test("refuses a password in a custody resource's inputs and in a resource name, naming neither value", async () => {
        const stack = await fixtureStack();
        const password = bootstrap(stack);
        first(stack, byType(TYPES.passwordCustody)).outputs.rotation = password;
        const group = one(stack, byType(TYPES.group));
        group.urn = `${group.urn}-${password}`;
        const { violations } = await validateStack(policy, stack);
        assert.deepEqual(violations.sort(), [
            `a generated password is in rotation of ${TYPES.passwordCustody} emergency-access-password-custody-1; it must stay secret.`,
            `a generated password is in the name of a ${TYPES.group}; it must stay secret.`,
        ]);
        assert.ok(!violations.join("").includes(password));
    });

    test("follows RandomString values too", async () => {
        const stack = await fixtureStack();
        const value = randomBytes(24).toString("base64url");
        const generator = structuredClone(first(stack, byType(TYPES.randomPassword)));
        generator.type = TYPES.randomString;
        generator.urn = generator.urn.replace("random:index/randomPassword:RandomPassword", TYPES.randomString).replace("password-1", "token");
        generator.outputs.result = value;
        stack.push(generator);
        one(stack, byType(TYPES.stack)).outputs.token = value;
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "a generated password is in stack output token; it must stay secret.",
        ]);
    });
});
