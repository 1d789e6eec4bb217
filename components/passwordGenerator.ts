// Generating an emergency password inside the custody provider: a CSPRNG (Web Crypto's getRandomValues, a
// global in Node 20 and in the dynamic-provider host, so no Node built-in is imported into the serialized
// provider), rejection sampling so every character of the set is equally likely, and a whole new draw until
// every class is present (which keeps the draw uniform over the passwords that pass the rules).
//
// The password is returned as character codes in a Uint8Array, never as a string: the caller turns it into a
// string only where an API demands one, and overwrites the bytes with zeros once it is set or sealed.
import { LIMITS } from "../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASS_NAMES, characterClassesProblems, meetsPasswordClassRules } from "../policies/contract/custody";
import { PASSWORD_GENERATION_RULES, type PasswordGenerationRules } from "../policies/contract/declaration/credentials";

/** Fills `bytes` with cryptographically strong random values; the tests pass a counting or failing source. */
export type RandomSource = (bytes: Uint8Array) => void;

/** Web Crypto's CSPRNG. Looked up on every call: the serialized provider must not capture a Node module. */
export const cryptoRandom: RandomSource = (bytes) => {
    globalThis.crypto.getRandomValues(bytes);
};

/**
 * Whole draws before giving up; with the shipped set a draw passes the class rules about 3 times in 4, with a set
 * narrowed to one special character about 1 time in 10.
 */
const MAX_DRAWS = 1000;

/**
 * A new password of `length` characters from the classes of `rules` (the custody resource's declared inputs; the
 * contract's PASSWORD_GENERATION_RULES by default) with at least `rules.minimumPerClass` characters of every class,
 * as character codes. The rules are used exactly as given: a narrowed set yields passwords from that set only (the
 * pack, not the generator, refuses one). Zero the result when done.
 */
export function generatePassword(
    length: number,
    random: RandomSource = cryptoRandom,
    rules: PasswordGenerationRules = PASSWORD_GENERATION_RULES,
): Uint8Array {
    const { min, max } = LIMITS.passwordLength;
    if (!Number.isInteger(length) || length < min || length > max) {
        throw new Error(`passwordLength must be a whole number from ${min} to ${max}, got ${length}`);
    }
    const problems = characterClassesProblems(rules.characterClasses);
    if (problems.length > 0) throw new Error(problems.join("; "));
    const minimum = rules.minimumPerClass;
    const classCount = PASSWORD_CHARACTER_CLASS_NAMES.length;
    if (!Number.isInteger(minimum) || minimum < 0 || minimum * classCount > length) {
        const most = Math.floor(length / classCount);
        throw new Error(`minimumPerClass must be a whole number from 0 to ${most} for ${length} characters, got ${minimum}`);
    }
    const set = PASSWORD_CHARACTER_CLASS_NAMES.map((name) => rules.characterClasses[name]).join("");
    // Bytes at or above the largest multiple of the set's size would favour the first characters: drop them.
    const limit = 256 - (256 % set.length);
    const password = new Uint8Array(length);
    const pool = new Uint8Array(length * 2);
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
        let filled = 0;
        while (filled < length) {
            random(pool);
            for (let i = 0; i < pool.length && filled < length; i++) {
                if (pool[i] < limit) password[filled++] = set.charCodeAt(pool[i] % set.length);
            }
        }
        pool.fill(0);
        if (meetsPasswordClassRules(password, minimum, rules.characterClasses)) return password;
    }
    password.fill(0);
    throw new Error(`no password met the class rules in ${MAX_DRAWS} draws: the random source is broken`);
}
