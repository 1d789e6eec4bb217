import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EMERGENCY_ACCESS_TYPE, TYPES } from "../../../policies/contract/constants";
import { emergencyAccountDeclaration as policy } from "../../../policies/rules/emergencyAccountDeclaration";
import { UNKNOWN, fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byName, byType, first, one } from "../../helpers/select";

async function account() {
    return first(await fixtureStack(), byType(TYPES.user));
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    const changes: Array<[string, string, unknown, RegExp]> = [
        ["a disabled account", "accountEnabled", false, /accountEnabled is false; the declaration says true/],
        ["a custom-domain user principal name", "userPrincipalName", "breakglass-1@contoso.com", /cloud-only, named breakglass-1@<tenant>\.onmicrosoft\.com/],
        ["another account name", "userPrincipalName", "admin-1@contoso.onmicrosoft.com", /the declaration says "breakglass-1@contoso\.onmicrosoft\.com"/],
        ["an on-premises immutable id", "onpremisesImmutableId", "dGVzdA==", /unexpected input onpremisesImmutableId/],
        ["other mail addresses", "otherMails", ["attacker@example.com"], /unexpected input otherMails/],
        ["a forced password change", "forcePasswordChange", true, /forcePasswordChange is true/],
        ["password expiry", "disablePasswordExpiration", false, /disablePasswordExpiration is false/],
        ["weak passwords allowed", "disableStrongPassword", true, /disableStrongPassword is true/],
        ["shown in the address list", "showInAddressList", true, /showInAddressList is true/],
        ["another display name", "displayName", "Jane Doe", /displayName is "Jane Doe"/],
        ["a bad usage location", "usageLocation", "usa", /usageLocation must be an ISO 3166-1 alpha-2/],
    ];
    for (const [what, key, value, message] of changes) {
        test(`refuses ${what}`, async () => {
            const user = await account();
            setProp(user, key, value);
            const { violations } = await validateResource(policy, user);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("tolerates an empty value the provider may fill in, such as otherMails: []", async () => {
        const user = await account();
        setProp(user, "otherMails", []);
        setProp(user, "onpremisesImmutableId", "");
        assert.deepEqual((await validateResource(policy, user)).violations, []);
    });

    test("recognises an emergency user declared outside the component by its prefix", async () => {
        const user = await account();
        user.urn = user.urn.replace(`${EMERGENCY_ACCESS_TYPE}$`, "");
        user.name = "someone-else";
        setProp(user, "accountEnabled", false);
        assert.equal((await validateResource(policy, user)).violations.length, 1);
    });

    test("defers only an unknown input during preview", async () => {
        const user = await account();
        setProp(user, "displayName", UNKNOWN);
        setProp(user, "accountEnabled", false);
        const verdict = await validateResource(policy, user);
        assert.equal(verdict.violations.length, 1);
        assert.match(verdict.deferred ?? "", /displayName/);
    });

    test("judges the limited recovery account by its own declaration: <prefix>-limited, EMERGENCY ACCESS LIMITED", async () => {
        const user = one(await fixtureStack({ limitedAccount: true }), byName("account-limited"));
        assert.equal(user.inputs.userPrincipalName, "breakglass-limited@contoso.onmicrosoft.com");
        const allowed = { allowLimitedAccount: true };
        assert.deepEqual((await validateResource(policy, user, allowed)).violations, []);
        setProp(user, "displayName", "EMERGENCY ACCESS 3 (break glass - do not use, every sign-in alerts)");
        assert.deepEqual((await validateResource(policy, user, allowed)).violations, [
            'emergency-access-account-limited: displayName is "EMERGENCY ACCESS 3 (break glass - do not use, every sign-in alerts)"; ' +
                'the declaration says "EMERGENCY ACCESS LIMITED (break glass - do not use, every sign-in alerts)".',
        ]);
    });

    test("refuses the limited recovery account unless the trusted pack config allows it (allowLimitedAccount)", async () => {
        const user = one(await fixtureStack({ limitedAccount: true }), byName("account-limited"));
        assert.deepEqual((await validateResource(policy, user)).violations, [
            "emergency-access-account-limited is the limited recovery account, a standing Conditional Access and Authentication Policy " +
                "Administrator excluded from every policy; the trusted pack config does not allow it (allowLimitedAccount).",
        ]);
    });
});
