// The one Microsoft Graph client of the project: the library's own middleware chain with a retry middleware
// of our own (./retry.ts), request pacing (./pacing.ts), a read cache that writes clear (./readCache.ts), a token
// cache (./credential.ts), and an endpoint that is validated before any token is requested. graph/ knows nothing
// of Pulumi: the program, the dynamic providers and the operator commands all call Graph through here, and a
// process keeps one client per endpoint in its session (./session.ts).
//
// Dynamic providers run this code after Pulumi serialized it by value: keep it free of module-level mutable
// state and of Node built-in imports (only node_modules packages are re-required).
import type { TokenCredential } from "@azure/identity";
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
import { DEFAULTS, GRAPH_ENDPOINTS } from "../policies/contract/constants";
import { cachingCredential } from "./credential";
import { PacingMiddleware, REAL_CLOCK, RequestPacer, type PacingClock } from "./pacing";
import { ReadCache, WriteInvalidationMiddleware } from "./readCache";
import { RetryMiddleware, resolveRetryOptions, type RetryOptions } from "./retry";

/** The Graph API version every request uses. Conditional Access policies are stable in v1.0. */
const GRAPH_API_VERSION = "v1.0";

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

/** How to build a Graph client. Every field is optional; the defaults are what a real `pulumi up` uses. */
export interface GraphClientOptions {
    /** Graph origin, e.g. `https://graph.microsoft.us` or `http://127.0.0.1:8080` for a fake. Defaults to global Graph. */
    readonly endpoint?: string;
    /** Source of access tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
    /** The most requests per second this client sends, retries included. Defaults to DEFAULTS.graphRequestsPerSecond. */
    readonly requestsPerSecond?: number;
    /** How long cached reads (./readCache.ts) are reused, in milliseconds. Defaults to DEFAULTS.policyListCacheSeconds. */
    readonly readCacheMs?: number;
    /** The clock of pacing and the read cache. Defaults to the real one; tests simulate time. */
    readonly clock?: PacingClock;
}

/** A Graph client bound to one validated endpoint. */
export interface GraphClient {
    /** The normalized endpoint origin, e.g. `https://graph.microsoft.com`. */
    readonly endpoint: string;
    /** The library client; paths given to `api()` are relative to `<endpoint>/v1.0`. */
    readonly client: Client;
    /** How throttled and unavailable responses are retried; errors say when the retries were spent. */
    readonly retry: RetryOptions;
    /** The rate every request of this client keeps to. */
    readonly pacer: RequestPacer;
    /** Reads this client shares between callers for a short while; any write through the client clears it. */
    readonly reads: ReadCache;
}

/** `true` for an http(s) URL whose host is a loopback address. */
function isLoopbackHost(url: URL): boolean {
    return LOOPBACK_HOSTS.includes(url.hostname.toLowerCase());
}

/**
 * Validates a Graph endpoint and returns its normalized origin (no trailing slash). The one rule: a Microsoft
 * Graph cloud of GRAPH_ENDPOINTS over https, or plain http on a loopback host (a test's fake Graph). The
 * endpoint receives a bearer token, which must never travel in clear text nor to anyone but Microsoft.
 */
export function validateGraphEndpoint(endpoint: string): string {
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        throw new Error(`Graph endpoint "${endpoint}" is not a URL; expected one of ${GRAPH_ENDPOINTS.join(", ")}`);
    }
    const loopback = url.protocol === "http:" && isLoopbackHost(url);
    const knownCloud = url.protocol === "https:" && (GRAPH_ENDPOINTS as readonly string[]).includes(url.origin);
    if (!knownCloud && !loopback) {
        throw new Error(
            `Graph endpoint "${endpoint}" must be one of ${GRAPH_ENDPOINTS.join(", ")} (or plain http on 127.0.0.1, ` +
                "localhost or [::1] for a test): it receives an access token, which must go to Microsoft Graph only",
        );
    }
    if (url.username !== "" || url.password !== "") {
        throw new Error(`Graph endpoint "${endpoint}" must not carry user information`);
    }
    if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
        throw new Error(
            `Graph endpoint "${endpoint}" must be an origin only, e.g. ${DEFAULTS.graphEndpoint}; ` +
                `the API version (${GRAPH_API_VERSION}) is added by the client`,
        );
    }
    return url.origin;
}

/** Why `endpoint` is not a Graph endpoint this project sends a token to (validateGraphEndpoint's message), or undefined. */
export function graphEndpointProblem(endpoint: unknown): string | undefined {
    try {
        validateGraphEndpoint(typeof endpoint === "string" ? endpoint : "");
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}

/** The OAuth scope that asks for a token for `endpoint` (`<endpoint>/.default`). */
export function graphScope(endpoint: string): string {
    return `${validateGraphEndpoint(endpoint)}/.default`;
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

/**
 * Builds a Graph client for one endpoint: authentication, retries, redirects, pacing, read-cache invalidation,
 * telemetry, then the network. Pacing sits after retries and redirects, so every request that leaves keeps the rate.
 */
export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
    const endpoint = validateGraphEndpoint(options.endpoint ?? DEFAULTS.graphEndpoint);
    const url = new URL(endpoint);
    const loopbackHttp = url.protocol === "http:";
    const retry = resolveRetryOptions(options.retry);
    const clock = options.clock ?? REAL_CLOCK;
    const pacer = new RequestPacer(options.requestsPerSecond ?? DEFAULTS.graphRequestsPerSecond, clock);
    const reads = new ReadCache(options.readCacheMs ?? DEFAULTS.policyListCacheSeconds * 1000, () => clock.now());
    const authProvider = new TokenCredentialAuthenticationProvider(cachingCredential(options.credential), {
        scopes: [graphScope(endpoint)],
    });
    const middleware: Middleware[] = [
        new AuthenticationHandler(authProvider),
        new RetryMiddleware(retry),
        new RedirectHandler(),
        new PacingMiddleware(pacer),
        new WriteInvalidationMiddleware(reads),
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
    return { endpoint, client, retry, pacer, reads };
}

