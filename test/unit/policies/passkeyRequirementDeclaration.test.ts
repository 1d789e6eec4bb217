// Each PasskeyRequirement is the contract's: an emergency user, passkey or certificate, at least the trusted number of
// device-bound keys, the emergency group, a Microsoft Graph endpoint, nothing else.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { passkeyRequirementDeclared as policy } from "../../../policies/rules/passkeyRequirementDeclaration";
import { UNKNOWN, fixtureStack, setProp, validateResource, type TestResource } from "../../helpers/policyHarness";
import { all, byName, byType, one } from "../../helpers/select";

async function requirement(): Promise<TestResource> {
    return one(await fixtureStack(), byName("passkey-requirement-1"));
}

const FLOOR = "each emergency account needs from 2 to 10 device-bound passkeys before it gets its role (the trusted floor), so one lost key is never a lockout.";

describe(policy.name, () => {
    test("passes every requirement of the fixture stack, and of one with the limited account", async () => {
        for (const stack of [await fixtureStack(), await fixtureStack({ limitedAccount: true })]) {
            const requirements = all(stack, byType(TYPES.passkeyRequirement));
            assert.ok(requirements.length >= 2);
            for (const r of requirements) assert.deepEqual(await validateResource(policy, r), { violations: [] }, r.name);
        }
    });

    const cases: Array<[string, string, unknown, string]> = [
        ["a single key", "minimumPasskeys", 1, `minimumPasskeys is 1; ${FLOOR}`],
        ["no key at all", "minimumPasskeys", 0, `minimumPasskeys is 0; ${FLOOR}`],
        ["a fraction", "minimumPasskeys", 2.5, `minimumPasskeys is 2.5; ${FLOOR}`],
        ["a group that is not an object id", "emergencyGroupObjectId", "Emergency Access Accounts", 'emergencyGroupObjectId is "Emergency Access Accounts"; it must be an object id.'],
        [
            "a Graph endpoint that is not Microsoft's",
            "graphEndpoint",
            "https://graph.example.com",
            'graphEndpoint is "https://graph.example.com"; the provider sends its token there, so it must be one of https://graph.microsoft.com, https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn.',
        ],
        ["an unknown input", "countSyncedPasskeys", true, "unexpected input countSyncedPasskeys (true): the gate accepts only the declared inputs."],
    ];
    for (const [what, key, value, message] of cases) {
        test(`refuses ${what}`, async () => {
            const r = await requirement();
            setProp(r, key, value);
            assert.deepEqual((await validateResource(policy, r)).violations, [`emergency-access-passkey-requirement-1: ${message}`]);
        });
    }

    test("refuses fewer keys than the trusted minimumPasskeys, which the stack config cannot lower", async () => {
        const r = await requirement();
        assert.deepEqual((await validateResource(policy, r, { minimumPasskeys: 3 })).violations, [
            "emergency-access-passkey-requirement-1: minimumPasskeys is 2; each emergency account needs from 3 to 10 device-bound passkeys " +
                "before it gets its role (the trusted floor), so one lost key is never a lockout.",
        ]);
        setProp(r, "minimumPasskeys", 3);
        assert.deepEqual(await validateResource(policy, r, { minimumPasskeys: 3 }), { violations: [] });
    });

    test("defers the user's object id during a first preview, after judging the rest", async () => {
        const r = await requirement();
        setProp(r, "userObjectId", UNKNOWN);
        setProp(r, "minimumPasskeys", 1);
        const verdict = await validateResource(policy, r);
        assert.deepEqual(verdict.violations, [`emergency-access-passkey-requirement-1: minimumPasskeys is 1; ${FLOOR}`]);
        assert.match(String(verdict.deferred), /userObjectId/);
    });

    test("judges nothing else", async () => {
        const stack = await fixtureStack();
        for (const r of stack.filter((r) => r.type !== TYPES.passkeyRequirement)) assert.deepEqual(await validateResource(policy, r), { violations: [] }, r.name);
    });

    test("refuses a method the trusted allowedCredentialMethods does not list: certificate only when listed, anything else never", async () => {
        const r = await requirement();
        setProp(r, "method", "certificate");
        assert.deepEqual((await validateResource(policy, r)).violations, [
            'emergency-access-passkey-requirement-1: method is "certificate"; the trusted pack config allows passkey (allowedCredentialMethods).',
        ]);
        assert.deepEqual(await validateResource(policy, r, { allowedCredentialMethods: ["passkey", "certificate"] }), { violations: [] });
        setProp(r, "method", "sms");
        assert.deepEqual((await validateResource(policy, r, { allowedCredentialMethods: ["passkey", "certificate"] })).violations, [
            'emergency-access-passkey-requirement-1: method is "sms"; the trusted pack config allows passkey, certificate (allowedCredentialMethods).',
            'emergency-access-passkey-requirement-1: method is "sms"; it must be one of passkey, certificate.',
        ]);
    });
});
