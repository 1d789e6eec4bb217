// Never more than the configured request rate: every request of a client to the Conditional Access and identity
// protection resources, retries included, waits for its turn, in call order, and is sent at least 1/rate seconds
// after the previous one was ANSWERED. Graph documents those resources at one request per second per tenant (all
// apps together) and answers 429 without Retry-After there; spacing from the previous answer rather than the
// previous send keeps the requests' arrival at Graph 1/rate apart whatever the network or the event loop delays
// (a request arrives before it is answered), at the cost of one round trip per request. Other resources (users,
// groups) have limits thousands of times higher and are not paced.
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { DEFAULTS, LIMITS } from "../policies/contract/constants";

/** Time as the pacer sees it: real by default, simulated in tests. */
export interface PacingClock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: PacingClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Refuses a configured rate outside LIMITS.graphRequestsPerSecond, naming `name` (the config key or option). The
 * pacer itself takes any positive rate: tests pace a fake Graph much faster than any tenant allows.
 */
export function checkRequestsPerSecond(rate: unknown, name = "requestsPerSecond"): number {
    const { min, max } = LIMITS.graphRequestsPerSecond;
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < min || rate > max) {
        throw new Error(`${name} must be a number from ${min} to ${max} (Graph requests per second), got ${String(rate)}`);
    }
    return rate;
}

/**
 * Gives one request at a time its turn, first come first served, each at least 1/rate seconds after the previous
 * one's answer. Fields are set in the constructor body: Pulumi's function serializer keeps constructor bodies but
 * drops class field initializers.
 */
export class RequestPacer {
    /** Milliseconds between an answer and the next request. */
    readonly intervalMs: number;
    private nextSlot: number;
    /** Settles when the request holding the turn is answered. */
    private turn: Promise<void>;

    constructor(
        readonly requestsPerSecond: number = DEFAULTS.graphRequestsPerSecond,
        private readonly clock: PacingClock = REAL_CLOCK,
    ) {
        if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
            throw new Error(`requestsPerSecond must be a positive number, got ${String(requestsPerSecond)}`);
        }
        this.intervalMs = 1000 / requestsPerSecond;
        this.nextSlot = Number.NEGATIVE_INFINITY;
        this.turn = Promise.resolve();
    }

    /**
     * Resolves when this caller may send: the previous request was answered `intervalMs` ago. Call the returned
     * function once the request is answered (or failed); until then, nobody else may send.
     */
    async acquire(): Promise<() => void> {
        const previous = this.turn;
        let release!: () => void;
        this.turn = new Promise<void>((resolve) => (release = resolve));
        await previous;
        const wait = this.nextSlot - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        let released = false;
        return () => {
            if (released) return;
            released = true;
            this.nextSlot = this.clock.now() + this.intervalMs;
            release();
        };
    }
}

/**
 * Paths (after the API version) under Graph's "identity protection and conditional access" limit: Conditional
 * Access policies and named locations, risk detections, risky users and their history.
 */
export const PACED_PATH_PREFIXES: readonly string[] = ["/identity/conditionalAccess", "/identityProtection", "/riskDetections", "/riskyUsers"];

/** `true` when a request URL addresses a resource under the paced limit. */
export function isPacedRequest(url: string): boolean {
    let pathname: string;
    try {
        pathname = new URL(url).pathname;
    } catch {
        return true; // Unknown shape: pace it rather than risk the tenant-wide limit.
    }
    const withoutVersion = pathname.replace(/^\/[^/]+/, "");
    return PACED_PATH_PREFIXES.some((prefix) => withoutVersion === prefix || withoutVersion.startsWith(`${prefix}/`));
}

/** Waits for a pacer slot before every paced request that reaches it (place it after the retry middleware). */
export class PacingMiddleware implements Middleware {
    private nextMiddleware: Middleware | undefined;

    constructor(private readonly pacer: RequestPacer) {}

    async execute(context: Context): Promise<void> {
        if (!this.nextMiddleware) throw new Error("PacingMiddleware needs a next middleware");
        const url = typeof context.request === "string" ? context.request : context.request.url;
        const answered = isPacedRequest(url) ? await this.pacer.acquire() : undefined;
        try {
            await this.nextMiddleware.execute(context);
        } finally {
            answered?.();
        }
    }

    setNext(next: Middleware): void {
        this.nextMiddleware = next;
    }
}
