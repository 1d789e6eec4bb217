// The PasswordCustody provider against the fake Graph over real HTTP on 127.0.0.1: passkey and sealed mode,
// rotation (and only rotation) writing a new password, refresh reporting a reset made elsewhere, a 403 naming the
// account, the operation and the missing role, and no part of any password Graph received in any output, state
// or error. The same provider, as the program serializes it, runs in the real host in custodyProviderHost.test.ts.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { createCustodyProvider, type CustodyInputs, type CustodyOutputs } from "../../components/passwordCustodyProvider";
import { cryptoRandom } from "../../components/passwordGenerator";
import { combineShares, parseShare } from "../../components/passwordSealing";
import { PASSWORD_MIN_PER_CLASS } from "../../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASSES, PASSWORD_CHARACTER_SET, passwordClassCounts } from "../../policies/contract/custody";
import { assertNoFragments, openEnvelope, testCustodians } from "../helpers/custody";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { FakeGraph } from "../helpers/fakeGraph";
import { FIXTURE_USER_IDS } from "../helpers/ids";

const USER = { id: FIXTURE_USER_IDS[0], userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let fakes: FakeGraph[] = [];
afterEach(async () => {
    await Promise.all(fakes.map((fake) => fake.close()));
    fakes = [];
});

async function startFake(): Promise<FakeGraph> {
    const fake = await FakeGraph.start({ policies: [], users: [USER] });
    fakes.push(fake);
    return fake;
}

function provider() {
    return createCustodyProvider({ credential: fakeCredential(), retry: FAST_RETRY });
}

function passkeyInputs(fake: FakeGraph, rotation = "2026-Q4"): CustodyInputs {
    return {
        userObjectId: USER.id,
        userPrincipalName: USER.userPrincipalName,
        rotation,
        passwordLength: 32,
        mode: "passkey",
        custodians: [],
        threshold: 0,
        graphEndpoint: fake.endpoint,
        characterClasses: { ...PASSWORD_CHARACTER_CLASSES },
        minimumPerClass: PASSWORD_MIN_PER_CLASS,
    };
}

/** Everything the provider handed back, as the engine would persist or print it. */
const serialized = (...values: unknown[]) => values.map((v) => (v instanceof Error ? `${v.message}\n${v.stack}` : JSON.stringify(v))).join("\n");

describe("PasswordCustody provider, passkey mode", () => {
    test("create sets a generated password with forceChangePasswordNextSignIn false and keeps nothing derived from it", async () => {
        const fake = await startFake();
        const custody = provider();
        const created = await custody.create(passkeyInputs(fake));
        assert.equal(created.id, USER.id);
        assert.equal(fake.receivedPasswords.length, 1);
        const [password] = fake.receivedPasswords;
        assert.equal(password.length, 32);
        assert.ok([...password].every((c) => PASSWORD_CHARACTER_SET.includes(c)));
        assert.equal(fake.user(USER.id).password, password, "Graph holds the generated password");
        const [patch] = fake.userRequests("PATCH");
        assert.deepEqual((patch.body as any).passwordProfile.forceChangePasswordNextSignIn, false);
        assert.deepEqual(Object.keys(patch.body as object), ["passwordProfile"], "the PATCH sends passwordProfile only");
        const outs = created.outs as CustodyOutputs;
        assert.deepEqual(outs.envelopes, []);
        assert.equal(outs.passwordSetAt, fake.user(USER.id).lastPasswordChangeDateTime);
        assertNoFragments(serialized(created), fake.receivedPasswords, "create's outputs");
    });

    test("the same label on a later up: zero Graph writes; a new label: one new password", async () => {
        const fake = await startFake();
        const custody = provider();
        const created = await custody.create(passkeyInputs(fake));
        const olds = created.outs as CustodyOutputs;
        assert.deepEqual(await custody.diff!(created.id, olds, passkeyInputs(fake)), { changes: false, replaces: [], deleteBeforeReplace: false });
        const writes = fake.userRequests("PATCH").length;
        const same = await custody.update!(created.id, olds, passkeyInputs(fake));
        assert.equal(fake.userRequests("PATCH").length, writes, "no write for an unchanged label");
        assert.deepEqual(same.outs, olds);

        assert.equal((await custody.diff!(created.id, olds, passkeyInputs(fake, "2027-Q1"))).changes, true);
        const rotated = await custody.update!(created.id, olds, passkeyInputs(fake, "2027-Q1"));
        assert.equal(fake.receivedPasswords.length, 2);
        assert.notEqual(fake.receivedPasswords[1], fake.receivedPasswords[0]);
        assert.equal(fake.user(USER.id).password, fake.receivedPasswords[1]);
        assert.equal((rotated.outs as CustodyOutputs).rotation, "2027-Q1");
        assertNoFragments(serialized(same, rotated), fake.receivedPasswords, "update's outputs");
    });

    test("read reports when the password was set, a reset in the portal shows, and a refresh writes nothing", async () => {
        const fake = await startFake();
        const custody = provider();
        const created = await custody.create(passkeyInputs(fake));
        const olds = created.outs as CustodyOutputs;
        const unchanged = await custody.read!(created.id, olds);
        assert.deepEqual(unchanged, { id: created.id, props: olds });
        fake.editUser(USER.id, (user) => (user.lastPasswordChangeDateTime = "2027-01-15T09:30:00Z"));
        const refreshed = await custody.read!(created.id, olds);
        assert.equal((refreshed.props as CustodyOutputs).passwordSetAt, "2027-01-15T09:30:00Z");
        assert.deepEqual(await custody.diff!(created.id, refreshed.props as CustodyOutputs, passkeyInputs(fake)), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        }, "a refresh alone never makes a new password");
        assert.equal(fake.userRequests("PATCH").length, 1);
        assertNoFragments(serialized(unchanged, refreshed), fake.receivedPasswords, "read's outputs");
    });

    test("a 403 names the account, the operation and the missing role; no password in the error; state unchanged", async () => {
        const fake = await startFake();
        const custody = provider();
        const created = await custody.create(passkeyInputs(fake));
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "PATCH" });
        let failure: Error | undefined;
        await custody.update!(created.id, created.outs, passkeyInputs(fake, "2027-Q1")).catch((error: Error) => (failure = error));
        assert.ok(failure, "the update must fail");
        assert.match(
            failure.message,
            /^Emergency account breakglass-1@contoso\.onmicrosoft\.com \(user [0-9a-f-]{36}\): PATCH to set the emergency password \(passwordProfile\) failed with HTTP 403 Authorization_RequestDenied: .*The deploy identity needs the Privileged Authentication Administrator role \(or Global Administrator\)/,
        );
        assert.equal(fake.receivedPasswords.length, 2, "the fake received the refused password");
        assert.equal(fake.user(USER.id).password, fake.receivedPasswords[0], "Graph still holds the first password");
        assertNoFragments(serialized(failure, failure.cause), fake.receivedPasswords, "the failed update's error");
    });

    test("the random bytes the password was drawn from are zeroed once it is generated", async () => {
        const fake = await startFake();
        const pools: Uint8Array[] = [];
        const random = (bytes: Uint8Array) => {
            pools.push(bytes);
            cryptoRandom(bytes);
        };
        await createCustodyProvider({ credential: fakeCredential(), retry: FAST_RETRY, random }).create(passkeyInputs(fake));
        assert.ok(pools.length >= 1);
        for (const pool of pools) assert.ok(pool.every((byte) => byte === 0), "a random pool was left filled");
        assert.equal(fake.receivedPasswords.length, 1);
    });

    test("delete does nothing: no request, the password stays", async () => {
        const fake = await startFake();
        const custody = provider();
        const created = await custody.create(passkeyInputs(fake));
        const before = fake.requests.length;
        await custody.delete!(created.id, created.outs);
        assert.equal(fake.requests.length, before);
    });

    test("read of a deleted user drops the resource from state", async () => {
        const fake = await startFake();
        const gone = await provider().read!("00000000-1111-4222-8333-444444444444", {
            ...passkeyInputs(fake),
            userObjectId: "00000000-1111-4222-8333-444444444444",
            passwordSetAt: "2026-11-01T00:00:00Z",
            envelopes: [],
        });
        assert.equal(gone.id, "");
    });
});

describe("PasswordCustody provider, generation rules", () => {
    test("a narrowed character set given as input is used exactly: every password comes from that set only", async () => {
        const fake = await startFake();
        const custody = provider();
        const classes = { ...PASSWORD_CHARACTER_CLASSES, special: "!" };
        const created = await custody.create({ ...passkeyInputs(fake), characterClasses: classes, minimumPerClass: 3 });
        await custody.update!(created.id, created.outs as CustodyOutputs, { ...passkeyInputs(fake, "2027-Q1"), characterClasses: classes, minimumPerClass: 3 });
        assert.equal(fake.receivedPasswords.length, 2);
        for (const password of fake.receivedPasswords) {
            const counts = passwordClassCounts(new TextEncoder().encode(password), classes);
            assert.equal(counts.outside, 0, "no character outside the given set");
            assert.ok(counts.special >= 3 && counts.upper >= 3 && counts.lower >= 3 && counts.digit >= 3, JSON.stringify(counts));
            assert.ok(![..."#$%&*+-=?"].some((c) => password.includes(c)), "no special character but the one given");
        }
        assert.deepEqual((created.outs as CustodyOutputs).characterClasses, classes, "the state records the rules it generated with");
    });
});

describe("PasswordCustody provider, sealed-password mode", () => {
    test("2 of 3: the custodians' envelopes rebuild the password Graph received; rotation changes both", async () => {
        const fake = await startFake();
        const { custodians, identities } = await testCustodians(3);
        const custody = provider();
        const inputs = (rotation: string): CustodyInputs => ({ ...passkeyInputs(fake, rotation), mode: "sealed-password", custodians, threshold: 2 });
        const created = await custody.create(inputs("2026-Q4"));
        const outs = created.outs as CustodyOutputs;
        assert.deepEqual(outs.envelopes.map((e) => [e.custodian, e.share]), [["custodian-1", 1], ["custodian-2", 2], ["custodian-3", 3]]);
        const open = async (o: CustodyOutputs, i: number) => parseShare(text(await openEnvelope(o.envelopes[i].armored, identities[i])), `share ${i}`);
        const rebuilt = await combineShares([await open(outs, 0), await open(outs, 2)]);
        assert.equal(text(rebuilt.password), fake.receivedPasswords[0], "k shares rebuild the password Graph holds");
        await assert.rejects(combineShares([await open(outs, 1)]), /needs 2/, "k−1 shares do not");

        const same = await custody.update!(created.id, outs, inputs("2026-Q4"));
        assert.equal(fake.userRequests("PATCH").length, 1, "the same label costs zero writes");
        assert.deepEqual((same.outs as CustodyOutputs).envelopes, outs.envelopes);

        const rotated = (await custody.update!(created.id, outs, inputs("2027-Q1"))).outs as CustodyOutputs;
        assert.equal(fake.receivedPasswords.length, 2);
        assert.notEqual(fake.user(USER.id).password, fake.receivedPasswords[0]);
        for (const [i, envelope] of rotated.envelopes.entries()) assert.notEqual(envelope.armored, outs.envelopes[i].armored);
        const again = await combineShares([await open(rotated, 1), await open(rotated, 2)]);
        assert.equal(text(again.password), fake.user(USER.id).password);
        assert.equal(again.label.rotation, "2027-Q1");
        assertNoFragments(serialized(created, same, rotated), fake.receivedPasswords, "sealed outputs");
    });

    test("k = 1 with one custodian: the envelope holds the whole password", async () => {
        const fake = await startFake();
        const { custodians, identities } = await testCustodians(1);
        const created = await provider().create({ ...passkeyInputs(fake), mode: "sealed-password", custodians, threshold: 1 });
        const [envelope] = (created.outs as CustodyOutputs).envelopes;
        assert.equal(envelope.share, 0);
        assert.equal(text(await openEnvelope(envelope.armored, identities[0])), fake.receivedPasswords[0]);
    });

    test("a recipient age refuses stops before any write: no password nobody holds", async () => {
        const fake = await startFake();
        const { custodians } = await testCustodians(2);
        custodians[1] = { ...custodians[1], recipient: `${custodians[1].recipient.slice(0, -1)}${custodians[1].recipient.endsWith("q") ? "p" : "q"}` };
        await assert.rejects(provider().create({ ...passkeyInputs(fake), mode: "sealed-password", custodians, threshold: 2 }));
        assert.equal(fake.requests.length, 0);
    });
});

describe("PasswordCustody check and diff", () => {
    test("check applies passkey defaults and names bad fields", async () => {
        const custody = provider();
        const { inputs, failures } = await custody.check!({}, { userObjectId: USER.id, userPrincipalName: USER.userPrincipalName, rotation: "r", passwordLength: 32 });
        assert.deepEqual(failures, []);
        assert.deepEqual([inputs.mode, inputs.custodians, inputs.threshold, inputs.graphEndpoint], ["passkey", [], 0, "https://graph.microsoft.com"]);
        assert.deepEqual([inputs.characterClasses, inputs.minimumPerClass], [PASSWORD_CHARACTER_CLASSES, PASSWORD_MIN_PER_CLASS], "the contract's rules by default");
        const bad = await custody.check!({}, { ...inputs, passwordLength: 16, mode: "sealed-password", custodians: [], threshold: 1, graphEndpoint: "https://example.com" });
        assert.deepEqual(bad.failures!.map((f) => f.property), ["passwordLength", "custodians", "graphEndpoint"]);
    });

    test("check refuses generation rules nothing can be generated from, naming them, and accepts a narrowed set", async () => {
        const custody = provider();
        const base = { userObjectId: USER.id, userPrincipalName: USER.userPrincipalName, rotation: "r", passwordLength: 32 };
        const malformed = await custody.check!({}, { ...base, characterClasses: { ...PASSWORD_CHARACTER_CLASSES, special: "" }, minimumPerClass: 9 });
        assert.deepEqual(malformed.failures, [
            { property: "characterClasses", reason: "characterClasses.special must be a non-empty string of printable ASCII characters without spaces" },
            { property: "minimumPerClass", reason: "minimumPerClass must be a whole number from 0 to 8 (passwordLength shared among the classes), got 9" },
        ]);
        const repeated = await custody.check!({}, { ...base, characterClasses: { ...PASSWORD_CHARACTER_CLASSES, digit: "23A" } });
        assert.deepEqual(repeated.failures!.map((f) => f.reason), ["characterClasses.digit repeats a character (each character belongs to one class, once)"]);
        const narrowed = await custody.check!({}, { ...base, characterClasses: { ...PASSWORD_CHARACTER_CLASSES, special: "!" } });
        assert.deepEqual(narrowed.failures, [], "a narrowed set is the pack's to refuse, not the provider's");
    });

    test("check refuses a change of custodians, mode, threshold or length without a new rotation label", async () => {
        const { custodians } = await testCustodians(2);
        const olds = { userObjectId: USER.id, userPrincipalName: USER.userPrincipalName, rotation: "2026-Q4", passwordLength: 32, mode: "sealed-password" as const, custodians, threshold: 2, graphEndpoint: "https://graph.microsoft.com" };
        const custody = provider();
        const changed = await custody.check!(olds, { ...olds, custodians: custodians.slice(0, 1), threshold: 1 });
        assert.deepEqual(changed.failures!.map((f) => f.property), ["rotation"]);
        assert.match(changed.failures![0].reason, /^custodians, threshold changed but passwordRotation is still "2026-Q4"/);
        assert.deepEqual((await custody.check!(olds, { ...olds, custodians: custodians.slice(0, 1), threshold: 1, rotation: "2027-Q1" })).failures, []);
        // A state written before the generation rules were inputs takes them without a rotation: they apply at the next one.
        const upgraded = await custody.check!(olds, { ...olds, characterClasses: { ...PASSWORD_CHARACTER_CLASSES }, minimumPerClass: PASSWORD_MIN_PER_CLASS });
        assert.deepEqual(upgraded.failures, []);
    });

    test("a different user is a replacement; a renamed one only updates the state", async () => {
        const custody = provider();
        const olds = { userObjectId: USER.id, userPrincipalName: USER.userPrincipalName, rotation: "r" };
        assert.deepEqual(await custody.diff!(USER.id, olds, { ...olds, userObjectId: FIXTURE_USER_IDS[1] }), { changes: true, replaces: ["userObjectId"], deleteBeforeReplace: false });
        assert.equal((await custody.diff!(USER.id, olds, { ...olds, userPrincipalName: "eaa-1@contoso.onmicrosoft.com" })).changes, true);
    });
});
