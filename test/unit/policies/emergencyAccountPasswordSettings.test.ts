import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyAccountPasswordSettings as policy } from "../../../policies/rules/emergencyAccountPasswordSettings";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

const UPN = "breakglass-1@contoso.onmicrosoft.com";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    const cases: Array<[string, string, unknown, string]> = [
        ["an expiring password", "disablePasswordExpiration", false, `${UPN}: disablePasswordExpiration must be true; an expired password locks the account out.`],
        ["an unset password expiry", "disablePasswordExpiration", undefined, `${UPN}: disablePasswordExpiration must be true; an expired password locks the account out.`],
        ["a forced password change", "forcePasswordChange", true, `${UPN}: forcePasswordChange is true; the sealed password would have to be changed mid-emergency.`],
        ["weak passwords allowed", "disableStrongPassword", true, `${UPN}: disableStrongPassword is true; Entra's strong-password rules must apply.`],
    ];
    for (const [what, key, value, message] of cases) {
        test(`refuses ${what}`, async () => {
            const user = first(await fixtureStack(), byType(TYPES.user));
            setProp(user, key, value);
            assert.deepEqual((await validateResource(policy, user)).violations, [message]);
        });
    }
});
