// The custody resource's declaration, deny by default (user id, rotation label, length, Graph endpoint, generation
// rules, nothing else), and the trusted custody settings (mode, custodians, threshold).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASSES } from "../../../policies/contract/custody";
import { trustedCustody as policy } from "../../../policies/rules/trustedCustody";
import { UNKNOWN, fixtureStack, setProp, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";
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

    const NAME = "emergency-access-password-custody-1";
    const custodyOne = async () => first(await fixtureStack(), byType(TYPES.passwordCustody));

    test("the fixture declares the generation rules as explicit inputs", async () => {
        const custody = await custodyOne();
        assert.deepEqual(custody.inputs.characterClasses, PASSWORD_CHARACTER_CLASSES);
        assert.equal(custody.inputs.minimumPerClass, 2);
        assert.equal(custody.inputs.rotation, "2026-Q4");
    });

    const length = (value: unknown, floor = 24) =>
        `${NAME}: passwordLength is ${JSON.stringify(value)}; emergency passwords need a whole number of characters from ${floor} to 256.`;
    const declarationCases: Array<[string, string, unknown, string | RegExp]> = [
        [
            "a character set narrowed to one special character",
            "characterClasses",
            { ...PASSWORD_CHARACTER_CLASSES, special: "!" },
            `${NAME}: characterClasses is ${JSON.stringify({ ...PASSWORD_CHARACTER_CLASSES, special: "!" })}; the declaration says ${JSON.stringify(PASSWORD_CHARACTER_CLASSES)}.`,
        ],
        ["the character classes left out", "characterClasses", undefined, /^emergency-access-password-custody-1: characterClasses is unset; the declaration says/],
        ["a minimum per class of 0", "minimumPerClass", 0, `${NAME}: minimumPerClass is 0; the declaration says 2.`],
        ["a length below the floor", "passwordLength", 23, length(23)],
        ["a length given as text", "passwordLength", "32", length("32")],
        [
            "a Graph endpoint on another host",
            "graphEndpoint",
            "https://graph.example.net",
            `${NAME}: graphEndpoint is "https://graph.example.net"; the password is sent there, so it must be one of Microsoft Graph's: ` +
                "https://graph.microsoft.com, https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn.",
        ],
        ["an unexpected input", "logTo", "https://collector.example.net", `${NAME}: unexpected input logTo ("https://collector.example.net"): the gate accepts only the declared inputs.`],
        ["a user object id that is not one", "userObjectId", "breakglass-1", `${NAME}: userObjectId is "breakglass-1"; it must be the user's object id.`],
    ];
    for (const [what, key, value, message] of declarationCases) {
        test(`refuses ${what}`, async () => {
            const custody = await custodyOne();
            setProp(custody, key, value);
            const { violations } = await validateResource(policy, custody);
            assert.equal(violations.length, 1, violations.join("\n"));
            if (typeof message === "string") assert.equal(violations[0], message);
            else assert.match(violations[0], message);
        });
    }

    const clockLabels = [
        "2026-11-26T09:00:00.000Z",
        "2026-11-26 09:00",
        "20261126T090000Z",
        "1795683600",
        "1795683600123",
        "Thu Nov 26 2026 09:00:00 GMT+0000 (Coordinated Universal Time)",
        "Thu, 26 Nov 2026 09:00:00 GMT",
        "rotation-2026-11-26-0900",
    ];
    for (const label of clockLabels) {
        test(`refuses a rotation label made from a clock: ${label}`, async () => {
            const custody = await custodyOne();
            setProp(custody, "rotation", label);
            const { violations } = await validateResource(policy, custody);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], /^emergency-access-password-custody-1: rotation is refused: passwordRotation .* looks generated on every deployment \(/);
            assert.match(violations[0], /such as initial, 2026-Q4, 2026-11-26, incident-42\.$/);
        });
    }

    test("accepts rotation labels changed on purpose", async () => {
        for (const label of ["initial", "2026-Q4", "2026-11-26", "incident-42", "after-test-2027-01", "20261126"]) {
            const custody = await custodyOne();
            setProp(custody, "rotation", label);
            assert.deepEqual((await validateResource(policy, custody)).violations, [], label);
        }
    });

    test("the trusted minimumPasswordLength raises the floor; a lower one cannot lower it", async () => {
        const custody = await custodyOne();
        assert.deepEqual((await validateResource(policy, custody, { minimumPasswordLength: 40 })).violations, [length(32, 40)]);
        setProp(custody, "passwordLength", 23);
        assert.deepEqual((await validateResource(policy, custody, { minimumPasswordLength: 8 })).violations, [length(23)]);
    });

    test("during a first preview judges everything and defers only the user's object id", async () => {
        const custody = await custodyOne();
        setProp(custody, "userObjectId", UNKNOWN);
        const preview = await validateResource(policy, custody);
        assert.deepEqual(preview.violations, []);
        assert.match(preview.deferred ?? "", /emergency-access-password-custody-1's userObjectId \(checked on pulumi up, once the ids exist\)/);
        setProp(custody, "characterClasses", { ...PASSWORD_CHARACTER_CLASSES, special: "!" });
        const narrowed = await validateResource(policy, custody);
        assert.equal(narrowed.violations.length, 1);
        assert.ok(narrowed.deferred);
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
