// What the Graph client and the exclusion provider suites share: the Conditional Access snapshot (./caSnapshot.ts),
// a fake credential, fast retry pacing, and the invariants every scenario must leave behind in
// the fake Graph (./fakeGraph.ts). The emergency ids are the ones the mocks give the fixture stack.
import assert from "node:assert/strict";
import { afterEach } from "node:test";
import type { AccessToken, TokenCredential } from "@azure/identity";
import {
    createExclusionProvider,
    type ExclusionInputs,
    type ExclusionProviderOptions,
} from "../../components/conditionalAccessExclusion";
import type { ExclusionTarget } from "../../components/conditionalAccessExclusions";
import type { RetryOptions } from "../../graph/retry";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { planExclusions } from "../../program/exclusionPlan";
import { FAKE_GRAPH_TOKEN, FakeGraph, type FakeGraphOptions, type MutablePolicy } from "./fakeGraph";
import { fixturePolicies, snapshotPolicy } from "./caSnapshot";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "./ids";

export { POLICY, fixturePolicies, snapshotPolicy } from "./caSnapshot";

export const USER_IDS = FIXTURE_USER_IDS;
export const GROUP_IDS = [FIXTURE_GROUP_ID];

/** Fast pacing for tests; a test that needs a real Retry-After raises maxDelayMs so it is not capped. */
export const FAST_RETRY: RetryOptions = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50 };

/** A request rate for tests against the fake, far above any tenant's (the fake does not throttle unless told to). */
export const FAST_RATE = 1000;

/** A credential that hands out the fake token and records what was asked; never a real token. */
export function fakeCredential(): TokenCredential & { scopes: string[][] } {
    const scopes: string[][] = [];
    return {
        scopes,
        async getToken(requested: string | string[]): Promise<AccessToken> {
            scopes.push(([] as string[]).concat(requested));
            return { token: FAKE_GRAPH_TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
        },
    };
}

/** The exclusion provider with a fake credential and fast pacing, and that credential. */
export function exclusionProvider(options: Partial<ExclusionProviderOptions> = {}) {
    const credential = fakeCredential();
    return { credential, provider: createExclusionProvider({ credential, retry: FAST_RETRY, requestsPerSecond: FAST_RATE, ...options }) };
}

/** The inputs of the exclusion of one policy, through the fake. */
export function inputsFor(fake: FakeGraph, policyId: string): ExclusionInputs {
    return { policyId, userIds: [...USER_IDS], groupIds: [...GROUP_IDS], graphEndpoint: fake.endpoint };
}

/** The targets of the default config ("all", no skips) over the snapshot. */
export const allTargets = (): ExclusionTarget[] => planExclusions(fixturePolicies, { excludeFrom: "all", skip: [] }).targets;

/** What Graph must hold after convergence, computed without the code under test: missing ids appended. */
export function expectedAfterConvergence(original: ConditionalAccessPolicy): MutablePolicy {
    const expected = structuredClone(original) as MutablePolicy;
    const users = expected.conditions.users;
    const append = (list: string[] | null, ids: string[]) => {
        const present = list ?? [];
        const missing = ids.filter((id) => !present.includes(id));
        return missing.length > 0 ? [...present, ...missing] : list;
    };
    users.excludeUsers = append(users.excludeUsers, USER_IDS);
    users.excludeGroups = append(users.excludeGroups, GROUP_IDS);
    return expected;
}

/** Number of snapshot policies among `targets` that lack some emergency id. */
export function countMissing(targets: readonly ExclusionTarget[], policies = fixturePolicies): number {
    return targets.filter((target) => {
        const users = policies.find((p) => p.id === target.policyId)?.conditions?.users;
        return (
            USER_IDS.some((id) => !(users?.excludeUsers ?? []).includes(id)) ||
            GROUP_IDS.some((id) => !(users?.excludeGroups ?? []).includes(id))
        );
    }).length;
}

function withoutModified(policy: MutablePolicy): MutablePolicy {
    const copy = { ...policy };
    delete copy.modifiedDateTime;
    return copy;
}

/**
 * The invariants after every scenario: targeted policies exclude every id with nothing else changed; other
 * policies are untouched (modifiedDateTime included); every request carried the fake token; every PATCH sent
 * `conditions.users` and nothing else.
 */
export function assertTenant(fake: FakeGraph, converged: readonly string[], untouched: readonly string[]): void {
    for (const id of converged) {
        assert.deepEqual(withoutModified(fake.policy(id)), withoutModified(expectedAfterConvergence(snapshotPolicy(id))), id);
    }
    for (const id of untouched) {
        assert.deepEqual(fake.policy(id), structuredClone(snapshotPolicy(id)), id);
    }
    for (const request of fake.requests) {
        assert.equal(request.headers.authorization, `Bearer ${FAKE_GRAPH_TOKEN}`, `${request.method} ${request.path}`);
        assert.ok(request.authorized);
    }
    for (const patch of fake.requestsFor("PATCH")) {
        const body = patch.body as { conditions: Record<string, unknown> };
        assert.deepEqual(Object.keys(body), ["conditions"], patch.path);
        assert.deepEqual(Object.keys(body.conditions), ["users"], patch.path);
    }
}

/**
 * A fresh fake Graph per test, holding the snapshot, closed after the test:
 * `const fakes = fakeGraphPerTest();` at the top of a file, then `const fake = await fakes.start();` in a test.
 */
export function fakeGraphPerTest(): {
    start(pageSize?: number): Promise<FakeGraph>;
    startWith(policies: readonly ConditionalAccessPolicy[], options?: Partial<FakeGraphOptions>): Promise<FakeGraph>;
} {
    let running: FakeGraph | undefined;
    afterEach(async () => {
        await running?.close();
        running = undefined;
    });
    return {
        async start(pageSize?: number) {
            running = await FakeGraph.start({ policies: fixturePolicies, pageSize });
            return running;
        },
        async startWith(policies, options = {}) {
            running = await FakeGraph.start({ ...options, policies });
            return running;
        },
    };
}
