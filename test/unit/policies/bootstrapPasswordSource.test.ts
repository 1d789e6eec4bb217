// Where an emergency user's password comes from: only its own bootstrap RandomPassword, read from the user's
// propertyDependencies as the engine hands them to stack policies (known during a first preview too).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { bootstrapPasswordSource as policy } from "../../../policies/rules/bootstrapPasswordSource";
import { UNKNOWN, fixtureStack, validateStack, type TestResource } from "../../helpers/policyHarness";
import { byName, byType, one } from "../../helpers/select";

const UPN_1 = "breakglass-1@contoso.onmicrosoft.com";

/** A generator resource beside the fixture's bootstrap password 1, of `type`, named `name`, with result `value`. */
function generator(stack: TestResource[], type: string, name: string, value: string): TestResource {
    const template = one(stack, byName("password-1"));
    const token = template.urn.split("::")[2].split("$").slice(0, -1).concat(type).join("$");
    const urn = template.urn.split("::").slice(0, 2).concat(token, name).join("::");
    return { ...structuredClone(template), urn, type, name, inputs: { length: value.length }, outputs: { length: value.length, result: value } };
}

/** Makes user 1's password the value of `source` (or a literal when `source` is undefined). */
function feedUser(stack: TestResource[], value: string, source?: TestResource): void {
    const user = one(stack, byName("account-1"));
    user.inputs.password = value;
    user.outputs.password = value;
    const bootstrap = one(stack, byName("password-1")).urn;
    user.dependencies = (user.dependencies ?? []).filter((urn) => urn !== bootstrap).concat(source ? [source.urn] : []);
    user.propertyDependencies = { ...user.propertyDependencies, password: source ? [source.urn] : [] };
}

describe(policy.name, () => {
    test("passes the fixture stack: each user's password depends on its own bootstrap and holds its value", async () => {
        const stack = await fixtureStack();
        const user = one(stack, byName("account-1"));
        assert.deepEqual(user.propertyDependencies?.password, [one(stack, byName("password-1")).urn]);
        assert.equal(user.outputs.password, one(stack, byName("password-1")).outputs.result);
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("refuses a hard-coded password (no dependency)", async () => {
        const stack = await fixtureStack();
        feedUser(stack, randomBytes(18).toString("base64"));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `${UPN_1}: its password depends on no resource, so it is written in the program or the config; it must be the result of ` +
                "random.RandomPassword emergency-access-password-1.",
        ]);
    });

    test("refuses a random.RandomString(8) feeding the user", async () => {
        const stack = await fixtureStack();
        const weak = generator(stack, TYPES.randomString, "emergency-access-pin-1", randomBytes(6).toString("base64url"));
        stack.push(weak);
        feedUser(stack, weak.outputs.result, weak);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `${UPN_1}: its password depends on random.RandomString emergency-access-pin-1; only random.RandomPassword emergency-access-password-1 may feed it.`,
            `${UPN_1}: its password is not the result of random.RandomPassword emergency-access-password-1 (the value differs).`,
        ]);
    });

    test("refuses a second RandomPassword feeding the user, also beside its own bootstrap", async () => {
        const stack = await fixtureStack();
        const second = generator(stack, TYPES.randomPassword, "emergency-access-password-1b", randomBytes(24).toString("base64url"));
        stack.push(second);
        const user = one(stack, byName("account-1"));
        const own = one(stack, byName("password-1")).urn;
        user.propertyDependencies = { ...user.propertyDependencies, password: [own, second.urn] };
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `${UPN_1}: its password depends on random.RandomPassword emergency-access-password-1b; only random.RandomPassword ` +
                "emergency-access-password-1 may feed it.",
        ]);
    });

    test("refuses another account's bootstrap feeding the user", async () => {
        const stack = await fixtureStack();
        const other = one(stack, byName("password-2"));
        feedUser(stack, other.outputs.result, other);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `${UPN_1}: its password depends on random.RandomPassword emergency-access-password-2; only random.RandomPassword ` +
                "emergency-access-password-1 may feed it.",
            `${UPN_1}: its password is not the result of random.RandomPassword emergency-access-password-1 (the value differs).`,
        ]);
    });

    test("refuses a value derived from the bootstrap (its first 8 characters), though the dependency is right", async () => {
        const stack = await fixtureStack();
        const own = one(stack, byName("password-1"));
        feedUser(stack, String(own.outputs.result).slice(0, 8), own);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `${UPN_1}: its password is not the result of random.RandomPassword emergency-access-password-1 (the value differs).`,
        ]);
    });

    test("refuses a user whose bootstrap RandomPassword is gone", async () => {
        const stack = (await fixtureStack()).filter((r) => !r.name.endsWith("password-2"));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "breakglass-2@contoso.onmicrosoft.com: no bootstrap RandomPassword emergency-access-password-2 beside the user; its password must come from one.",
        ]);
    });

    test("during a first preview (values unknown) judges by the dependencies alone", async () => {
        const stack = await fixtureStack();
        for (const r of stack.filter(byType(TYPES.randomPassword))) r.outputs.result = UNKNOWN;
        for (const r of stack.filter(byType(TYPES.user))) r.outputs.password = UNKNOWN;
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
        feedUser(stack, UNKNOWN);
        assert.equal((await validateStack(policy, stack)).violations.length, 1);
    });
});
