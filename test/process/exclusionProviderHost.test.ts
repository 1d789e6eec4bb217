// The ConditionalAccessExclusion provider inside the REAL dynamic-provider host of @pulumi/pulumi, started and
// driven as the engine drives it (../helpers/dynamicProviderHost.ts), with the `__provider` the program serializes,
// the stack config sent in Configure, the Azure CLI credential answered by a fake `az` (../helpers/fakeAzureCli.ts)
// and Graph by the fake on 127.0.0.1. What only the host shows: one credential chain walk and one token for the
// whole process, one paged listing for every read, and the configured request rate.
import assert from "node:assert/strict";
import { afterEach, before, describe, test } from "node:test";
import { CONDITIONAL_ACCESS_CONFIG_KEY } from "../../components/conditionalAccessExclusion";
import { readProject, readStackConfig } from "../../plan/project";
import { exclusionProviderSource, exclusionUrn, startDynamicProviderHost, type DynamicProviderHost, type Properties } from "../helpers/dynamicProviderHost";
import { credentialChainWalks, installFakeAzureCli, type FakeAzureCli } from "../helpers/fakeAzureCli";
import { FakeGraph, THROTTLE_JITTER_MS, type FakeGraphOptions } from "../helpers/fakeGraph";
import { GROUP_IDS, POLICY, USER_IDS, allTargets, assertTenant, countMissing, fixturePolicies } from "../helpers/exclusionScenarios";
import { FIXTURE_CONFIG_FILE, FIXTURE_STACK, PROJECT_DIR } from "../helpers/fixtures";
import { generatedPolicies, listPages } from "../helpers/tenants";

/** Requests per second the tests configure (the config's highest), so a test costs seconds, not minutes. */
const RATE = 20;

/** The fixture stack's config as the engine sends it to a dynamic provider: every key, namespaced, as strings. */
function stackConfig(requestsPerSecond = RATE): Record<string, string> {
    const config = readStackConfig(PROJECT_DIR, readProject(PROJECT_DIR), FIXTURE_STACK, FIXTURE_CONFIG_FILE);
    const conditionalAccess = JSON.parse(config[CONDITIONAL_ACCESS_CONFIG_KEY] ?? "{}") as Record<string, unknown>;
    return { ...config, [CONDITIONAL_ACCESS_CONFIG_KEY]: JSON.stringify({ ...conditionalAccess, requestsPerSecond }) };
}

describe("the exclusion provider in the real dynamic-provider host", () => {
    let provider: string;
    let az: FakeAzureCli | undefined;
    let fake: FakeGraph | undefined;
    let host: DynamicProviderHost | undefined;

    before(async () => {
        provider = await exclusionProviderSource();
    });

    afterEach(async () => {
        await host?.close();
        await fake?.close();
        az?.remove();
        [host, fake, az] = [undefined, undefined, undefined];
    });

    /** A fake Graph throttled at the configured rate, a fake az, and a configured host: what `pulumi up` starts. */
    async function start(options: Partial<FakeGraphOptions> = {}, requestsPerSecond = RATE) {
        az = installFakeAzureCli({ logCredentialChain: true });
        fake = await FakeGraph.start({ policies: fixturePolicies, requestsPerSecond, ...options });
        host = await startDynamicProviderHost({ env: az.env });
        assert.deepEqual(await host.configure(stackConfig(requestsPerSecond)), { acceptSecrets: false });
        return { az, fake, host };
    }

    const inputs = (endpoint: string, policyId: string): Properties => ({
        __provider: provider,
        policyId,
        userIds: USER_IDS,
        groupIds: GROUP_IDS,
        graphEndpoint: endpoint,
    });

    /** What every test asserts last: one chain walk, one az call, nothing beyond loopback, no 429. */
    function assertOneTokenAndNoThrottling() {
        assert.equal(credentialChainWalks(host!.stderr()), 1, "one credential chain walk for the whole process");
        assert.equal(az!.invocations(), 1, "one token for the whole process");
        assert.deepEqual(az!.blockedConnections(), [], "nothing tried to leave the machine (no managed identity probe)");
        assert.deepEqual(fake!.requests.filter((r) => r.status === 429), [], "the configured rate was never exceeded");
        assert.equal(host!.engineConnections(), 0);
    }

    test("Check, Diff and Create of every policy in parallel, Read, Update after a portal change, Delete", async () => {
        const { fake, host } = await start();
        const targets = allTargets();
        const checked = await Promise.all(
            targets.map(async ({ policyId }) => {
                const urn = exclusionUrn(policyId);
                const check = await host.check(urn, {}, inputs(fake.endpoint, policyId));
                assert.deepEqual(check.failures, [], policyId);
                return { urn, policyId, inputs: check.inputs };
            }),
        );
        const created = await Promise.all(checked.map(async (c) => ({ ...c, ...(await host.create(c.urn, c.inputs)) })));
        assert.equal(fake.requestsFor("PATCH").length, countMissing(targets), "one PATCH per policy that missed an id");
        assertTenant(fake, targets.map((t) => t.policyId), [POLICY.workloadIdentities]);
        for (const c of created) assert.equal(c.id, c.policyId);

        // Someone removes an account's exclusion in the portal; then a refresh reads every exclusion, in parallel,
        // from one listing, and sees it.
        const edited = created.find((c) => c.policyId === POLICY.blockLegacyAuth)!;
        fake.edit(edited.policyId, (policy) => {
            policy.conditions.users.excludeUsers = policy.conditions.users.excludeUsers.filter((id: string) => id !== USER_IDS[0]);
        });
        const listsBefore = fake.listRequests().length;
        const reads = await Promise.all(created.map((c) => host.read(c.id, c.urn, c.properties, c.inputs)));
        assert.equal(fake.listRequests().length - listsBefore, listPages(fixturePolicies.length));
        for (const [i, read] of reads.entries()) {
            const c = created[i];
            const expectedUsers = c === edited ? [USER_IDS[1]] : USER_IDS;
            assert.deepEqual([read.id, read.properties.userIds, read.properties.groupIds], [c.id, expectedUsers, GROUP_IDS], c.policyId);
            assert.deepEqual(await host.diff(read.id, c.urn, read.properties, c.inputs), {
                changes: c === edited ? "some" : "none",
                replaces: [],
                deleteBeforeReplace: false,
            });
        }

        // Update puts it back with one PATCH.
        const patchesBefore = fake.requestsFor("PATCH").length;
        const updated = await host.update(edited.id, edited.urn, reads[created.indexOf(edited)].properties, edited.inputs);
        assert.deepEqual(updated.properties.userIds, USER_IDS);
        assert.equal(fake.requestsFor("PATCH").length, patchesBefore + 1);
        assert.ok(fake.policy(edited.policyId).conditions.users.excludeUsers.includes(USER_IDS[0]));

        const requests = fake.requests.length;
        await host.delete(edited.id, edited.urn, updated.properties, edited.inputs);
        assert.equal(fake.requests.length, requests, "delete makes no request and leaves the exclusion");
        assertOneTokenAndNoThrottling();
    });

    for (const count of [10, 195]) {
        test(`a converged refresh of ${count} exclusions costs ${listPages(count)} list request(s) and one token`, async () => {
            const policies = generatedPolicies(count);
            const { fake, host } = await start({ policies });
            const state = (policyId: string): Properties => ({ ...inputs(fake.endpoint, policyId), policyDisplayName: "" });
            const reads = await Promise.all(policies.map((p) => host.read(p.id, exclusionUrn(p.id), state(p.id), inputs(fake.endpoint, p.id))));
            for (const [i, read] of reads.entries()) {
                assert.deepEqual([read.id, read.properties.userIds, read.properties.groupIds], [policies[i].id, USER_IDS, GROUP_IDS]);
                assert.equal(read.properties.policyDisplayName, policies[i].displayName);
            }
            // Target ⌈N/100⌉ + 2; the floor is the listing alone.
            assert.equal(fake.requests.length, listPages(count));
            assert.deepEqual(fake.requests.map((r) => r.status), Array(listPages(count)).fill(200));
            // A converged `pulumi up` after the refresh: Check and Diff make no request, Create/Update are not called.
            // (Ten of them: each call carries the 70 kB provider source, and the host answers one at a time.)
            const diffs = await Promise.all(
                policies.slice(0, 10).map(async (p, i) => {
                    const check = await host.check(exclusionUrn(p.id), reads[i].properties, inputs(fake.endpoint, p.id));
                    return (await host.diff(p.id, exclusionUrn(p.id), reads[i].properties, check.inputs)).changes;
                }),
            );
            assert.deepEqual(new Set(diffs), new Set(["none"]));
            assert.equal(fake.requests.length, listPages(count));
            assertOneTokenAndNoThrottling();
        });
    }

    test("the request rate from the stack config holds for parallel writes: no 429 from a Graph throttled at that rate", async () => {
        const rate = 10;
        const policies = generatedPolicies(6, { converged: false });
        const { fake, host } = await start({ policies }, rate);
        await Promise.all(
            policies.map(async (p) => {
                const check = await host.check(exclusionUrn(p.id), {}, inputs(fake.endpoint, p.id));
                return host.create(exclusionUrn(p.id), check.inputs);
            }),
        );
        const times = fake.conditionalAccessRequests().map((r) => r.receivedAt);
        const gaps = times.slice(1).map((t, i) => t - times[i]);
        assert.ok(Math.min(...gaps) >= 1000 / rate - THROTTLE_JITTER_MS, `closest two requests ${Math.min(...gaps).toFixed(1)} ms apart`);
        assert.equal(fake.requestsFor("PATCH").length, policies.length);
        assertOneTokenAndNoThrottling();
    });
});
