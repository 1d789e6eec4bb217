// The Graph client (graph/) against a fake Microsoft Graph over real HTTP on 127.0.0.1: paging through
// @odata.nextLink with the token on every page, and retries of an outage in the middle of a list.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createGraphClient } from "../../graph/client";
import { listConditionalAccessPolicies } from "../../graph/conditionalAccess";
import { LIST_TARGET } from "../helpers/fakeGraph";
import { FAST_RETRY, POLICY, assertTenant, fakeCredential, fakeGraphPerTest, fixturePolicies } from "../helpers/exclusionScenarios";

const fakes = fakeGraphPerTest();

describe("Graph client against the fake", () => {
    test("lists every policy through @odata.nextLink pages of 2, with the token on every page", async () => {
        const fake = await fakes.start(2);
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
        const fake = await fakes.start(3);
        fake.inject(LIST_TARGET, { kind: "status", status: 503, times: 2 });
        const client = createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY });
        assert.equal((await listConditionalAccessPolicies(client)).length, fixturePolicies.length);
        assert.deepEqual(
            fake.requestsFor("GET").map((r) => r.status),
            [503, 503, 200, 200, 200],
        );
    });

    test("the client carries its retry pacing, so errors can say when the retries were spent", async () => {
        const fake = await fakes.start();
        const client = createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: { maxRetries: 2 } });
        assert.deepEqual(client.retry, { maxRetries: 2, baseDelayMs: 1000, maxDelayMs: 60000 });
        assert.equal(client.endpoint, fake.endpoint);
    });
});
