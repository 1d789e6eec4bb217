// The ConditionalAccessExclusion dynamic provider against a fake Microsoft Graph over real HTTP on 127.0.0.1
// (no request stubbing): convergence with the fewest writes, refresh, diff, update and delete, what it refuses,
// and the provider as Pulumi serializes it into `__provider`. Throttling, outages and concurrent writers are in
// exclusionProviderFaults.test.ts.
import assert from "node:assert/strict";
import Module from "node:module";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { createExclusionProvider } from "../../components/conditionalAccessExclusion";
import { NOT_USER_SCOPED_REASONS } from "../../policies/contract/conditionalAccess";
import {
    FAST_RETRY,
    GROUP_IDS,
    POLICY,
    USER_IDS,
    allTargets,
    assertTenant,
    countMissing,
    exclusionProvider,
    fakeCredential,
    fixturePolicies,
    fakeGraphPerTest,
    inputsFor,
    snapshotPolicy,
} from "../helpers/exclusionScenarios";
import { PROJECT_DIR } from "../helpers/fixtures";

const fakes = fakeGraphPerTest();

describe("ConditionalAccessExclusion provider against the fake", () => {
    test("adds the missing exclusions with one PATCH per policy, then costs zero writes when converged", async () => {
        const fake = await fakes.start(2);
        const { provider: exclusions, credential } = exclusionProvider();
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
        const pages = Math.ceil(fixturePolicies.length / 2);
        assert.deepEqual(second, fake.listRequests().slice(-pages), "one paged listing (2 per page here) for every update");
    });

    test("keeps the PATCH to conditions.users: a policy excluding the group only gets the users appended", async () => {
        const fake = await fakes.start();
        const { provider: exclusions } = exclusionProvider();
        await exclusions.create(inputsFor(fake, POLICY.groupOnly));
        const [patch] = fake.requestsFor("PATCH", POLICY.groupOnly);
        const original = snapshotPolicy(POLICY.groupOnly);
        assert.deepEqual(patch.body, {
            conditions: { users: { ...original.conditions!.users, excludeUsers: USER_IDS } },
        });
        assertTenant(fake, [POLICY.groupOnly], [POLICY.mfaAllUsers]);
    });

    test("read reports the live exclusions; 404 drops the resource; create on a missing policy names it", async () => {
        const fake = await fakes.start();
        const { provider: exclusions } = exclusionProvider();
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

    test("refuses a workload-identity-only policy before writing", async () => {
        const fake = await fakes.start();
        const { provider: exclusions } = exclusionProvider();
        await assert.rejects(
            exclusions.create(inputsFor(fake, POLICY.workloadIdentities)),
            (error: Error) => {
                assert.match(error.message, new RegExp(`^Conditional Access policy ${POLICY.workloadIdentities} \\("CA006: `));
                assert.ok(error.message.endsWith(`cannot take emergency exclusions: ${NOT_USER_SCOPED_REASONS.workloadIdentities}`));
                return true;
            },
        );
        assert.equal(fake.requestsFor("PATCH").length, 0);
    });

    test("refuses a policy that includes no user (includeUsers [\"None\"]) before writing", async () => {
        const fake = await fakes.start();
        fake.edit(POLICY.mfaAllUsers, (policy) => (policy.conditions.users.includeUsers = ["None"]));
        const { provider: exclusions } = exclusionProvider();
        await assert.rejects(
            exclusions.create(inputsFor(fake, POLICY.mfaAllUsers)),
            (error: Error) => error.message.endsWith(`cannot take emergency exclusions: ${NOT_USER_SCOPED_REASONS.noUsers}`),
        );
        assert.equal(fake.requestsFor("PATCH").length, 0);
    });

    test("excludes the accounts from a policy that targets users and service principals alike", async () => {
        const fake = await fakes.start();
        fake.edit(POLICY.mfaAllUsers, (policy) => {
            policy.conditions.clientApplications = { includeServicePrincipals: ["ServicePrincipalsInMyTenant"], excludeServicePrincipals: [] };
        });
        const { provider: exclusions } = exclusionProvider();
        await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        assert.equal(fake.requestsFor("PATCH", POLICY.mfaAllUsers).length, 1);
        const users = fake.policy(POLICY.mfaAllUsers).conditions.users;
        assert.deepEqual([users.excludeUsers, users.excludeGroups], [USER_IDS, GROUP_IDS]);
    });

    test("ids already excluded in another letter case count as excluded: no write, and read reports them", async () => {
        const fake = await fakes.start();
        fake.edit(POLICY.mfaAllUsers, (policy) => {
            policy.conditions.users.excludeUsers = USER_IDS.map((id) => id.toUpperCase());
            policy.conditions.users.excludeGroups = GROUP_IDS.map((id) => id.toUpperCase());
        });
        const { provider: exclusions } = exclusionProvider();
        const created = await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        assert.equal(fake.requestsFor("PATCH").length, 0, "a converged policy costs no write, whatever the letter case");
        assert.deepEqual([created.outs.userIds, created.outs.groupIds], [USER_IDS, GROUP_IDS]);
        const read = await exclusions.read!(created.id, created.outs);
        assert.deepEqual([read.props?.userIds, read.props?.groupIds], [USER_IDS, GROUP_IDS]);
    });

    test("refresh after someone removed an exclusion reports it; diff shows the change; update restores it", async () => {
        const fake = await fakes.start();
        const { provider: exclusions } = exclusionProvider();
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
        const fake = await fakes.start();
        const { provider: exclusions } = exclusionProvider();
        const created = await exclusions.create(inputsFor(fake, POLICY.mfaAllUsers));
        const requestsBefore = fake.requests.length;
        await exclusions.delete!(created.id, created.outs);
        assert.equal(fake.requests.length, requestsBefore);
        assertTenant(fake, [POLICY.mfaAllUsers], []);
    });

    for (const endpoint of ["http://example.com", "https://graph.contoso.com"]) {
        test(`create refuses ${endpoint} (not a Microsoft Graph cloud) without asking for a token`, async () => {
            const fake = await fakes.start();
            const { provider: exclusions, credential } = exclusionProvider();
            await assert.rejects(
                exclusions.create({ ...inputsFor(fake, POLICY.mfaAllUsers), graphEndpoint: endpoint }),
                new RegExp(`Graph endpoint "${endpoint.replace(/[.:/]/g, "\\$&")}" must be one of https://graph\\.microsoft\\.com, `),
            );
            assert.deepEqual(credential.scopes, []);
            assert.equal(fake.requests.length, 0);
            const check = await exclusions.check!({}, { ...inputsFor(fake, POLICY.mfaAllUsers), graphEndpoint: endpoint });
            assert.deepEqual(check.failures?.map((f) => f.property), ["graphEndpoint"]);
        });
    }

    test("the serialized provider (what Pulumi stores in __provider) runs against the fake", async () => {
        const fake = await fakes.start();
        const exclusions = createExclusionProvider({ credential: fakeCredential(), retry: FAST_RETRY });
        const serialized = await pulumi.runtime.serializeFunction(() => exclusions, { allowSecrets: false });
        // As the dynamic provider host loads it: a module resolving packages from the project directory.
        const host = new Module(path.join(PROJECT_DIR, "serialized-provider.js"));
        host.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(PROJECT_DIR);
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
