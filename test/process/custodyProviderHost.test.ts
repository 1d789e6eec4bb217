// The PasswordCustody provider inside the REAL dynamic-provider host of @pulumi/pulumi, driven over gRPC as the
// engine drives it (Configure, Check, Diff, Create, Read, Update, Delete), with the `__provider` the PROGRAM
// serializes, Graph answered by the fake on 127.0.0.1 and the token by a fake `az` (no traffic beyond loopback).
// No part of any password Graph received may appear in what the host answers, its errors, its log, the files the
// test writes, or the offline plan of the same stack (table, --json, stderr).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { combineShares, parseShare, type Envelope } from "../../components/passwordSealing";
import { PASSWORD_MIN_PER_CLASS, TYPES } from "../../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASSES, passwordClassCounts } from "../../policies/contract/custody";
import { assertNoFragments, openEnvelope, testCustodians, type TestCustodians } from "../helpers/custody";
import { resourceUrn, startDynamicProviderHost, type DynamicProviderHost, type Properties } from "../helpers/dynamicProviderHost";
import { installFakeAzureCli, type FakeAzureCli } from "../helpers/fakeAzureCli";
import { FakeGraph } from "../helpers/fakeGraph";
import { FIXTURE_PLAN_ARGS, PROJECT_DIR, TYPESCRIPT_LOADER } from "../helpers/fixtures";
import { FIXTURE_USER_IDS } from "../helpers/ids";
import { runFixture } from "../helpers/program";

const USER = { id: FIXTURE_USER_IDS[0], userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" };
const URN = resourceUrn(TYPES.passwordCustody, "emergency-access-password-custody-1");
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The `__provider` of a PasswordCustody as the program registers it, in sealed mode with these custodians. */
async function custodyProviderSource(credential: unknown): Promise<string> {
    const run = await runFixture({ credential });
    const custody = run.resources.find((resource) => resource.type === TYPES.passwordCustody);
    const source = custody?.inputs.__provider;
    if (typeof source !== "string") throw new Error("the fixture program registered no PasswordCustody with a __provider");
    return source;
}

describe("the custody provider in the real dynamic-provider host", () => {
    let az: FakeAzureCli;
    let fake: FakeGraph;
    let host: DynamicProviderHost;
    let provider: string;
    let keys: TestCustodians;
    const answers: unknown[] = [];
    const errors: string[] = [];

    before(async () => {
        keys = await testCustodians(3);
        provider = await custodyProviderSource({ mode: "sealed-password", custodians: keys.custodians, threshold: 2 });
        az = installFakeAzureCli();
        fake = await FakeGraph.start({ policies: [], users: [USER] });
        host = await startDynamicProviderHost({ env: az.env });
        await host.configure({});
    });

    after(async () => {
        await host?.close();
        await fake?.close();
        az?.remove();
    });

    const news = (rotation: string): Properties => ({
        __provider: provider,
        userObjectId: USER.id,
        userPrincipalName: USER.userPrincipalName,
        rotation,
        passwordLength: 32,
        mode: "sealed-password",
        custodians: keys.custodians,
        threshold: 2,
        graphEndpoint: fake.endpoint,
        characterClasses: { ...PASSWORD_CHARACTER_CLASSES },
        minimumPerClass: PASSWORD_MIN_PER_CLASS,
    });

    async function rebuild(envelopes: Envelope[], which: number[]): Promise<string> {
        const shares = await Promise.all(which.map(async (i) => parseShare(text(await openEnvelope(envelopes[i].armored, keys.identities[i])), `share ${i}`)));
        return text((await combineShares(shares)).password);
    }

    test("Check, Create, Read, Diff, Update (rotation and a refused one) and Delete, as the engine sends them", async () => {
        const checked = await host.check(URN, {}, news("2026-Q4"));
        assert.deepEqual(checked.failures, []);
        const created = await host.create(URN, checked.inputs);
        answers.push(checked, created);
        assert.equal(created.id, USER.id);
        assert.equal(fake.receivedPasswords.length, 1);
        assert.equal(await rebuild(created.properties.envelopes, [0, 1]), fake.user(USER.id).password, "2 of 3 shares rebuild Graph's password");

        const read = await host.read(created.id, URN, created.properties, checked.inputs);
        answers.push(read);
        assert.equal(read.properties.passwordSetAt, fake.user(USER.id).lastPasswordChangeDateTime);
        const same = await host.check(URN, checked.inputs, news("2026-Q4"));
        assert.equal((await host.diff(created.id, URN, read.properties, same.inputs, checked.inputs)).changes, "none", "same label: no update, no write");
        const rebuilt = { ...same.inputs, __provider: `${provider}\n// a new build of the program` };
        assert.equal((await host.diff(created.id, URN, read.properties, rebuilt, checked.inputs)).changes, "none", "a new deployment: no new password");

        const rotation = await host.check(URN, checked.inputs, news("2027-Q1"));
        const diff = await host.diff(created.id, URN, read.properties, rotation.inputs, checked.inputs);
        assert.deepEqual(diff, { changes: "some", replaces: [], deleteBeforeReplace: false });
        const updated = await host.update(created.id, URN, read.properties, rotation.inputs, checked.inputs);
        answers.push(rotation, updated);
        assert.equal(fake.receivedPasswords.length, 2);
        assert.notEqual(fake.receivedPasswords[1], fake.receivedPasswords[0]);
        for (const [i, envelope] of (updated.properties.envelopes as Envelope[]).entries()) {
            assert.notEqual(envelope.armored, created.properties.envelopes[i].armored, "rotation changes every ciphertext");
        }
        assert.equal(await rebuild(updated.properties.envelopes, [1, 2]), fake.user(USER.id).password);

        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "PATCH" });
        const refused = await host.check(URN, rotation.inputs, news("2027-Q2"));
        await assert.rejects(host.update(created.id, URN, updated.properties, refused.inputs, rotation.inputs), (error: Error) => {
            errors.push(error.message);
            assert.match(error.message, /Emergency account breakglass-1@contoso\.onmicrosoft\.com .*PATCH to set the emergency password .*HTTP 403/);
            assert.match(error.message, /needs the Privileged Authentication Administrator role/);
            return true;
        });
        assert.equal(fake.receivedPasswords.length, 3, "the fake received the refused password");
        assert.equal(fake.user(USER.id).password, fake.receivedPasswords[1]);

        const requests = fake.requests.length;
        await host.delete(created.id, URN, updated.properties, rotation.inputs);
        assert.equal(fake.requests.length, requests, "delete makes no request");
        assert.deepEqual(az.blockedConnections(), [], "nothing tried to leave the machine");
        assert.equal(host.engineConnections(), 0);
        // Create, read, update and the refused update shared the session `configure` made: one chain walk, one token.
        assert.equal(az.invocations(), 1, "one az call (one token) for the whole host process");
    });

    test("no part of any received password is in the answers (the state), errors, the host's log or the test's files", () => {
        assert.equal(fake.receivedPasswords.length, 3);
        assertNoFragments(JSON.stringify(answers), fake.receivedPasswords, "the host's answers");
        assertNoFragments(errors.join("\n"), fake.receivedPasswords, "the host's errors");
        assertNoFragments(host.stderr(), fake.receivedPasswords, "the host's log");
        const files = fs.readdirSync(az.dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
        assert.ok(files.length >= 3);
        for (const file of files) {
            assertNoFragments(fs.readFileSync(path.join(file.parentPath, file.name), "utf8"), fake.receivedPasswords, `file ${file.name}`);
        }
    });

    test("a narrowed character set given as input is generated from exactly (the pack, not the provider, refuses it)", async () => {
        const classes = { ...PASSWORD_CHARACTER_CLASSES, special: "!" };
        const checked = await host.check(URN, {}, { ...news("2027-Q3"), characterClasses: classes });
        assert.deepEqual(checked.failures, []);
        assert.deepEqual(checked.inputs.characterClasses, classes);
        const before = fake.receivedPasswords.length;
        const created = await host.create(URN, checked.inputs);
        answers.push(checked, created);
        assert.equal(fake.receivedPasswords.length, before + 1);
        const password = fake.receivedPasswords[before];
        const counts = passwordClassCounts(new TextEncoder().encode(password), classes);
        assert.equal(counts.outside, 0, "no character outside the given set");
        assert.ok(counts.special >= PASSWORD_MIN_PER_CLASS, "the one special character, at least twice");
        assert.ok(![..."#$%&*+-=?"].some((c) => password.includes(c)), "no other special character");
    });

    test("the offline plan of the same sealed stack shows custody and envelopes, never a password", () => {
        const credential = JSON.stringify({ mode: "sealed-password", custodians: keys.custodians, threshold: 2 });
        const args = [...TYPESCRIPT_LOADER, "plan/cli.ts", ...FIXTURE_PLAN_ARGS, "-c", `credential=${credential}`];
        const table = spawnSync(process.execPath, args, { cwd: PROJECT_DIR, encoding: "utf8" });
        const json = spawnSync(process.execPath, [...args, "--json"], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(table.status, 0, table.stderr);
        assert.equal(json.status, 0, json.stderr);
        const plan = JSON.parse(json.stdout);
        const custody = plan.resources.filter((r: any) => r.type === TYPES.passwordCustody);
        assert.deepEqual(custody.map((r: any) => [r.inputs.mode, r.inputs.threshold]), [["sealed-password", 2], ["sealed-password", 2]]);
        const envelopes = plan.outputs.emergencyAccountPasswordEnvelopes;
        assert.deepEqual(envelopes.map((a: any) => a.envelopes.length), [3, 3]);
        for (const output of [table.stdout, table.stderr, json.stdout, json.stderr]) {
            assertNoFragments(output, fake.receivedPasswords, "the plan's output");
        }
    });
});
