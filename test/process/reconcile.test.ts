// The reconcile core (commands/reconcile/reconcile.ts) against the fake Graph over real HTTP: a tenant with new,
// changed, report-only, disabled and workload-only policies; 429 without Retry-After; a concurrent writer; a
// policy deleted mid-run; a refusal. Every run ends with assertReconciled: each user-scoped policy excludes the
// emergency ids with nothing else changed, and PATCHes equal the policies that missed an id.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { reportFailed } from "../../commands/reconcile/reconcile";
import { LIST_TARGET, THROTTLE_JITTER_MS } from "../helpers/fakeGraph";
import { FAST_RETRY, GROUP_IDS, POLICY, USER_IDS, exclusionProvider, fakeGraphPerTest, inputsFor } from "../helpers/exclusionScenarios";
import { assertReconciled, blockAllPolicy, policiesMissingAnId, reconcileOnce } from "../helpers/reconcileScenarios";
import { generatedPolicies, listPages } from "../helpers/tenants";

const fakes = fakeGraphPerTest();
const NEW_POLICY = "3d5e7f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f";

describe("reconcile against the fake Graph", () => {
    test("new, changed, report-only, disabled and workload-only policies: every user-scoped one ends excluded", async () => {
        const fake = await fakes.start();
        fake.addPolicy(blockAllPolicy(NEW_POLICY) as never);
        fake.edit(POLICY.alreadyExcluded, (policy) => {
            policy.conditions.users.excludeUsers = [USER_IDS[1]]; // someone removed an account in the portal
        });
        const before = fake.policies();
        const needing = policiesMissingAnId(before);
        assert.ok(needing.some((p) => p.state === "enabledForReportingButNotEnforced") && needing.some((p) => p.state === "disabled"));

        const report = await reconcileOnce(fake);
        assertReconciled(fake, before);
        assert.equal(fake.requestsFor("PATCH").length, needing.length, "one PATCH per policy that missed an id");
        assert.equal(report.writes, needing.length);
        assert.equal(reportFailed(report), false);

        const rows = new Map(report.policies.map((row) => [row.policyId, row]));
        assert.equal(report.policies.length, before.length);
        assert.deepEqual(rows.get(NEW_POLICY), {
            policyId: NEW_POLICY,
            displayName: blockAllPolicy(NEW_POLICY).displayName,
            state: "enabled",
            outcome: "added",
            userIds: USER_IDS,
            groupIds: GROUP_IDS,
            detail: undefined,
        });
        assert.deepEqual([rows.get(POLICY.alreadyExcluded)?.outcome, rows.get(POLICY.alreadyExcluded)?.userIds], ["added", [USER_IDS[0]]]);
        assert.equal(rows.get(POLICY.groupOnly)?.outcome, "added");
        assert.deepEqual(rows.get(POLICY.groupOnly)?.groupIds, []);
        assert.equal(rows.get(POLICY.workloadIdentities)?.outcome, "skipped");
        assert.match(rows.get(POLICY.workloadIdentities)?.detail ?? "", /workload identities/);

        // A second run, and a `pulumi up` after it, find nothing to do: the listing and no write.
        const requests = fake.requests.length;
        const again = await reconcileOnce(fake);
        assert.equal(again.writes, 0);
        assert.deepEqual(fake.requests.slice(requests).map((r) => r.method), Array(listPages(before.length)).fill("GET"));
        assert.ok(again.policies.every((row) => row.outcome === "excluded" || row.outcome === "skipped"));
        const { provider } = exclusionProvider();
        const targets = before.filter((p) => p.id !== POLICY.workloadIdentities);
        await Promise.all(targets.map((p) => provider.update!(p.id, {}, inputsFor(fake, p.id))));
        await Promise.all(targets.map((p) => provider.read!(p.id, { ...inputsFor(fake, p.id), policyDisplayName: "" })));
        assert.equal(fake.requestsFor("PATCH").length, needing.length, "pulumi up after reconcile makes zero writes");
    });

    test("429 without Retry-After, on the listing and on writes: bounded backoff with jitter, then converged", async () => {
        const fake = await fakes.start();
        fake.inject(LIST_TARGET, { kind: "status", status: 429, times: 2 });
        fake.inject(POLICY.mfaAllUsers, { kind: "status", status: 429, times: 2, method: "PATCH" });
        fake.inject(POLICY.guests, { kind: "status", status: 429, times: 1, method: "GET" });
        const before = fake.policies();
        const report = await reconcileOnce(fake);
        assertReconciled(fake, before);
        assert.equal(fake.requestsFor("PATCH").filter((r) => r.status === 204).length, policiesMissingAnId(before).length);
        assert.deepEqual(fake.requestsFor("PATCH", POLICY.mfaAllUsers).map((r) => r.status), [429, 429, 204]);
        const throttled = fake.requests.filter((r) => r.status === 429);
        assert.equal(throttled.length, 5);
        assert.ok(throttled.every((r) => r.headers["retry-after"] === undefined));
        assert.equal(reportFailed(report), false);
        assert.ok(FAST_RETRY.maxRetries >= 2);
    });

    test("against a Graph that throttles at 5 requests a second, a run paced at 5 is never throttled", async () => {
        const fake = await fakes.start();
        fake.throttle(5);
        const before = fake.policies();
        await reconcileOnce(fake, {}, 5);
        assertReconciled(fake, before);
        assert.deepEqual(fake.requests.filter((r) => r.status === 429), []);
        const times = fake.requests.map((r) => r.receivedAt);
        assert.ok(times.slice(1).every((t, i) => t - times[i] >= 200 - THROTTLE_JITTER_MS));
    });

    test("a concurrent writer between the listing and the write: both changes are kept, one PATCH per policy", async () => {
        const fake = await fakes.start();
        const otherUser = "6a2d8f14-c3b7-4e59-9d01-b8e4f7a2c6d3";
        fake.inject(POLICY.reportOnlyAdmins, {
            kind: "concurrentWrite",
            afterMethod: "GET",
            afterCount: 1,
            mutate: (policy) => policy.conditions.users.excludeUsers.push(otherUser),
        });
        const before = fake.policies();
        await reconcileOnce(fake);
        const changed = before.map((p) => (p.id === POLICY.reportOnlyAdmins ? { ...p, conditions: { ...p.conditions, users: { ...p.conditions.users, excludeUsers: [otherUser] } } } : p));
        assertReconciled(fake, changed);
        assert.deepEqual(fake.policy(POLICY.reportOnlyAdmins).conditions.users.excludeUsers, [otherUser, ...USER_IDS]);
        assert.equal(fake.requestsFor("PATCH").length, policiesMissingAnId(before).length);
    });

    test("a policy deleted mid-run is reported as deleted, and every other policy converges", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.disabledPilot, { kind: "concurrentDelete", afterMethod: "GET", afterCount: 1 });
        const before = fake.policies();
        const report = await reconcileOnce(fake);
        assertReconciled(fake, before, [POLICY.disabledPilot]);
        const row = report.policies.find((p) => p.policyId === POLICY.disabledPilot);
        assert.deepEqual([row?.outcome, row?.detail], ["deleted", "deleted in the tenant during the run"]);
        assert.equal(reportFailed(report), false, "a deleted policy needs no exclusion");
        assert.equal(fake.requestsFor("PATCH").filter((r) => r.status === 204).length, policiesMissingAnId(before).length - 1);
    });

    test("a refused write fails that policy only, with Graph's answer; the run reports failure", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.guests, { kind: "status", status: 403, times: 10, method: "PATCH" });
        const before = fake.policies();
        const report = await reconcileOnce(fake);
        const row = report.policies.find((p) => p.policyId === POLICY.guests);
        assert.equal(row?.outcome, "failed");
        assert.match(row?.detail ?? "", /PATCH to add the emergency exclusions failed with HTTP 403/);
        assert.equal(reportFailed(report), true);
        assertReconciled(fake, before.filter((p) => p.id !== POLICY.guests));
        assert.deepEqual(fake.policy(POLICY.guests), before.find((p) => p.id === POLICY.guests));
    });

    test("a dry run lists what is missing and writes nothing", async () => {
        const fake = await fakes.start();
        const before = fake.policies();
        const report = await reconcileOnce(fake, { dryRun: true });
        assert.deepEqual(fake.policies(), before);
        assert.equal(fake.requests.length, 1);
        assert.equal(report.policies.filter((p) => p.outcome === "missing").length, policiesMissingAnId(before).length);
    });

    test("skips from config are honoured; a skip naming a deleted policy is a note, not a stop", async () => {
        const fake = await fakes.start();
        const gone = "99999999-9999-4999-8999-999999999999";
        const before = fake.policies();
        const report = await reconcileOnce(fake, {
            scope: { excludeFrom: "all", skip: [{ policyId: POLICY.guests, reason: "guest pilot" }, { policyId: gone, reason: "old" }] },
        });
        assert.deepEqual(fake.policy(POLICY.guests), before.find((p) => p.id === POLICY.guests));
        assert.deepEqual(report.notes, [`conditionalAccess.skip names ${gone}, which the tenant does not have`]);
        assert.equal(report.policies.find((p) => p.policyId === POLICY.guests)?.detail, "guest pilot");
        assertReconciled(fake, before.filter((p) => p.id !== POLICY.guests));
    });

    test(`a converged tenant of 195 policies costs ${listPages(195)} requests`, async () => {
        const fake = await fakes.startWith(generatedPolicies(195));
        const report = await reconcileOnce(fake);
        assert.equal(fake.requests.length, listPages(195));
        assert.equal(report.writes, 0);
    });
});
