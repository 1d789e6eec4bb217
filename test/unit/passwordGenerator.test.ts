// The custody provider's password generator: length, classes and character set over 10,000 draws (fast-check),
// the character set's promises (no look-alikes, nothing hard to type), uniformity by rejection sampling, and a
// broken random source caught instead of producing a weak password.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { cryptoRandom, generatePassword } from "../../components/passwordGenerator";
import { LIMITS, PASSWORD_MIN_PER_CLASS } from "../../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASSES, PASSWORD_CHARACTER_SET, passwordClassCounts } from "../../policies/contract/custody";

describe("the character set", () => {
    test("has no look-alikes and nothing hard to type from paper", () => {
        for (const character of "0Oo1lI|'\"`\\~^ []{}()<>;:,./") {
            assert.ok(!PASSWORD_CHARACTER_SET.includes(character), `${JSON.stringify(character)} is in the set`);
        }
    });

    test("lists each character once, in exactly one class, and only printable ASCII", () => {
        assert.equal(new Set(PASSWORD_CHARACTER_SET).size, PASSWORD_CHARACTER_SET.length);
        assert.match(PASSWORD_CHARACTER_SET, /^[\x21-\x7e]+$/);
        const classes = Object.values(PASSWORD_CHARACTER_CLASSES);
        assert.equal(classes.join("").length, PASSWORD_CHARACTER_SET.length);
        for (const cls of classes) assert.ok(cls.length >= 8, cls);
    });
});

describe("generatePassword", () => {
    test("10,000 draws: the asked length, every class at least twice, no character outside the set", () => {
        fc.assert(
            fc.property(fc.integer({ min: LIMITS.passwordLength.min, max: LIMITS.passwordLength.max }), (length) => {
                const password = generatePassword(length);
                const counts = passwordClassCounts(password);
                return (
                    password.length === length &&
                    counts.outside === 0 &&
                    counts.upper >= PASSWORD_MIN_PER_CLASS &&
                    counts.lower >= PASSWORD_MIN_PER_CLASS &&
                    counts.digit >= PASSWORD_MIN_PER_CLASS &&
                    counts.special >= PASSWORD_MIN_PER_CLASS
                );
            }),
            { numRuns: 10_000 },
        );
    });

    test("refuses a length outside LIMITS.passwordLength", () => {
        for (const length of [23, 257, 24.5, Number.NaN]) {
            assert.throws(() => generatePassword(length), /passwordLength must be a whole number from 24 to 256/);
        }
    });

    test("draws every character about equally often (chi-square over 200,000 characters)", () => {
        const counts = new Map<number, number>();
        let total = 0;
        while (total < 200_000) {
            for (const code of generatePassword(LIMITS.passwordLength.max)) counts.set(code, (counts.get(code) ?? 0) + 1);
            total += LIMITS.passwordLength.max;
        }
        assert.equal(counts.size, PASSWORD_CHARACTER_SET.length, "every character occurs");
        const expected = total / PASSWORD_CHARACTER_SET.length;
        const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
        // 65 degrees of freedom: the 99.99th percentile is about 120. A modulo bias of 256 % 66 would add thousands.
        assert.ok(chiSquare < 120, `chi-square ${chiSquare.toFixed(1)}`);
    });

    test("drops bytes that would bias the draw (rejection sampling)", () => {
        const limit = 256 - (256 % PASSWORD_CHARACTER_SET.length);
        let calls = 0;
        // First fill: only biased bytes (all dropped); then a valid sequence cycling through the set.
        const source = (bytes: Uint8Array) => {
            calls++;
            for (let i = 0; i < bytes.length; i++) bytes[i] = calls === 1 ? limit + (i % (256 - limit)) : i % PASSWORD_CHARACTER_SET.length;
        };
        const password = generatePassword(PASSWORD_CHARACTER_SET.length, source);
        assert.equal(calls, 2, "the biased bytes were not used");
        assert.equal(new TextDecoder().decode(password), PASSWORD_CHARACTER_SET);
    });

    test("a broken random source fails loudly rather than yield a password without every class", () => {
        assert.throws(() => generatePassword(32, (bytes) => bytes.fill(0)), /no password met the class rules in 1000 draws: the random source is broken/);
    });

    test("generates from exactly the classes it is given: a set narrowed to one special character yields only that one", () => {
        const classes = { ...PASSWORD_CHARACTER_CLASSES, special: "!" };
        for (let i = 0; i < 200; i++) {
            const password = generatePassword(24, cryptoRandom, { characterClasses: classes, minimumPerClass: PASSWORD_MIN_PER_CLASS });
            const counts = passwordClassCounts(password, classes);
            assert.equal(counts.outside, 0);
            assert.ok(counts.special >= PASSWORD_MIN_PER_CLASS);
            assert.ok(![...PASSWORD_CHARACTER_CLASSES.special.slice(1)].some((c) => password.includes(c.charCodeAt(0))));
        }
    });

    test("refuses rules nothing can be generated from, naming the input", () => {
        const rules = (characterClasses: any, minimumPerClass = PASSWORD_MIN_PER_CLASS) => ({ characterClasses, minimumPerClass });
        assert.throws(() => generatePassword(32, cryptoRandom, rules({ ...PASSWORD_CHARACTER_CLASSES, digit: "" })), /characterClasses\.digit must be a non-empty string/);
        assert.throws(() => generatePassword(32, cryptoRandom, rules({ ...PASSWORD_CHARACTER_CLASSES, lower: "abcA" })), /characterClasses\.lower repeats a character/);
        assert.throws(() => generatePassword(32, cryptoRandom, rules(PASSWORD_CHARACTER_CLASSES, 9)), /minimumPerClass must be a whole number from 0 to 8 for 32 characters, got 9/);
        assert.throws(() => generatePassword(32, cryptoRandom, rules(PASSWORD_CHARACTER_CLASSES, -1)), /minimumPerClass must be a whole number/);
    });

    test("the default source is Web Crypto's CSPRNG", () => {
        const bytes = new Uint8Array(32);
        cryptoRandom(bytes);
        assert.ok(bytes.some((b) => b !== 0));
    });
});
