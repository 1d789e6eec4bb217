// Credential custody, as the program builds it and the pack judges it: the custody modes, the custodians'
// rules, and the character set and class rules of the passwords the custody provider generates. Plain data
// and pure code only (the pack ships this file; the provider, config/ and the component import it).
import { LIMITS, PASSWORD_MIN_PER_CLASS, PASSWORD_SPECIAL_CHARACTERS } from "./constants";

/**
 * How an emergency account's password is kept.
 * - `passkey`: the password is generated, set and discarded; the account signs in with FIDO2 passkeys or a
 *   certificate kept in the safes. Nothing derived from the password is kept anywhere.
 * - `sealed-password`: the password is sealed to custodians (age), split k-of-n when k ≥ 2 (Shamir).
 */
export const CUSTODY_MODES = ["passkey", "sealed-password"] as const;
export type CustodyMode = (typeof CUSTODY_MODES)[number];

/** One custodian of sealed envelopes: a name people recognise and the age X25519 recipient of their key. */
export interface Custodian {
    /** Who holds the key, e.g. "alice" or "safe-2-officer"; unique in the list. */
    readonly name: string;
    /** The custodian's age X25519 recipient (`age1...`), as `age-keygen` prints it; unique in the list. */
    readonly recipient: string;
}

/** The custody settings the provider receives and the pack reads. */
export interface CustodySettings {
    readonly mode: CustodyMode;
    /** Custodians of the envelopes; empty in passkey mode. */
    readonly custodians: readonly Custodian[];
    /** Shares needed to rebuild the password (k of n); 1 means every custodian holds the whole password. 0 in passkey mode. */
    readonly threshold: number;
}

/**
 * An age X25519 recipient: `age1` and 58 Bech32 characters (a 32-byte key). The Bech32 checksum itself is
 * checked by age-encryption when the provider seals; this shape catches typos and pasted private keys before.
 */
export const AGE_RECIPIENT_PATTERN = /^age1[02-9ac-hj-np-z]{58}$/;

/** A custodian name: readable, printable, no quotes. */
export const CUSTODIAN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/**
 * Why a set of custody settings is unsafe or unusable, one message per problem, each naming the field
 * (`custodians[1].recipient`, `threshold`). Empty when the settings are good. Used by config validation,
 * the component, the provider's check and the pack, so all four say the same thing.
 */
export function custodyProblems(settings: { mode?: unknown; custodians?: unknown; threshold?: unknown }): string[] {
    const problems: string[] = [];
    if (!(CUSTODY_MODES as readonly unknown[]).includes(settings.mode)) {
        return [`mode must be one of ${CUSTODY_MODES.join(", ")}, got ${JSON.stringify(settings.mode)}`];
    }
    const custodians = Array.isArray(settings.custodians) ? (settings.custodians as unknown[]) : undefined;
    if (!custodians) return ["custodians must be a list of {name, recipient}"];
    const threshold = settings.threshold;
    if (settings.mode === "passkey") {
        if (custodians.length > 0) problems.push("custodians must be empty in passkey mode: there is no password to seal");
        return problems;
    }
    if (custodians.length === 0) problems.push("custodians must name at least one custodian in sealed-password mode");
    if (custodians.length > LIMITS.custodians.max) {
        problems.push(`custodians may list at most ${LIMITS.custodians.max} custodians, got ${custodians.length}`);
    }
    const names = new Set<string>();
    const recipients = new Set<string>();
    custodians.forEach((entry, i) => {
        const custodian = (entry ?? {}) as Partial<Record<keyof Custodian, unknown>>;
        const name = typeof custodian.name === "string" ? custodian.name : "";
        const recipient = typeof custodian.recipient === "string" ? custodian.recipient : "";
        if (!CUSTODIAN_NAME_PATTERN.test(name)) {
            problems.push(`custodians[${i}].name must be 1 to 64 letters, digits, spaces, '.', '_' or '-'`);
        } else if (names.has(name.toLowerCase())) {
            problems.push(`custodians[${i}].name repeats "${name}"`);
        }
        names.add(name.toLowerCase());
        if (!AGE_RECIPIENT_PATTERN.test(recipient)) {
            problems.push(`custodians[${i}].recipient must be an age X25519 recipient (age1 and 58 characters, as age-keygen prints it)`);
        } else if (recipients.has(recipient)) {
            problems.push(`custodians[${i}].recipient repeats another custodian's recipient`);
        }
        recipients.add(recipient);
    });
    const n = custodians.length;
    if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < 1) {
        problems.push(`threshold must be a whole number from 1 to the number of custodians, got ${JSON.stringify(threshold)}`);
    } else if (threshold > n && n > 0) {
        problems.push(`threshold ${threshold} is more than the ${n} custodians: the password could never be rebuilt`);
    } else if (n >= 2 && threshold < LIMITS.custodians.minThresholdWithSeveral) {
        problems.push(
            `threshold must be at least ${LIMITS.custodians.minThresholdWithSeveral} with ${n} custodians: ` +
                "with 1, any single custodian can open the password alone",
        );
    }
    return problems;
}

/**
 * The character classes of generated passwords. No look-alikes (0 O o, 1 l I) and only special characters
 * that sit on every common keyboard layout without dead keys (no quotes, backslash, backtick, tilde, caret,
 * brackets or space), so a person can type the password from paper on a stranger's keyboard. Entra ID accepts
 * every one of them.
 */
export const PASSWORD_CHARACTER_CLASSES = {
    upper: "ABCDEFGHJKLMNPQRSTUVWXYZ",
    lower: "abcdefghijkmnpqrstuvwxyz",
    digit: "23456789",
    special: PASSWORD_SPECIAL_CHARACTERS,
} as const;

export type PasswordCharacterClass = keyof typeof PASSWORD_CHARACTER_CLASSES;

/** Every character a generated password may contain: the classes joined, each character once. */
export const PASSWORD_CHARACTER_SET = Object.values(PASSWORD_CHARACTER_CLASSES).join("");

/** A password's character classes: the characters of each, as the custody resource declares them to its provider. */
export type PasswordCharacterClasses = { readonly [C in PasswordCharacterClass]: string };

/** The class names, in the order the classes are listed. */
export const PASSWORD_CHARACTER_CLASS_NAMES = Object.keys(PASSWORD_CHARACTER_CLASSES) as PasswordCharacterClass[];

/**
 * Why a set of character classes cannot be generated from, one message per problem naming the class; empty when
 * it can. It does not judge strength (a narrowed set is usable, and the provider generates from exactly it): the
 * pack refuses any set other than PASSWORD_CHARACTER_CLASSES.
 */
export function characterClassesProblems(classes: unknown): string[] {
    if (classes === null || typeof classes !== "object" || Array.isArray(classes)) {
        return [`characterClasses must be an object with ${PASSWORD_CHARACTER_CLASS_NAMES.join(", ")}`];
    }
    const given = classes as Record<string, unknown>;
    const problems = Object.keys(given)
        .filter((name) => !(PASSWORD_CHARACTER_CLASS_NAMES as string[]).includes(name))
        .map((name) => `characterClasses.${name} is not a character class (${PASSWORD_CHARACTER_CLASS_NAMES.join(", ")})`);
    const seen = new Set<string>();
    for (const name of PASSWORD_CHARACTER_CLASS_NAMES) {
        const members = given[name];
        if (typeof members !== "string" || !/^[\x21-\x7e]+$/.test(members)) {
            problems.push(`characterClasses.${name} must be a non-empty string of printable ASCII characters without spaces`);
            continue;
        }
        if ([...members].some((c) => seen.has(c)) || new Set(members).size !== members.length) {
            problems.push(`characterClasses.${name} repeats a character (each character belongs to one class, once)`);
        }
        for (const c of members) seen.add(c);
    }
    return problems;
}

/**
 * How many characters of each class `codes` (character codes) holds, and how many are outside every class.
 * `classes` defaults to the contract's.
 */
export function passwordClassCounts(
    codes: ArrayLike<number>,
    classes: PasswordCharacterClasses = PASSWORD_CHARACTER_CLASSES,
): Record<PasswordCharacterClass | "outside", number> {
    const counts = { upper: 0, lower: 0, digit: 0, special: 0, outside: 0 };
    // Compared as character codes: the password is never turned into a string here.
    for (let i = 0; i < codes.length; i++) {
        const cls = PASSWORD_CHARACTER_CLASS_NAMES.find((c) => {
            const members = classes[c];
            for (let j = 0; j < members.length; j++) if (members.charCodeAt(j) === codes[i]) return true;
            return false;
        });
        counts[cls ?? "outside"]++;
    }
    return counts;
}

/** `true` when `codes` uses only the classes' characters and holds at least `minimum` characters of every class. */
export function meetsPasswordClassRules(
    codes: ArrayLike<number>,
    minimum = PASSWORD_MIN_PER_CLASS,
    classes: PasswordCharacterClasses = PASSWORD_CHARACTER_CLASSES,
): boolean {
    const counts = passwordClassCounts(codes, classes);
    return counts.outside === 0 && PASSWORD_CHARACTER_CLASS_NAMES.every((c) => counts[c] >= minimum);
}

/**
 * Rotation labels people choose, and the shapes the pack accepts: a name, a quarter, a date, an incident number.
 * A label must change only when someone means to rotate.
 */
export const ROTATION_LABEL_EXAMPLES = ["initial", "2026-Q4", "2026-11-26", "incident-42"] as const;

/** Shapes of labels made anew on every deployment (from a clock or a build), each with what it looks like. */
const CLOCK_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
    [/\d{1,2}:\d{2}/, "a time of day"],
    [/\d{9,}/, "epoch seconds or milliseconds"],
    [/\d{4}-?\d{2}-?\d{2}[T _.-]?\d{2}[-.:h]?\d{2}/i, "a date with a time"],
    [/\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*,? +(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i, "a Date() string"],
    [/\b\d{1,2} +(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* +\d{4}/i, "a Date() string"],
    [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, "a random id"],
    [/(?<![0-9a-z])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}(?![0-9a-z])/i, "a commit hash"],
];

/**
 * Why a passwordRotation label cannot be used, or undefined when it can. A label that looks generated from a
 * clock (an ISO date-time, epoch seconds or milliseconds, a `Date()` string) or from a build (a commit hash, a random
 * id) changes on every `pulumi up`: every deployment would set a new password and the custodians' sealed envelopes
 * would go stale. Accepted: labels
 * changed on purpose, such as ROTATION_LABEL_EXAMPLES (a date without a time is fine). Used by the pack and
 * meant for the config schema, so both refuse the same labels.
 */
export function rotationLabelProblem(label: unknown): string | undefined {
    const { maxLength } = LIMITS.passwordRotation;
    if (typeof label !== "string" || label.trim() === "") return "passwordRotation must be a non-empty label";
    if (label.length > maxLength) return `passwordRotation must be at most ${maxLength} characters, got ${label.length}`;
    const clock = CLOCK_SHAPES.find(([shape]) => shape.test(label));
    if (clock) {
        return (
            `passwordRotation ${JSON.stringify(label)} looks generated on every deployment (${clock[1]}): every pulumi up would set a ` +
            `new password and the sealed envelopes would go stale. Use a label changed on purpose, such as ` +
            `${ROTATION_LABEL_EXAMPLES.join(", ")}`
        );
    }
    return undefined;
}
