// One Graph session per process: one credential (its chain walked once, its token cached and shared), and one
// client per endpoint (its pacing and its read cache shared by every caller). The dynamic providers create theirs
// in the `configure` hook, which the dynamic-provider host calls once per process; the operator commands create
// one per run. Everything here is created at run time, so Pulumi's serializer never copies (and resets) it.
import type { TokenCredential } from "@azure/identity";
import { DEFAULTS } from "../policies/contract/constants";
import { createGraphClient, validateGraphEndpoint, type GraphClient } from "./client";
import { cachingCredential } from "./credential";
import type { PacingClock } from "./pacing";
import type { RetryOptions } from "./retry";

/** How to build a session. Every field is optional; the defaults are what a real run uses. */
export interface GraphSessionOptions {
    /** Source of access tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing of throttled and unavailable responses; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
    /** The most requests per second each endpoint's client sends. Defaults to DEFAULTS.graphRequestsPerSecond. */
    readonly requestsPerSecond?: number;
    /** How long cached reads are reused, in milliseconds. Defaults to DEFAULTS.policyListCacheSeconds. */
    readonly readCacheMs?: number;
    /** The clock of pacing and caching. Defaults to the real one. */
    readonly clock?: PacingClock;
}

/** The Graph state one process shares. */
export interface GraphSession {
    /** The process's one credential, with its token cache. */
    readonly credential: TokenCredential;
    /** The process's one client for `endpoint` (default: global Graph), created on first use. */
    client(endpoint?: string): GraphClient;
}

/** Creates a session; nothing is requested until a client sends a request. */
export function createGraphSession(options: GraphSessionOptions = {}): GraphSession {
    const credential = cachingCredential(options.credential);
    const clients = new Map<string, GraphClient>();
    return {
        credential,
        client(endpoint = DEFAULTS.graphEndpoint) {
            const origin = validateGraphEndpoint(endpoint);
            let client = clients.get(origin);
            if (!client) {
                client = createGraphClient({ ...options, endpoint: origin, credential });
                clients.set(origin, client);
            }
            return client;
        },
    };
}
