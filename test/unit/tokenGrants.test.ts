// graph/token.ts: what the running identity may do, read from its own access token. An application token (roles),
// a delegated one (scp, split on spaces), the directory roles (wids) of either, and anything that is not a JWT reading
// as undefined. readTokenGrants asks the credential for exactly the endpoint's `.default` scope.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AccessToken } from "@azure/identity";
import { ROLE_TEMPLATE_IDS } from "../../graph/roles";
import { grantsFromAccessToken, readTokenGrants } from "../../graph/token";
import { FAKE_GRAPH_TOKEN, fakeAccessToken } from "../helpers/fakeGraph";

const OBJECT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const APP_ID = "16fd2706-8baf-433b-82eb-8c7fada847da";
const TENANT_ID = "886313e1-3b8a-4372-9b90-0c9aee199e5d";

/** A base64url segment of `value` as JSON. */
const segment = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("grantsFromAccessToken", () => {
    test("an application token: its roles are the permissions, its wids the directory roles", () => {
        const token = fakeAccessToken({
            kind: "application",
            permissions: ["Policy.Read.All", "User.Read.All", "RoleManagement.Read.Directory"],
            roleTemplateIds: [ROLE_TEMPLATE_IDS.globalReader],
            objectId: OBJECT_ID,
            appId: APP_ID,
            tenantId: TENANT_ID,
        });
        assert.deepEqual(grantsFromAccessToken(token), {
            kind: "application",
            permissions: ["Policy.Read.All", "User.Read.All", "RoleManagement.Read.Directory"],
            roleTemplateIds: [ROLE_TEMPLATE_IDS.globalReader],
            objectId: OBJECT_ID,
            appId: APP_ID,
            tenantId: TENANT_ID,
        });
    });

    test("a delegated token: its scp split on spaces, and the roles the person holds", () => {
        const token = fakeAccessToken({
            kind: "delegated",
            permissions: ["AuditLog.Read.All", "Policy.Read.ConditionalAccess", "User.Read"],
            roleTemplateIds: [ROLE_TEMPLATE_IDS.securityReader, "b79fbf4d-3ef9-4689-8143-76b194e85509"],
            objectId: OBJECT_ID,
            appId: APP_ID,
            tenantId: TENANT_ID,
        });
        assert.deepEqual(grantsFromAccessToken(token), {
            kind: "delegated",
            permissions: ["AuditLog.Read.All", "Policy.Read.ConditionalAccess", "User.Read"],
            roleTemplateIds: [ROLE_TEMPLATE_IDS.securityReader, "b79fbf4d-3ef9-4689-8143-76b194e85509"],
            objectId: OBJECT_ID,
            appId: APP_ID,
            tenantId: TENANT_ID,
        });
    });

    test("tokens Entra ID issues without idtyp are told apart by scp; extra spaces and missing claims read as empty", () => {
        const header = segment({ typ: "JWT", alg: "RS256" });
        const delegated = grantsFromAccessToken(`${header}.${segment({ scp: "  User.Read   Directory.Read.All ", azp: APP_ID })}.sig`);
        assert.deepEqual(delegated, { kind: "delegated", permissions: ["User.Read", "Directory.Read.All"], roleTemplateIds: [], appId: APP_ID });
        const application = grantsFromAccessToken(`${header}.${segment({ roles: ["User.Read.All", 7], wids: "not a list" })}.sig`);
        assert.deepEqual(application, { kind: "application", permissions: ["User.Read.All"], roleTemplateIds: [] });
        assert.deepEqual(grantsFromAccessToken(`${header}.${segment({})}.`), { kind: "application", permissions: [], roleTemplateIds: [] });
    });

    test("anything that is not a JWT reads as undefined", () => {
        const header = segment({ typ: "JWT", alg: "RS256" });
        for (const [name, token] of [
            ["the fake's plain token", FAKE_GRAPH_TOKEN],
            ["empty", ""],
            ["two segments", `${header}.${segment({ roles: [] })}`],
            ["four segments", `${header}.${segment({ roles: [] })}.sig.extra`],
            ["a payload that is not base64url", `${header}.not*base64.sig`],
            ["a payload that is not JSON", `${header}.${Buffer.from("roles", "utf8").toString("base64url")}.sig`],
            ["a payload that is a list", `${header}.${segment(["roles"])}.sig`],
            ["a header without alg", `${segment({ typ: "JWT" })}.${segment({ roles: [] })}.sig`],
        ]) {
            assert.equal(grantsFromAccessToken(token), undefined, name);
        }
    });
});

describe("readTokenGrants", () => {
    test("asks the credential for the endpoint's .default scope and decodes what it returns", async () => {
        const asked: string[][] = [];
        const token = fakeAccessToken({ kind: "application", permissions: ["Directory.Read.All"] });
        const credential = {
            async getToken(scopes: string | string[]): Promise<AccessToken | null> {
                asked.push(([] as string[]).concat(scopes));
                return asked.length === 1 ? { token, expiresOnTimestamp: Date.now() + 3600_000 } : null;
            },
        };
        const grants = await readTokenGrants(credential, "https://graph.microsoft.us");
        assert.equal(grants?.kind, "application");
        assert.deepEqual(grants?.permissions, ["Directory.Read.All"]);
        assert.equal(await readTokenGrants(credential, "http://127.0.0.1:8080"), undefined, "no token, no grants");
        assert.deepEqual(asked, [["https://graph.microsoft.us/.default"], ["http://127.0.0.1:8080/.default"]]);
        await assert.rejects(readTokenGrants(credential, "https://graph.example.com"), /must be one of https:\/\/graph\.microsoft\.com/);
        assert.equal(asked.length, 2, "no token is asked for an endpoint that is not Graph");
    });
});
