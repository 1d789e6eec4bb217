import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { trustedCustody as policy } from "../../../policies/rules/trustedCustody";
import { fixtureStack, setProp, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";
import { testRecipient } from "../../helpers/custody";

/** The fixture's first custody resource switched to sealed mode with `n` custodians and threshold `k`. */
async function sealed(n: number, k: number): Promise<TestResource> {
    const custody = first(await fixtureStack(), byType(TYPES.passwordCustody));
    setProp(custody, "mode", "sealed-password");
    setProp(custody, "custodians", Array.from({ length: n }, (_, i) => ({ name: `custodian-${i + 1}`, recipient: testRecipient(i) })));
    setProp(custody, "threshold", k);
    return custody;
}

describe(policy.name, () => {
    test("passes the fixture stack (passkey mode)", async () => {
        assert.deepEqual(await validateEachResource(policy, await fixtureStack()), { violations: [], deferred: undefined });
    });

    test("passes sealed mode with 3 custodians and threshold 2", async () => {
        assert.deepEqual((await validateResource(policy, await sealed(3, 2))).violations, []);
    });

    test("refuses a mode the pack config does not allow", async () => {
        const custody = first(await fixtureStack(), byType(TYPES.passwordCustody));
        assert.deepEqual((await validateResource(policy, await sealed(2, 2), { allowedModes: ["passkey"] })).violations, [
            'emergency-access-password-custody-1: mode "sealed-password" is not allowed; allowed: passkey.',
        ]);
        setProp(custody, "mode", "plain-text");
        assert.deepEqual((await validateResource(policy, custody)).violations, [
            'emergency-access-password-custody-1: mode "plain-text" is not allowed; allowed: passkey, sealed-password.',
        ]);
    });

    test("refuses fewer custodians and shares than the floors, and a config cannot lower them below 1", async () => {
        assert.deepEqual((await validateResource(policy, await sealed(1, 1))).violations, [
            "emergency-access-password-custody-1: 1 custodian(s); at least 2 required.",
            "emergency-access-password-custody-1: threshold 1; at least 2 shares required.",
        ]);
        assert.deepEqual((await validateResource(policy, await sealed(1, 1), { minimumCustodians: 1, minimumThreshold: 1 })).violations, []);
        assert.deepEqual((await validateResource(policy, await sealed(3, 2), { minimumCustodians: 4, minimumThreshold: 3 })).violations, [
            "emergency-access-password-custody-1: 3 custodian(s); at least 4 required.",
            "emergency-access-password-custody-1: threshold 2; at least 3 shares required.",
        ]);
        assert.deepEqual((await validateResource(policy, await sealed(0, 0), { minimumCustodians: 0, minimumThreshold: 0 })).violations, [
            "emergency-access-password-custody-1: custodians must name at least one custodian in sealed-password mode.",
            "emergency-access-password-custody-1: threshold must be a whole number from 1 to the number of custodians, got 0.",
            "emergency-access-password-custody-1: 0 custodian(s); at least 1 required.",
            "emergency-access-password-custody-1: threshold 0; at least 1 shares required.",
        ]);
    });

    test("refuses what the contract forbids whatever the config: one share of several, a bad recipient", async () => {
        const custody = await sealed(3, 1);
        assert.deepEqual((await validateResource(policy, custody, { minimumThreshold: 1 })).violations, [
            "emergency-access-password-custody-1: threshold must be at least 2 with 3 custodians: with 1, any single custodian can open the password alone.",
        ]);
        const badRecipient = await sealed(2, 2);
        badRecipient.inputs.custodians[1].recipient = "AGE-SECRET-KEY-1QQQQ";
        assert.deepEqual((await validateResource(policy, badRecipient)).violations, [
            "emergency-access-password-custody-1: custodians[1].recipient must be an age X25519 recipient (age1 and 58 characters, as age-keygen prints it).",
        ]);
    });
});
