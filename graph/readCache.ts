// Reads shared within one process: a collection listed once serves every caller for a short while (the
// exclusions of a refresh all read one paged listing of the policies), and any write through the same client
// drops every cached read, so nothing is served from before a change this process made.
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

/**
 * Cached reads of one client, each kept `ttlMs` at most and dropped by any write. Fields are set in the
 * constructor body: Pulumi's function serializer keeps constructor bodies but drops class field initializers.
 */
export class ReadCache {
    private readonly entries: Map<string, { readonly at: number; readonly value: Promise<unknown> }>;
    /** Loads actually started (cache misses), for measurements. */
    loads: number;

    constructor(
        readonly ttlMs: number,
        private readonly now: () => number = Date.now,
    ) {
        this.entries = new Map();
        this.loads = 0;
    }

    /**
     * The cached value of `key`, or `load()`'s, shared by every caller while it is in flight and for `ttlMs` after
     * it started. A failed load is not kept: the next caller tries again.
     */
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
        const entry = this.entries.get(key);
        if (entry && this.now() - entry.at < this.ttlMs) return entry.value as Promise<T>;
        this.loads++;
        const value = load();
        const stored = { at: this.now(), value };
        this.entries.set(key, stored);
        value.catch(() => {
            if (this.entries.get(key) === stored) this.entries.delete(key);
        });
        return value;
    }

    /** Drops every cached read. */
    clear(): void {
        this.entries.clear();
    }
}

/**
 * POSTs that only read: Conditional Access What-If (`/identity/conditionalAccess/evaluate`) and directory object lookup
 * (`/directoryObjects/getByIds`). They change nothing, so they keep the cache.
 */
const READ_ONLY_POSTS = [/\/identity\/conditionalAccess\/evaluate(?:\?|$)/, /\/directoryObjects\/getByIds(?:\?|$)/];

/** The request's URL as a string, whatever form the library hands it in. */
function requestUrl(context: Context): string {
    const request = context.request as unknown;
    return typeof request === "string" ? request : ((request as { url?: string } | undefined)?.url ?? "");
}

/**
 * Clears a ReadCache when any request other than GET (a write) passes, before it is sent and once it is answered;
 * the read-only POSTs (READ_ONLY_POSTS) pass like GETs.
 */
export class WriteInvalidationMiddleware implements Middleware {
    private nextMiddleware: Middleware | undefined;

    constructor(private readonly cache: ReadCache) {}

    async execute(context: Context): Promise<void> {
        if (!this.nextMiddleware) throw new Error("WriteInvalidationMiddleware needs a next middleware");
        const method = (context.options?.method ?? "GET").toUpperCase();
        if (method === "GET" || method === "HEAD") return this.nextMiddleware.execute(context);
        if (method === "POST" && READ_ONLY_POSTS.some((pattern) => pattern.test(requestUrl(context)))) return this.nextMiddleware.execute(context);
        this.cache.clear();
        try {
            await this.nextMiddleware.execute(context);
        } finally {
            // A listing that started while the write was in flight may hold the state from before it.
            this.cache.clear();
        }
    }

    setNext(next: Middleware): void {
        this.nextMiddleware = next;
    }
}
