// A generated password's value, or any plain encoding of it, appears nowhere but in an emergency user's password and
// its generator's own result: not in a stack output, the component's registered outputs, another input or a name.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { EMERGENCY_ACCESS_TYPE, TYPES } from "../../../policies/contract/constants";
import { passwordSecrecy as policy, revealingForms } from "../../../policies/rules/passwordSecrecy";
import { UNKNOWN, fixtureStack, validateStack, type TestResource } from "../../helpers/policyHarness";
import { byName, byType, first, one } from "../../helpers/select";

/** The fixture's first bootstrap password value. */
function bootstrap(stack: TestResource[]): string {
    return first(stack, byType(TYPES.randomPassword)).outputs.result as string;
}

const reversed = (text: string) => [...text].reverse().join("");

/** Each encoding a leak may take, by name. */
const ENCODINGS: Array<[string, (password: string) => string]> = [
    ["the value itself", (p) => p],
    ["base64", (p) => Buffer.from(p).toString("base64")],
    ["base64 without padding", (p) => Buffer.from(p).toString("base64").replace(/=+$/, "")],
    ["base64url", (p) => Buffer.from(p).toString("base64url")],
    ["hex", (p) => Buffer.from(p).toString("hex")],
    ["upper-case hex", (p) => Buffer.from(p).toString("hex").toUpperCase()],
    ["reversed", reversed],
    ["URL-encoded", (p) => encodeURIComponent(p)],
    ["form-encoded", (p) => new URLSearchParams({ password: p }).toString().slice("password=".length)],
    ["inside a sentence", (p) => `break glass: ${p} (do not share)`],
    ["base64 of a sentence holding it", (p) => Buffer.from(`user=breakglass-1 password=${p}`).toString("base64")],
    ["hex of a sentence holding it", (p) => Buffer.from(`pw:${p}`).toString("hex")],
];

describe(policy.name, () => {
    test("passes the fixture stack, where each bootstrap password sits only in its user's password and its own result", async () => {
        const stack = await fixtureStack();
        assert.ok(bootstrap(stack).length >= 24);
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("revealingForms lists the value, its reverse and its encodings, each once", () => {
        const forms = revealingForms("Ab3!Ab3!Ab3!");
        for (const form of ["Ab3!Ab3!Ab3!", "!3bA!3bA!3bA", "QWIzIUFiMyFBYjMh", "4162332141623321416233" + "21", "Ab3%21Ab3%21Ab3%21"]) {
            assert.ok(forms.includes(form), form);
        }
        assert.equal(new Set(forms).size, forms.length);
    });

    for (const [encoding, encode] of ENCODINGS) {
        test(`refuses a stack output holding the bootstrap password as ${encoding}, and never prints it`, async () => {
            const stack = await fixtureStack();
            const password = bootstrap(stack);
            one(stack, byType(TYPES.stack)).outputs.breakGlassRecovery = encode(password);
            const { violations } = await validateStack(policy, stack);
            assert.deepEqual(violations, ["a generated password is in stack output breakGlassRecovery; it must stay secret."]);
            for (const [, other] of ENCODINGS) assert.ok(!violations.join("").includes(other(password)));
        });
    }

    test("refuses the bootstrap's bcrypt hash outside its generator", async () => {
        const stack = await fixtureStack();
        const hash = first(stack, byType(TYPES.randomPassword)).outputs.bcryptHash as string;
        assert.ok(hash.length > 0);
        one(stack, byType(EMERGENCY_ACCESS_TYPE)).outputs.passwordHash = hash;
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `a generated password is in passwordHash of ${EMERGENCY_ACCESS_TYPE} emergency-access; it must stay secret.`,
        ]);
    });

    test("refuses the value in the component's registered outputs", async () => {
        const stack = await fixtureStack();
        one(stack, byType(EMERGENCY_ACCESS_TYPE)).outputs.passwords = [bootstrap(stack)];
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            `a generated password is in passwords[0] of ${EMERGENCY_ACCESS_TYPE} emergency-access; it must stay secret.`,
        ]);
    });

    test("refuses the value in another resource's input, in an object key, and in a resource name", async () => {
        const stack = await fixtureStack();
        const password = bootstrap(stack);
        one(stack, byType(TYPES.group)).outputs.description = `backup: ${password}`;
        first(stack, byType(TYPES.passwordCustody)).outputs.custodians = [{ name: "x", recipient: "y", note: { [password]: true } }];
        const action = one(stack, byType(TYPES.actionGroup));
        action.urn = `${action.urn}-${Buffer.from(password).toString("hex")}`;
        const { violations } = await validateStack(policy, stack);
        assert.deepEqual(violations.sort(), [
            `a generated password is in custodians[0].note.<key> (a key) of ${TYPES.passwordCustody} emergency-access-password-custody-1; it must stay secret.`,
            `a generated password is in description of ${TYPES.group} emergency-access-group; it must stay secret.`,
            `a generated password is in the name of a ${TYPES.actionGroup}; it must stay secret.`,
        ]);
        assert.ok(!violations.join("").includes(password));
    });

    test("refuses the value in another RandomPassword's inputs (keepers), and in a user that is not an emergency account", async () => {
        const stack = await fixtureStack();
        const password = bootstrap(stack);
        one(stack, byName("password-2")).outputs.keepers = { seed: password };
        const user = structuredClone(first(stack, byType(TYPES.user)));
        user.urn = user.urn.replace(`${EMERGENCY_ACCESS_TYPE}$`, "").replace("account-1", "helpdesk");
        user.outputs.userPrincipalName = "helpdesk@contoso.onmicrosoft.com";
        stack.push(user);
        assert.deepEqual((await validateStack(policy, stack)).violations.sort(), [
            `a generated password is in keepers.seed of ${TYPES.randomPassword} emergency-access-password-2; it must stay secret.`,
            `a generated password is in password of ${TYPES.user} emergency-access-helpdesk; it must stay secret.`,
        ]);
    });

    test("follows RandomString values too", async () => {
        const stack = await fixtureStack();
        const value = randomBytes(24).toString("base64url");
        const generator = structuredClone(first(stack, byType(TYPES.randomPassword)));
        generator.type = TYPES.randomString;
        generator.urn = generator.urn.replace("random:index/randomPassword:RandomPassword", TYPES.randomString).replace("password-1", "token");
        generator.outputs.result = value;
        delete generator.outputs.bcryptHash; // a RandomString has none
        stack.push(generator);
        one(stack, byType(TYPES.stack)).outputs.token = value;
        assert.deepEqual((await validateStack(policy, stack)).violations, ["a generated password is in stack output token; it must stay secret."]);
    });

    test("during a first preview (values unknown) defers, naming the generators", async () => {
        const stack = await fixtureStack();
        for (const r of stack.filter(byType(TYPES.randomPassword))) r.outputs.result = UNKNOWN;
        const verdict = await validateStack(policy, stack);
        assert.deepEqual(verdict.violations, []);
        assert.match(verdict.deferred ?? "", /where the values of emergency-access-password-1, emergency-access-password-2 go/);
    });
});
