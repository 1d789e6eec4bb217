// One verify run: every check on its own (a throwing check is NOT_RUN with its reason, a 403 names the permissions,
// the others still run), the preflight from the identity's token (what an application or a person lacks), the worst
// evidence decides, and the exit code.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TokenGrants } from "../../graph/token";
import { createVerifyContext } from "../../commands/verify/context";
import type { CheckDefinition, CheckVerdict, Declaration, Permission, Status } from "../../commands/verify/model";
import { missingFor } from "../../commands/verify/preflight";
import { exitCodeOf, runCheck, runChecks } from "../../commands/verify/run";

const DECLARATION: Declaration = {
    tenantDomain: "contoso.onmicrosoft.com",
    accounts: [],
    group: { id: "c83b34df-ac37-571e-8a4a-44dad8cc4f17", displayName: "Emergency Access Accounts" },
    credentialMode: "passkey",
    credentialMethod: "passkey",
    requiredPasskeys: 2,
    restrictedManagement: false,
    whatIf: [],
};
const context = () => createVerifyContext({ declaration: DECLARATION, graph: {} as never, now: new Date("2026-11-26T00:00:00Z") });

function check(
    id: string,
    run: () => Promise<CheckVerdict>,
    permissions: readonly Permission[] = [{ application: "User.Read.All", delegated: "User.Read.All" }],
): CheckDefinition & { calls: number } {
    const definition = {
        id,
        title: `the ${id} check`,
        severity: "high" as const,
        sources: ["Microsoft"],
        permissions,
        calls: 0,
        async run() {
            definition.calls++;
            return run();
        },
    };
    return definition;
}

const evidence = (...statuses: Status[]) => ({ evidence: statuses.map((status, i) => ({ subject: `s${i}`, status, detail: `${status} ${i}` })) });

describe("runCheck and runChecks", () => {
    test("the worst evidence decides; no evidence is a PASS", async () => {
        assert.equal((await runCheck(check("a-b", async () => evidence("PASS", "WARN", "PASS")), context())).status, "WARN");
        assert.equal((await runCheck(check("a-b", async () => evidence("WARN", "FAIL")), context())).status, "FAIL");
        assert.equal((await runCheck(check("a-b", async () => ({ evidence: [] })), context())).status, "PASS");
        const failed = await runCheck(check("a-b", async () => evidence("PASS", "FAIL", "FAIL")), context());
        assert.equal(failed.summary, "2 FAIL: FAIL 1 (and 1 more)");
    });

    test("a check that throws is NOT_RUN with its reason, and every other check still runs", async () => {
        const broken = check("a-broken", async () => {
            throw new Error("Graph answered 503 (gave up after 5 retries)");
        });
        const fine = check("a-fine", async () => evidence("PASS"));
        const results = await runChecks([broken, fine], context());
        assert.deepEqual(results.map((r) => [r.id, r.status]), [["a-broken", "NOT_RUN"], ["a-fine", "PASS"]]);
        assert.equal(results[0].summary, "not run: Graph answered 503 (gave up after 5 retries)");
        assert.equal(fine.calls, 1);
    });

    test("a 403 names the permissions the check declares", async () => {
        const forbidden = check(
            "a-forbidden",
            async () => {
                throw Object.assign(new Error("Insufficient privileges"), { statusCode: 403 });
            },
            [{ application: "AuditLog.Read.All", delegated: "AuditLog.Read.All", role: "Reports Reader" }],
        );
        const result = await runCheck(forbidden, context());
        assert.equal(result.status, "NOT_RUN");
        assert.deepEqual(result.missing, ["AuditLog.Read.All (application) or AuditLog.Read.All (delegated), role Reports Reader or Global Reader", "Insufficient privileges"]);
        assert.match(result.summary, /^not run: the identity lacks AuditLog\.Read\.All/);
    });

    test("the preflight stops a check the token cannot run, before any read", async () => {
        const grants: TokenGrants = { kind: "application", permissions: ["Policy.Read.All"], roleTemplateIds: [] };
        const needsUsers = check("a-users", async () => evidence("PASS"));
        const result = await runCheck(needsUsers, context(), grants);
        assert.equal(result.status, "NOT_RUN");
        assert.deepEqual(result.missing, ["User.Read.All (Microsoft Graph application permission)"]);
        assert.equal(needsUsers.calls, 0);
    });

    test("exit codes: a FAIL is 1, else a NOT_RUN is 2, else 0 (warnings pass)", () => {
        const row = (status: Status) => ({ status }) as never;
        assert.equal(exitCodeOf([row("PASS"), row("WARN")]), 0);
        assert.equal(exitCodeOf([row("PASS"), row("NOT_RUN")]), 2);
        assert.equal(exitCodeOf([row("NOT_RUN"), row("FAIL")]), 1);
    });
});

describe("missingFor (the preflight)", () => {
    const users = { permissions: [{ application: "User.Read.All", delegated: "User.Read.All", role: "Reports Reader" }] };
    const application = (...permissions: string[]): TokenGrants => ({ kind: "application", permissions, roleTemplateIds: [] });
    const person = (scopes: string[], roles: string[]): TokenGrants => ({ kind: "delegated", permissions: scopes, roleTemplateIds: roles });
    const GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";

    test("an unreadable token says nothing: the run finds out", () => assert.deepEqual(missingFor(users, undefined), []));
    test("an application: the permission, a ReadWrite one, or Directory.Read.All for directory reads", () => {
        assert.deepEqual(missingFor(users, application("User.Read.All")), []);
        assert.deepEqual(missingFor(users, application("User.ReadWrite.All")), []);
        assert.deepEqual(missingFor(users, application("Directory.Read.All")), []);
        assert.deepEqual(missingFor(users, application("Policy.Read.All")), ["User.Read.All (Microsoft Graph application permission)"]);
    });
    test("a person: the scope (or Directory.AccessAsUser.All) and a role that may read (Global Reader or the named one)", () => {
        assert.deepEqual(missingFor(users, person(["Directory.AccessAsUser.All"], [GLOBAL_READER])), []);
        assert.deepEqual(missingFor(users, person(["User.Read.All"], ["4a5d8f65-41da-4de4-8968-e035b65339cf"]), { "4a5d8f65-41da-4de4-8968-e035b65339cf": "Reports Reader" }), []);
        assert.deepEqual(missingFor(users, person(["Directory.AccessAsUser.All"], [])), ["a directory role that may read it: Global Reader or Reports Reader"]);
        assert.deepEqual(missingFor(users, person(["openid"], [GLOBAL_READER])), ["User.Read.All (delegated scope)"]);
    });
});
