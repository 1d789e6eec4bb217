// A fake Microsoft Graph for the Conditional Access policy endpoints and the emergency users' password and
// sign-in state, served over real HTTP on 127.0.0.1 so the
// real Graph client library (middleware, paging, error handling) runs unmodified. It is stricter than Graph
// where strictness catches bugs: a PATCH replaces every object it names wholesale, and every request must carry
// the expected bearer token. Faults (throttling, outages, concurrent writers, deletions) are injected per policy,
// and a tenant-wide throttle answers 429 without Retry-After above a request rate, as Graph does for Conditional
// Access (about one request per second per tenant).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";

/** The bearer token tests hand to the client through a fake credential; the fake accepts no other. */
export const FAKE_GRAPH_TOKEN = "fake-graph-token-not-a-jwt";

/** Fault target for the policy list (`GET .../policies`) rather than one policy. */
export const LIST_TARGET = "<list>";

const POLICIES_PATH = "/v1.0/identity/conditionalAccess/policies";

/** A stored policy the fake (or a test's concurrent writer) may change in place. */
export type MutablePolicy = Record<string, any>;

/** One request as the fake received it. */
export interface RecordedRequest {
    readonly method: string;
    /** Path and query, e.g. `/v1.0/identity/conditionalAccess/policies/<id>`. */
    readonly path: string;
    /** Parsed JSON body, or undefined when there was none. */
    readonly body: unknown;
    readonly headers: IncomingHttpHeaders;
    /** `true` when the Authorization header carried the expected token. */
    readonly authorized: boolean;
    /** When the request arrived (performance.now(), milliseconds). */
    readonly receivedAt: number;
    /** Status the fake answered with. */
    status: number;
}

/** A fault injected for one policy (or LIST_TARGET). */
export type Fault =
    /** Answer `status` to the next `times` matching requests, with a Retry-After header when given. */
    | {
          readonly kind: "status";
          readonly status: number;
          readonly times: number;
          readonly retryAfter?: string;
          readonly method?: string;
      }
    /** Answer 503 to every matching request, forever. */
    | { readonly kind: "neverRecovers"; readonly method?: string }
    /**
     * Another writer changes the policy right after the fake answered the `afterCount`-th `afterMethod` request
     * for it (so between the client's read and its write), once, or after every such request when `repeat`.
     */
    | {
          readonly kind: "concurrentWrite";
          readonly afterMethod: "GET" | "PATCH";
          readonly afterCount: number;
          readonly mutate: (policy: MutablePolicy) => void;
          readonly repeat?: boolean;
      }
    /**
     * Someone deletes the policy right after the fake answered the `afterCount`-th `afterMethod` request for it
     * (a list page that holds the policy counts as a GET of it): a policy deleted mid-run.
     */
    | { readonly kind: "concurrentDelete"; readonly afterMethod: "GET" | "PATCH"; readonly afterCount: number };

/** A user of the fake tenant. The fake keeps its current password so tests can compare; Graph never returns it. */
export interface FakeUser {
    readonly id: string;
    readonly userPrincipalName: string;
    accountEnabled: boolean;
    /** Graph's format; undefined until a password is set. */
    lastPasswordChangeDateTime?: string;
    /** The password last set, for assertions only: no response ever carries it. */
    password?: string;
}

const USERS_PATH = "/v1.0/users";

/** How to start the fake. */
export interface FakeGraphOptions {
    /** The tenant's policies, in list order. Deep-copied. */
    readonly policies: readonly ConditionalAccessPolicy[];
    /** The tenant's users (emergency accounts), by object id. Defaults to none. */
    readonly users?: readonly { readonly id: string; readonly userPrincipalName: string; readonly accountEnabled?: boolean }[];
    /** Policies per list page. Defaults to 100. */
    readonly pageSize?: number;
    /** The bearer token to accept. Defaults to FAKE_GRAPH_TOKEN. */
    readonly token?: string;
    /** Conditional Access requests per rolling second accepted before 429 without Retry-After. Defaults to no limit. */
    readonly requestsPerSecond?: number;
}

/**
 * Slack of the throttle's rolling second: two requests a client sends exactly 1/rate apart may arrive a few
 * milliseconds closer on a busy machine; that jitter is not a client exceeding the rate.
 */
export const THROTTLE_JITTER_MS = 25;

interface FaultState {
    readonly fault: Fault;
    remaining: number;
    seen: number;
}

/** Graph's error body. */
function graphError(code: string, message: string): string {
    return JSON.stringify({
        error: { code, message, innerError: { date: new Date().toISOString(), "request-id": randomUUID() } },
    });
}

/** Graph's error code for a status, as far as these tests need one. */
function errorCode(status: number): string {
    const codes: Record<number, string> = {
        400: "BadRequest",
        401: "InvalidAuthenticationToken",
        404: "ResourceNotFound",
        405: "MethodNotAllowed",
        429: "TooManyRequests",
        503: "serviceUnavailable",
        504: "gatewayTimeout",
    };
    return codes[status] ?? "UnknownError";
}

/** Fields Graph computes; a PATCH that sends them is refused. */
const READ_ONLY_FIELDS = ["id", "createdDateTime", "modifiedDateTime"];

/** A fake Microsoft Graph (Conditional Access policies only) on 127.0.0.1. */
export class FakeGraph {
    /** Every request received, in order, faulted ones included. */
    readonly requests: RecordedRequest[] = [];
    /** Every password value received in a PATCH of passwordProfile, in order, faulted requests included. */
    readonly receivedPasswords: string[] = [];
    private readonly users = new Map<string, FakeUser>();
    private readonly stored: MutablePolicy[];
    private readonly faults = new Map<string, FaultState[]>();
    private readonly pageSize: number;
    private readonly token: string;
    private lastModified = 0;
    private requestsPerSecond: number | undefined;
    /** Arrival times of the Conditional Access requests the throttle let through. */
    private readonly accepted: number[] = [];

    private constructor(
        private readonly server: Server,
        /** Origin of the fake, e.g. `http://127.0.0.1:49152`; give it to the client as its Graph endpoint. */
        readonly endpoint: string,
        options: FakeGraphOptions,
    ) {
        this.stored = structuredClone([...options.policies]) as MutablePolicy[];
        this.pageSize = options.pageSize ?? 100;
        this.token = options.token ?? FAKE_GRAPH_TOKEN;
        this.requestsPerSecond = options.requestsPerSecond;
        for (const user of options.users ?? []) {
            this.users.set(user.id.toLowerCase(), { id: user.id, userPrincipalName: user.userPrincipalName, accountEnabled: user.accountEnabled ?? true });
        }
    }

    /** Starts a fake on a free port of 127.0.0.1. */
    static async start(options: FakeGraphOptions): Promise<FakeGraph> {
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        const fake = new FakeGraph(server, `http://127.0.0.1:${port}`, options);
        server.on("request", (req: IncomingMessage, res: ServerResponse) => {
            fake.handle(req, res).catch((error: unknown) => {
                res.writeHead(500, { "Content-Type": "application/json" });
                res.end(graphError("InternalServerError", String(error)));
            });
        });
        return fake;
    }

    /** Stops the server, dropping kept-alive connections. */
    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    }

    /** Injects a fault for the policy `target` (or LIST_TARGET). */
    inject(target: string, fault: Fault): void {
        const remaining = fault.kind === "status" ? fault.times : Number.POSITIVE_INFINITY;
        this.faults.set(target, [...(this.faults.get(target) ?? []), { fault, remaining, seen: 0 }]);
    }

    /** A deep copy of the stored policy. */
    policy(id: string): MutablePolicy {
        const found = this.stored.find((policy) => policy.id === id);
        if (!found) throw new Error(`fake Graph has no policy ${id}`);
        return structuredClone(found);
    }

    /** Deep copies of every stored policy, in list order. */
    policies(): MutablePolicy[] {
        return structuredClone(this.stored);
    }

    /** Throttles Conditional Access requests above `requestsPerSecond` (429 without Retry-After); undefined lifts it. */
    throttle(requestsPerSecond: number | undefined): void {
        this.requestsPerSecond = requestsPerSecond;
    }

    /** Creates a policy as someone in the portal would: appended to the list, with Graph's timestamps. */
    addPolicy(policy: ConditionalAccessPolicy): MutablePolicy {
        if (this.stored.some((stored) => stored.id === policy.id)) throw new Error(`fake Graph already has policy ${policy.id}`);
        const created = structuredClone(policy) as MutablePolicy;
        created.modifiedDateTime = this.nextModifiedDateTime();
        created.createdDateTime ??= created.modifiedDateTime;
        this.stored.push(created);
        return structuredClone(created);
    }

    /** Deletes a policy as someone in the portal would. */
    deletePolicy(id: string): void {
        const index = this.stored.findIndex((policy) => policy.id === id);
        if (index < 0) throw new Error(`fake Graph has no policy ${id}`);
        this.stored.splice(index, 1);
    }

    /** `true` while the fake holds the policy. */
    hasPolicy(id: string): boolean {
        return this.stored.some((policy) => policy.id === id);
    }

    /** The Conditional Access requests (list and single policies) received, throttled ones included. */
    conditionalAccessRequests(): RecordedRequest[] {
        return this.requests.filter((request) => request.path.startsWith(POLICIES_PATH));
    }

    /** Requests for pages of the policy list. */
    listRequests(): RecordedRequest[] {
        return this.requests.filter((request) => request.method === "GET" && request.path.split("?")[0] === POLICIES_PATH);
    }

    /** Changes a stored policy as someone in the portal would (modifiedDateTime moves). */
    edit(id: string, mutate: (policy: MutablePolicy) => void): void {
        const found = this.stored.find((policy) => policy.id === id);
        if (!found) throw new Error(`fake Graph has no policy ${id}`);
        mutate(found);
        found.modifiedDateTime = this.nextModifiedDateTime();
    }

    /** Requests with the given method, optionally only those for one policy. */
    requestsFor(method: string, policyId?: string): RecordedRequest[] {
        return this.requests.filter(
            (request) =>
                request.method === method &&
                (policyId === undefined || request.path.split("?")[0] === `${POLICIES_PATH}/${policyId}`),
        );
    }

    /** Graph's timestamp format (7 fractional digits), strictly increasing so every write is visible. */
    private nextModifiedDateTime(): string {
        this.lastModified = Math.max(Date.now(), this.lastModified + 1);
        return new Date(this.lastModified).toISOString().replace("Z", "0000Z");
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", this.endpoint);
        const method = req.method ?? "GET";
        const text = await readBody(req);
        const record: RecordedRequest = {
            method,
            path: url.pathname + url.search,
            body: text === "" ? undefined : safeJson(text),
            headers: req.headers,
            authorized: req.headers.authorization === `Bearer ${this.token}`,
            receivedAt: performance.now(),
            status: 0,
        };
        this.requests.push(record);
        const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
            record.status = status;
            const payload = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
            res.writeHead(status, { ...(payload ? { "Content-Type": "application/json" } : {}), ...headers });
            res.end(payload);
        };

        if (!record.authorized) return reply(401, graphError(errorCode(401), "Access token is missing or invalid."));
        if (url.pathname.startsWith(`${USERS_PATH}/`)) return this.handleUser(url, method, req, record.body, reply);
        if (!url.pathname.startsWith(POLICIES_PATH)) return reply(404, graphError(errorCode(404), "Unknown path."));

        if (this.throttled()) return reply(429, graphError(errorCode(429), "Too many requests (Conditional Access allows about one per second)."));
        const rest = url.pathname.slice(POLICIES_PATH.length);
        const policyId = rest.startsWith("/") ? decodeURIComponent(rest.slice(1)) : undefined;
        const target = policyId ?? LIST_TARGET;
        const fault = this.takeFault(target, method);
        if (fault) {
            const retryAfter: Record<string, string> =
                fault.kind === "status" && fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {};
            const status = fault.kind === "status" ? fault.status : 503;
            return reply(status, graphError(errorCode(status), "Injected fault."), retryAfter);
        }

        if (policyId === undefined) {
            if (rest !== "" || method !== "GET") return reply(405, graphError(errorCode(405), "Not supported."));
            const page = this.listPage(url);
            reply(200, page);
            // A page serves each policy it holds: for the writers and deleters below, that is a GET of each.
            for (const listed of page.value as MutablePolicy[]) {
                const stored = this.stored.find((policy) => policy.id === listed.id);
                if (stored) this.afterAnswer(listed.id as string, stored, "GET");
            }
            return;
        }
        const stored = this.stored.find((policy) => policy.id === policyId);
        if (!stored) return reply(404, graphError(errorCode(404), `Policy ${policyId} not found.`));
        if (method === "GET") {
            reply(200, {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity",
                ...stored,
            });
        } else if (method === "PATCH") {
            const problem = patchProblem(req, record.body);
            if (problem) return reply(400, graphError(errorCode(400), problem));
            applyPatch(stored, record.body as Record<string, unknown>);
            stored.modifiedDateTime = this.nextModifiedDateTime();
            reply(204);
        } else {
            return reply(405, graphError(errorCode(405), "Not supported."));
        }
        this.afterAnswer(policyId, stored, method);
    }

    /** A copy of a user as the fake holds it (password included, for assertions). */
    user(id: string): FakeUser {
        const found = this.users.get(id.toLowerCase());
        if (!found) throw new Error(`fake Graph has no user ${id}`);
        return { ...found };
    }

    /** Changes a user as someone in the portal would (a password reset moves lastPasswordChangeDateTime). */
    editUser(id: string, mutate: (user: FakeUser) => void): void {
        const found = this.users.get(id.toLowerCase());
        if (!found) throw new Error(`fake Graph has no user ${id}`);
        mutate(found);
    }

    /** Requests to the users endpoints with the given method. */
    userRequests(method: string): RecordedRequest[] {
        return this.requests.filter((request) => request.method === method && request.path.startsWith(`${USERS_PATH}/`));
    }

    /**
     * `GET /users/{id}` (with `$select`) and `PATCH /users/{id}` of `passwordProfile` and `accountEnabled`. Faults
     * are injected with the user id as target. Every password received is recorded before any fault answers.
     */
    private handleUser(
        url: URL,
        method: string,
        req: IncomingMessage,
        body: unknown,
        reply: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    ): void {
        const id = decodeURIComponent(url.pathname.slice(USERS_PATH.length + 1));
        const profile = (body as { passwordProfile?: { password?: unknown } } | undefined)?.passwordProfile;
        if (method === "PATCH" && typeof profile?.password === "string") this.receivedPasswords.push(profile.password);
        const fault = this.takeFault(id, method);
        if (fault) {
            const status = fault.kind === "status" ? fault.status : 503;
            const message = status === 403 ? "Insufficient privileges to complete the operation." : "Injected fault.";
            const code = status === 403 ? "Authorization_RequestDenied" : errorCode(status);
            const retryAfter: Record<string, string> =
                fault.kind === "status" && fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {};
            return reply(status, graphError(code, message), retryAfter);
        }
        const user = this.users.get(id.toLowerCase());
        if (!user) return reply(404, graphError("Request_ResourceNotFound", `Resource '${id}' does not exist.`));
        if (method === "GET") {
            const select = (url.searchParams.get("$select") ?? "id,userPrincipalName,accountEnabled").split(",");
            const visible: Record<string, unknown> = {
                id: user.id,
                userPrincipalName: user.userPrincipalName,
                accountEnabled: user.accountEnabled,
                lastPasswordChangeDateTime: user.lastPasswordChangeDateTime ?? null,
            };
            return reply(200, {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
                ...Object.fromEntries(select.filter((field) => field in visible).map((field) => [field, visible[field]])),
            });
        }
        if (method !== "PATCH") return reply(405, graphError(errorCode(405), "Not supported."));
        const problem = userPatchProblem(req, body);
        if (problem) return reply(400, graphError(errorCode(400), problem));
        const patch = body as { passwordProfile?: { password: string }; accountEnabled?: boolean };
        if (patch.passwordProfile) {
            user.password = patch.passwordProfile.password;
            user.lastPasswordChangeDateTime = this.nextModifiedDateTime().replace(/\.\d+Z$/, "Z");
        }
        if (patch.accountEnabled !== undefined) user.accountEnabled = patch.accountEnabled;
        reply(204);
    }

    /** One page of the list; the nextLink is absolute on the fake's own origin, as Graph's are on its own. */
    private listPage(url: URL): Record<string, unknown> {
        const token = url.searchParams.get("$skiptoken");
        const offset = token === null ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").replace("offset:", ""));
        const end = offset + this.pageSize;
        const page: Record<string, unknown> = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies",
            value: structuredClone(this.stored.slice(offset, end)),
        };
        if (end < this.stored.length) {
            const next = Buffer.from(`offset:${end}`, "utf8").toString("base64url");
            page["@odata.nextLink"] = `${this.endpoint}${POLICIES_PATH}?$skiptoken=${next}`;
        }
        return page;
    }

    /** `true` when the throttle refuses a request arriving now; an accepted one takes its place in the window. */
    private throttled(): boolean {
        if (this.requestsPerSecond === undefined) return false;
        const now = performance.now();
        const windowStart = now - 1000 + THROTTLE_JITTER_MS;
        while (this.accepted.length > 0 && this.accepted[0] <= windowStart) this.accepted.shift();
        if (this.accepted.length >= this.requestsPerSecond) return true;
        this.accepted.push(now);
        return false;
    }

    /** The status fault that answers this request instead of the fake, consuming one use. */
    private takeFault(target: string, method: string): Fault | undefined {
        for (const state of this.faults.get(target) ?? []) {
            const { fault } = state;
            if (fault.kind === "concurrentWrite" || fault.kind === "concurrentDelete" || state.remaining <= 0) continue;
            if (fault.method !== undefined && fault.method !== method) continue;
            state.remaining--;
            return fault;
        }
        return undefined;
    }

    /** Runs the concurrent writers and deleters due after this answer. */
    private afterAnswer(policyId: string, stored: MutablePolicy, method: string): void {
        for (const state of this.faults.get(policyId) ?? []) {
            const { fault } = state;
            if ((fault.kind !== "concurrentWrite" && fault.kind !== "concurrentDelete") || fault.afterMethod !== method) continue;
            state.seen++;
            const repeat = fault.kind === "concurrentWrite" && fault.repeat;
            const due = repeat ? state.seen >= fault.afterCount : state.seen === fault.afterCount;
            if (!due) continue;
            if (fault.kind === "concurrentDelete") {
                if (this.hasPolicy(policyId)) this.deletePolicy(policyId);
                continue;
            }
            fault.mutate(stored);
            stored.modifiedDateTime = this.nextModifiedDateTime();
        }
    }
}

/** Why a PATCH is refused, or undefined when it is acceptable. */
function patchProblem(req: IncomingMessage, body: unknown): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return "PATCH needs a JSON body.";
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "PATCH body must be a JSON object.";
    const readOnly = Object.keys(body).filter((key) => READ_ONLY_FIELDS.includes(key));
    if (readOnly.length > 0) return `Read-only properties cannot be updated: ${readOnly.join(", ")}.`;
    const conditions = (body as Record<string, unknown>).conditions;
    if (conditions !== undefined && (typeof conditions !== "object" || conditions === null)) {
        return "conditions must be an object.";
    }
    return undefined;
}

/** Why a PATCH of a user is refused, or undefined: only passwordProfile and accountEnabled, in Graph's shapes. */
function userPatchProblem(req: IncomingMessage, body: unknown): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return "PATCH needs a JSON body.";
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "PATCH body must be a JSON object.";
    const unknown = Object.keys(body).filter((key) => key !== "passwordProfile" && key !== "accountEnabled");
    if (unknown.length > 0) return `This fake accepts only passwordProfile and accountEnabled, got ${unknown.join(", ")}.`;
    const { passwordProfile, accountEnabled } = body as Record<string, any>;
    if (accountEnabled !== undefined && typeof accountEnabled !== "boolean") return "accountEnabled must be a boolean.";
    if (passwordProfile !== undefined) {
        if (typeof passwordProfile?.password !== "string" || passwordProfile.password.length === 0) return "passwordProfile.password is required.";
        if (typeof passwordProfile.forceChangePasswordNextSignIn !== "boolean") return "passwordProfile.forceChangePasswordNextSignIn is required.";
    }
    return undefined;
}

/**
 * Applies a PATCH the strictest way: each object under `conditions` replaces the stored object wholesale, and
 * so does every top-level field. A client that sends a partial `users` object loses the rest of it.
 */
function applyPatch(stored: MutablePolicy, body: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(body)) {
        if (key === "conditions") {
            for (const [condition, conditionValue] of Object.entries(value as Record<string, unknown>)) {
                stored.conditions[condition] = structuredClone(conditionValue);
            }
        } else {
            stored[key] = structuredClone(value);
        }
    }
}

async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
