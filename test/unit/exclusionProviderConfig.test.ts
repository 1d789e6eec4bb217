// The exclusion provider's `configure` hook reads one value of the stack config the engine sends a dynamic
// provider (every key, namespaced, objects as JSON): conditionalAccess.requestsPerSecond. Unset means Graph's rate.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CONDITIONAL_ACCESS_CONFIG_KEY, createExclusionProvider, requestsPerSecondFromConfig } from "../../components/conditionalAccessExclusion";
import type * as pulumi from "@pulumi/pulumi";
import type { GraphSession } from "../../graph/session";

describe("requestsPerSecondFromConfig", () => {
    test("reads the rate from the JSON the engine sends, or from an object", () => {
        assert.equal(CONDITIONAL_ACCESS_CONFIG_KEY, "entra-emergency-access:conditionalAccess");
        assert.equal(requestsPerSecondFromConfig(JSON.stringify({ excludeFrom: "all", requestsPerSecond: 0.5 })), 0.5);
        assert.equal(requestsPerSecondFromConfig({ requestsPerSecond: 2 }), 2);
    });

    test("unset (no key, no field) leaves the default to the Graph layer", () => {
        for (const value of [undefined, null, "{}", { skip: [] }]) assert.equal(requestsPerSecondFromConfig(value), undefined);
    });

    test("a value out of range or not JSON fails, naming the key", () => {
        assert.throws(() => requestsPerSecondFromConfig('{"requestsPerSecond": 500}'), /^Error: entra-emergency-access:conditionalAccess\.requestsPerSecond must be a number from 0\.1 to 20/);
        assert.throws(() => requestsPerSecondFromConfig("{not json"), /^Error: entra-emergency-access:conditionalAccess is not JSON$/);
    });

    test("configure makes the session, with the configured rate, before any other call", async () => {
        const provider = createExclusionProvider();
        assert.equal(provider.session, undefined, "nothing exists before configure: the program never runs the provider");
        const config = { get: (key: string) => (key === CONDITIONAL_ACCESS_CONFIG_KEY ? '{"requestsPerSecond": 4}' : undefined) };
        await provider.configure!({ config } as unknown as pulumi.dynamic.ConfigureRequest);
        const session = (provider as { session?: GraphSession }).session;
        assert.equal(session?.client().pacer.requestsPerSecond, 4);
        assert.equal(session?.client(), session?.client(), "one client per endpoint for the process");
    });

    test("a host that was never sent Configure still gets a session with the default rate", async () => {
        const provider = createExclusionProvider();
        const config = { get: () => { throw new TypeError("Cannot read properties of undefined"); } };
        await provider.configure!({ config } as unknown as pulumi.dynamic.ConfigureRequest);
        assert.equal((provider as { session?: GraphSession }).session?.client().pacer.requestsPerSecond, 1);
    });
});
