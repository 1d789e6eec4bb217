// What the custody tests share: custodians with age identities generated in the test (never committed keys),
// recipients of the right shape for tests that never encrypt, and the leak check every custody suite runs.
import assert from "node:assert/strict";
import type { Custodian } from "../../policies/contract/custody";

type AgeModule = typeof import("age-encryption");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const age = (): AgeModule => require("age-encryption") as AgeModule;

/** Custodians whose identities exist only in this test process. */
export interface TestCustodians {
    readonly custodians: Custodian[];
    /** `AGE-SECRET-KEY-1...`, by custodian index. */
    readonly identities: string[];
}

/** `n` custodians named custodian-1..n, each with a fresh X25519 identity from age-encryption. */
export async function testCustodians(n: number): Promise<TestCustodians> {
    const identities = await Promise.all(Array.from({ length: n }, () => age().generateX25519Identity()));
    const recipients = await Promise.all(identities.map((identity) => age().identityToRecipient(identity)));
    return { custodians: recipients.map((recipient, i) => ({ name: `custodian-${i + 1}`, recipient })), identities };
}

/** Decrypts one armored envelope with one identity. */
export async function openEnvelope(armored: string, identity: string): Promise<Uint8Array> {
    const decrypter = new (age().Decrypter)();
    decrypter.addIdentity(identity);
    return decrypter.decrypt(age().armor.decode(armored));
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/**
 * A string of an age X25519 recipient's shape (age1 and 58 Bech32 characters) for tests that only validate:
 * its checksum is not valid, so nothing can be encrypted to it.
 */
export function testRecipient(index: number): string {
    return `age1${Array.from({ length: 58 }, (_, i) => BECH32[(index * 7 + i * 13) % BECH32.length]).join("")}`;
}

/** The bar: no part longer than 8 characters of any secret may appear. */
export const LEAK_FRAGMENT_LENGTH = 9;

/** Every substring of `secret` of LEAK_FRAGMENT_LENGTH characters. */
export function fragments(secret: string): string[] {
    return Array.from({ length: Math.max(0, secret.length - LEAK_FRAGMENT_LENGTH + 1) }, (_, i) => secret.slice(i, i + LEAK_FRAGMENT_LENGTH));
}

/** Fails when `text` holds any 9-character part of any of `secrets`; the message names `where`, never the part. */
export function assertNoFragments(text: string, secrets: readonly string[], where: string): void {
    assert.ok(secrets.length > 0, `${where}: no secret to look for`);
    for (const [i, secret] of secrets.entries()) {
        assert.ok(secret.length >= LEAK_FRAGMENT_LENGTH, `${where}: secret ${i} is too short to check`);
        const leaked = fragments(secret).some((part) => text.includes(part));
        assert.ok(!leaked, `${where} holds part of received password #${i}`);
    }
}
