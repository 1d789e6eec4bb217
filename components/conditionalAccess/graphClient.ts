// A Microsoft Graph client for the Conditional Access exclusions: the library's own middleware chain with a
// retry middleware of our own (bounded, honours Retry-After), an endpoint that is validated before any token is
// requested, and nextLink paging that also works against a loopback fake.
//
// Everything here runs inside a Pulumi dynamic provider, whose functions Pulumi serializes by value: keep the
// code free of module-level state and of Node built-in imports (only node_modules packages are re-required).
import { GRAPH_ENDPOINTS } from "../../common/constants";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
    AuthenticationHandler,
    Client,
    HTTPMessageHandler,
    RedirectHandler,
    TelemetryHandler,
    type Context,
    type Middleware,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";

/** The global Microsoft Graph endpoint, used when none is configured. */
export const DEFAULT_GRAPH_ENDPOINT = GRAPH_ENDPOINTS[0];

/** The Graph API version every request uses. Conditional Access policies are stable in v1.0. */
export const GRAPH_API_VERSION = "v1.0";

/** Microsoft Graph endpoints of the national clouds, for reference in messages and docs. */
export const NATIONAL_CLOUD_GRAPH_ENDPOINTS = GRAPH_ENDPOINTS.slice(1);

/** Host names on which plain http is accepted: the request never leaves the machine. */
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/**
 * Stand-in https origin under which requests to a loopback http endpoint travel through the middleware chain.
 * The library's AuthenticationHandler attaches a token only to https URLs on a Graph host or a custom host, so
 * a loopback endpoint is addressed as this origin (listed in customHosts) and the last middleware maps it to
 * the real http origin. `.invalid` never resolves (RFC 6761): should the mapping ever be skipped, the request
 * fails instead of leaving the machine.
 */
const LOOPBACK_STAND_IN_ORIGIN = "https://loopback.invalid";

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

/** How to build a Graph client. Every field is optional; the defaults are what a real `pulumi up` uses. */
export interface GraphClientOptions {
    /** Graph origin, e.g. `https://graph.microsoft.us` or `http://127.0.0.1:8080` for a fake. Defaults to global Graph. */
    readonly endpoint?: string;
    /** Source of access tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
}

/** A Graph client bound to one validated endpoint. */
export interface GraphClient {
    /** The normalized endpoint origin, e.g. `https://graph.microsoft.com`. */
    readonly endpoint: string;
    /** The library client; paths given to `api()` are relative to `<endpoint>/v1.0`. */
    readonly client: Client;
}

/** One page of a Graph collection, as Graph returns it. */
interface CollectionPage<T> {
    readonly value?: T[];
    readonly "@odata.nextLink"?: string;
}

/** `true` for an http(s) URL whose host is a loopback address. */
function isLoopbackHost(url: URL): boolean {
    return LOOPBACK_HOSTS.includes(url.hostname.toLowerCase());
}

/**
 * Validates a Graph endpoint and returns its normalized origin (no trailing slash). Refuses anything but https,
 * except http on a loopback host: the endpoint receives a bearer token, which must never travel in clear text.
 */
export function validateGraphEndpoint(endpoint: string): string {
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        throw new Error(`Graph endpoint "${endpoint}" is not a URL; expected e.g. ${DEFAULT_GRAPH_ENDPOINT}`);
    }
    const secure = url.protocol === "https:";
    const loopback = url.protocol === "http:" && isLoopbackHost(url);
    if (!secure && !loopback) {
        throw new Error(
            `Graph endpoint "${endpoint}" must use https (http is accepted only on 127.0.0.1, localhost or [::1]): ` +
                "it receives an access token, which must never travel in clear text",
        );
    }
    if (url.username !== "" || url.password !== "") {
        throw new Error(`Graph endpoint "${endpoint}" must not carry user information`);
    }
    if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
        throw new Error(
            `Graph endpoint "${endpoint}" must be an origin only, e.g. ${DEFAULT_GRAPH_ENDPOINT}; ` +
                `the API version (${GRAPH_API_VERSION}) is added by the client`,
        );
    }
    return url.origin;
}

/** The OAuth scope that asks for a token for `endpoint` (`<endpoint>/.default`). */
export function graphScope(endpoint: string): string {
    return `${validateGraphEndpoint(endpoint)}/.default`;
}

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

/**
 * Sends requests addressed to the stand-in origin to the real loopback http origin. Sits right before
 * HTTPMessageHandler, so every middleware before it (authentication included) sees an https URL.
 */
class LoopbackOriginMiddleware implements Middleware {
    private nextMiddleware: Middleware | undefined;

    constructor(private readonly loopbackOrigin: string) {}

    async execute(context: Context): Promise<void> {
        if (!this.nextMiddleware) throw new Error("LoopbackOriginMiddleware needs a next middleware");
        const addressed = context.request;
        if (typeof addressed === "string" && addressed.startsWith(`${LOOPBACK_STAND_IN_ORIGIN}/`)) {
            context.request = this.loopbackOrigin + addressed.slice(LOOPBACK_STAND_IN_ORIGIN.length);
        }
        try {
            await this.nextMiddleware.execute(context);
        } finally {
            // Retries and redirects run this middleware again with the URL as the chain addressed it.
            context.request = addressed;
        }
    }

    setNext(next: Middleware): void {
        this.nextMiddleware = next;
    }
}

/** `true` when a cached token is still good for the next few minutes (Graph requests may wait for retries). */
function isFresh(token: AccessToken | undefined, now: number): token is AccessToken {
    const marginMs = 5 * 60 * 1000;
    return token !== undefined && token.expiresOnTimestamp - marginMs > now;
}

/**
 * Wraps a credential (or, when none is given, a `DefaultAzureCredential` created on the first request) with a
 * token cache: the auth handler asks for a token on every request, and some credentials (Azure CLI) spawn a
 * process each time. Nothing is created or requested until a request is made.
 */
export function cachingCredential(credential?: TokenCredential): TokenCredential {
    let source = credential;
    // One entry is enough: a client asks for one scope. A plain variable, not a Map, because Pulumi
    // serializes this closure into the dynamic provider.
    let cached: { readonly scopes: string; readonly token: AccessToken } | undefined;
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            const key = ([] as string[]).concat(scopes).join(" ");
            if (cached?.scopes === key && isFresh(cached.token, Date.now())) return cached.token;
            // Required here, not at the top: @azure/identity is the heaviest module of the program's start-up,
            // and neither the offline plan nor the tests ever ask for a real token.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            source ??= new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
            const token = await source.getToken(scopes, options);
            cached = token ? { scopes: key, token } : undefined;
            return token;
        },
    };
}

/** Builds a Graph client for one endpoint: authentication, retries, redirects, telemetry, then the network. */
export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
    const endpoint = validateGraphEndpoint(options.endpoint ?? DEFAULT_GRAPH_ENDPOINT);
    const url = new URL(endpoint);
    const loopbackHttp = url.protocol === "http:";
    const authProvider = new TokenCredentialAuthenticationProvider(cachingCredential(options.credential), {
        scopes: [graphScope(endpoint)],
    });
    const middleware: Middleware[] = [
        new AuthenticationHandler(authProvider),
        new RetryMiddleware(resolveRetryOptions(options.retry)),
        new RedirectHandler(),
        new TelemetryHandler(),
        ...(loopbackHttp ? [new LoopbackOriginMiddleware(endpoint)] : []),
        new HTTPMessageHandler(),
    ];
    const baseOrigin = loopbackHttp ? LOOPBACK_STAND_IN_ORIGIN : endpoint;
    const client = Client.initWithMiddleware({
        baseUrl: `${baseOrigin}/`,
        defaultVersion: GRAPH_API_VERSION,
        middleware,
        // Graph's own hosts are known to the library; any other host must be listed or it gets no token.
        customHosts: new Set([new URL(baseOrigin).hostname]),
    });
    return { endpoint, client };
}

/**
 * Splits an absolute `@odata.nextLink` on `endpoint` into the API version and the path (with query) that
 * `client.api()` takes. Refuses a link to any other origin: following it would send the token elsewhere.
 */
export function nextLinkRequestPath(endpoint: string, nextLink: string): { version: string; path: string } {
    let url: URL;
    try {
        url = new URL(nextLink);
    } catch {
        throw new Error(`@odata.nextLink "${nextLink}" is not an absolute URL`);
    }
    if (url.origin !== validateGraphEndpoint(endpoint)) {
        throw new Error(`@odata.nextLink "${nextLink}" leaves the Graph endpoint ${endpoint}; refusing to follow it`);
    }
    const match = /^\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) throw new Error(`@odata.nextLink "${nextLink}" has no API version in its path`);
    return { version: match[1], path: match[2] + url.search };
}

/**
 * Every item of a Graph collection, following `@odata.nextLink` until the last page. Links are turned into
 * paths on the configured endpoint rather than given to the library as URLs: its PageIterator does not handle
 * http links, and a path cannot send the token anywhere else.
 */
export async function getAllPages<T>(graph: GraphClient, path: string, maxPages = 1000): Promise<T[]> {
    const items: T[] = [];
    let page = (await graph.client.api(path).get()) as CollectionPage<T>;
    for (let pages = 1; ; pages++) {
        items.push(...(page.value ?? []));
        const nextLink = page["@odata.nextLink"];
        if (!nextLink) return items;
        if (pages >= maxPages) throw new Error(`GET ${path}: more than ${maxPages} pages; refusing to continue`);
        const next = nextLinkRequestPath(graph.endpoint, nextLink);
        page = (await graph.client.api(next.path).version(next.version).get()) as CollectionPage<T>;
    }
}
