// graph/authenticationMethods.ts and the onboarding additions of graph/users.ts against the fake Graph over real HTTP
// on 127.0.0.1: the requests in Graph's shape, paging, device-bound versus synced passkeys, the Temporary Access Pass
// (issued once with its value, listed never with it, deleted with 404 as done), session revocation, lookup by user
// principal name, and 403s that name the account, the operation, the permission and the role but never a pass.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
    AUTHENTICATION_ADMIN_ROLES,
    AUTHENTICATION_METHODS_PERMISSION,
    deleteTemporaryAccessPass,
    isDeviceBoundPasskey,
    issueTemporaryAccessPass,
    listAuthenticationMethods,
    listFido2Methods,
    listTemporaryAccessPasses,
} from "../../graph/authenticationMethods";
import { createGraphClient, type GraphClient } from "../../graph/client";
import { RESOLVE_USER_SELECT, resolveUser, revokeSignInSessions } from "../../graph/users";
import { assertNoFragments } from "../helpers/custody";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { FakeGraph, PASSWORD_METHOD_ID, type FakeGraphOptions } from "../helpers/fakeGraph";
import { ACCOUNTS } from "../helpers/ids";

const USER = { id: ACCOUNTS[0], userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" };
const ACCOUNT = `Emergency account ${USER.userPrincipalName} (user ${USER.id})`;
const DENIED = "failed with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation";
const METHODS_HINT = `The caller needs the ${AUTHENTICATION_METHODS_PERMISSION} permission and the role ${AUTHENTICATION_ADMIN_ROLES}`;
const AUTHENTICATION = `/v1.0/users/${USER.id}/authentication`;
const YUBIKEY = { model: "YubiKey 5 NFC", aaGuid: "cb69481e-8ff7-4039-93ec-0a2729a154a8" };

let fake: FakeGraph | undefined;
afterEach(async () => {
    await fake?.close();
    fake = undefined;
});

async function client(options: Partial<FakeGraphOptions> = {}): Promise<{ fake: FakeGraph; graph: GraphClient }> {
    fake = await FakeGraph.start({ policies: [], users: [USER], ...options });
    return { fake, graph: createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY }) };
}

/** Everything an error shows or carries: message, stack and its cause's own properties. */
function everything(error: Error): string {
    const cause = error.cause as Record<string, unknown> | undefined;
    return [error.message, error.stack, cause && JSON.stringify(cause, Object.getOwnPropertyNames(cause))].join("\n");
}

describe("FIDO2 methods", () => {
    test("lists every page, with the documented fields only, and tells device-bound keys from synced passkeys", async () => {
        const { fake, graph } = await client({ collectionPageSize: 2 });
        const legacy = fake.addFido2Method(USER.id, { ...YUBIKEY, createdDateTime: "2026-11-01T10:00:00Z" });
        const bound = fake.addFido2Method(USER.id, { model: "Feitian ePass", aaGuid: "12ded745-4bed-47d4-abaa-e713f51d6393", passkeyType: "deviceBound", createdDateTime: "2026-11-02T10:00:00Z" });
        const synced = fake.addFido2Method(USER.id, { model: "iCloud Keychain", aaGuid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", passkeyType: "synced", createdDateTime: "2026-11-03T10:00:00Z" });
        const methods = await listFido2Methods(graph, USER);
        assert.deepEqual(methods, [
            { id: legacy, displayName: YUBIKEY.model, model: YUBIKEY.model, aaGuid: YUBIKEY.aaGuid, createdDateTime: "2026-11-01T10:00:00Z" },
            { id: bound, displayName: "Feitian ePass", model: "Feitian ePass", aaGuid: "12ded745-4bed-47d4-abaa-e713f51d6393", createdDateTime: "2026-11-02T10:00:00Z", passkeyType: "deviceBound" },
            { id: synced, displayName: "iCloud Keychain", model: "iCloud Keychain", aaGuid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", createdDateTime: "2026-11-03T10:00:00Z", passkeyType: "synced" },
        ]);
        assert.deepEqual(methods.map(isDeviceBoundPasskey), [true, true, false]);
        const gets = fake.requestsTo("/fido2Methods", "GET");
        assert.equal(gets.length, 2, "two pages of two");
        assert.equal(gets[0].path, `${AUTHENTICATION}/fido2Methods`);
        assert.match(gets[1].path, new RegExp(`^${AUTHENTICATION}/fido2Methods\\?\\$skiptoken=`));
    });

    test("a 403 names the account, the operation, the permission and the role", async () => {
        const { fake, graph } = await client();
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "GET", pathIncludes: "fido2Methods" });
        await assert.rejects(listFido2Methods(graph, USER), {
            message: `${ACCOUNT}: GET to list the registered passkeys (fido2Methods) ${DENIED}. ${METHODS_HINT}`,
        });
    });

    test("every registered method by type: the password always, passkeys, the pass and the others", async () => {
        const { fake, graph } = await client();
        const key = fake.addFido2Method(USER.id, YUBIKEY);
        const phone = fake.addMethod(USER.id, "phoneAuthenticationMethod");
        const authenticator = fake.addMethod(USER.id, "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod");
        const pass = fake.addTemporaryAccessPass(USER.id, { lifetimeInMinutes: 60 });
        assert.deepEqual(await listAuthenticationMethods(graph, USER), [
            { id: PASSWORD_METHOD_ID, type: "passwordAuthenticationMethod" },
            { id: key, type: "fido2AuthenticationMethod" },
            { id: pass.id, type: "temporaryAccessPassAuthenticationMethod" },
            { id: phone, type: "phoneAuthenticationMethod" },
            { id: authenticator, type: "microsoftAuthenticatorAuthenticationMethod" },
        ]);
        assert.deepEqual(fake.requestsTo("/authentication/methods").map((request) => `${request.method} ${request.path}`), [`GET ${AUTHENTICATION}/methods`]);
    });
});

describe("Temporary Access Pass", () => {
    test("issues one pass with exactly lifetimeInMinutes and isUsableOnce; only the 201 answer carries the value", async () => {
        const { fake, graph } = await client();
        const issued = await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 60, isUsableOnce: true });
        const [post] = fake.requestsTo("temporaryAccessPassMethods", "POST");
        assert.equal(post.path, `${AUTHENTICATION}/temporaryAccessPassMethods`);
        assert.deepEqual(post.body, { lifetimeInMinutes: 60, isUsableOnce: true });
        assert.deepEqual(fake.issuedTemporaryAccessPasses(), [issued.temporaryAccessPass]);
        const held = fake.temporaryAccessPass(USER.id)!;
        assert.deepEqual(issued, { ...held, temporaryAccessPass: issued.temporaryAccessPass });
        assert.equal(held.isUsable, true);
        assert.equal(held.methodUsabilityReason, "EnabledByPolicy");

        const listed = await listTemporaryAccessPasses(graph, USER);
        assert.deepEqual(listed, [held]);
        assertNoFragments(JSON.stringify(listed), [issued.temporaryAccessPass], "the listing");
    });

    test("a listing drops the value even when Graph sends one", async () => {
        const { fake, graph } = await client();
        const issued = await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 10, isUsableOnce: false });
        fake.echoTemporaryAccessPassOnRead(true);
        const listed = await listTemporaryAccessPasses(graph, USER);
        assert.equal(listed.length, 1);
        assert.equal("temporaryAccessPass" in listed[0], false);
        assertNoFragments(JSON.stringify(listed), [issued.temporaryAccessPass], "the listing");
    });

    test("a lifetime Graph would refuse is refused before any request, naming the argument", async () => {
        const { fake, graph } = await client();
        for (const lifetimeInMinutes of [9, 43201, 60.5, Number.NaN]) {
            await assert.rejects(issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes, isUsableOnce: true }), {
                message: `lifetimeInMinutes must be a whole number of minutes from 10 to 43200, got ${lifetimeInMinutes}`,
            });
        }
        assert.deepEqual(fake.requests, []);
        await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 43200, isUsableOnce: true });
    });

    test("a pass past startDateTime + lifetime reads as expired", async () => {
        const { graph } = await client({ temporaryAccessPassStartOffsetMs: 10 * 60_000 + 1000 });
        await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 10, isUsableOnce: true });
        const [listed] = await listTemporaryAccessPasses(graph, USER);
        assert.equal(listed.isUsable, false);
        assert.equal(listed.methodUsabilityReason, "Expired");
        assert.ok(Date.parse(listed.startDateTime!) + 10 * 60_000 < Date.now());
    });

    test("deletes the pass; a pass already gone (404) counts as deleted", async () => {
        const { fake, graph } = await client();
        const issued = await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 60, isUsableOnce: true });
        await deleteTemporaryAccessPass(graph, USER, issued.id);
        assert.equal(fake.temporaryAccessPass(USER.id), undefined);
        await deleteTemporaryAccessPass(graph, USER, issued.id);
        const deletes = fake.requestsTo("temporaryAccessPassMethods", "DELETE");
        assert.deepEqual(deletes.map((request) => [request.path, request.status]), [
            [`${AUTHENTICATION}/temporaryAccessPassMethods/${issued.id}`, 204],
            [`${AUTHENTICATION}/temporaryAccessPassMethods/${issued.id}`, 404],
        ]);
        assert.deepEqual(await listTemporaryAccessPasses(graph, USER), []);
    });

    test("after a 201, failing follow-ups (403 on the list and the delete, 400 on a second POST) never carry the pass", async () => {
        const { fake, graph } = await client();
        const issued = await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 60, isUsableOnce: true });
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "GET", pathIncludes: "temporaryAccessPassMethods" });
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "DELETE", pathIncludes: "temporaryAccessPassMethods" });
        const failures: Error[] = [];
        await listTemporaryAccessPasses(graph, USER).catch((error: Error) => failures.push(error));
        await deleteTemporaryAccessPass(graph, USER, issued.id).catch((error: Error) => failures.push(error));
        await issueTemporaryAccessPass(graph, USER, { lifetimeInMinutes: 60, isUsableOnce: true }).catch((error: Error) => failures.push(error));
        assert.deepEqual(
            failures.map((error) => error.message),
            [
                `${ACCOUNT}: GET to list the Temporary Access Passes ${DENIED}. ${METHODS_HINT}`,
                `${ACCOUNT}: DELETE to delete the Temporary Access Pass ${issued.id} ${DENIED}. ${METHODS_HINT}`,
                `${ACCOUNT}: POST to issue a Temporary Access Pass (temporaryAccessPassMethods) failed with HTTP 400 BadRequest: ` +
                    "The user already has a Temporary Access Pass; only one is allowed per user.",
            ],
        );
        for (const error of failures) assertNoFragments(everything(error), [issued.temporaryAccessPass], "an error after the 201");
        assert.deepEqual(fake.issuedTemporaryAccessPasses(), [issued.temporaryAccessPass], "the second POST issued nothing");
    });

    test("a 403 or 500 on the POST names the permission and role (403) and keeps no response body in its cause", async () => {
        const { fake, graph } = await client();
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "POST", pathIncludes: "temporaryAccessPassMethods" });
        fake.inject(USER.id, { kind: "status", status: 500, times: 1, method: "POST", pathIncludes: "temporaryAccessPassMethods" });
        const options = { lifetimeInMinutes: 60, isUsableOnce: true };
        await assert.rejects(issueTemporaryAccessPass(graph, USER, options), (error: Error) => {
            assert.equal(error.message, `${ACCOUNT}: POST to issue a Temporary Access Pass (temporaryAccessPassMethods) ${DENIED}. ${METHODS_HINT}`);
            assert.deepEqual(Object.keys(error.cause as object).sort(), ["code", "statusCode"], "no body, headers or request in the cause");
            return true;
        });
        await assert.rejects(issueTemporaryAccessPass(graph, USER, options), (error: Error) => {
            assert.equal(error.message, `${ACCOUNT}: POST to issue a Temporary Access Pass (temporaryAccessPassMethods) failed with HTTP 500 UnknownError: Injected fault.`);
            assert.deepEqual(Object.keys(error.cause as object).sort(), ["code", "statusCode"]);
            return true;
        });
        // The fault let nothing through; the next POST issues the pass and no earlier error could have held it.
        const issued = await issueTemporaryAccessPass(graph, USER, options);
        assert.equal(fake.requestsTo("temporaryAccessPassMethods", "POST").length, 3);
        assert.deepEqual(fake.issuedTemporaryAccessPasses(), [issued.temporaryAccessPass]);
    });
});

describe("sessions and lookup (graph/users.ts)", () => {
    test("revokes the sign-in sessions with POST .../revokeSignInSessions", async () => {
        const { fake, graph } = await client();
        await revokeSignInSessions(graph, USER);
        assert.equal(fake.revocations(USER.id), 1);
        assert.deepEqual(fake.requestsTo("revokeSignInSessions").map((request) => `${request.method} ${request.path} ${request.status}`), [
            `POST /v1.0/users/${USER.id}/revokeSignInSessions 200`,
        ]);
    });

    test("a 403 on revocation names User.RevokeSessions.All and Privileged Authentication Administrator", async () => {
        const { fake, graph } = await client();
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "POST", pathIncludes: "revokeSignInSessions" });
        await assert.rejects(revokeSignInSessions(graph, USER), {
            message:
                `${ACCOUNT}: POST to revoke the sign-in sessions (revokeSignInSessions) ${DENIED}. The caller needs the ` +
                "User.RevokeSessions.All permission and, for an account that holds an admin role, the Privileged Authentication Administrator role",
        });
        assert.equal(fake.revocations(USER.id), 0);
    });

    test("resolves a user by user principal name (any case) or id; an unknown one is undefined", async () => {
        const { fake, graph } = await client({ users: [{ ...USER, onPremisesSyncEnabled: null }] });
        const expected = { id: USER.id, userPrincipalName: USER.userPrincipalName, accountEnabled: true, userType: "Member" };
        assert.deepEqual(await resolveUser(graph, USER.userPrincipalName.toUpperCase()), expected);
        assert.deepEqual(await resolveUser(graph, USER.id), expected);
        assert.equal(await resolveUser(graph, "nobody@contoso.onmicrosoft.com"), undefined);
        const paths = fake.userRequests("GET").map((request) => decodeURIComponent(request.path));
        assert.deepEqual(paths, [
            `/v1.0/users/${USER.userPrincipalName.toUpperCase()}?$select=${RESOLVE_USER_SELECT}`,
            `/v1.0/users/${USER.id}?$select=${RESOLVE_USER_SELECT}`,
            `/v1.0/users/nobody@contoso.onmicrosoft.com?$select=${RESOLVE_USER_SELECT}`,
        ]);
    });

    test("a synced account says so; a 403 on lookup names the account looked up and the permission", async () => {
        const { fake, graph } = await client({ users: [{ ...USER, onPremisesSyncEnabled: true }] });
        assert.equal((await resolveUser(graph, USER.id))?.onPremisesSyncEnabled, true);
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "GET" });
        await assert.rejects(resolveUser(graph, USER.userPrincipalName), {
            message: `User ${USER.userPrincipalName}: GET to look the account up ${DENIED}. The caller needs the User.Read.All permission (or a directory role that reads users)`,
        });
    });
});
