// The Graph verify checks when Graph refuses or throttles one kind of read: the checks that need it report NOT_RUN with
// the message graph/ built (object, operation, the permission missing), every other check still runs and passes, and a
// throttled read is retried to a verdict.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { DEFAULT_WHAT_IF_MATRIX } from "../../commands/verify/checks/whatIf";
import { ROLE_ASSIGNMENTS_TARGET, WHAT_IF_TARGET } from "../helpers/fakeGraph";
import { IDS, judge, judgeAll, startGoodTenant, GRAPH_CHECKS, type GoodTenant, type Judged } from "../helpers/verifyTenants";

let running: GoodTenant | undefined;
afterEach(async () => {
    await running?.fake.close();
    running = undefined;
});

/** The ids of the checks with each status. */
function byStatus(results: Record<string, Judged>): Record<string, string[]> {
    const grouped: Record<string, string[]> = {};
    for (const [id, result] of Object.entries(results)) (grouped[result.status] ??= []).push(id);
    return grouped;
}

const ALL_IDS = GRAPH_CHECKS.map((check) => check.id);
const others = (notRun: readonly string[]) => ALL_IDS.filter((id) => !notRun.includes(id));

describe("a permission missing for one kind of read", () => {
    test("signInActivity forbidden (no AuditLog.Read.All): only drill-recency is NOT_RUN, and says which permission", async () => {
        running = await startGoodTenant();
        running.fake.setSignInActivityAccess("forbidden");
        const results = await judgeAll(running.context());
        assert.deepEqual(byStatus(results), { PASS: others(["drill-recency"]), NOT_RUN: ["drill-recency"] });
        // The accounts are read at once: whichever refusal comes first names its account.
        const account = [IDS.account1, IDS.account2, IDS.limited].find((id) => results["drill-recency"].error?.startsWith(`User ${id}:`));
        assert.equal(
            results["drill-recency"].error,
            `User ${account}: GET to read the last sign-in (signInActivity) failed with HTTP 403 Authorization_RequestDenied: Insufficient ` +
                "privileges to complete the operation. The caller needs the AuditLog.Read.All permission (or a role that reads sign-in logs, " +
                "such as Reports Reader or Global Reader), and the tenant a Microsoft Entra ID P1 or P2 licence",
        );
    });

    test("signInActivity forbidden in sealed-password mode: the rotation check cannot run either, with the same message", async () => {
        running = await startGoodTenant();
        running.declare({ credentialMode: "sealed-password", restrictedManagement: false });
        running.fake.setSignInActivityAccess("forbidden");
        const results = await judgeAll(running.context());
        assert.deepEqual(byStatus(results).NOT_RUN, ["credentials-rotated-after-use", "drill-recency"]);
        assert.equal(results["credentials-rotated-after-use"].error, results["drill-recency"].error);
        // One shared read per account, refused once each: the second check did not ask again.
        assert.equal(running.fake.requestsTo("$select=id,signInActivity", "GET").length, 3);
    });

    test("role assignments forbidden: every check that reads them is NOT_RUN naming RoleManagement.Read.Directory; the others pass", async () => {
        running = await startGoodTenant();
        running.fake.inject(ROLE_ASSIGNMENTS_TARGET, { kind: "status", status: 403, times: 100 });
        const results = await judgeAll(running.context());
        const notRun = ["accounts-count", "role-permanent-global-administrator", "role-limited-account", "role-global-administrator-count", "credentials-keys-distinct"];
        assert.deepEqual(byStatus(results), { PASS: others(notRun), NOT_RUN: notRun });
        for (const id of notRun) {
            // The limited account's own listing names the account; the others share the listing of the role.
            const subject = id === "role-limited-account" ? `Role assignments of principal ${IDS.limited}` : "Role assignments in Global Administrator";
            assert.equal(
                results[id].error,
                `${subject}: GET to list the active role assignments (roleAssignmentScheduleInstances) failed ` +
                    "with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. The caller needs the " +
                    "RoleManagement.Read.Directory permission (or a directory role that reads role assignments, such as Global Reader)",
                id,
            );
        }
        // One listing of the Global Administrators, shared and refused once; the limited account's own listing once.
        assert.equal(running.fake.requestsTo("roleAssignmentScheduleInstances", "GET").length, 2);
    });

    test("What-If forbidden: only conditional-access-what-if is NOT_RUN, naming Policy.Read.ConditionalAccess, after one request", async () => {
        running = await startGoodTenant();
        running.fake.inject(WHAT_IF_TARGET, { kind: "status", status: 403, times: 100 });
        const results = await judgeAll(running.context());
        assert.deepEqual(byStatus(results), { PASS: others(["conditional-access-what-if"]), NOT_RUN: ["conditional-access-what-if"] });
        assert.equal(
            results["conditional-access-what-if"].error,
            `What-If for user ${IDS.account1} signing in to 797f4846-ba00-4fd7-ba43-dac1f8f63013 (browser): POST to evaluate the Conditional ` +
                "Access policies (What-If) failed with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. " +
                "The caller needs the Policy.Read.ConditionalAccess permission (or Policy.Read.All) and, signed in as a person, a directory " +
                "role that reads Conditional Access, such as Global Reader or Security Reader",
        );
        assert.equal(running.fake.requestsTo("/evaluate", "POST").length, 1);
    });
});

describe("throttling", () => {
    test("What-If throttled to 3 requests a second (429 without Retry-After) is retried to its verdict", async () => {
        running = await startGoodTenant();
        running.declare({ whatIf: DEFAULT_WHAT_IF_MATRIX.slice(0, 2) });
        running.fake.throttle(3, ["/identity/conditionalAccess/evaluate"]);
        const context = running.context(undefined, { retry: { maxRetries: 6, baseDelayMs: 200, maxDelayMs: 1000 } });
        const result = await judge(GRAPH_CHECKS.find((check) => check.id === "conditional-access-what-if")!, context);
        assert.equal(result.status, "PASS", result.error);
        const evaluations = running.fake.requestsTo("/evaluate", "POST");
        assert.ok(evaluations.some((request) => request.status === 429), "the throttle answered 429");
        assert.equal(evaluations.filter((request) => request.status === 200).length, 3 * 2);
        // The policy list is not throttled by it.
        assert.equal((await judge(GRAPH_CHECKS.find((check) => check.id === "conditional-access-exclusions")!, running.context())).status, "PASS");
    });
});
