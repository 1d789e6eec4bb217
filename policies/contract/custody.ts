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

/** How many characters of each class `codes` (character codes) holds, and how many are outside the set. */
export function passwordClassCounts(codes: ArrayLike<number>): Record<PasswordCharacterClass | "outside", number> {
    const counts = { upper: 0, lower: 0, digit: 0, special: 0, outside: 0 };
    // Compared as character codes: the password is never turned into a string here.
    const classes = Object.keys(PASSWORD_CHARACTER_CLASSES) as PasswordCharacterClass[];
    for (let i = 0; i < codes.length; i++) {
        const cls = classes.find((c) => {
            const members = PASSWORD_CHARACTER_CLASSES[c];
            for (let j = 0; j < members.length; j++) if (members.charCodeAt(j) === codes[i]) return true;
            return false;
        });
        counts[cls ?? "outside"]++;
    }
    return counts;
}

/** `true` when `codes` uses only the set and holds at least `minimum` characters of every class. */
export function meetsPasswordClassRules(codes: ArrayLike<number>, minimum = PASSWORD_MIN_PER_CLASS): boolean {
    const counts = passwordClassCounts(codes);
    return counts.outside === 0 && (Object.keys(PASSWORD_CHARACTER_CLASSES) as PasswordCharacterClass[]).every((c) => counts[c] >= minimum);
}
