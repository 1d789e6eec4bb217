// Never more than the configured request rate: every request of a client to the Conditional Access and identity
// protection resources, retries included, waits for its own slot, slots handed out in call order and 1/rate
// seconds apart. Graph documents those resources at one request per second per tenant (all apps together) and
// answers 429 without Retry-After there; pacing keeps one process under that rate instead of learning it from
// 429s. Other resources (users, groups) have limits thousands of times higher and are not paced.
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
 * Hands out request slots at most `requestsPerSecond` per second, first come first served. Fields are set in the
 * constructor body: Pulumi's function serializer keeps constructor bodies but drops class field initializers.
 */
export class RequestPacer {
    /** Milliseconds between two slots. */
    readonly intervalMs: number;
    private nextSlot: number;

    constructor(
        readonly requestsPerSecond: number = DEFAULTS.graphRequestsPerSecond,
        private readonly clock: PacingClock = REAL_CLOCK,
    ) {
        if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
            throw new Error(`requestsPerSecond must be a positive number, got ${String(requestsPerSecond)}`);
        }
        this.intervalMs = 1000 / requestsPerSecond;
        this.nextSlot = Number.NEGATIVE_INFINITY;
    }

    /** Resolves when this caller's slot has come; later callers get later slots. */
    async acquire(): Promise<void> {
        const now = this.clock.now();
        const slot = Math.max(now, this.nextSlot);
        this.nextSlot = slot + this.intervalMs;
        if (slot > now) await this.clock.sleep(slot - now);
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
        if (isPacedRequest(url)) await this.pacer.acquire();
        await this.nextMiddleware.execute(context);
    }

    setNext(next: Middleware): void {
        this.nextMiddleware = next;
    }
}
