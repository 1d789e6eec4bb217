// Conditional Access exclusions: the dynamic provider and the Graph client against a fake Graph over real HTTP
// (no request stubbing), plus the pure policy and planning functions. The fixture is a tenant snapshot in
// Graph's own v1.0 list format; the emergency ids are the ones the mocks give the prod stack.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, before, describe, test } from "node:test";
import type { AccessToken, TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import {
    listConditionalAccessPolicies,
    planExclusions,
    readPolicySnapshot,
    type ExclusionTarget,
} from "../components/conditionalAccess/discovery";
import {
    CONDITIONAL_ACCESS_EXCLUSION_TYPE,
    ConditionalAccessExclusion,
    createExclusionProvider,
    diffExclusion,
    type ExclusionInputs,
    type ExclusionOutputs,
    type ExclusionProviderOptions,
} from "../components/conditionalAccess/exclusionProvider";
import {
    DEFAULT_GRAPH_ENDPOINT,
    NATIONAL_CLOUD_GRAPH_ENDPOINTS,
    createGraphClient,
    nextLinkRequestPath,
    parseRetryAfterMs,
    retryDelayMs,
    validateGraphEndpoint,
    type RetryOptions,
} from "../components/conditionalAccess/graphClient";
import {
    WORKLOAD_IDENTITY_ONLY_REASON,
    classifyPolicy,
    excludedEmergencyIds,
    missingExclusions,
    withExclusions,
    type ConditionalAccessPolicy,
} from "../components/conditionalAccess/policies";
import { FAKE_GRAPH_TOKEN, FakeGraph, LIST_TARGET, type MutablePolicy } from "./helpers/fakeGraph";

const FIXTURE = path.join(__dirname, "fixtures", "ca-policies.json");
const USER_IDS = ["e2fb0405-ab36-5f6d-bb04-f604c1d9480a", "1fb1e91c-895e-56e6-8dc9-370fba8ac6cc"];
const GROUP_IDS = ["c83b34df-ac37-571e-8a4a-44dad8cc4f17"];

/** Fixture policies by role in the scenarios. */
const POLICY = {
    mfaAllUsers: "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47",
    blockLegacyAuth: "0b8d4f6e-2a17-4c93-b5e8-61f0d2a9c3b4",
    reportOnlyAdmins: "a41c7d3e-95b2-4e08-8f6a-2b7c9e0d1f53",
    disabledPilot: "d92f05b8-6c41-4a7e-9e3d-8b1a4c6f2e90",
    alreadyExcluded: "2e6a9c0f-d873-4b15-a249-5f8e3b7d0c61",
    workloadIdentities: "5c0b8e2d-1f94-4d3a-87c6-e9a2b4f07d18",
    groupOnly: "b7e41f09-3a6d-4c82-9d5b-0e8f2a1c7b36",
    guests: "f16c3a85-0d2e-47b9-b3f1-9a5e7c2d8b04",
} as const;

/** Fast pacing for tests; the Retry-After test raises maxDelayMs so a 1 s Retry-After is not capped. */
const FAST_RETRY: RetryOptions = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50 };

const fixturePolicies = readPolicySnapshot(FIXTURE);

/** A credential that hands out the fake token and records what was asked; never a real token. */
function fakeCredential(): TokenCredential & { scopes: string[][] } {
    const scopes: string[][] = [];
    return {
        scopes,
        async getToken(requested: string | string[]): Promise<AccessToken> {
            scopes.push(([] as string[]).concat(requested));
            return { token: FAKE_GRAPH_TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
        },
    };
}

function provider(options: Partial<ExclusionProviderOptions> = {}) {
    const credential = fakeCredential();
    return { credential, provider: createExclusionProvider({ credential, retry: FAST_RETRY, ...options }) };
}

function inputsFor(fake: FakeGraph, policyId: string): ExclusionInputs {
    return { policyId, userIds: [...USER_IDS], groupIds: [...GROUP_IDS], graphEndpoint: fake.endpoint };
}

/** The targets of the default config ("all", no skips) over the fixture. */
const allTargets = (): ExclusionTarget[] => planExclusions(fixturePolicies, { excludeFrom: "all", skip: [] }).targets;

/** What Graph must hold after convergence, computed without the code under test: missing ids appended. */
function expectedAfterConvergence(original: ConditionalAccessPolicy): MutablePolicy {
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

/** Number of fixture policies among `targets` that lack some emergency id. */
function countMissing(targets: readonly ExclusionTarget[], policies = fixturePolicies): number {
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
function assertTenant(fake: FakeGraph, converged: readonly string[], untouched: readonly string[]): void {
    for (const id of converged) {
        const original = fixturePolicies.find((p) => p.id === id)!;
        assert.deepEqual(withoutModified(fake.policy(id)), withoutModified(expectedAfterConvergence(original)), id);
    }
    for (const id of untouched) {
        assert.deepEqual(fake.policy(id), structuredClone(fixturePolicies.find((p) => p.id === id)), id);
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

/** The fake of the running test; every scenario starts its own, closed after the test. */
let fake: FakeGraph;
let running: FakeGraph | undefined;

async function startFake(pageSize?: number): Promise<FakeGraph> {
    fake = await FakeGraph.start({ policies: fixturePolicies, pageSize });
    running = fake;
    return fake;
}

afterEach(async () => {
    await running?.close();
    running = undefined;
});

describe("Graph client against the fake", () => {
    test("lists every policy through @odata.nextLink pages of 2, with the token on every page", async () => {
        await startFake(2);
        const credential = fakeCredential();
        const policies = await listConditionalAccessPolicies(createGraphClient({ endpoint: fake.endpoint, credential }));

        assert.deepEqual(policies, fixturePolicies);
        const pages = fake.requestsFor("GET");
        assert.equal(pages.length, 4);
        assert.equal(pages[0].path, "/v1.0/identity/conditionalAccess/policies");
        for (const page of pages.slice(1)) assert.match(page.path, /^\/v1\.0\/identity\/conditionalAccess\/policies\?\$skiptoken=/);
        assert.deepEqual(credential.scopes, [[`${fake.endpoint}/.default`]], "one token, asked once for the endpoint's scope");
        assertTenant(fake, [], Object.values(POLICY));
    });

    test("retries a 503 on a list page and carries on paging", async () => {
        await startFake(3);
        fake.inject(LIST_TARGET, { kind: "status", status: 503, times: 2 });
        const client = createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY });
        assert.equal((await listConditionalAccessPolicies(client)).length, fixturePolicies.length);
        assert.deepEqual(
            fake.requestsFor("GET").map((r) => r.status),
            [503, 503, 200, 200, 200],
        );
    });

    test("refuses endpoints that would send a token in clear text, or are not an origin", () => {
        for (const endpoint of ["http://example.com", "http://graph.microsoft.com", "ftp://127.0.0.1", "not a url"]) {
            assert.throws(() => validateGraphEndpoint(endpoint), new RegExp(endpoint.replace(/[.:/]/g, "\\$&")), endpoint);
        }
        assert.throws(() => validateGraphEndpoint("https://graph.microsoft.com/v1.0"), /origin only/);
        assert.throws(() => validateGraphEndpoint("https://user:pw@graph.microsoft.com"), /user information/);
        assert.throws(() => createGraphClient({ endpoint: "http://example.com", credential: fakeCredential() }), /https/);
        for (const endpoint of [DEFAULT_GRAPH_ENDPOINT, ...NATIONAL_CLOUD_GRAPH_ENDPOINTS]) {
            assert.equal(validateGraphEndpoint(`${endpoint}/`), endpoint);
        }
        for (const endpoint of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"]) {
            assert.equal(validateGraphEndpoint(endpoint), endpoint);
        }
    });

    test("follows a nextLink only on the configured endpoint", () => {
        assert.deepEqual(
            nextLinkRequestPath(
                "http://127.0.0.1:9000",
                "http://127.0.0.1:9000/v1.0/identity/conditionalAccess/policies?$skiptoken=abc%3D",
            ),
            { version: "v1.0", path: "/identity/conditionalAccess/policies?$skiptoken=abc%3D" },
        );
        assert.throws(
            () => nextLinkRequestPath("https://graph.microsoft.com", "https://evil.example/v1.0/identity?$skiptoken=x"),
            /leaves the Graph endpoint/,
        );
    });
});

describe("ConditionalAccessExclusion provider against the fake", () => {
    test("adds the missing exclusions with one PATCH per policy, then costs zero writes when converged", async () => {
        await startFake(2);
        const { provider: exclusions, credential } = provider();
        const targets = allTargets();
        const results = await Promise.all(targets.map((t) => exclusions.create(inputsFor(fake, t.policyId))));

        assert.equal(fake.requestsFor("PATCH").length, countMissing(targets));
        assert.equal(fake.requestsFor("PATCH").length, 6);
        assertTenant(fake, targets.map((t) => t.policyId), [POLICY.workloadIdentities, POLICY.alreadyExcluded]);
        for (const [index, result] of results.entries()) {
            assert.equal(result.id, targets[index].policyId);
            assert.deepEqual(result.outs, {
                policyId: targets[index].policyId,
                userIds: USER_IDS,
                groupIds: GROUP_IDS,
                graphEndpoint: fake.endpoint,
                policyDisplayName: targets[index].displayName,
            });
        }
        assert.ok(credential.scopes.length >= 1);
        assert.ok(credential.scopes.every((scopes) => scopes.join() === `${fake.endpoint}/.default`));

        const requestsBefore = fake.requests.length;
        for (const target of targets) await exclusions.update!(target.policyId, results[0].outs, inputsFor(fake, target.policyId));
        const second = fake.requests.slice(requestsBefore);
        assert.equal(second.filter((r) => r.method !== "GET").length, 0, "a converged tenant costs zero writes");
        assert.equal(second.length, targets.length, "one GET per policy");
    });

    test("keeps the PATCH to conditions.users: a policy excluding the group only gets the users appended", async () => {
        await startFake();
        const { provider: exclusions } = provider();
        await exclusions.create(inputsFor(fake, POLICY.groupOnly));
        const [patch] = fake.requestsFor("PATCH", POLICY.groupOnly);
        const original = fixturePolicies.find((p) => p.id === POLICY.groupOnly)!;
        assert.deepEqual(patch.body, {
            conditions: { users: { ...original.conditions!.users, excludeUsers: USER_IDS } },
        });
        assertTenant(fake, [POLICY.groupOnly], [POLICY.mfaAllUsers]);
    });

    test("read reports the live exclusions; 404 drops the resource; create on a missing policy names it", async () => {
        await startFake();
        const { provider: exclusions } = provider();
        const read = await exclusions.read!(POLICY.groupOnly, { ...inputsFor(fake, POLICY.groupOnly), policyDisplayName: "" });
        assert.deepEqual(read, {
            id: POLICY.groupOnly,
            props: {
                ...inputsFor(fake, POLICY.groupOnly),
                userIds: [],
                policyDisplayName: "CA007: Require phishing-resistant MFA for administrators",
            },
        });

        const missing = "00000000-1111-4222-8333-444444444444";
        const gone = await exclusions.read!(missing, { ...inputsFor(fake, missing), policyDisplayName: "Old" });
        assert.equal(gone.id, "");
        await assert.rejects(
            exclusions.create(inputsFor(fake, missing)),
            (error: Error) => {
                assert.match(error.message, new RegExp(`Conditional Access policy ${missing}`));
                assert.match(error.message, /GET to read the policy failed with HTTP 404 ResourceNotFound/);
                return true;
            },
        );
        assert.equal(fake.requestsFor("PATCH").length, 0);
        assertTenant(fake, [], Object.values(POLICY));
    });

    test("waits for Retry-After: 1 on a 429, then succeeds", async () => {
        await startFake();
        fake.inject(POLICY.mfaAllUsers, { kind: "status", status: 429, times: 1, retryAfter: "1", method: "PATCH" });
        const { provider: exclusions } = provider({ retry: { ...FAST_RETRY, maxDelayMs: 2000 } });
        const started = performance.now();
        await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        const elapsed = performance.now() - started;

        assert.ok(elapsed >= 950, `waited ${elapsed} ms`);
        assert.deepEqual(fake.requestsFor("PATCH").map((r) => r.status), [429, 204]);
        assertTenant(fake, [POLICY.mfaAllUsers], [POLICY.blockLegacyAuth]);
    });

    test("retries 503 with and without Retry-After (an HTTP date), and 504", async () => {
        await startFake();
        const pastDate = new Date(Date.now() - 5000).toUTCString();
        fake.inject(POLICY.blockLegacyAuth, { kind: "status", status: 503, times: 2, method: "GET" });
        fake.inject(POLICY.reportOnlyAdmins, { kind: "status", status: 503, times: 1, retryAfter: pastDate, method: "PATCH" });
        fake.inject(POLICY.disabledPilot, { kind: "status", status: 504, times: 1, method: "PATCH" });
        const { provider: exclusions } = provider();
        const ids = [POLICY.blockLegacyAuth, POLICY.reportOnlyAdmins, POLICY.disabledPilot];
        await Promise.all(ids.map((id) => exclusions.create(inputsFor(fake, id))));

        assert.deepEqual(fake.requestsFor("GET", POLICY.blockLegacyAuth).map((r) => r.status).slice(0, 3), [503, 503, 200]);
        assert.equal(fake.requestsFor("PATCH").filter((r) => r.status === 204).length, 3);
        assertTenant(fake, ids, [POLICY.mfaAllUsers, POLICY.guests]);
    });

    test("a concurrent writer between read and write: both changes are kept", async () => {
        await startFake();
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
        const { provider: exclusions } = provider();
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
        await startFake();
        fake.inject(POLICY.mfaAllUsers, {
            kind: "concurrentWrite",
            afterMethod: "PATCH",
            afterCount: 1,
            mutate: (policy) => {
                const users = policy.conditions.users;
                users.excludeUsers = users.excludeUsers.filter((id: string) => id !== USER_IDS[1]);
            },
        });
        const { provider: exclusions } = provider();
        await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        assert.equal(fake.requestsFor("PATCH").length, 2);
        assertTenant(fake, [POLICY.mfaAllUsers], []);
    });

    test("a writer that never stops: a clear error after the attempts are spent", async () => {
        await startFake();
        fake.inject(POLICY.guests, {
            kind: "concurrentWrite",
            afterMethod: "GET",
            afterCount: 1,
            repeat: true,
            mutate: (policy) => policy.conditions.users.excludeRoles.push("fe930be7-5e62-47db-91af-98c3a49a38b1"),
        });
        const { provider: exclusions } = provider({ writeAttempts: 3 });
        await assert.rejects(exclusions.create(inputsFor(fake, POLICY.guests)), (error: Error) => {
            assert.match(error.message, new RegExp(POLICY.guests));
            assert.match(error.message, /still missing the exclusion of user .* after 3 attempts/);
            return true;
        });
        assert.equal(fake.requestsFor("PATCH").length, 0);
    });

    test("a server that never recovers: a clear error naming the policy; other policies converge", async () => {
        await startFake();
        fake.inject(POLICY.mfaAllUsers, { kind: "neverRecovers", method: "PATCH" });
        const { provider: exclusions } = provider();
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

    test("refuses a workload-identity-only policy before writing", async () => {
        await startFake();
        const { provider: exclusions } = provider();
        await assert.rejects(exclusions.create(inputsFor(fake, POLICY.workloadIdentities)), /cannot take emergency exclusions/);
        assert.equal(fake.requestsFor("PATCH").length, 0);
    });

    test("refresh after someone removed an exclusion reports it; diff shows the change; update restores it", async () => {
        await startFake();
        const { provider: exclusions } = provider();
        const inputs = inputsFor(fake, POLICY.blockLegacyAuth);
        const created = await exclusions.create(inputs);
        assert.equal((await exclusions.diff!(created.id, created.outs, inputs)).changes, false);

        fake.edit(POLICY.blockLegacyAuth, (policy) => {
            policy.conditions.users.excludeUsers = policy.conditions.users.excludeUsers.filter((id: string) => id !== USER_IDS[0]);
        });
        const refreshed = await exclusions.read!(created.id, created.outs);
        assert.deepEqual(refreshed.props.userIds, [USER_IDS[1]]);
        assert.deepEqual(refreshed.props.groupIds, GROUP_IDS);
        const diff = await exclusions.diff!(created.id, refreshed.props, inputs);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);

        const patchesBefore = fake.requestsFor("PATCH").length;
        const updated = await exclusions.update!(created.id, refreshed.props, inputs);
        assert.deepEqual(updated.outs?.userIds, USER_IDS);
        assert.equal(fake.requestsFor("PATCH").length, patchesBefore + 1);
        assert.deepEqual(fake.policy(POLICY.blockLegacyAuth).conditions.users.excludeUsers, [
            "3c9a1e57-8d24-4f6b-a0c1-92e7b5d4f168",
            USER_IDS[1],
            USER_IDS[0],
        ]);
    });

    test("delete leaves the exclusion in place and makes no request", async () => {
        await startFake();
        const { provider: exclusions } = provider();
        const created = await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        const requestsBefore = fake.requests.length;
        await exclusions.delete!(created.id, created.outs);
        assert.equal(fake.requests.length, requestsBefore);
        assertTenant(fake, [POLICY.mfaAllUsers], []);
    });

    test("create refuses an http endpoint off the machine without asking for a token", async () => {
        await startFake();
        const { provider: exclusions, credential } = provider();
        await assert.rejects(
            exclusions.create({ ...inputsFor(fake, POLICY.mfaAllUsers), graphEndpoint: "http://example.com" }),
            /must use https/,
        );
        assert.deepEqual(credential.scopes, []);
        const check = await exclusions.check!({}, { ...inputsFor(fake, POLICY.mfaAllUsers), graphEndpoint: "http://example.com" });
        assert.deepEqual(check.failures?.map((f) => f.property), ["graphEndpoint"]);
    });

    test("the serialized provider (what Pulumi stores in __provider) runs against the fake", async () => {
        await startFake();
        const exclusions = createExclusionProvider({ credential: fakeCredential(), retry: FAST_RETRY });
        const serialized = await pulumi.runtime.serializeFunction(() => exclusions, { allowSecrets: false });
        // As the dynamic provider host loads it: a module resolving packages from the project directory.
        const host = new Module(path.join(__dirname, "..", "serialized-provider.js"));
        host.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.join(__dirname, ".."));
        (host as unknown as { _compile(code: string, file: string): void })._compile(serialized.text, "serialized-provider.js");
        const loaded = (host.exports as { handler(): pulumi.dynamic.ResourceProvider }).handler();

        await loaded.create(inputsFor(fake, POLICY.guests));
        assertTenant(fake, [POLICY.guests], [POLICY.mfaAllUsers]);
        assert.equal(fake.requestsFor("PATCH").length, 1);

        // The default provider captures no credential object: DefaultAzureCredential is only created on use.
        const defaults = await pulumi.runtime.serializeFunction(() => createExclusionProvider(), { allowSecrets: false });
        assert.doesNotMatch(defaults.text, /FAKE|fake-graph-token/);
    });
});

describe("diff", () => {
    const olds: ExclusionOutputs = {
        policyId: POLICY.mfaAllUsers,
        userIds: USER_IDS,
        groupIds: GROUP_IDS,
        graphEndpoint: DEFAULT_GRAPH_ENDPOINT,
        policyDisplayName: "CA001",
    };
    const news: ExclusionInputs = {
        policyId: POLICY.mfaAllUsers,
        userIds: USER_IDS,
        groupIds: GROUP_IDS,
        graphEndpoint: DEFAULT_GRAPH_ENDPOINT,
    };

    test("no change when state holds every desired id", () => {
        assert.deepEqual(diffExclusion(olds, news), { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.equal(diffExclusion(olds, { ...news, userIds: [...USER_IDS].reverse() }).changes, false);
    });

    test("a missing id or another endpoint is an update; another policy is a replacement", () => {
        assert.equal(diffExclusion({ ...olds, groupIds: [] }, news).changes, true);
        assert.equal(diffExclusion({ ...olds, userIds: [USER_IDS[0]] }, news).changes, true);
        const moved = diffExclusion(olds, { ...news, graphEndpoint: "https://graph.microsoft.us" });
        assert.deepEqual([moved.changes, moved.replaces], [true, []]);
        const replaced = diffExclusion(olds, { ...news, policyId: POLICY.guests });
        assert.deepEqual([replaced.changes, replaced.replaces], [true, ["policyId"]]);
    });

    test("unknown ids during preview count as changes", () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        assert.equal(diffExclusion(olds, { ...news, userIds: unknown as unknown as string[] }).changes, true);
        assert.equal(diffExclusion(olds, { ...news, userIds: [unknown, USER_IDS[1]] }).changes, true);
    });
});

describe("policies (pure)", () => {
    const byId = (id: string) => fixturePolicies.find((p) => p.id === id)!;

    test("missingExclusions and excludedEmergencyIds split the desired ids", () => {
        assert.deepEqual(missingExclusions(byId(POLICY.groupOnly), USER_IDS, GROUP_IDS), { userIds: USER_IDS, groupIds: [] });
        assert.deepEqual(missingExclusions(byId(POLICY.alreadyExcluded), USER_IDS, GROUP_IDS), { userIds: [], groupIds: [] });
        assert.deepEqual(excludedEmergencyIds(byId(POLICY.groupOnly), USER_IDS, GROUP_IDS), { userIds: [], groupIds: GROUP_IDS });
        assert.deepEqual(
            missingExclusions(byId(POLICY.alreadyExcluded), USER_IDS.map((id) => id.toUpperCase()), GROUP_IDS),
            { userIds: [], groupIds: [] },
            "object ids compare without regard to case",
        );
    });

    test("withExclusions returns the whole users object with only the missing ids appended", () => {
        const users = byId(POLICY.blockLegacyAuth).conditions!.users!;
        const result = withExclusions(users, [...USER_IDS, USER_IDS[0]], GROUP_IDS);
        assert.deepEqual(result, {
            ...users,
            excludeUsers: ["3c9a1e57-8d24-4f6b-a0c1-92e7b5d4f168", ...USER_IDS],
            excludeGroups: GROUP_IDS,
        });
        assert.deepEqual(Object.keys(result), Object.keys(users), "key order as read");
        assert.deepEqual(users.excludeUsers, ["3c9a1e57-8d24-4f6b-a0c1-92e7b5d4f168"], "input untouched");
        const converged = byId(POLICY.alreadyExcluded).conditions!.users!;
        assert.deepEqual(withExclusions(converged, USER_IDS, GROUP_IDS), converged);
    });

    test("classifyPolicy skips workload-identity-only policies and targets every user policy in any state", () => {
        for (const policy of fixturePolicies) {
            const expected =
                policy.id === POLICY.workloadIdentities
                    ? { target: false, reason: WORKLOAD_IDENTITY_ONLY_REASON }
                    : { target: true };
            assert.deepEqual(classifyPolicy(policy), expected, policy.displayName);
        }
        const mixed = structuredClone(byId(POLICY.workloadIdentities)) as MutablePolicy;
        mixed.conditions.users.includeUsers = ["All"];
        assert.deepEqual(classifyPolicy(mixed as ConditionalAccessPolicy), { target: true }, "users and service principals");
    });
});

describe("planExclusions and readPolicySnapshot (pure)", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "ca-snapshot-"));
    });

    test("targets every user policy sorted by id and skips workload identities with the reason", () => {
        const plan = planExclusions(fixturePolicies, { excludeFrom: "all", skip: [] });
        const ids = plan.targets.map((t) => t.policyId);
        assert.deepEqual(ids, [...ids].sort());
        assert.equal(plan.targets.length, 7);
        assert.deepEqual(plan.skipped, [
            {
                policyId: POLICY.workloadIdentities,
                displayName: "CA006: Block high-risk workload identities",
                reason: WORKLOAD_IDENTITY_ONLY_REASON,
            },
        ]);
        const reportOnly = plan.targets.find((t) => t.policyId === POLICY.reportOnlyAdmins);
        assert.equal(reportOnly?.state, "enabledForReportingButNotEnforced");
    });

    test("a config skip keeps its reason and leaves the other policies alone", () => {
        const reason = "Owned by the identity team's own pipeline (ticket SEC-1234)";
        const plan = planExclusions(fixturePolicies, { excludeFrom: "all", skip: [{ policyId: POLICY.guests, reason }] });
        assert.deepEqual(
            plan.skipped.map((s) => [s.policyId, s.reason]),
            [
                [POLICY.workloadIdentities, WORKLOAD_IDENTITY_ONLY_REASON],
                [POLICY.guests, reason],
            ],
        );
        assert.deepEqual(
            plan.targets.map((t) => t.policyId),
            allTargets().map((t) => t.policyId).filter((id) => id !== POLICY.guests),
        );
    });

    test("an explicit excludeFrom list targets only those policies", () => {
        const plan = planExclusions(fixturePolicies, { excludeFrom: [POLICY.guests, POLICY.mfaAllUsers], skip: [] });
        assert.deepEqual(plan.targets.map((t) => t.policyId), [POLICY.mfaAllUsers, POLICY.guests].sort());
        assert.equal(plan.skipped.filter((s) => s.reason === "not listed in excludeFrom").length, fixturePolicies.length - 2);
    });

    test("an id that does not exist in the tenant is an error naming it", () => {
        const typo = "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c48";
        assert.throws(() => planExclusions(fixturePolicies, { excludeFrom: [typo], skip: [] }), new RegExp(`excludeFrom .*${typo}`));
        assert.throws(
            () => planExclusions(fixturePolicies, { excludeFrom: "all", skip: [{ policyId: typo, reason: "x" }] }),
            new RegExp(`skip .*${typo}`),
        );
        assert.throws(
            () => planExclusions(fixturePolicies, { excludeFrom: [POLICY.guests], skip: [{ policyId: POLICY.guests, reason: "x" }] }),
            /both name/,
        );
    });

    test("readPolicySnapshot names the file and the index of a bad entry", () => {
        const write = (name: string, content: string) => {
            const file = path.join(dir, name);
            writeFileSync(file, content);
            return file;
        };
        const bad = structuredClone(fixturePolicies) as MutablePolicy[];
        bad[2].state = "on";
        const badFile = write("bad-state.json", JSON.stringify({ value: bad }));
        const escapedFile = badFile.replace(/[.\\/]/g, "\\$&");
        assert.throws(() => readPolicySnapshot(badFile), new RegExp(`${escapedFile}: value\\[2\\] .*state "on"`));
        const duplicate = write("duplicate.json", JSON.stringify({ value: [fixturePolicies[0], fixturePolicies[0]] }));
        assert.throws(() => readPolicySnapshot(duplicate), /value\[1\] repeats the id/);
        assert.throws(() => readPolicySnapshot(write("array.json", "[]")), /array\.json: expected Graph's list format/);
        assert.throws(() => readPolicySnapshot(write("broken.json", "{")), /broken\.json: not valid JSON/);
        assert.throws(() => readPolicySnapshot(path.join(dir, "absent.json")), /absent\.json: cannot read/);
    });
});

describe("retry pacing (pure)", () => {
    const options: RetryOptions = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60000 };
    const now = Date.parse("2025-06-01T12:00:00Z");

    test("Retry-After in seconds or as an HTTP date, capped at maxDelayMs", () => {
        assert.equal(parseRetryAfterMs("7", now), 7000);
        assert.equal(parseRetryAfterMs("Sun, 01 Jun 2025 12:00:30 GMT", now), 30000);
        assert.equal(parseRetryAfterMs("Sun, 01 Jun 2025 11:00:00 GMT", now), 0);
        assert.equal(parseRetryAfterMs("soon", now), undefined);
        assert.equal(retryDelayMs("7", 0, options, now), 7000);
        assert.equal(retryDelayMs("3600", 0, options, now), 60000);
    });

    test("without Retry-After: exponential backoff with jitter, bounded", () => {
        assert.equal(retryDelayMs(null, 0, options, now, () => 0), 500);
        assert.equal(retryDelayMs(null, 0, options, now, () => 1), 1000);
        assert.equal(retryDelayMs(null, 3, options, now, () => 1), 8000);
        assert.equal(retryDelayMs("soon", 10, options, now, () => 1), 60000);
    });
});

describe("ConditionalAccessExclusion resource", () => {
    test("registers under its own type token with the serialized provider and the default endpoint", async () => {
        const registered: pulumi.runtime.MockResourceArgs[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args);
                    return { id: String(args.inputs.policyId), state: args.inputs };
                },
                call: () => {
                    throw new Error("no calls expected");
                },
            },
            "entra-emergency-access",
            "test",
        );
        const resource = new ConditionalAccessExclusion("ca001", {
            policyId: POLICY.mfaAllUsers,
            userIds: USER_IDS,
            groupIds: GROUP_IDS,
        });
        const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
        assert.match(urn, new RegExp(`::${CONDITIONAL_ACCESS_EXCLUSION_TYPE}::ca001$`));
        assert.equal(CONDITIONAL_ACCESS_EXCLUSION_TYPE, "pulumi-nodejs:dynamic/entra-emergency-access:ConditionalAccessExclusion");
        assert.equal(registered[0].type, CONDITIONAL_ACCESS_EXCLUSION_TYPE);
        assert.equal(registered[0].inputs.graphEndpoint, DEFAULT_GRAPH_ENDPOINT);
        assert.equal(typeof registered[0].inputs.__provider, "string");
    });
});
