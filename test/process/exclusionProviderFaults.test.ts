// The ConditionalAccessExclusion dynamic provider against a fake Microsoft Graph that misbehaves: throttling
// (429 with Retry-After), outages (503, 504, one that never recovers) and other writers changing the policy
// between our read and our write. Every scenario ends with the tenant's invariants checked.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    FAST_RETRY,
    GROUP_IDS,
    POLICY,
    USER_IDS,
    allTargets,
    assertTenant,
    countMissing,
    exclusionProvider,
    fakeGraphPerTest,
    inputsFor,
} from "../helpers/exclusionScenarios";

const fakes = fakeGraphPerTest();

describe("ConditionalAccessExclusion provider against a misbehaving Graph", () => {
    test("waits for Retry-After: 1 on a 429, then succeeds", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.mfaAllUsers, { kind: "status", status: 429, times: 1, retryAfter: "1", method: "PATCH" });
        const { provider: exclusions } = exclusionProvider({ retry: { ...FAST_RETRY, maxDelayMs: 2000 } });
        const started = performance.now();
        await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        const elapsed = performance.now() - started;

        assert.ok(elapsed >= 950, `waited ${elapsed} ms`);
        assert.deepEqual(fake.requestsFor("PATCH").map((r) => r.status), [429, 204]);
        assertTenant(fake, [POLICY.mfaAllUsers], [POLICY.blockLegacyAuth]);
    });

    test("retries 503 with and without Retry-After (an HTTP date), and 504", async () => {
        const fake = await fakes.start();
        const pastDate = new Date(Date.now() - 5000).toUTCString();
        fake.inject(POLICY.blockLegacyAuth, { kind: "status", status: 503, times: 2, method: "GET" });
        fake.inject(POLICY.reportOnlyAdmins, { kind: "status", status: 503, times: 1, retryAfter: pastDate, method: "PATCH" });
        fake.inject(POLICY.disabledPilot, { kind: "status", status: 504, times: 1, method: "PATCH" });
        const { provider: exclusions } = exclusionProvider();
        const ids = [POLICY.blockLegacyAuth, POLICY.reportOnlyAdmins, POLICY.disabledPilot];
        await Promise.all(ids.map((id) => exclusions.create(inputsFor(fake, id))));

        assert.deepEqual(fake.requestsFor("GET", POLICY.blockLegacyAuth).map((r) => r.status).slice(0, 3), [503, 503, 200]);
        assert.equal(fake.requestsFor("PATCH").filter((r) => r.status === 204).length, 3);
        assertTenant(fake, ids, [POLICY.mfaAllUsers, POLICY.guests]);
    });

    test("a concurrent writer between read and write: both changes are kept", async () => {
        const fake = await fakes.start();
        const otherUser = "6a2d8f14-c3b7-4e59-9d01-b8e4f7a2c6d3";
        const otherGroup = "9e7c1b3a-5d28-4f60-a4e9-2c8b6d0f3e71";
        fake.inject(POLICY.reportOnlyAdmins, {
            kind: "concurrentWrite",
            afterMethod: "GET",
            afterCount: 1,
            mutate: (policy) => {
                policy.conditions.users.excludeUsers.push(otherUser);
                policy.conditions.users.includeGroups.push(otherGroup);
            },
        });
        const { provider: exclusions } = exclusionProvider();
        await exclusions.create(inputsFor(fake, POLICY.reportOnlyAdmins));

        const users = fake.policy(POLICY.reportOnlyAdmins).conditions.users;
        assert.deepEqual(users.excludeUsers, [otherUser, ...USER_IDS]);
        assert.deepEqual(users.includeGroups, [otherGroup]);
        assert.deepEqual(users.excludeGroups, ["5e8b2c14-7a3f-4d96-b0e2-c4a81f9d6e37", ...GROUP_IDS]);
        assert.deepEqual(
            fake.requests.map((r) => r.method),
            ["GET", "GET", "GET", "PATCH", "GET"],
            "read, re-read sees the change, re-read again, write, confirm",
        );
        assert.equal(fake.requestsFor("PATCH").length, 1);
        assertTenant(fake, [], [POLICY.mfaAllUsers]);
    });

    test("a writer that removes an exclusion right after our PATCH is caught by the confirming read", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.mfaAllUsers, {
            kind: "concurrentWrite",
            afterMethod: "PATCH",
            afterCount: 1,
            mutate: (policy) => {
                const users = policy.conditions.users;
                users.excludeUsers = users.excludeUsers.filter((id: string) => id !== USER_IDS[1]);
            },
        });
        const { provider: exclusions } = exclusionProvider();
        await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        assert.equal(fake.requestsFor("PATCH").length, 2);
        assertTenant(fake, [POLICY.mfaAllUsers], []);
    });

    test("a writer that never stops: a clear error after the attempts are spent", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.guests, {
            kind: "concurrentWrite",
            afterMethod: "GET",
            afterCount: 1,
            repeat: true,
            mutate: (policy) => policy.conditions.users.excludeRoles.push("fe930be7-5e62-47db-91af-98c3a49a38b1"),
        });
        const { provider: exclusions } = exclusionProvider({ writeAttempts: 3 });
        await assert.rejects(exclusions.create(inputsFor(fake, POLICY.guests)), (error: Error) => {
            assert.match(error.message, new RegExp(POLICY.guests));
            assert.match(error.message, /still missing the exclusion of user .* after 3 attempts/);
            return true;
        });
        assert.equal(fake.requestsFor("PATCH").length, 0);
    });

    test("a server that never recovers: a clear error naming the policy; other policies converge", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.mfaAllUsers, { kind: "neverRecovers", method: "PATCH" });
        const { provider: exclusions } = exclusionProvider();
        const targets = allTargets();
        const results = await Promise.allSettled(targets.map((t) => exclusions.create(inputsFor(fake, t.policyId))));

        const failed = results.flatMap((result, index) =>
            result.status === "rejected" ? [{ policyId: targets[index].policyId, reason: result.reason as Error }] : [],
        );
        assert.equal(failed.length, 1);
        const [{ policyId, reason }] = failed;
        assert.equal(policyId, POLICY.mfaAllUsers);
        assert.match(
            reason.message,
            new RegExp(
                `^Conditional Access policy ${POLICY.mfaAllUsers} \\("CA001: Require multifactor authentication for all users"\\): ` +
                    "PATCH to add the emergency exclusions failed with HTTP 503 serviceUnavailable \\(gave up after 3 retries\\)",
            ),
        );
        assert.equal(fake.requestsFor("PATCH", POLICY.mfaAllUsers).length, FAST_RETRY.maxRetries + 1);
        assert.equal(fake.requestsFor("PATCH").filter((r) => r.status === 204).length, countMissing(targets) - 1);
        const converged = targets.map((t) => t.policyId).filter((id) => id !== POLICY.mfaAllUsers);
        assertTenant(fake, converged, [POLICY.mfaAllUsers, POLICY.workloadIdentities]);
    });
});
