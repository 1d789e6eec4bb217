// The one read-only client of Azure Resource Manager (ARM) and the Log Analytics query API. azure/ knows nothing of
// Pulumi or of the commands, as graph/ for Microsoft Graph: `npm run verify` reads the diagnostic settings, the
// Sentinel rules, the action group, the log alerts and the last sign-in log through here. It only GETs ARM and POSTs
// queries (a query reads): nothing here can change a resource.
//
// The endpoints receive a bearer token, so each is validated before any token is requested: a known Azure cloud over
// https, or plain http on a loopback host (a test's fake). Throttling (429) and outages (503, 504) are retried with
// the Graph client's policy (graph/retry.ts): Retry-After honoured and capped, else bounded backoff with jitter.
import type { AccessToken, TokenCredential } from "@azure/identity";
import { cachingCredential } from "../graph/credential";
import { RETRYABLE_STATUS_CODES, resolveRetryOptions, retryDelayMs, type RetryOptions } from "../graph/retry";

/** Azure Resource Manager of each Azure cloud (public, US Government, China). */
export const ARM_ENDPOINTS = ["https://management.azure.com", "https://management.usgovcloudapi.net", "https://management.chinacloudapi.cn"] as const;

/**
 * The Log Analytics query API of each cloud, in ARM_ENDPOINTS order.
 * https://learn.microsoft.com/rest/api/loganalytics/dataaccess/query/execute
 */
export const LOG_ANALYTICS_ENDPOINTS = ["https://api.loganalytics.io", "https://api.loganalytics.us", "https://api.loganalytics.azure.cn"] as const;

/** Host names on which plain http is accepted: the request never leaves the machine. */
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/** A failed ARM or Log Analytics request: the status and Azure's error code, so callers can tell a 403 from a 404. */
export class AzureRequestError extends Error {
    /** The HTTP status (named as graph/errors.ts statusOf reads it). */
    readonly statusCode: number;
    /** Azure's error code, e.g. `AuthorizationFailed`, `InsufficientAccessError`; undefined when the body has none. */
    readonly code?: string;

    constructor(message: string, statusCode: number, code?: string) {
        super(message);
        this.name = "AzureRequestError";
        this.statusCode = statusCode;
        this.code = code;
    }
}

/** How to build the client. Every field is optional; the defaults are the public Azure cloud. */
export interface AzureClientOptions {
    /** ARM origin, e.g. `https://management.usgovcloudapi.net` or `http://127.0.0.1:8080` for a fake. Defaults to public ARM. */
    readonly armEndpoint?: string;
    /** Log Analytics origin. Defaults to the query API of the ARM endpoint's cloud (public for a loopback ARM). */
    readonly logAnalyticsEndpoint?: string;
    /** Source of access tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing; missing fields take the production defaults (graph/retry.ts DEFAULT_RETRY_OPTIONS). */
    readonly retry?: Partial<RetryOptions>;
    /** How a wait between retries is spent. Defaults to a timer; tests record the waits. */
    readonly sleep?: (ms: number) => Promise<void>;
}

/** The client: `get` and `query` are what commands/verify's AzureReaders asks for. */
export interface AzureClient {
    /** The normalized ARM origin, e.g. `https://management.azure.com`. */
    readonly armEndpoint: string;
    /** The normalized Log Analytics origin, e.g. `https://api.loganalytics.io`. */
    readonly logAnalyticsEndpoint: string;
    /** How throttled and unavailable responses are retried. */
    readonly retry: RetryOptions;
    /** GET an ARM path with its query (`/subscriptions/...?api-version=...`); the parsed body, or undefined on 404. */
    get(path: string): Promise<unknown>;
    /** Runs a KQL query on a workspace (its customer id, a GUID); the primary table's rows as objects keyed by column. */
    query(workspaceCustomerId: string, kql: string): Promise<Record<string, unknown>[]>;
}

/** The reads the typed modules (./diagnosticSettings.ts, ./sentinel.ts, ./monitor.ts, ./logAnalytics.ts) need. */
export type AzureReader = Pick<AzureClient, "get" | "query">;

function isLoopback(url: URL): boolean {
    return LOOPBACK_HOSTS.includes(url.hostname.toLowerCase());
}

/**
 * Validates an endpoint and returns its origin: one of `known` over https, or plain http on a loopback host. `what`
 * names the API in the message (`Azure Resource Manager endpoint`). The endpoint receives a bearer token, which must
 * never travel in clear text nor to anyone but Microsoft.
 */
export function validateAzureEndpoint(endpoint: string, known: readonly string[], what: string): string {
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        throw new Error(`${what} "${endpoint}" is not a URL; expected one of ${known.join(", ")}`);
    }
    const loopback = url.protocol === "http:" && isLoopback(url);
    const knownCloud = url.protocol === "https:" && known.includes(url.origin);
    if (!knownCloud && !loopback) {
        throw new Error(
            `${what} "${endpoint}" must be one of ${known.join(", ")} (or plain http on 127.0.0.1, localhost or [::1] ` +
                "for a test): it receives an access token, which must go to Microsoft only",
        );
    }
    if (url.username !== "" || url.password !== "") throw new Error(`${what} "${endpoint}" must not carry user information`);
    if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
        throw new Error(`${what} "${endpoint}" must be an origin only, e.g. ${known[0]}`);
    }
    return url.origin;
}

/**
 * The scope a token for `origin` is asked with: the cloud's own `<origin>/.default`, and for a loopback fake the public
 * cloud's, so a test sees the scope production asks for.
 */
function scopeFor(origin: string, known: readonly string[]): string {
    return `${known.includes(origin) ? origin : known[0]}/.default`;
}

/** One DefaultAzureCredential for both scopes, created on the first token request (never in the offline paths). */
function lazyDefaultCredential(): TokenCredential {
    let credential: TokenCredential | undefined;
    return {
        getToken(scopes, options): Promise<AccessToken | null> {
            // Required here, not at the top: @azure/identity is heavy and no test may ever walk its chain.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            credential ??= new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
            return credential.getToken(scopes, options);
        },
    };
}

/** Azure's error body (`{error: {code, message}}`), as far as it can be read. */
function azureErrorOf(text: string): { code?: string; message?: string } {
    try {
        const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
        return {
            code: typeof error?.code === "string" ? error.code : undefined,
            message: typeof error?.message === "string" ? error.message : undefined,
        };
    } catch {
        return {};
    }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The rows of a Log Analytics answer's first table (PrimaryResult) as objects keyed by column name. */
export function rowsOf(body: unknown): Record<string, unknown>[] {
    const table = (body as { tables?: { columns?: { name?: unknown }[]; rows?: unknown[][] }[] } | undefined)?.tables?.[0];
    if (!table || !Array.isArray(table.columns) || !Array.isArray(table.rows)) {
        throw new Error("the Log Analytics answer has no result table (expected tables[0].columns and rows)");
    }
    const names = table.columns.map((column) => String(column.name));
    return table.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]])));
}

/**
 * Builds the client. Nothing is requested until the first call; one token per scope is cached (graph/credential.ts)
 * and shared by every call of the client.
 */
export function createAzureClient(options: AzureClientOptions = {}): AzureClient {
    const armEndpoint = validateAzureEndpoint(options.armEndpoint ?? ARM_ENDPOINTS[0], ARM_ENDPOINTS, "Azure Resource Manager endpoint");
    const cloud = Math.max(0, (ARM_ENDPOINTS as readonly string[]).indexOf(armEndpoint));
    const logAnalyticsEndpoint = validateAzureEndpoint(
        options.logAnalyticsEndpoint ?? LOG_ANALYTICS_ENDPOINTS[cloud],
        LOG_ANALYTICS_ENDPOINTS,
        "Log Analytics endpoint",
    );
    const retry = resolveRetryOptions(options.retry);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const source = options.credential ?? lazyDefaultCredential();
    // One cache per scope: graph/credential.ts keeps one token, and the two APIs need two.
    const armToken = cachingCredential(source);
    const logAnalyticsToken = cachingCredential(source);
    const armScope = scopeFor(armEndpoint, ARM_ENDPOINTS);
    const logAnalyticsScope = scopeFor(logAnalyticsEndpoint, LOG_ANALYTICS_ENDPOINTS);

    /** Sends one request with retries; the final response, whatever its status. */
    async function send(url: string, init: { method: string; body?: string }, token: TokenCredential, scope: string): Promise<Response> {
        for (let attempt = 0; ; attempt++) {
            const accessToken = await token.getToken(scope);
            if (!accessToken) throw new Error(`no access token for ${scope}: the credential returned none`);
            const response = await fetch(url, {
                method: init.method,
                body: init.body,
                headers: {
                    Authorization: `Bearer ${accessToken.token}`,
                    Accept: "application/json",
                    ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}),
                },
                redirect: "error",
            });
            if (!RETRYABLE_STATUS_CODES.includes(response.status) || attempt >= retry.maxRetries) return response;
            const wait = retryDelayMs(response.headers.get("Retry-After"), attempt, retry);
            // Read the refused response to the end so its connection goes back to the pool.
            await response.arrayBuffer().catch(() => undefined);
            await sleep(wait);
        }
    }

    /** The failure of `method what`: status, Azure's code and message, and whether the retries were spent. */
    async function failure(api: string, method: string, what: string, response: Response): Promise<AzureRequestError> {
        const text = await response.text().catch(() => "");
        const { code, message } = azureErrorOf(text);
        const gaveUp = RETRYABLE_STATUS_CODES.includes(response.status) ? ` (gave up after ${retry.maxRetries} retries)` : "";
        return new AzureRequestError(
            `${api}: ${method} ${what} failed with HTTP ${response.status}${code ? ` ${code}` : ""}${gaveUp}` +
                `${message ? `: ${message}` : ""}`,
            response.status,
            code,
        );
    }

    return {
        armEndpoint,
        logAnalyticsEndpoint,
        retry,
        async get(path: string): Promise<unknown> {
            // A path, never a URL: the token goes to the validated origin only, whatever a nextLink said.
            if (!path.startsWith("/") || path.startsWith("//") || !/[?&]api-version=[^&]+/.test(path)) {
                throw new Error(`Azure Resource Manager path "${path}" must start with "/" and carry an api-version`);
            }
            const response = await send(armEndpoint + path, { method: "GET" }, armToken, armScope);
            if (response.status === 404) {
                await response.arrayBuffer().catch(() => undefined);
                return undefined;
            }
            if (!response.ok) throw await failure("Azure Resource Manager", "GET", path, response);
            return response.json();
        },
        async query(workspaceCustomerId: string, kql: string): Promise<Record<string, unknown>[]> {
            if (!GUID.test(workspaceCustomerId)) {
                throw new Error(`Log Analytics workspace id "${workspaceCustomerId}" must be the workspace's customer id (a GUID)`);
            }
            const path = `/v1/workspaces/${workspaceCustomerId.toLowerCase()}/query`;
            const response = await send(
                logAnalyticsEndpoint + path,
                { method: "POST", body: JSON.stringify({ query: kql }) },
                logAnalyticsToken,
                logAnalyticsScope,
            );
            if (!response.ok) throw await failure("Log Analytics", "POST", path, response);
            return rowsOf(await response.json());
        },
    };
}

