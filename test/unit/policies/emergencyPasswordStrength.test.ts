// The bootstrap RandomPassword's declaration, deny by default: every input as the contract declares it, the length at
// least the trusted floor, nothing the declaration does not know.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PASSWORD_SPECIAL_CHARACTERS, TYPES } from "../../../policies/contract/constants";
import { emergencyPasswordStrength as policy } from "../../../policies/rules/emergencyPasswordStrength";
import { UNKNOWN, fixtureStack, setProp, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

const NAME = "emergency-access-password-1";

async function bootstrap(): Promise<TestResource> {
    return first(await fixtureStack(), byType(TYPES.randomPassword));
}

describe(policy.name, () => {
    test("passes the fixture stack, whose bootstrap passwords are declared as the contract says", async () => {
        const stack = await fixtureStack();
        assert.equal(stack.filter(byType(TYPES.randomPassword)).length, 2);
        assert.deepEqual(await validateEachResource(policy, stack), { violations: [], deferred: undefined });
    });

    const length = (value: unknown, floor = 24) =>
        `${NAME}: length is ${JSON.stringify(value)}; emergency passwords need a whole number of characters from ${floor} to 256.`;
    const cases: Array<[string, string, unknown, string]> = [
        ["shortened to 16", "length", 16, length(16)],
        ["longer than Entra accepts", "length", 300, length(300)],
        ["a fractional length", "length", 30.5, length(30.5)],
        ["overrideSpecial \"!\"", "overrideSpecial", "!", `${NAME}: overrideSpecial is "!"; the declaration says ${JSON.stringify(PASSWORD_SPECIAL_CHARACTERS)}.`],
        ["special characters off", "special", false, `${NAME}: special is false; the declaration says true.`],
        ["upper-case off", "upper", false, `${NAME}: upper is false; the declaration says true.`],
        ["minNumeric 1", "minNumeric", 1, `${NAME}: minNumeric is 1; the declaration says 2.`],
        ["minLower unset", "minLower", undefined, `${NAME}: minLower is unset; the declaration says 2.`],
        ["keepers that rotate it", "keepers", { deployedAt: "2026-11-26T09:00:00Z" }, `${NAME}: unexpected input keepers ({"deployedAt":"2026-11-26T09:00:00Z"}): the gate accepts only the declared inputs.`],
        ["numeric's deprecated alias turned off", "number", false, `${NAME}: number is false; it is numeric's alias and must stay true.`],
        ["an unknown input", "minSpecial2", 0, `${NAME}: unexpected input minSpecial2 (0): the gate accepts only the declared inputs.`],
    ];
    for (const [what, key, value, message] of cases) {
        test(`refuses ${what}`, async () => {
            const password = await bootstrap();
            setProp(password, key, value);
            assert.deepEqual((await validateResource(policy, password)).violations, [message]);
        });
    }

    test("tolerates what the provider's Check may fill in: empty keepers, number: true", async () => {
        const password = await bootstrap();
        setProp(password, "keepers", {});
        setProp(password, "number", true);
        assert.deepEqual((await validateResource(policy, password)).violations, []);
    });

    test("the trusted minimumPasswordLength raises the floor", async () => {
        const password = await bootstrap();
        assert.deepEqual((await validateResource(policy, password, { minimumPasswordLength: 40 })).violations, [length(32, 40)]);
        assert.deepEqual((await validateResource(policy, password, { minimumPasswordLength: 32 })).violations, []);
    });

    test("a configured floor below the contract's cannot lower it", async () => {
        const password = await bootstrap();
        setProp(password, "length", 23);
        assert.deepEqual((await validateResource(policy, password, { minimumPasswordLength: 8 })).violations, [length(23)]);
    });

    test("judges every known input and defers only an unknown one", async () => {
        const password = await bootstrap();
        setProp(password, "length", UNKNOWN);
        setProp(password, "overrideSpecial", "!");
        const verdict = await validateResource(policy, password);
        assert.equal(verdict.violations.length, 1);
        assert.match(verdict.violations[0], /overrideSpecial is "!"/);
        assert.match(verdict.deferred ?? "", /emergency-access-password-1's length/);
    });

    test("leaves RandomPasswords outside the EmergencyAccess component to the provenance and resource rules", async () => {
        const password = await bootstrap();
        password.urn = password.urn.replace("entra-emergency-access:index:EmergencyAccess$", "");
        setProp(password, "length", 8);
        assert.deepEqual((await validateResource(policy, password)).violations, []);
    });
});
