// The ConditionalAccessExclusion provider inside the REAL dynamic-provider host of @pulumi/pulumi, started and
// driven as the engine drives it (../helpers/dynamicProviderHost.ts), with the `__provider` the program serializes,
// the Azure CLI credential answered by a fake `az` (../helpers/fakeAzureCli.ts) and Graph by the fake on 127.0.0.1.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exclusionProviderSource, exclusionUrn, startDynamicProviderHost, type DynamicProviderHost } from "../helpers/dynamicProviderHost";
import { installFakeAzureCli, type FakeAzureCli } from "../helpers/fakeAzureCli";
import { FakeGraph } from "../helpers/fakeGraph";
import { GROUP_IDS, POLICY, USER_IDS, assertTenant, fixturePolicies } from "../helpers/exclusionScenarios";

describe("the exclusion provider in the real dynamic-provider host", () => {
    let az: FakeAzureCli;
    let fake: FakeGraph;
    let host: DynamicProviderHost;
    let provider: string;

    before(async () => {
        provider = await exclusionProviderSource();
        az = installFakeAzureCli();
        fake = await FakeGraph.start({ policies: fixturePolicies });
        host = await startDynamicProviderHost({ env: az.env });
        await host.configure({});
    });

    after(async () => {
        await host?.close();
        await fake?.close();
        az?.remove();
    });

    test("Check, Create, Read, Diff and Delete of one exclusion, as the engine sends them", async () => {
        const urn = exclusionUrn(POLICY.mfaAllUsers);
        const news = { __provider: provider, policyId: POLICY.mfaAllUsers, userIds: USER_IDS, groupIds: GROUP_IDS, graphEndpoint: fake.endpoint };
        const checked = await host.check(urn, {}, news);
        assert.deepEqual(checked.failures, []);
        const created = await host.create(urn, checked.inputs);
        assert.equal(created.id, POLICY.mfaAllUsers);
        assert.equal(created.properties.__provider, provider, "the host keeps the serialized provider in the state");
        assertTenant(fake, [POLICY.mfaAllUsers], [POLICY.blockLegacyAuth]);

        const read = await host.read(created.id, urn, created.properties, checked.inputs);
        assert.deepEqual([read.properties.userIds, read.properties.groupIds], [USER_IDS, GROUP_IDS]);
        assert.equal((await host.diff(created.id, urn, read.properties, checked.inputs)).changes, "none");

        const requests = fake.requests.length;
        await host.delete(created.id, urn, read.properties, checked.inputs);
        assert.equal(fake.requests.length, requests, "delete makes no request");
        assertTenant(fake, [POLICY.mfaAllUsers], [POLICY.blockLegacyAuth]);
        assert.ok(az.invocations() >= 1, "the host's token came from the fake az");
        assert.deepEqual(az.blockedConnections(), [], "nothing tried to leave the machine");
        assert.equal(host.engineConnections(), 0);
    });
});
