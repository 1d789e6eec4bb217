// Retrying throttled and unavailable Graph responses: Retry-After honoured (seconds or an HTTP date) and
// capped, otherwise bounded exponential backoff with jitter (Graph may answer 429 without Retry-After).
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

/** Status codes Graph uses for throttling and transient outages; every other status is final. */
export const RETRYABLE_STATUS_CODES: readonly number[] = [429, 503, 504];

/** How the retry middleware paces repeated attempts. */
export interface RetryOptions {
    /** Retries after the first attempt; 0 disables retrying. */
    readonly maxRetries: number;
    /** First backoff delay when the response carries no usable Retry-After. */
    readonly baseDelayMs: number;
    /** Upper bound of any single wait, Retry-After included. */
    readonly maxDelayMs: number;
}

/**
 * Production pacing: Graph throttles Conditional Access writes hard (about one request a second per tenant),
 * so up to 5 retries with waits growing from 1 s to at most a minute.
 */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60000 };

/** Missing fields of `retry` filled from the production defaults, validated. */
export function resolveRetryOptions(retry: Partial<RetryOptions> = {}): RetryOptions {
    const resolved = { ...DEFAULT_RETRY_OPTIONS, ...retry };
    const wholeNonNegative = (n: number) => Number.isInteger(n) && n >= 0;
    if (!wholeNonNegative(resolved.maxRetries) || !wholeNonNegative(resolved.baseDelayMs)) {
        throw new Error(`Retry options must be whole non-negative numbers, got ${JSON.stringify(resolved)}`);
    }
    if (!wholeNonNegative(resolved.maxDelayMs) || resolved.maxDelayMs < resolved.baseDelayMs) {
        throw new Error(`Retry option maxDelayMs must be at least baseDelayMs, got ${JSON.stringify(resolved)}`);
    }
    return resolved;
}

/**
 * Milliseconds a `Retry-After` header asks to wait: whole seconds or an HTTP date. `undefined` when the header
 * is missing or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfterMs(retryAfter: string | null | undefined, now: number): number | undefined {
    const value = retryAfter?.trim();
    if (!value) return undefined;
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retry` (0-based). A server's Retry-After wins, capped at `maxDelayMs`
 * so a hostile or buggy value cannot stall a deployment; otherwise exponential backoff with jitter, at least
 * half the nominal delay so concurrent clients spread out without retrying immediately.
 */
export function retryDelayMs(
    retryAfter: string | null | undefined,
    retry: number,
    options: RetryOptions,
    now: number = Date.now(),
    random: () => number = Math.random,
): number {
    const requested = parseRetryAfterMs(retryAfter, now);
    if (requested !== undefined) return Math.min(requested, options.maxDelayMs);
    const nominal = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
    return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/**
 * Retries throttled (429) and unavailable (503, 504) responses with bounded waits; the last response, good or
 * bad, is left in the context for the library to turn into a result or a GraphError. Used instead of the
 * library's RetryHandler, whose waits are not bounded and whose retry count is fixed per request.
 */
export class RetryMiddleware implements Middleware {
    private nextMiddleware: Middleware | undefined;

    /** `sleep` is replaceable so unit tests can observe waits without spending them. */
    constructor(
        private readonly options: RetryOptions,
        private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ) {}

    /** Runs the rest of the chain until it answers with a final status or the retries are spent. */
    async execute(context: Context): Promise<void> {
        if (!this.nextMiddleware) throw new Error("RetryMiddleware is the last middleware; it needs a next one");
        for (let retry = 0; ; retry++) {
            await this.nextMiddleware.execute(context);
            const response = context.response;
            if (!response || !RETRYABLE_STATUS_CODES.includes(response.status) || retry >= this.options.maxRetries) {
                return;
            }
            const wait = retryDelayMs(response.headers.get("Retry-After"), retry, this.options);
            // Read the refused response to the end so its connection goes back to the pool.
            await response.arrayBuffer().catch(() => undefined);
            await this.sleep(wait);
        }
    }

    /** Links the next middleware of the chain. */
    setNext(next: Middleware): void {
        this.nextMiddleware = next;
    }
}
