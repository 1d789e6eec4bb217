// The credential contract's pure parts that the pack, the provider and (for the rotation label) the config schema
// share: which rotation labels look made from a clock, which character classes can be generated from, and the
// declarations the component builds from and the pack judges by.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LIMITS, PASSWORD_MIN_PER_CLASS, PASSWORD_SPECIAL_CHARACTERS, UNKNOWN_VALUE } from "../../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASSES, ROTATION_LABEL_EXAMPLES, characterClassesProblems, rotationLabelProblem } from "../../policies/contract/custody";
import {
    PASSWORD_CUSTODY_INPUT_KEYS,
    bootstrapPasswordDeclaration,
    bootstrapPasswordInputs,
    bootstrapPasswordNameOf,
    passwordCustodyDeclaration,
    passwordCustodyInputs,
} from "../../policies/contract/declaration/credentials";
import { judgeInputs } from "../../policies/contract/declaration/inputs";

const isUnknown = (value: unknown) => value === UNKNOWN_VALUE;

describe("rotationLabelProblem", () => {
    test("accepts labels changed on purpose: the documented examples and their kin", () => {
        const kin = ["2027-Q1", "20261126", "incident-2026-11", "after-test-3", "v2", "2026-11-26-incident", "decade", "cafe-2", "Q4-2026a"];
        for (const label of [...ROTATION_LABEL_EXAMPLES, ...kin]) {
            assert.equal(rotationLabelProblem(label), undefined, label);
        }
    });

    const clock: Array<[string, string]> = [
        ["2026-11-26T09:00:00.000Z", "a time of day"],
        ["2026-11-26T0900", "a date with a time"],
        ["20261126T090000", "a date with a time"],
        ["2026-11-26_0930", "a date with a time"],
        ["1795683600", "epoch seconds or milliseconds"],
        ["deploy-1795683600123", "epoch seconds or milliseconds"],
        ["11/26/2026, 9:00:00 AM", "a time of day"],
        ["Thu Nov 26 2026", "a Date() string"],
        ["26 Nov 2026", "a Date() string"],
        ["3f2c9a7e-1b4d-4c8e-9f01-23456789abcd", "a random id"],
        ["build-4e1f9c2", "a commit hash"],
        ["4e1f9c2a8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f", "a commit hash"],
    ];
    for (const [label, shape] of clock) {
        test(`refuses ${JSON.stringify(label)} (${shape}), naming the label and the accepted shapes`, () => {
            const problem = rotationLabelProblem(label);
            assert.equal(
                problem,
                `passwordRotation ${JSON.stringify(label)} looks generated on every deployment (${shape}): every pulumi up would set a new ` +
                    "password and the sealed envelopes would go stale. Use a label changed on purpose, such as initial, 2026-Q4, " +
                    "2026-11-26, incident-42",
            );
        });
    }

    test("refuses an empty, blank, non-string or too long label", () => {
        for (const label of ["", "   ", undefined, 42, null]) {
            assert.equal(rotationLabelProblem(label), "passwordRotation must be a non-empty label", String(label));
        }
        const long = "q".repeat(LIMITS.passwordRotation.maxLength + 1);
        assert.equal(rotationLabelProblem(long), `passwordRotation must be at most ${LIMITS.passwordRotation.maxLength} characters, got ${long.length}`);
    });
});

describe("characterClassesProblems", () => {
    test("the contract's classes, and a narrowed set, can be generated from", () => {
        assert.deepEqual(characterClassesProblems(PASSWORD_CHARACTER_CLASSES), []);
        assert.deepEqual(characterClassesProblems({ ...PASSWORD_CHARACTER_CLASSES, special: "!" }), []);
    });

    test("names each malformed class", () => {
        assert.deepEqual(characterClassesProblems("ABC"), ["characterClasses must be an object with upper, lower, digit, special"]);
        assert.deepEqual(characterClassesProblems({ ...PASSWORD_CHARACTER_CLASSES, symbols: "@" }), [
            "characterClasses.symbols is not a character class (upper, lower, digit, special)",
        ]);
        assert.deepEqual(characterClassesProblems({ ...PASSWORD_CHARACTER_CLASSES, digit: "2 3" }), [
            "characterClasses.digit must be a non-empty string of printable ASCII characters without spaces",
        ]);
        assert.deepEqual(characterClassesProblems({ ...PASSWORD_CHARACTER_CLASSES, lower: "abca" }), [
            "characterClasses.lower repeats a character (each character belongs to one class, once)",
        ]);
        assert.deepEqual(characterClassesProblems({ ...PASSWORD_CHARACTER_CLASSES, special: "!A" }), [
            "characterClasses.special repeats a character (each character belongs to one class, once)",
        ]);
    });
});

describe("the credential declarations", () => {
    test("the bootstrap password's inputs: every class required twice, the contract's specials, no keepers", () => {
        assert.deepEqual(bootstrapPasswordInputs(32), {
            length: 32,
            upper: true,
            lower: true,
            numeric: true,
            special: true,
            minUpper: PASSWORD_MIN_PER_CLASS,
            minLower: PASSWORD_MIN_PER_CLASS,
            minNumeric: PASSWORD_MIN_PER_CLASS,
            minSpecial: PASSWORD_MIN_PER_CLASS,
            overrideSpecial: PASSWORD_SPECIAL_CHARACTERS,
        });
        assert.deepEqual(judgeInputs(bootstrapPasswordInputs(32), bootstrapPasswordDeclaration(24), isUnknown), { problems: [], unknown: [] });
        assert.deepEqual(judgeInputs(bootstrapPasswordInputs(32), bootstrapPasswordDeclaration(40), isUnknown).problems, [
            "length is 32; emergency passwords need a whole number of characters from 40 to 256.",
        ]);
    });

    test("the custody inputs the component declares pass the custody declaration; the user's id may be unknown", () => {
        const inputs = passwordCustodyInputs({
            userObjectId: UNKNOWN_VALUE,
            userPrincipalName: "breakglass-1@contoso.onmicrosoft.com",
            rotation: "2026-Q4",
            passwordLength: 32,
            mode: "passkey",
            custodians: [],
            threshold: 0,
            graphEndpoint: "https://graph.microsoft.com",
        });
        assert.deepEqual(Object.keys(inputs), PASSWORD_CUSTODY_INPUT_KEYS);
        assert.deepEqual(inputs.characterClasses, PASSWORD_CHARACTER_CLASSES);
        assert.deepEqual(judgeInputs(inputs, passwordCustodyDeclaration(24), isUnknown), { problems: [], unknown: ["userObjectId"] });
    });

    test("the bootstrap password of a user is named from the user", () => {
        assert.equal(bootstrapPasswordNameOf("emergency-access-account-2"), "emergency-access-password-2");
        assert.equal(bootstrapPasswordNameOf("helpdesk"), undefined);
    });
});
