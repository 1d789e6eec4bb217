import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyPasswordStrength as policy } from "../../../policies/rules/emergencyPasswordStrength";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateEachResource(policy, await fixtureStack()), { violations: [], deferred: undefined });
    });

    const cases: Array<[string, string, unknown, string]> = [
        ["a 23-character password", "length", 23, "length is 23; emergency passwords need at least 24 characters."],
        ["special characters off", "special", false, "special characters are turned off; every class must be required."],
        ["upper-case characters off", "upper", false, "upper characters are turned off; every class must be required."],
        ["minNumeric 0", "minNumeric", 0, "minNumeric is 0; require at least 1 numeric character."],
        ["minLower unset", "minLower", undefined, "minLower is unset; require at least 1 lower character."],
    ];
    for (const [what, key, value, message] of cases) {
        test(`refuses ${what}`, async () => {
            const password = first(await fixtureStack(), byType(TYPES.randomPassword));
            setProp(password, key, value);
            assert.deepEqual((await validateResource(policy, password)).violations, [message]);
        });
    }

    test("a configured minimum raises the floor but cannot lower it", async () => {
        const password = first(await fixtureStack(), byType(TYPES.randomPassword));
        assert.deepEqual((await validateResource(policy, password, { minimumLength: 40 })).violations, [
            "length is 32; emergency passwords need at least 40 characters.",
        ]);
        setProp(password, "length", 23);
        assert.deepEqual((await validateResource(policy, password, { minimumLength: 8 })).violations, [
            "length is 23; emergency passwords need at least 24 characters.",
        ]);
    });

    test("refuses a custody resource generating fewer characters than the floor or the configured minimum", async () => {
        const custody = first(await fixtureStack(), byType(TYPES.passwordCustody));
        assert.deepEqual((await validateResource(policy, custody)).violations, []);
        assert.deepEqual((await validateResource(policy, custody, { minimumLength: 40 })).violations, [
            "passwordLength is 32; emergency passwords need at least 40 characters.",
        ]);
        setProp(custody, "passwordLength", 23);
        assert.deepEqual((await validateResource(policy, custody, { minimumLength: 8 })).violations, [
            "passwordLength is 23; emergency passwords need at least 24 characters.",
        ]);
    });

    test("ignores passwords outside the EmergencyAccess component", async () => {
        const password = first(await fixtureStack(), byType(TYPES.randomPassword));
        password.urn = password.urn.replace("entra-emergency-access:index:EmergencyAccess$", "");
        setProp(password, "length", 8);
        assert.deepEqual((await validateResource(policy, password)).violations, []);
    });
});
