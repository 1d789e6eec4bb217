// Sealing a generated password to its custodians, and joining shares back: age (the reference TypeScript
// implementation, age-encryption) encrypts to each custodian's X25519 recipient, and Shamir's secret sharing
// (Privy's audited shamir-secret-sharing) splits the password k-of-n when k ≥ 2. No crypto is written here.
//
// The custody provider runs this after Pulumi serialized it: no Node built-in is imported (hashing uses Web
// Crypto), and both libraries are required where they are used, so neither the program's start-up nor the
// offline plan ever loads them. The `npm run custody -- combine` command joins shares with the same code.
import { PROJECT_NAME } from "../policies/contract/constants";
import type { Custodian } from "../policies/contract/custody";

type AgeModule = typeof import("age-encryption");
type ShamirModule = typeof import("shamir-secret-sharing");

/** age-encryption, loaded on first use (ESM; Node 20.19+ loads it through require). */
function age(): AgeModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("age-encryption") as AgeModule;
}

/** shamir-secret-sharing, loaded on first use. */
function shamir(): ShamirModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("shamir-secret-sharing") as ShamirModule;
}

/** One sealed envelope: what a custodian retrieves from the stack outputs and opens with `age -d`. */
export interface Envelope {
    /** The custodian's name, from config. */
    readonly custodian: string;
    /** `sha256:<hex>` of the recipient string, so a custodian can check the envelope is for their key. */
    readonly recipientFingerprint: string;
    /** 1-based number of the Shamir share inside, or 0 when the envelope holds the whole password (k = 1). */
    readonly share: number;
    /** The age file, ASCII-armored (`-----BEGIN AGE ENCRYPTED FILE-----`). Not a secret. */
    readonly armored: string;
}

/** What a share says about itself, so shares of another account or rotation are refused, not silently mixed. */
export interface ShareLabel {
    /** User principal name of the account. */
    readonly account: string;
    /** The passwordRotation label the password was generated under. */
    readonly rotation: string;
    /** Shares needed to rebuild the password. */
    readonly threshold: number;
}

/** First line of every decrypted share. */
export const SHARE_HEADER = `${PROJECT_NAME} password share v1`;

/** `sha256:<hex>` of a recipient; custodians reproduce it with `printf %s age1... | sha256sum`. */
export async function recipientFingerprint(recipient: string): Promise<string> {
    const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(recipient)));
    return `sha256:${Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 of `bytes`, written as character codes so the share never becomes a string. */
export function base64Codes(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
    let o = 0;
    for (let i = 0; i < bytes.length; i += 3) {
        const b0 = bytes[i];
        const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
        const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
        out[o++] = BASE64_ALPHABET.charCodeAt(b0 >> 2);
        out[o++] = BASE64_ALPHABET.charCodeAt(((b0 & 3) << 4) | (b1 >> 4));
        out[o++] = i + 1 < bytes.length ? BASE64_ALPHABET.charCodeAt(((b1 & 15) << 2) | (b2 >> 6)) : 61;
        out[o++] = i + 2 < bytes.length ? BASE64_ALPHABET.charCodeAt(b2 & 63) : 61;
    }
    return out;
}

/** The decrypted text of one share: the header, the label, and the share in base64, as bytes. */
function shareDocument(label: ShareLabel, share: Uint8Array): Uint8Array {
    const head = new TextEncoder().encode(
        `${SHARE_HEADER}\naccount: ${label.account}\nrotation: ${label.rotation}\nthreshold: ${label.threshold}\nshare: `,
    );
    const body = base64Codes(share);
    const document = new Uint8Array(head.length + body.length + 1);
    document.set(head);
    document.set(body, head.length);
    document[document.length - 1] = 10;
    body.fill(0);
    return document;
}

/** Encrypts `plaintext` to one recipient and armors it. */
async function encryptTo(recipient: string, plaintext: Uint8Array): Promise<string> {
    const { Encrypter, armor } = age();
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    return armor.encode(await encrypter.encrypt(plaintext));
}

/**
 * Seals `password` (character codes) to every custodian: with `threshold` 1 each envelope holds the whole
 * password; with k ≥ 2 the password is split into one Shamir share per custodian, k of which rebuild it.
 * Every intermediate buffer is zeroed; `password` itself is left to the caller to zero.
 */
export async function sealPassword(
    password: Uint8Array,
    custodians: readonly Custodian[],
    label: ShareLabel,
): Promise<Envelope[]> {
    const fingerprints = await Promise.all(custodians.map((c) => recipientFingerprint(c.recipient)));
    if (label.threshold <= 1) {
        return Promise.all(
            custodians.map(async (custodian, i) => ({
                custodian: custodian.name,
                recipientFingerprint: fingerprints[i],
                share: 0,
                armored: await encryptTo(custodian.recipient, password),
            })),
        );
    }
    const shares = await shamir().split(password, custodians.length, label.threshold);
    try {
        const envelopes: Envelope[] = [];
        for (const [i, custodian] of custodians.entries()) {
            const document = shareDocument(label, shares[i]);
            try {
                envelopes.push({
                    custodian: custodian.name,
                    recipientFingerprint: fingerprints[i],
                    share: i + 1,
                    armored: await encryptTo(custodian.recipient, document),
                });
            } finally {
                document.fill(0);
            }
        }
        return envelopes;
    } finally {
        for (const share of shares) share.fill(0);
    }
}

/** A decrypted share, read back. */
export interface ParsedShare extends ShareLabel {
    readonly share: Uint8Array;
}

/** Reads one decrypted share document; `source` names it in errors (a file name). */
export function parseShare(text: string, source: string): ParsedShare {
    const lines = text.replace(/\r\n/g, "\n").trim().split("\n");
    if (lines[0] !== SHARE_HEADER) {
        throw new Error(`${source}: not a decrypted password share (its first line must be "${SHARE_HEADER}")`);
    }
    const fields = new Map(
        lines.slice(1).map((line) => {
            const at = line.indexOf(": ");
            return [at < 0 ? line : line.slice(0, at), at < 0 ? "" : line.slice(at + 2)] as const;
        }),
    );
    const account = fields.get("account") ?? "";
    const rotation = fields.get("rotation") ?? "";
    const threshold = Number(fields.get("threshold"));
    const encoded = fields.get("share") ?? "";
    if (!account || !rotation || !Number.isInteger(threshold) || threshold < 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
        throw new Error(`${source}: a password share needs account, rotation, threshold (2 or more) and share lines`);
    }
    const share = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    return { account, rotation, threshold, share };
}

/**
 * Rebuilds a password from decrypted shares. Refuses shares of different accounts, rotations or thresholds,
 * a share given twice, and fewer shares than the threshold. Returns character codes; zero them when done.
 */
export async function combineShares(shares: readonly ParsedShare[]): Promise<{ label: ShareLabel; password: Uint8Array }> {
    if (shares.length === 0) throw new Error("no share given");
    const [first] = shares;
    for (const share of shares) {
        for (const field of ["account", "rotation", "threshold"] as const) {
            if (share[field] !== first[field]) {
                throw new Error(`the shares belong to different passwords: ${field} "${first[field]}" and "${share[field]}"`);
            }
        }
    }
    const distinct = new Set(shares.map((s) => Array.from(s.share).join(",")));
    if (distinct.size !== shares.length) throw new Error("the same share was given twice");
    if (shares.length < first.threshold) {
        throw new Error(`${shares.length} share(s) given; the password of ${first.account} needs ${first.threshold}`);
    }
    const password = await shamir().combine(shares.map((s) => s.share));
    return { label: { account: first.account, rotation: first.rotation, threshold: first.threshold }, password };
}
