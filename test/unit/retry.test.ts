// Retry pacing of Graph calls (graph/retry.ts): Retry-After honoured and capped, bounded exponential backoff
// with jitter otherwise, and the middleware's loop, observed through a fake next middleware and a fake sleep.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import {
    DEFAULT_RETRY_OPTIONS,
    RETRYABLE_STATUS_CODES,
    RetryMiddleware,
    parseRetryAfterMs,
    resolveRetryOptions,
    retryDelayMs,
    type RetryOptions,
} from "../../graph/retry";

const options: RetryOptions = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60000 };
const now = Date.parse("2025-06-01T12:00:00Z");

describe("retry pacing", () => {
    test("Retry-After in seconds or as an HTTP date, capped at maxDelayMs", () => {
        assert.equal(parseRetryAfterMs("7", now), 7000);
        assert.equal(parseRetryAfterMs(" 7 ", now), 7000);
        assert.equal(parseRetryAfterMs("Sun, 01 Jun 2025 12:00:30 GMT", now), 30000);
        assert.equal(parseRetryAfterMs("Sun, 01 Jun 2025 11:00:00 GMT", now), 0);
        assert.equal(parseRetryAfterMs("soon", now), undefined);
        assert.equal(parseRetryAfterMs("", now), undefined);
        assert.equal(parseRetryAfterMs(null, now), undefined);
        assert.equal(retryDelayMs("7", 0, options, now), 7000);
        assert.equal(retryDelayMs("3600", 0, options, now), 60000);
    });

    test("without Retry-After: exponential backoff with jitter, bounded", () => {
        assert.equal(retryDelayMs(null, 0, options, now, () => 0), 500);
        assert.equal(retryDelayMs(null, 0, options, now, () => 1), 1000);
        assert.equal(retryDelayMs(null, 3, options, now, () => 1), 8000);
        assert.equal(retryDelayMs("soon", 10, options, now, () => 1), 60000);
        assert.equal(retryDelayMs(undefined, 10, options, now, () => 0), 30000, "at least half the nominal delay");
    });

    test("production defaults: 5 retries from 1 s to at most a minute, on 429, 503 and 504 only", () => {
        assert.deepEqual(DEFAULT_RETRY_OPTIONS, { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60000 });
        assert.deepEqual(RETRYABLE_STATUS_CODES, [429, 503, 504]);
    });

    test("resolveRetryOptions fills missing fields from the defaults and refuses nonsense", () => {
        assert.deepEqual(resolveRetryOptions(), DEFAULT_RETRY_OPTIONS);
        assert.deepEqual(resolveRetryOptions({ maxRetries: 0 }), { ...DEFAULT_RETRY_OPTIONS, maxRetries: 0 });
        assert.throws(() => resolveRetryOptions({ maxRetries: -1 }), /whole non-negative numbers/);
        assert.throws(() => resolveRetryOptions({ baseDelayMs: 1.5 }), /whole non-negative numbers/);
        assert.throws(() => resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 50 }), /maxDelayMs must be at least baseDelayMs/);
    });
});

/** A next middleware that answers the given statuses in turn (the last one repeats). */
function answering(statuses: number[], retryAfter?: string): Middleware & { calls: number; drained: number } {
    const next = {
        calls: 0,
        drained: 0,
        async execute(context: Context) {
            const status = statuses[Math.min(next.calls, statuses.length - 1)];
            next.calls++;
            context.response = {
                status,
                headers: new Headers(retryAfter ? { "Retry-After": retryAfter } : {}),
                arrayBuffer: async () => {
                    next.drained++;
                    return new ArrayBuffer(0);
                },
            } as unknown as Response;
        },
        setNext() {},
    };
    return next;
}

function middleware(statuses: number[], retry: RetryOptions, retryAfter?: string) {
    const waits: number[] = [];
    const retrying = new RetryMiddleware(retry, async (ms) => {
        waits.push(ms);
    });
    const next = answering(statuses, retryAfter);
    retrying.setNext(next);
    return { retrying, next, waits };
}

describe("RetryMiddleware", () => {
    test("retries 429, 503 and 504 until a final status, waiting between attempts", async () => {
        const { retrying, next, waits } = middleware([429, 503, 504, 200], { maxRetries: 5, baseDelayMs: 10, maxDelayMs: 40 });
        const context = { request: "https://graph.microsoft.com/v1.0/x", options: {} } as Context;
        await retrying.execute(context);
        assert.equal(context.response?.status, 200);
        assert.equal(next.calls, 4);
        assert.equal(waits.length, 3);
        waits.forEach((wait, retry) => {
            const nominal = Math.min(40, 10 * 2 ** retry);
            assert.ok(wait >= nominal / 2 && wait <= nominal, `retry ${retry} waited ${wait}`);
        });
        assert.equal(next.drained, 3, "every refused response is read to the end");
    });

    test("honours Retry-After, capped at maxDelayMs", async () => {
        const { retrying, waits } = middleware([429, 200], { maxRetries: 5, baseDelayMs: 10, maxDelayMs: 2000 }, "1");
        await retrying.execute({ request: "x", options: {} } as Context);
        assert.deepEqual(waits, [1000]);
        const capped = middleware([429, 200], { maxRetries: 5, baseDelayMs: 10, maxDelayMs: 500 }, "3600");
        await capped.retrying.execute({ request: "x", options: {} } as Context);
        assert.deepEqual(capped.waits, [500]);
    });

    test("stops after maxRetries and leaves the last refusal for the caller", async () => {
        const { retrying, next, waits } = middleware([503], { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 });
        const context = { request: "x", options: {} } as Context;
        await retrying.execute(context);
        assert.equal(context.response?.status, 503);
        assert.deepEqual([next.calls, waits.length], [3, 2]);
    });

    test("does not retry any other status", async () => {
        for (const status of [200, 204, 400, 401, 403, 404, 409, 500, 502]) {
            const { retrying, next, waits } = middleware([status], options);
            await retrying.execute({ request: "x", options: {} } as Context);
            assert.deepEqual([next.calls, waits.length], [1, 0], String(status));
        }
    });

    test("refuses to run without a next middleware", async () => {
        await assert.rejects(new RetryMiddleware(options).execute({ request: "x", options: {} } as Context), /needs a next one/);
    });
});
