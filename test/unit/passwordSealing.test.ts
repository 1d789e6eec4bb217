// Sealing with age and Shamir, opened with identities generated in the test: the whole password for k = 1,
// k-of-n shares otherwise (k rebuild it, k−1 do not), fingerprints custodians can reproduce, and every buffer
// the sealing made zeroed. Custodians open envelopes with the standard age CLI; this is the same format.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { generatePassword } from "../../components/passwordGenerator";
import { SHARE_HEADER, base64Codes, combineShares, parseShare, recipientFingerprint, sealPassword } from "../../components/passwordSealing";
import { openEnvelope, testCustodians } from "../helpers/custody";

const LABEL = { account: "breakglass-1@contoso.onmicrosoft.com", rotation: "2026-Q4" };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("sealPassword", () => {
    test("k = 1: each custodian's envelope opens with their own identity to the whole password, and only with theirs", async () => {
        const { custodians, identities } = await testCustodians(2);
        const password = generatePassword(32);
        const expected = text(password);
        const envelopes = await sealPassword(password, custodians, { ...LABEL, threshold: 1 });
        assert.deepEqual(envelopes.map((e) => [e.custodian, e.share]), [["custodian-1", 0], ["custodian-2", 0]]);
        for (const [i, envelope] of envelopes.entries()) {
            assert.match(envelope.armored, /^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+\n-----END AGE ENCRYPTED FILE-----\n$/);
            assert.ok(!envelope.armored.includes(expected));
            assert.equal(text(await openEnvelope(envelope.armored, identities[i])), expected);
            await assert.rejects(openEnvelope(envelope.armored, identities[1 - i]), /no identity matched/i);
        }
    });

    test("k = 2 of 3: any 2 decrypted shares rebuild the password, 1 does not, and a wrong pair is refused", async () => {
        const { custodians, identities } = await testCustodians(3);
        const password = generatePassword(40);
        const expected = text(password);
        const envelopes = await sealPassword(password, custodians, { ...LABEL, threshold: 2 });
        assert.deepEqual(envelopes.map((e) => e.share), [1, 2, 3]);
        const shares = await Promise.all(
            envelopes.map(async (e, i) => parseShare(text(await openEnvelope(e.armored, identities[i])), `share ${i + 1}`)),
        );
        for (const share of shares) {
            assert.deepEqual({ account: share.account, rotation: share.rotation, threshold: share.threshold }, { ...LABEL, threshold: 2 });
            assert.ok(!text(share.share).includes(expected.slice(0, 9)));
        }
        for (const pair of [[0, 1], [0, 2], [1, 2]]) {
            const { password: rebuilt, label } = await combineShares(pair.map((i) => shares[i]));
            assert.equal(text(rebuilt), expected, `shares ${pair}`);
            assert.equal(label.account, LABEL.account);
        }
        await assert.rejects(combineShares([shares[0]]), /1 share\(s\) given; the password of breakglass-1@contoso.onmicrosoft.com needs 2/);
        await assert.rejects(combineShares([shares[0], shares[0]]), /the same share was given twice/);
        // Below the threshold the library rebuilds nothing meaningful either: one share alone is not the password.
        const { combine } = await import("shamir-secret-sharing");
        const other = await sealPassword(generatePassword(40), custodians, { ...LABEL, threshold: 3 });
        const three = await Promise.all(other.map(async (e, i) => parseShare(text(await openEnvelope(e.armored, identities[i])), `s${i}`)));
        const { password: all3 } = await combineShares(three);
        assert.notEqual(text(await combine([three[0].share, three[1].share])), text(all3), "k−1 shares do not rebuild it");
        await assert.rejects(combineShares(three.slice(0, 2)), /2 share\(s\) given; .* needs 3/);
    });

    test("shares of another rotation or account are refused, not mixed", async () => {
        const { custodians, identities } = await testCustodians(2);
        const q4 = await sealPassword(generatePassword(32), custodians, { ...LABEL, threshold: 2 });
        const q1 = await sealPassword(generatePassword(32), custodians, { ...LABEL, rotation: "2027-Q1", threshold: 2 });
        const a = parseShare(text(await openEnvelope(q4[0].armored, identities[0])), "a");
        const b = parseShare(text(await openEnvelope(q1[1].armored, identities[1])), "b");
        await assert.rejects(combineShares([a, b]), /the shares belong to different passwords: rotation "2026-Q4" and "2027-Q1"/);
        assert.throws(() => parseShare("hello\n", "notes.txt"), new RegExp(`notes.txt: not a decrypted password share \\(its first line must be "${SHARE_HEADER}"\\)`));
    });

    test("leaves the caller's password buffer as it was: the caller (the provider) zeroes it once set", async () => {
        const { custodians } = await testCustodians(2);
        const password = generatePassword(32);
        const copy = password.slice();
        await sealPassword(password, custodians, { ...LABEL, threshold: 2 });
        assert.deepEqual(password, copy);
    });

    test("an invalid recipient fails before anything is returned", async () => {
        const { custodians } = await testCustodians(1);
        // One character changed (never to itself: a random recipient may already end in q), so the checksum fails.
        const typo = custodians[0].recipient.endsWith("q") ? "p" : "q";
        const broken = [...custodians, { name: "typo", recipient: `${custodians[0].recipient.slice(0, -1)}${typo}` }];
        await assert.rejects(sealPassword(generatePassword(32), broken, { ...LABEL, threshold: 1 }));
    });
});

test("recipient fingerprints are sha256 of the recipient, as `printf %s age1... | sha256sum` prints it", async () => {
    const { custodians } = await testCustodians(1);
    const expected = createHash("sha256").update(custodians[0].recipient).digest("hex");
    assert.equal(await recipientFingerprint(custodians[0].recipient), `sha256:${expected}`);
});

test("base64Codes is standard base64, as character codes", () => {
    for (let n = 0; n < 40; n++) {
        const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) % 256);
        assert.equal(text(base64Codes(bytes)), Buffer.from(bytes).toString("base64"), `length ${n}`);
    }
});
