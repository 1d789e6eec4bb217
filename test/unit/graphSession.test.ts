// What one process shares when it talks to Graph, on a simulated clock: the token cache (one in-flight request
// for concurrent callers, reuse until shortly before expiry), request pacing (never above the rate, in call
// order, only for the throttled Conditional Access resources), and the read cache (shared while fresh, dropped
// by a write, never keeping a failure).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { TOKEN_REFRESH_MARGIN_MS, cachingCredential } from "../../graph/credential";
import { RequestPacer, checkRequestsPerSecond, isPacedRequest } from "../../graph/pacing";
import { ReadCache } from "../../graph/readCache";
import { createGraphSession } from "../../graph/session";
import { DEFAULTS, LIMITS } from "../../policies/contract/constants";
import { SimulatedClock } from "../helpers/simulatedClock";

/** A credential that counts its calls and answers after `delayMs` of real time with a token valid `validMs`. */
function countingCredential(clock: { now(): number }, validMs: number, delayMs = 5) {
    let calls = 0;
    const credential: TokenCredential = {
        async getToken(): Promise<AccessToken> {
            calls++;
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            return { token: `token-${calls}`, expiresOnTimestamp: clock.now() + validMs };
        },
    };
    return { credential, calls: () => calls };
}

describe("token cache", () => {
    test("concurrent callers share one in-flight token request", async () => {
        const clock = new SimulatedClock();
        const source = countingCredential(clock, 3600_000, 20);
        const cached = cachingCredential(source.credential, clock.now);
        const tokens = await Promise.all(Array.from({ length: 25 }, () => cached.getToken("https://graph.microsoft.com/.default")));
        assert.equal(source.calls(), 1);
        assert.ok(tokens.every((token) => token?.token === "token-1"));
    });

    test("a token is reused until shortly before it expires, then renewed once", async () => {
        const clock = { value: 0, now() { return this.value; } };
        const source = countingCredential(clock, 60 * 60_000);
        const cached = cachingCredential(source.credential, () => clock.now());
        const scope = "https://graph.microsoft.com/.default";
        assert.equal((await cached.getToken(scope))?.token, "token-1");
        clock.value = 60 * 60_000 - TOKEN_REFRESH_MARGIN_MS - 1;
        assert.equal((await cached.getToken(scope))?.token, "token-1", "still fresh one millisecond before the margin");
        clock.value += 1;
        assert.equal((await cached.getToken(scope))?.token, "token-2", "renewed inside the margin");
        assert.equal(source.calls(), 2);
    });

    test("a failed token request is not kept: the next caller asks again", async () => {
        let calls = 0;
        const cached = cachingCredential({
            async getToken() {
                calls++;
                if (calls === 1) throw new Error("az: not logged in");
                return { token: "ok", expiresOnTimestamp: Date.now() + 3600_000 };
            },
        });
        await assert.rejects(cached.getToken("s"), /not logged in/);
        assert.equal((await cached.getToken("s"))?.token, "ok");
    });

    test("a session builds one client per endpoint, all on the session's one credential", async () => {
        const source = countingCredential({ now: () => Date.now() }, 3600_000);
        const session = createGraphSession({ credential: source.credential });
        assert.equal(session.client(), session.client(DEFAULTS.graphEndpoint));
        assert.notEqual(session.client("https://graph.microsoft.us"), session.client());
        await Promise.all([session.credential.getToken("a"), session.credential.getToken("a")]);
        assert.equal(source.calls(), 1);
        assert.throws(() => session.client("https://graph.contoso.com"), /must be one of/);
    });
});

describe("request pacing", () => {
    test("one request at a time, in call order, each 1/rate after the previous answer, whatever the concurrency", async () => {
        const clock = new SimulatedClock();
        const pacer = new RequestPacer(1, clock);
        const sent: Array<[number, number]> = [];
        const answered: number[] = [];
        await Promise.all(Array.from({ length: 5 }, async (_, caller) => {
            const done = await pacer.acquire();
            sent.push([caller, clock.now()]);
            await clock.sleep(300); // the round trip
            answered.push(clock.now());
            done();
        }));
        assert.deepEqual(sent.map(([caller]) => caller), [0, 1, 2, 3, 4]);
        assert.equal(sent[0][1], new SimulatedClock().now(), "the first request does not wait");
        for (let i = 1; i < sent.length; i++) assert.equal(sent[i][1] - answered[i - 1], 1000, `request ${i}`);
    });

    test("releasing twice does not open a second turn", async () => {
        const clock = new SimulatedClock();
        const pacer = new RequestPacer(1, clock);
        const done = await pacer.acquire();
        done();
        done();
        const before = clock.now();
        (await pacer.acquire())();
        assert.equal(clock.now() - before, 1000);
    });

    test("a caller after a quiet spell does not wait; the rate holds in every window", async () => {
        const clock = new SimulatedClock();
        const pacer = new RequestPacer(4, clock);
        (await pacer.acquire())();
        await clock.sleep(10_000);
        const before = clock.slept.length;
        (await pacer.acquire())();
        assert.equal(clock.slept.length, before, "no wait after a quiet spell");
        const times: number[] = [];
        for (let i = 0; i < 40; i++) {
            const done = await pacer.acquire();
            times.push(clock.now());
            done();
        }
        for (let i = 4; i < times.length; i++) assert.ok(times[i] - times[i - 4] >= 1000, `5 requests within a second at ${i}`);
    });

    test("only the Conditional Access and identity protection resources are paced", () => {
        for (const url of [
            "https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies",
            "https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47",
            "https://loopback.invalid/v1.0/identity/conditionalAccess/policies?$skiptoken=x",
            "https://graph.microsoft.com/v1.0/identityProtection/riskyUsers",
            "https://graph.microsoft.com/beta/riskDetections",
        ]) {
            assert.equal(isPacedRequest(url), true, url);
        }
        for (const url of ["https://graph.microsoft.com/v1.0/users/x", "https://graph.microsoft.com/v1.0/identity/conditionalAccessX"]) {
            assert.equal(isPacedRequest(url), false, url);
        }
    });

    test("a configured rate outside the limits is refused, naming the key", () => {
        assert.equal(checkRequestsPerSecond(DEFAULTS.graphRequestsPerSecond), 1);
        for (const bad of [0, LIMITS.graphRequestsPerSecond.max + 1, Number.NaN, "1"]) {
            assert.throws(() => checkRequestsPerSecond(bad, "conditionalAccess.requestsPerSecond"), /^Error: conditionalAccess\.requestsPerSecond must be a number from 0\.1 to 20/);
        }
        assert.throws(() => new RequestPacer(0), /positive/);
    });
});

describe("read cache", () => {
    test("one load while fresh, shared with concurrent callers; a new one after the lifetime", async () => {
        let now = 0;
        const cache = new ReadCache(30_000, () => now);
        let loads = 0;
        const load = async () => ++loads;
        assert.deepEqual(await Promise.all([cache.get("k", load), cache.get("k", load)]), [1, 1]);
        now = 29_999;
        assert.equal(await cache.get("k", load), 1);
        now = 30_000;
        assert.equal(await cache.get("k", load), 2);
        assert.equal(cache.loads, 2);
    });

    test("clear drops everything; a failed load is not kept", async () => {
        const cache = new ReadCache(30_000);
        let loads = 0;
        assert.equal(await cache.get("k", async () => ++loads), 1);
        cache.clear();
        assert.equal(await cache.get("k", async () => ++loads), 2);
        await assert.rejects(cache.get("f", async () => Promise.reject(new Error("503"))), /503/);
        assert.equal(await cache.get("f", async () => "again"), "again");
    });
});
