// What the reconcile suites share: a run of the reconcile core against the fake Graph with a fake credential, and
// the invariant every run must leave behind, computed without the code under test: each user-scoped policy ends
// with exactly the missing ids appended and every other field byte-identical; every other policy is untouched.
import assert from "node:assert/strict";
import { reconcileExclusions, type ReconcileOptions, type ReconcileReport } from "../../commands/reconcile/reconcile";
import { createGraphSession } from "../../graph/session";
import { classifyPolicy } from "../../policies/contract/conditionalAccess";
import { FAST_RATE, FAST_RETRY, GROUP_IDS, USER_IDS, fakeCredential } from "./exclusionScenarios";
import { FAKE_GRAPH_TOKEN, type FakeGraph, type MutablePolicy } from "./fakeGraph";
import { allUsersPolicy } from "./tenants";

export const FIXTURE_IDS = { userIds: USER_IDS, groupIds: GROUP_IDS };

/** One reconcile run, default scope (every policy), fast pacing, a fresh session as the CLI makes one per run. */
export async function reconcileOnce(fake: FakeGraph, options: Partial<ReconcileOptions> = {}, requestsPerSecond = FAST_RATE): Promise<ReconcileReport> {
    const session = createGraphSession({ credential: fakeCredential(), retry: FAST_RETRY, requestsPerSecond });
    return reconcileExclusions(session.client(fake.endpoint), {
        ids: FIXTURE_IDS,
        scope: { excludeFrom: "all", skip: [] },
        ...options,
    });
}

/** `list` with the ids it lacks appended, as Graph would hold it after a correct PATCH. */
function appended(list: string[] | null | undefined, ids: readonly string[]): string[] | null | undefined {
    const present = list ?? [];
    const missing = ids.filter((id) => !present.some((other) => other.toLowerCase() === id.toLowerCase()));
    return missing.length > 0 ? [...present, ...missing] : list;
}

/** Whether a policy lacks any emergency id at `before` (so a correct run PATCHes it exactly once). */
export function missesAnId(policy: MutablePolicy): boolean {
    const users = policy.conditions?.users;
    return appended(users?.excludeUsers, USER_IDS) !== users?.excludeUsers || appended(users?.excludeGroups, GROUP_IDS) !== users?.excludeGroups;
}

/** The user-scoped policies of `before` that lacked an id. */
export function policiesMissingAnId(before: readonly MutablePolicy[]): MutablePolicy[] {
    return before.filter((policy) => classifyPolicy(policy.conditions).userScoped && missesAnId(policy));
}

function withoutModified(policy: MutablePolicy): MutablePolicy {
    const copy = structuredClone(policy);
    delete copy.modifiedDateTime;
    return copy;
}

/**
 * The tenant after a run, against the tenant before it: user-scoped policies hold the emergency ids, with nothing
 * but the missing ids appended; all other policies are byte-identical (modifiedDateTime included); every request
 * carried the token; every PATCH sent `conditions.users` and nothing else. Policies in `gone` were deleted meanwhile.
 */
export function assertReconciled(fake: FakeGraph, before: readonly MutablePolicy[], gone: readonly string[] = []): void {
    for (const original of before) {
        if (gone.includes(original.id)) {
            assert.equal(fake.hasPolicy(original.id), false, original.id);
            continue;
        }
        const now = fake.policy(original.id);
        if (!classifyPolicy(original.conditions).userScoped) {
            assert.deepEqual(now, original, `${original.id} is not user-scoped and must be untouched`);
            continue;
        }
        const expected = structuredClone(original);
        expected.conditions.users.excludeUsers = appended(original.conditions.users.excludeUsers, USER_IDS);
        expected.conditions.users.excludeGroups = appended(original.conditions.users.excludeGroups, GROUP_IDS);
        assert.deepEqual(withoutModified(now), withoutModified(expected), original.id);
        if (!missesAnId(original)) assert.equal(now.modifiedDateTime, original.modifiedDateTime, `${original.id} needed no write`);
    }
    for (const request of fake.requests) assert.equal(request.headers.authorization, `Bearer ${FAKE_GRAPH_TOKEN}`);
    for (const patch of fake.requestsFor("PATCH")) {
        const body = patch.body as { conditions: Record<string, unknown> };
        assert.deepEqual(Object.keys(body), ["conditions"], patch.path);
        assert.deepEqual(Object.keys(body.conditions), ["users"], patch.path);
    }
}

/** A blocking policy created in the portal without any exclusion: what the reconcile job exists for. */
export function blockAllPolicy(id: string): MutablePolicy {
    return allUsersPolicy({
        id,
        displayName: "Block all sign-ins outside the corporate network (created in the portal)",
        state: "enabled",
        excluded: false,
        grant: "block",
        locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] },
    });
}
