// graph/users.ts against the fake Graph over real HTTP on 127.0.0.1: the password PATCH in Graph's shape, the
// accountEnabled repair, the non-secret facts a refresh reads, 404 as "gone", and a 403 that names the account,
// the operation and the missing role (Privileged Authentication Administrator) without the password.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { createGraphClient } from "../../graph/client";
import { PASSWORD_ADMIN_ROLE, USER_FACTS_SELECT, readUserFacts, setUserAccountEnabled, setUserPassword } from "../../graph/users";
import { assertNoFragments } from "../helpers/custody";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { FakeGraph } from "../helpers/fakeGraph";
import { FIXTURE_USER_IDS } from "../helpers/ids";

const USER = { id: FIXTURE_USER_IDS[1], userPrincipalName: "breakglass-2@contoso.onmicrosoft.com" };
let fake: FakeGraph | undefined;
afterEach(async () => {
    await fake?.close();
    fake = undefined;
});

async function client() {
    fake = await FakeGraph.start({ policies: [], users: [USER] });
    return { fake, graph: createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY }) };
}

/** A value of a password's shape, made at run time (never written down). */
const passwordLike = () => `Tq${crypto.randomUUID().replace(/-/g, "")}#7`;

describe("graph/users.ts", () => {
    test("sets the password with forceChangePasswordNextSignIn false, and reads when it was set", async () => {
        const { fake, graph } = await client();
        const password = passwordLike();
        await setUserPassword(graph, USER, password);
        const [patch] = fake.userRequests("PATCH");
        assert.equal(patch.path, `/v1.0/users/${USER.id}`);
        assert.deepEqual(patch.body, { passwordProfile: { password, forceChangePasswordNextSignIn: false } });
        const facts = await readUserFacts(graph, USER);
        assert.deepEqual(facts, {
            id: USER.id,
            userPrincipalName: USER.userPrincipalName,
            lastPasswordChangeDateTime: fake.user(USER.id).lastPasswordChangeDateTime,
            accountEnabled: true,
        });
        assert.match(facts!.lastPasswordChangeDateTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        const [get] = fake.userRequests("GET");
        assert.equal(decodeURIComponent(get.path), `/v1.0/users/${USER.id}?$select=${USER_FACTS_SELECT}`);
    });

    test("repairs accountEnabled", async () => {
        const { fake, graph } = await client();
        fake.editUser(USER.id, (user) => (user.accountEnabled = false));
        await setUserAccountEnabled(graph, USER, true);
        assert.equal(fake.user(USER.id).accountEnabled, true);
        assert.deepEqual(fake.userRequests("PATCH")[0].body, { accountEnabled: true });
    });

    test("a 403 names the account, the operation and the missing role, never the password", async () => {
        const { fake, graph } = await client();
        fake.inject(USER.id, { kind: "status", status: 403, times: 2, method: "PATCH" });
        const password = passwordLike();
        await assert.rejects(setUserPassword(graph, USER, password), (error: Error) => {
            assert.match(error.message, /^Emergency account breakglass-2@contoso\.onmicrosoft\.com \(user [0-9a-f-]+\): PATCH to set the emergency password \(passwordProfile\) failed with HTTP 403 Authorization_RequestDenied/);
            assert.ok(error.message.includes(`needs the ${PASSWORD_ADMIN_ROLE} role (or Global Administrator)`));
            assert.match(error.message, /User\.ReadWrite\.All alone is not enough$/);
            assertNoFragments(`${error.message}\n${error.stack}\n${JSON.stringify(error.cause)}`, [password], "the error");
            return true;
        });
        await assert.rejects(setUserAccountEnabled(graph, USER, true), /PATCH to set accountEnabled to true failed with HTTP 403 .*Privileged Authentication Administrator/);
        assert.deepEqual(fake.receivedPasswords, [password], "the fake recorded what it was sent");
    });

    test("a deleted user reads as undefined; other failures name the account", async () => {
        const { fake, graph } = await client();
        assert.equal(await readUserFacts(graph, { id: "00000000-1111-4222-8333-444444444444" }), undefined);
        fake.inject(USER.id, { kind: "status", status: 400, times: 1, method: "GET" });
        await assert.rejects(readUserFacts(graph, USER), /^Error: Emergency account breakglass-2@contoso\.onmicrosoft\.com .*GET to read when the password was last set failed with HTTP 400/);
    });
});
