// A fake Microsoft Graph for the Conditional Access policy endpoints, the emergency users (password, sign-in
// state, session revocation, lookup by user principal name), their authentication methods (FIDO2 passkeys, a
// Temporary Access Pass, others), the authentication methods policy and administrative units, served over real
// HTTP on 127.0.0.1 so the
// real Graph client library (middleware, paging, error handling) runs unmodified. It is stricter than Graph
// where strictness catches bugs: a PATCH replaces every object it names wholesale, and every request must carry
// the expected bearer token. Faults (throttling, outages, concurrent writers, deletions) are injected per policy,
// and a tenant-wide throttle answers 429 without Retry-After above a request rate, as Graph does for Conditional
// Access (about one request per second per tenant). The fake is one in-process server: child processes (an operator
// command under test) and the test itself may talk to it at once while the test changes its state.
//
// Passes it issues are generated with crypto at run time and kept only for assertions (issuedTemporaryAccessPasses):
// no read ever returns one. Methods-policy PATCHes replace every top-level property they send whole, so a client that
// sends only the new target loses the others; administrative units keep isMemberManagementRestricted as created.
//
// For `npm run verify` it also serves the reads of a realistic tenant: users with their licences and sign-in activity
// (`$select` honoured, an unknown field refused), groups with owners and members, service principals, active role
// assignments (`roleAssignmentScheduleInstances` with `$filter`), `directoryObjects/getByIds`, and Conditional Access
// What-If (`POST /identity/conditionalAccess/evaluate`) evaluated against the stored policies (fakeWhatIfResult). The
// tenant-wide throttle applies to the Conditional Access policies by default and to any paths a test names.
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NOT_USER_SCOPED_REASONS, classifyPolicy, includesId, type ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";

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
          /** Only requests whose path (with query) contains this, e.g. "temporaryAccessPassMethods". */
          readonly pathIncludes?: string;
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
    /** `true` for an account synchronized from on-premises; Graph answers null for a cloud-only one. */
    onPremisesSyncEnabled?: boolean | null;
    /** `Member` (default) or `Guest`. */
    userType?: string;
    /** Display name; defaults to the user principal name's local part. */
    displayName?: string;
    /** Licences, as Graph's assignedLicenses (disabledPlans omitted). Defaults to none. */
    assignedLicenses?: { skuId: string }[];
    /** Graph's format. Defaults to when the fake added the user. */
    createdDateTime?: string;
    /** Graph's signInActivity; undefined or null for a user who never signed in (Graph answers null). */
    signInActivity?: FakeSignInActivity | null;
}

/** A user's signInActivity as Graph returns it (only the dates verify reads; each optional). */
export interface FakeSignInActivity {
    lastSignInDateTime?: string;
    lastNonInteractiveSignInDateTime?: string;
    lastSuccessfulSignInDateTime?: string;
}

/** A user as a test seeds it. */
export interface FakeUserSeed {
    readonly id: string;
    readonly userPrincipalName: string;
    readonly accountEnabled?: boolean;
    readonly onPremisesSyncEnabled?: boolean | null;
    readonly userType?: string;
    /** Defaults to the user principal name's local part. */
    readonly displayName?: string;
    /** Licence sku ids as Graph's objects. Defaults to none (an emergency account has no licence). */
    readonly assignedLicenses?: readonly { readonly skuId: string }[];
    /** Defaults to when the fake added the user. */
    readonly createdDateTime?: string;
    /** Set as if a password had been set then (Graph's format). Defaults to none. */
    readonly lastPasswordChangeDateTime?: string;
    /** Defaults to null: the user never signed in. */
    readonly signInActivity?: FakeSignInActivity | null;
}

/**
 * Whether `$select=signInActivity` may be read: `readable`; `forbidden` (the caller lacks AuditLog.Read.All: 403
 * Authorization_RequestDenied); `nonPremiumTenant` (no Entra ID P1/P2: 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant).
 */
export type SignInActivityAccess = "readable" | "forbidden" | "nonPremiumTenant";

/** A group as a test seeds it (see FakeGraph.addGroup). */
export interface FakeGroupSeed {
    /** Defaults to a random UUID. */
    readonly id?: string;
    readonly displayName: string;
    /** Defaults to null, as Graph answers for a group created without the flag. */
    readonly isAssignableToRole?: boolean | null;
    /** Defaults to null (Graph's default, which reads as Public). */
    readonly visibility?: string | null;
    /** Defaults to true. */
    readonly securityEnabled?: boolean;
    /** Defaults to false. */
    readonly mailEnabled?: boolean;
    /** Defaults to none. */
    readonly ownerIds?: readonly string[];
    /** Direct members (users, groups, service principals). Defaults to none. */
    readonly memberIds?: readonly string[];
}

/** A group as the fake holds it; a test changes it in place through editGroup. */
export interface FakeGroup {
    readonly id: string;
    displayName: string;
    isAssignableToRole: boolean | null;
    visibility: string | null;
    securityEnabled: boolean;
    mailEnabled: boolean;
    ownerIds: string[];
    memberIds: string[];
}

/** A service principal as the fake holds it. */
export interface FakeServicePrincipal {
    readonly id: string;
    readonly appId: string;
    readonly displayName: string;
}

/** An active role assignment as roleAssignmentScheduleInstances lists it. */
export interface FakeRoleAssignment {
    readonly id: string;
    readonly principalId: string;
    readonly roleDefinitionId: string;
    readonly directoryScopeId: string;
    /** "Assigned" (standing; the default) or "Activated" (an eligible role switched on). */
    readonly assignmentType: string;
    /** "Direct" (the default), "Group" or "Inherited". */
    readonly memberType: string;
    readonly startDateTime: string | null;
    /** null (the default) for a permanent assignment. */
    readonly endDateTime: string | null;
}

/** A role assignment as a test seeds it (FakeGraph.addRoleAssignment); every field but the two ids has a default. */
export interface FakeRoleAssignmentSeed {
    readonly principalId: string;
    readonly roleDefinitionId: string;
    readonly id?: string;
    /** Defaults to "/" (tenant-wide). */
    readonly directoryScopeId?: string;
    /** Defaults to "Assigned". */
    readonly assignmentType?: string;
    /** Defaults to "Direct". */
    readonly memberType?: string;
    /** Defaults to a fixed date in the past. */
    readonly startDateTime?: string | null;
    /** Defaults to null: permanent. */
    readonly endDateTime?: string | null;
}

/** Fault target for `GET /roleManagement/directory/roleAssignmentScheduleInstances`. */
export const ROLE_ASSIGNMENTS_TARGET = "roleAssignmentScheduleInstances";

/** Fault target for `POST /identity/conditionalAccess/evaluate` (What-If). */
export const WHAT_IF_TARGET = "evaluate";

/** Fault target for `POST /directoryObjects/getByIds`. */
export const DIRECTORY_OBJECTS_TARGET = "getByIds";

/** What the throttle applies to by default: the Conditional Access policies (list and single policies). */
export const CONDITIONAL_ACCESS_THROTTLED_PATHS: readonly string[] = ["/v1.0/identity/conditionalAccess/policies"];

/** Fault target for the administrative unit collection (`POST`/`GET /directory/administrativeUnits`) rather than one unit. */
export const ADMINISTRATIVE_UNITS_TARGET = "<administrativeUnits>";

/** Graph's fixed id of every user's password method. */
export const PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490";

/** A registered FIDO2 method as the fake holds it. */
export interface FakeFido2Method {
    readonly id: string;
    readonly displayName: string;
    readonly model: string;
    readonly aaGuid: string;
    readonly createdDateTime: string;
    /** "deviceBound" or "synced"; undefined answers without the property (keys registered before synced passkeys). */
    readonly passkeyType?: string;
}

/** A Temporary Access Pass as the fake describes it, without its value. */
export interface FakeTemporaryAccessPassInfo {
    readonly id: string;
    readonly lifetimeInMinutes: number;
    readonly isUsableOnce: boolean;
    readonly createdDateTime: string;
    readonly startDateTime: string;
    readonly isUsable: boolean;
    readonly methodUsabilityReason: string;
}

/** A method configuration of the authentication methods policy, as Graph returns it (without @odata.context). */
export type FakeMethodConfiguration = Record<string, any>;

/** An administrative unit as the fake holds it. */
export interface FakeAdministrativeUnit {
    readonly id: string;
    displayName: string;
    description: string | null;
    readonly isMemberManagementRestricted: boolean;
    visibility: string | null;
    /** Member object ids, in the order they were added. */
    readonly memberIds: string[];
}

const USERS_PATH = "/v1.0/users";

/** How to start the fake. */
export interface FakeGraphOptions {
    /** The tenant's policies, in list order. Deep-copied. */
    readonly policies: readonly ConditionalAccessPolicy[];
    /** The tenant's users (emergency accounts), by object id. Defaults to none. */
    readonly users?: readonly FakeUserSeed[];
    /** Policies per list page. Defaults to 100. */
    readonly pageSize?: number;
    /** The bearer token to accept. Defaults to FAKE_GRAPH_TOKEN. */
    readonly token?: string;
    /** Conditional Access requests per rolling second accepted before 429 without Retry-After. Defaults to no limit. */
    readonly requestsPerSecond?: number;
    /**
     * The authentication methods policy's configurations (Fido2, TemporaryAccessPass, X509Certificate), each replacing
     * that id's default. Defaults: all three as Graph's defaults, disabled, targeting all_users (defaultMethodConfigurations()).
     */
    readonly methodConfigurations?: readonly FakeMethodConfiguration[];
    /** Items per page of the other collections (methods, administrative units, members). Defaults to 100. */
    readonly collectionPageSize?: number;
    /**
     * Milliseconds subtracted from the issue time to make a pass's startDateTime, so a test can make a 10-minute pass
     * expire within a second. Defaults to 0.
     */
    readonly temporaryAccessPassStartOffsetMs?: number;
    /**
     * Group object ids the directory knows. When given, adding an unknown object (neither a user nor one of these)
     * to an administrative unit answers 404; when omitted, any object id is accepted as a group.
     */
    readonly groupIds?: readonly string[];
    /** Whether signInActivity may be read. Defaults to "readable". */
    readonly signInActivity?: SignInActivityAccess;
    /**
     * The paths (substrings of path and query, raw or decoded) the throttle of `requestsPerSecond` applies to, sharing
     * one window. Defaults to CONDITIONAL_ACCESS_THROTTLED_PATHS; e.g. ["/identity/conditionalAccess/evaluate"]
     * throttles What-If only.
     */
    readonly throttledPaths?: readonly string[];
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
        403: "Authorization_RequestDenied",
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

/** A fake Microsoft Graph (Conditional Access, users, authentication methods and their policy, administrative units) on 127.0.0.1. */
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
    /** Registered methods by lower-cased user id. */
    private readonly methods = new Map<string, UserMethods>();
    /** Every pass value issued, in order: for leak assertions only. */
    private readonly issuedPasses: string[] = [];
    /** Sign-in session revocations by lower-cased user id. */
    private readonly revoked = new Map<string, number>();
    /** Method configurations by lower-cased id. */
    private readonly methodConfigurations = new Map<string, FakeMethodConfiguration>();
    /** Administrative units by lower-cased id, in creation order. */
    private readonly units = new Map<string, FakeAdministrativeUnit>();
    /** Group object ids the directory knows (lower-cased); undefined accepts any object id as a group. */
    private readonly groups: Set<string> | undefined;
    private readonly collectionPageSize: number;
    private temporaryAccessPassStartOffsetMs: number;
    private echoPassOnRead = false;
    /** Called after each answer (see onAnswer). */
    private readonly answerListeners = new Set<(request: RecordedRequest) => void>();
    /** Groups with state (addGroup with a seed) by lower-cased id, in creation order. */
    private readonly groupStates = new Map<string, FakeGroup>();
    /** Service principals by lower-cased id. */
    private readonly servicePrincipals = new Map<string, FakeServicePrincipal>();
    /** Active role assignments, in creation order. */
    private readonly roleAssignmentList: FakeRoleAssignment[] = [];
    private signInActivityAccess: SignInActivityAccess;
    private throttledPaths: readonly string[];

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
        this.signInActivityAccess = options.signInActivity ?? "readable";
        this.throttledPaths = options.throttledPaths ?? CONDITIONAL_ACCESS_THROTTLED_PATHS;
        for (const user of options.users ?? []) this.addUser(user);
        this.collectionPageSize = options.collectionPageSize ?? 100;
        this.temporaryAccessPassStartOffsetMs = options.temporaryAccessPassStartOffsetMs ?? 0;
        this.groups = options.groupIds ? new Set(options.groupIds.map((id) => id.toLowerCase())) : undefined;
        for (const configuration of [...defaultMethodConfigurations(), ...(options.methodConfigurations ?? [])]) {
            this.methodConfigurations.set(String(configuration.id).toLowerCase(), structuredClone(configuration));
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

    /**
     * Throttles requests above `requestsPerSecond` (429 without Retry-After); undefined lifts it. It applies to the
     * paths last given (`paths`, substrings of path and query), else as started (FakeGraphOptions.throttledPaths).
     */
    throttle(requestsPerSecond: number | undefined, paths?: readonly string[]): void {
        this.requestsPerSecond = requestsPerSecond;
        if (paths !== undefined) this.throttledPaths = paths;
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
            for (const listener of this.answerListeners) listener(record);
        };

        if (!record.authorized) return reply(401, graphError(errorCode(401), "Access token is missing or invalid."));
        if (this.throttledPaths.some((part) => pathMatches(record.path, part)) && this.throttled()) {
            const limit = url.pathname.startsWith(POLICIES_PATH) ? " (Conditional Access allows about one per second)" : "";
            return reply(429, graphError(errorCode(429), `Too many requests${limit}.`));
        }
        if (url.pathname.startsWith(`${USERS_PATH}/`)) return this.handleUser(url, method, req, record, reply);
        if (url.pathname === GROUPS_PATH || url.pathname.startsWith(`${GROUPS_PATH}/`)) return this.handleGroup(url, method, record, reply);
        if (url.pathname === ROLE_ASSIGNMENT_INSTANCES_PATH) return this.handleRoleAssignments(url, method, record, reply);
        if (url.pathname === GET_BY_IDS_PATH) return this.handleGetByIds(method, req, record, reply);
        if (url.pathname === WHAT_IF_PATH) return this.handleWhatIf(method, req, record, reply);
        if (url.pathname.startsWith(`${METHOD_CONFIGURATIONS_PATH}/`)) return this.handleMethodConfiguration(url, method, req, record, reply);
        if (url.pathname === ADMINISTRATIVE_UNITS_PATH || url.pathname.startsWith(`${ADMINISTRATIVE_UNITS_PATH}/`)) {
            return this.handleAdministrativeUnits(url, method, req, record, reply);
        }
        if (!url.pathname.startsWith(POLICIES_PATH)) return reply(404, graphError(errorCode(404), "Unknown path."));

        const rest = url.pathname.slice(POLICIES_PATH.length);
        const policyId = rest.startsWith("/") ? decodeURIComponent(rest.slice(1)) : undefined;
        const target = policyId ?? LIST_TARGET;
        const fault = this.takeFault(target, method, record.path);
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

    // ---- Users --------------------------------------------------------------------------------------------------

    /**
     * Adds a user to the tenant, as someone in the portal would: enabled, cloud-only, a member, unlicensed, never signed
     * in, unless the seed says otherwise.
     */
    addUser(user: FakeUserSeed): void {
        if (this.users.has(user.id.toLowerCase())) throw new Error(`fake Graph already has user ${user.id}`);
        this.users.set(user.id.toLowerCase(), {
            id: user.id,
            userPrincipalName: user.userPrincipalName,
            accountEnabled: user.accountEnabled ?? true,
            onPremisesSyncEnabled: user.onPremisesSyncEnabled ?? null,
            userType: user.userType ?? "Member",
            displayName: user.displayName ?? user.userPrincipalName.split("@")[0],
            assignedLicenses: (user.assignedLicenses ?? []).map((license) => ({ skuId: license.skuId })),
            createdDateTime: user.createdDateTime ?? new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            ...(user.lastPasswordChangeDateTime !== undefined ? { lastPasswordChangeDateTime: user.lastPasswordChangeDateTime } : {}),
            signInActivity: user.signInActivity === undefined || user.signInActivity === null ? null : { ...user.signInActivity },
        });
    }

    /** Changes whether signInActivity may be read (see SignInActivityAccess). */
    setSignInActivityAccess(access: SignInActivityAccess): void {
        this.signInActivityAccess = access;
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
     * Calls `listener` right after the fake answers each request (its status set), before the next request is read:
     * a test's "someone in the portal" can change state between two steps of a client. Returns the unsubscribe.
     */
    onAnswer(listener: (request: RecordedRequest) => void): () => void {
        this.answerListeners.add(listener);
        return () => this.answerListeners.delete(listener);
    }

    /** Requests whose path (with query, raw or decoded) contains `pathIncludes`, optionally only with `method`. */
    requestsTo(pathIncludes: string, method?: string): RecordedRequest[] {
        return this.requests.filter((request) => (method === undefined || request.method === method) && pathMatches(request.path, pathIncludes));
    }

    /** How many times `POST /users/{id}/revokeSignInSessions` succeeded for the user. */
    revocations(userId: string): number {
        return this.revoked.get(userId.toLowerCase()) ?? 0;
    }

    /** The user with this object id or user principal name (both without regard to case). */
    private findUser(idOrUserPrincipalName: string): FakeUser | undefined {
        const key = idOrUserPrincipalName.toLowerCase();
        return this.users.get(key) ?? [...this.users.values()].find((user) => user.userPrincipalName.toLowerCase() === key);
    }

    /**
     * `/users/{id or userPrincipalName}`: GET (with `$select`) and PATCH of `passwordProfile` and `accountEnabled`;
     * `POST .../revokeSignInSessions`; `.../authentication/...` (handleAuthentication). Faults are injected with the
     * user id as target (the path's segment when no such user exists). Every password received is recorded before
     * any fault answers.
     */
    private handleUser(url: URL, method: string, req: IncomingMessage, record: RecordedRequest, reply: Reply): void {
        const body = record.body;
        const [key, ...rest] = url.pathname.slice(USERS_PATH.length + 1).split("/").map(decodeURIComponent);
        const profile = (body as { passwordProfile?: { password?: unknown } } | undefined)?.passwordProfile;
        if (method === "PATCH" && rest.length === 0 && typeof profile?.password === "string") this.receivedPasswords.push(profile.password);
        const user = this.findUser(key);
        const fault = this.takeFault(user?.id ?? key, method, record.path);
        if (fault) return this.replyFault(fault, reply);
        if (!user) return reply(404, graphError("Request_ResourceNotFound", `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`));
        if (rest.length === 1 && rest[0] === "revokeSignInSessions") {
            if (method !== "POST") return reply(405, graphError(errorCode(405), "Not supported."));
            this.revoked.set(user.id.toLowerCase(), this.revocations(user.id) + 1);
            return reply(200, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", value: true });
        }
        if (rest[0] === "authentication") return this.handleAuthentication(user, rest.slice(1), url, method, req, body, reply);
        if (rest.length > 0) return reply(404, graphError(errorCode(404), "Unknown path."));
        if (method === "GET") {
            const select = (url.searchParams.get("$select") ?? "id,userPrincipalName,accountEnabled").split(",");
            const visible: Record<string, unknown> = {
                id: user.id,
                userPrincipalName: user.userPrincipalName,
                displayName: user.displayName ?? null,
                accountEnabled: user.accountEnabled,
                lastPasswordChangeDateTime: user.lastPasswordChangeDateTime ?? null,
                onPremisesSyncEnabled: user.onPremisesSyncEnabled ?? null,
                userType: user.userType ?? "Member",
                assignedLicenses: (user.assignedLicenses ?? []).map((license) => ({ disabledPlans: [], skuId: license.skuId })),
                createdDateTime: user.createdDateTime ?? null,
                signInActivity: user.signInActivity ? { ...user.signInActivity } : null,
            };
            // Graph refuses a property the user type does not have; the fake also refuses those it does not serve.
            const unknown = select.find((field) => !(field in visible));
            if (unknown !== undefined) {
                return reply(400, graphError("Request_BadRequest", `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`));
            }
            if (select.includes("signInActivity") && this.signInActivityAccess !== "readable") {
                return this.signInActivityAccess === "forbidden"
                    ? reply(403, graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."))
                    : reply(403, graphError("Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license"));
            }
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

    /** Answers an injected fault: 403 as Graph's Authorization_RequestDenied, others with their usual code. */
    private replyFault(fault: Fault, reply: Reply): void {
        const status = fault.kind === "status" ? fault.status : 503;
        const message = status === 403 ? "Insufficient privileges to complete the operation." : "Injected fault.";
        const code = status === 403 ? "Authorization_RequestDenied" : errorCode(status);
        const retryAfter: Record<string, string> = fault.kind === "status" && fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {};
        reply(status, graphError(code, message), retryAfter);
    }

    // ---- Authentication methods -----------------------------------------------------------------------------------

    /** The user's registered methods, created empty on first use. */
    private methodsOf(userId: string): UserMethods {
        const key = userId.toLowerCase();
        let found = this.methods.get(key);
        if (!found) {
            found = { fido2: [], others: [], passes: [] };
            this.methods.set(key, found);
        }
        return found;
    }

    /** The user as stored, or a thrown error naming the id (helpers fail loudly on a typo). */
    private requireUser(userId: string): FakeUser {
        const user = this.users.get(userId.toLowerCase());
        if (!user) throw new Error(`fake Graph has no user ${userId}`);
        return user;
    }

    /** Registers a FIDO2 method for the user, as the user would at the security-info page; returns its id. */
    addFido2Method(
        userId: string,
        method: { readonly model: string; readonly aaGuid: string; readonly passkeyType?: string; readonly createdDateTime?: string; readonly displayName?: string },
    ): string {
        this.requireUser(userId);
        const id = randomUUID();
        this.methodsOf(userId).fido2.push({
            id,
            displayName: method.displayName ?? method.model,
            model: method.model,
            aaGuid: method.aaGuid,
            createdDateTime: method.createdDateTime ?? new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            ...(method.passkeyType !== undefined ? { passkeyType: method.passkeyType } : {}),
        });
        return id;
    }

    /** Removes a FIDO2 method as an admin in the portal would (a lost key). */
    removeFido2Method(userId: string, id: string): void {
        const list = this.methodsOf(this.requireUser(userId).id).fido2;
        const index = list.findIndex((method) => method.id.toLowerCase() === id.toLowerCase());
        if (index < 0) throw new Error(`fake Graph: user ${userId} has no FIDO2 method ${id}`);
        list.splice(index, 1);
    }

    /** Copies of the user's FIDO2 methods, in registration order. */
    fido2Methods(userId: string): FakeFido2Method[] {
        return structuredClone(this.methodsOf(this.requireUser(userId).id).fido2);
    }

    /**
     * Registers another kind of method (`type` as "phoneAuthenticationMethod", "microsoftAuthenticatorAuthenticationMethod",
     * "x509CertificateAuthenticationMethod", ... with or without "#microsoft.graph."); returns its id.
     */
    addMethod(userId: string, type: string): string {
        this.requireUser(userId);
        const id = randomUUID();
        this.methodsOf(userId).others.push({ id, type: type.replace(/^#?microsoft\.graph\./, "") });
        return id;
    }

    /** Removes a method added with addMethod. */
    removeMethod(userId: string, id: string): void {
        const list = this.methodsOf(this.requireUser(userId).id).others;
        const index = list.findIndex((method) => method.id.toLowerCase() === id.toLowerCase());
        if (index < 0) throw new Error(`fake Graph: user ${userId} has no method ${id}`);
        list.splice(index, 1);
    }

    /** Every pass value the fake issued, in order (for leak assertions only; no response after the 201 carries one). */
    issuedTemporaryAccessPasses(): string[] {
        return [...this.issuedPasses];
    }

    /** The user's live (not deleted) pass without its value, or undefined. Usability is computed now. */
    temporaryAccessPass(userId: string): FakeTemporaryAccessPassInfo | undefined {
        const [pass] = this.methodsOf(this.requireUser(userId).id).passes;
        return pass ? passInfo(pass) : undefined;
    }

    /** Creates a pass for the user as an admin in the portal would (a leftover from an earlier run); returns its info. */
    addTemporaryAccessPass(userId: string, options: { readonly lifetimeInMinutes: number; readonly isUsableOnce?: boolean }): FakeTemporaryAccessPassInfo {
        const user = this.requireUser(userId);
        return passInfo(this.issuePass(user, options.lifetimeInMinutes, options.isUsableOnce ?? false));
    }

    /** Changes the offset subtracted from the issue time to make later passes' startDateTime (see FakeGraphOptions). */
    setTemporaryAccessPassStartOffset(ms: number): void {
        this.temporaryAccessPassStartOffsetMs = ms;
    }

    /**
     * Makes reads of passes (`GET .../temporaryAccessPassMethods`) carry the value, as a misbehaving Graph might:
     * for testing that the client drops it. Off by default, as Graph sends null.
     */
    echoTemporaryAccessPassOnRead(on: boolean): void {
        this.echoPassOnRead = on;
    }

    /** Stores a new pass with a value generated now; the caller checked there is none. */
    private issuePass(user: FakeUser, lifetimeInMinutes: number, isUsableOnce: boolean): StoredPass {
        const now = Date.now();
        const pass: StoredPass = {
            id: randomUUID(),
            lifetimeInMinutes,
            isUsableOnce,
            createdDateTime: new Date(now).toISOString(),
            startDateTime: new Date(now - this.temporaryAccessPassStartOffsetMs).toISOString(),
            value: generatePass(),
        };
        this.issuedPasses.push(pass.value);
        this.methodsOf(user.id).passes.push(pass);
        return pass;
    }

    /** A pass in Graph's shape: the value null unless echoTemporaryAccessPassOnRead, or `withValue` (the 201 answer). */
    private passJson(pass: StoredPass, withValue: boolean): Record<string, unknown> {
        return {
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
            ...passInfo(pass),
            temporaryAccessPass: withValue || this.echoPassOnRead ? pass.value : null,
        };
    }

    /** `/users/{id}/authentication/{fido2Methods|methods|temporaryAccessPassMethods}[/{id}]`. */
    private handleAuthentication(user: FakeUser, rest: string[], url: URL, method: string, req: IncomingMessage, body: unknown, reply: Reply): void {
        const methods = this.methodsOf(user.id);
        const [collection, itemId, ...beyond] = rest;
        if (beyond.length > 0) return reply(404, graphError(errorCode(404), "Unknown path."));
        const notFound = () => reply(404, graphError("itemNotFound", `Authentication method '${itemId}' was not found.`));
        if (collection === "fido2Methods") {
            if (itemId === undefined) {
                if (method !== "GET") return reply(405, graphError(errorCode(405), "Not supported."));
                return reply(200, this.page(url, methods.fido2.map(fido2Json)));
            }
            const index = methods.fido2.findIndex((entry) => entry.id.toLowerCase() === itemId.toLowerCase());
            if (index < 0) return notFound();
            if (method === "GET") return reply(200, fido2Json(methods.fido2[index]));
            if (method === "DELETE") {
                methods.fido2.splice(index, 1);
                return reply(204);
            }
            return reply(405, graphError(errorCode(405), "Not supported."));
        }
        if (collection === "methods") {
            if (itemId !== undefined || method !== "GET") return reply(405, graphError(errorCode(405), "Not supported."));
            const all = [
                { "@odata.type": "#microsoft.graph.passwordAuthenticationMethod", id: PASSWORD_METHOD_ID, password: null, createdDateTime: null },
                ...methods.fido2.map(fido2Json),
                ...methods.passes.map((pass) => this.passJson(pass, false)),
                ...methods.others.map((other) => ({ "@odata.type": `#microsoft.graph.${other.type}`, id: other.id })),
            ];
            return reply(200, this.page(url, all));
        }
        if (collection !== "temporaryAccessPassMethods") return reply(404, graphError(errorCode(404), "Unknown path."));
        if (itemId === undefined) {
            if (method === "GET") return reply(200, this.page(url, methods.passes.map((pass) => this.passJson(pass, false))));
            if (method !== "POST") return reply(405, graphError(errorCode(405), "Not supported."));
            const problem = passRequestProblem(req, body);
            if (problem) return reply(400, graphError(errorCode(400), problem));
            if (methods.passes.length > 0) {
                return reply(400, graphError(errorCode(400), "The user already has a Temporary Access Pass; only one is allowed per user."));
            }
            const request = body as { lifetimeInMinutes: number; isUsableOnce: boolean };
            const pass = this.issuePass(user, request.lifetimeInMinutes, request.isUsableOnce);
            return reply(201, {
                "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`,
                ...this.passJson(pass, true),
            });
        }
        const index = methods.passes.findIndex((pass) => pass.id.toLowerCase() === itemId.toLowerCase());
        if (index < 0) return notFound();
        if (method === "GET") return reply(200, this.passJson(methods.passes[index], false));
        if (method === "DELETE") {
            methods.passes.splice(index, 1);
            return reply(204);
        }
        return reply(405, graphError(errorCode(405), "Not supported."));
    }

    /** One page of `items` per `collectionPageSize`; the nextLink keeps the request's query and is on the fake's origin. */
    private page(url: URL, items: readonly unknown[]): Record<string, unknown> {
        const token = url.searchParams.get("$skiptoken");
        const offset = token === null ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").replace("offset:", ""));
        const end = offset + this.collectionPageSize;
        const page: Record<string, unknown> = { value: structuredClone(items.slice(offset, end)) };
        if (end < items.length) {
            // Graph writes `$skiptoken` unencoded and keeps the request's other options ($select, $filter) as sent.
            const kept = url.search.slice(1).split("&").filter((part) => part !== "" && !/^(\$|%24)skiptoken=/i.test(part));
            const next = [...kept, `$skiptoken=${Buffer.from(`offset:${end}`, "utf8").toString("base64url")}`].join("&");
            page["@odata.nextLink"] = `${this.endpoint}${url.pathname}?${next}`;
        }
        return page;
    }

    // ---- Authentication methods policy ----------------------------------------------------------------------------

    /** A deep copy of a method configuration (id without regard to case). */
    methodConfiguration(id: string): FakeMethodConfiguration {
        const found = this.methodConfigurations.get(id.toLowerCase());
        if (!found) throw new Error(`fake Graph has no method configuration ${id}`);
        return structuredClone(found);
    }

    /** Changes a method configuration as someone in the portal would. */
    editMethodConfiguration(id: string, mutate: (configuration: FakeMethodConfiguration) => void): void {
        const found = this.methodConfigurations.get(id.toLowerCase());
        if (!found) throw new Error(`fake Graph has no method configuration ${id}`);
        mutate(found);
    }

    /**
     * `GET`/`PATCH .../authenticationMethodConfigurations/{id}` (id without regard to case, as Graph). Faults take the
     * configuration's id as target ("Fido2", "TemporaryAccessPass", "X509Certificate"). A PATCH must carry the stored
     * "@odata.type" and replaces every top-level property it sends whole.
     */
    private handleMethodConfiguration(url: URL, method: string, req: IncomingMessage, record: RecordedRequest, reply: Reply): void {
        const segments = url.pathname.slice(METHOD_CONFIGURATIONS_PATH.length + 1).split("/").map(decodeURIComponent);
        const stored = this.methodConfigurations.get(segments[0].toLowerCase());
        const fault = this.takeFault(stored ? String(stored.id) : segments[0], method, record.path);
        if (fault) return this.replyFault(fault, reply);
        if (!stored || segments.length > 1) return reply(404, graphError(errorCode(404), `Method configuration '${segments.join("/")}' not found.`));
        if (method === "GET") {
            return reply(200, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#authenticationMethodConfigurations/$entity", ...stored });
        }
        if (method !== "PATCH") return reply(405, graphError(errorCode(405), "Not supported."));
        const problem = methodConfigurationPatchProblem(req, record.body, stored);
        if (problem) return reply(400, graphError(errorCode(400), problem));
        for (const [key, value] of Object.entries(record.body as Record<string, unknown>)) {
            if (key !== "@odata.type" && key !== "id") stored[key] = structuredClone(value);
        }
        reply(204);
    }

    // ---- Administrative units -------------------------------------------------------------------------------------

    /** Seeds a unit someone made earlier; returns its id. */
    addAdministrativeUnit(unit: {
        readonly displayName: string;
        readonly description?: string;
        readonly isMemberManagementRestricted?: boolean;
        readonly memberIds?: readonly string[];
        readonly id?: string;
    }): string {
        const id = unit.id ?? randomUUID();
        if (this.units.has(id.toLowerCase())) throw new Error(`fake Graph already has administrative unit ${id}`);
        this.units.set(id.toLowerCase(), {
            id,
            displayName: unit.displayName,
            description: unit.description ?? null,
            isMemberManagementRestricted: unit.isMemberManagementRestricted ?? false,
            visibility: null,
            memberIds: [...(unit.memberIds ?? [])],
        });
        return id;
    }

    /** A deep copy of a unit (members included). */
    administrativeUnit(id: string): FakeAdministrativeUnit {
        const found = this.units.get(id.toLowerCase());
        if (!found) throw new Error(`fake Graph has no administrative unit ${id}`);
        return structuredClone(found);
    }

    /** Deep copies of every unit, in creation order. */
    administrativeUnits(): FakeAdministrativeUnit[] {
        return structuredClone([...this.units.values()]);
    }

    /** Deletes a unit as someone in the portal would. */
    deleteAdministrativeUnit(id: string): void {
        if (!this.units.delete(id.toLowerCase())) throw new Error(`fake Graph has no administrative unit ${id}`);
    }

    /**
     * With an id: makes a group object id known to the directory for administrative unit membership (see
     * FakeGraphOptions.groupIds; throws unless the fake was started with them). With a seed: adds a group with its
     * state, owners and members, served at `/groups/{id}` and by getByIds, and known to administrative units and
     * What-If (a policy that includes or excludes it). Returns the group's id.
     */
    addGroup(group: string | FakeGroupSeed): string {
        if (typeof group === "string") {
            if (!this.groups) throw new Error("fake Graph accepts any object id as a group unless started with groupIds");
            this.groups.add(group.toLowerCase());
            return group;
        }
        const id = group.id ?? randomUUID();
        if (this.groupStates.has(id.toLowerCase())) throw new Error(`fake Graph already has group ${id}`);
        this.groupStates.set(id.toLowerCase(), {
            id,
            displayName: group.displayName,
            isAssignableToRole: group.isAssignableToRole ?? null,
            visibility: group.visibility ?? null,
            securityEnabled: group.securityEnabled ?? true,
            mailEnabled: group.mailEnabled ?? false,
            ownerIds: [...(group.ownerIds ?? [])],
            memberIds: [...(group.memberIds ?? [])],
        });
        this.groups?.add(id.toLowerCase());
        return id;
    }

    /** A unit in Graph's shape. */
    private unitJson(unit: FakeAdministrativeUnit): Record<string, unknown> {
        return {
            id: unit.id,
            deletedDateTime: null,
            displayName: unit.displayName,
            description: unit.description,
            isMemberManagementRestricted: unit.isMemberManagementRestricted,
            membershipRule: null,
            membershipType: null,
            membershipRuleProcessingState: null,
            visibility: unit.visibility,
        };
    }

    /** `"#microsoft.graph.user"` for a user of the fake, else a group (unknown ids refused when groupIds was given). */
    private objectType(objectId: string): string | undefined {
        const key = objectId.toLowerCase();
        if (this.users.has(key)) return "#microsoft.graph.user";
        if (this.servicePrincipals.has(key)) return "#microsoft.graph.servicePrincipal";
        if (this.groupStates.has(key)) return "#microsoft.graph.group";
        if (this.groups && !this.groups.has(key)) return undefined;
        return "#microsoft.graph.group";
    }

    /**
     * `/directory/administrativeUnits`: POST, GET (optionally `$filter=displayName eq '...'`), and per unit GET, PATCH
     * (never isMemberManagementRestricted), DELETE, `members` GET, `members/$ref` POST and `members/{id}/$ref` DELETE.
     * Faults take the unit id as target, or ADMINISTRATIVE_UNITS_TARGET for the collection.
     */
    private handleAdministrativeUnits(url: URL, method: string, req: IncomingMessage, record: RecordedRequest, reply: Reply): void {
        const rest = url.pathname.slice(ADMINISTRATIVE_UNITS_PATH.length).split("/").filter((part) => part !== "").map(decodeURIComponent);
        const [unitId, relation, memberId, ref, ...beyond] = rest;
        const fault = this.takeFault(unitId === undefined ? ADMINISTRATIVE_UNITS_TARGET : (this.units.get(unitId.toLowerCase())?.id ?? unitId), method, record.path);
        if (fault) return this.replyFault(fault, reply);
        const body = record.body;
        if (unitId === undefined) {
            if (method === "GET") {
                const filter = url.searchParams.get("$filter");
                let units = [...this.units.values()];
                if (filter !== null) {
                    const match = /^displayName eq '((?:[^']|'')*)'$/.exec(filter);
                    if (!match) return reply(400, graphError("Request_UnsupportedQuery", `Unsupported query: ${filter}`));
                    const name = match[1].replace(/''/g, "'");
                    units = units.filter((unit) => unit.displayName === name);
                }
                return reply(200, this.page(url, units.map((unit) => this.unitJson(unit))));
            }
            if (method !== "POST") return reply(405, graphError(errorCode(405), "Not supported."));
            const problem = unitBodyProblem(req, body, "POST");
            if (problem) return reply(400, graphError("Request_BadRequest", problem));
            const request = body as { displayName: string; description?: string; isMemberManagementRestricted?: boolean; visibility?: string };
            const id = this.addAdministrativeUnit({
                displayName: request.displayName,
                description: request.description,
                isMemberManagementRestricted: request.isMemberManagementRestricted ?? false,
            });
            const created = this.units.get(id.toLowerCase())!;
            created.visibility = request.visibility ?? null;
            return reply(201, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/administrativeUnits/$entity", ...this.unitJson(created) });
        }
        const unit = this.units.get(unitId.toLowerCase());
        if (!unit) return reply(404, graphError("Request_ResourceNotFound", `Resource '${unitId}' does not exist or one of its queried reference-property objects are not present.`));
        if (relation === undefined) {
            if (method === "GET") return reply(200, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directory/administrativeUnits/$entity", ...this.unitJson(unit) });
            if (method === "DELETE") {
                this.units.delete(unitId.toLowerCase());
                return reply(204);
            }
            if (method !== "PATCH") return reply(405, graphError(errorCode(405), "Not supported."));
            const problem = unitBodyProblem(req, body, "PATCH");
            if (problem) return reply(400, graphError("Request_BadRequest", problem));
            const changes = body as { displayName?: string; description?: string; visibility?: string };
            if (changes.displayName !== undefined) unit.displayName = changes.displayName;
            if (changes.description !== undefined) unit.description = changes.description;
            if (changes.visibility !== undefined) unit.visibility = changes.visibility;
            return reply(204);
        }
        if (relation !== "members" || beyond.length > 0) return reply(404, graphError(errorCode(404), "Unknown path."));
        if (memberId === undefined) {
            if (method !== "GET") return reply(405, graphError(errorCode(405), "Not supported."));
            const members = unit.memberIds.map((id) => ({ "@odata.type": this.objectType(id) ?? "#microsoft.graph.directoryObject", id }));
            return reply(200, this.page(url, members));
        }
        if (memberId === "$ref" && ref === undefined) {
            if (method !== "POST") return reply(405, graphError(errorCode(405), "Not supported."));
            const reference = memberReference(req, body, this.endpoint);
            if ("problem" in reference) return reply(400, graphError("Request_BadRequest", reference.problem));
            if (this.objectType(reference.objectId) === undefined) {
                return reply(404, graphError("Request_ResourceNotFound", `Resource '${reference.objectId}' does not exist or one of its queried reference-property objects are not present.`));
            }
            if (unit.memberIds.some((id) => id.toLowerCase() === reference.objectId.toLowerCase())) {
                return reply(400, graphError("Request_BadRequest", "One or more added object references already exist for the following modified properties: 'members'."));
            }
            unit.memberIds.push(reference.objectId);
            return reply(204);
        }
        if (ref !== "$ref") return reply(404, graphError(errorCode(404), "Unknown path."));
        if (method !== "DELETE") return reply(405, graphError(errorCode(405), "Not supported."));
        const index = unit.memberIds.findIndex((id) => id.toLowerCase() === memberId.toLowerCase());
        if (index < 0) return reply(404, graphError("Request_ResourceNotFound", `Resource '${memberId}' is not a member of administrative unit '${unit.id}'.`));
        unit.memberIds.splice(index, 1);
        return reply(204);
    }

    // ---- Groups, service principals, directory objects ---------------------------------------------------------

    /** A deep copy of a group added with a seed. */
    group(id: string): FakeGroup {
        return structuredClone(this.requireGroup(id));
    }

    /** Changes a group as someone in the portal would (its flags, owners, members: `group.memberIds.push(id)`). */
    editGroup(id: string, mutate: (group: FakeGroup) => void): void {
        mutate(this.requireGroup(id));
    }

    /** Adds a service principal (an app's identity in the tenant); returns its object id. */
    addServicePrincipal(servicePrincipal: { readonly displayName: string; readonly appId?: string; readonly id?: string }): string {
        const id = servicePrincipal.id ?? randomUUID();
        if (this.servicePrincipals.has(id.toLowerCase())) throw new Error(`fake Graph already has service principal ${id}`);
        this.servicePrincipals.set(id.toLowerCase(), { id, appId: servicePrincipal.appId ?? randomUUID(), displayName: servicePrincipal.displayName });
        return id;
    }

    /** The group as stored, or a thrown error naming the id. */
    private requireGroup(id: string): FakeGroup {
        const found = this.groupStates.get(id.toLowerCase());
        if (!found) throw new Error(`fake Graph has no group ${id} (add it with addGroup({...}))`);
        return found;
    }

    /** A directory object in Graph's shape (`@odata.type`, id, and what getByIds returns of it), or undefined. */
    private directoryObjectJson(objectId: string): Record<string, unknown> | undefined {
        const key = objectId.toLowerCase();
        const user = this.users.get(key);
        if (user) {
            return {
                "@odata.type": "#microsoft.graph.user",
                id: user.id,
                displayName: user.displayName ?? null,
                userPrincipalName: user.userPrincipalName,
                accountEnabled: user.accountEnabled,
                userType: user.userType ?? "Member",
            };
        }
        const group = this.groupStates.get(key);
        if (group) {
            return {
                "@odata.type": "#microsoft.graph.group",
                id: group.id,
                displayName: group.displayName,
                isAssignableToRole: group.isAssignableToRole,
                securityEnabled: group.securityEnabled,
                mailEnabled: group.mailEnabled,
                visibility: group.visibility,
            };
        }
        const servicePrincipal = this.servicePrincipals.get(key);
        if (servicePrincipal) {
            return { "@odata.type": "#microsoft.graph.servicePrincipal", id: servicePrincipal.id, appId: servicePrincipal.appId, displayName: servicePrincipal.displayName };
        }
        return undefined;
    }

    /**
     * `GET /groups/{id}` (with `$select`), `GET /groups/{id}/owners` and `/members` (paged, `@odata.type` and id of each).
     * Faults take the group id as target. Only groups added with a seed exist here.
     */
    private handleGroup(url: URL, method: string, record: RecordedRequest, reply: Reply): void {
        const [groupId, relation, ...beyond] = url.pathname.slice(GROUPS_PATH.length).split("/").filter((part) => part !== "").map(decodeURIComponent);
        const group = groupId === undefined ? undefined : this.groupStates.get(groupId.toLowerCase());
        const fault = this.takeFault(group?.id ?? groupId ?? GROUPS_PATH, method, record.path);
        if (fault) return this.replyFault(fault, reply);
        if (method !== "GET") return reply(405, graphError(errorCode(405), "Not supported."));
        if (groupId === undefined || beyond.length > 0) return reply(404, graphError(errorCode(404), "Unknown path."));
        if (!group) return reply(404, graphError("Request_ResourceNotFound", `Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`));
        if (relation === undefined) {
            const visible: Record<string, unknown> = {
                id: group.id,
                displayName: group.displayName,
                isAssignableToRole: group.isAssignableToRole,
                visibility: group.visibility,
                securityEnabled: group.securityEnabled,
                mailEnabled: group.mailEnabled,
                description: null,
                groupTypes: [],
            };
            const select = url.searchParams.get("$select")?.split(",") ?? Object.keys(visible);
            const unknown = select.find((field) => !(field in visible));
            if (unknown !== undefined) {
                return reply(400, graphError("Request_BadRequest", `Could not find a property named '${unknown}' on type 'microsoft.graph.group'.`));
            }
            return reply(200, {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups/$entity",
                ...Object.fromEntries(select.map((field) => [field, visible[field]])),
            });
        }
        if (relation !== "owners" && relation !== "members") return reply(404, graphError(errorCode(404), "Unknown path."));
        const ids = relation === "owners" ? group.ownerIds : group.memberIds;
        return reply(200, this.page(url, ids.map((id) => ({ "@odata.type": this.objectType(id) ?? "#microsoft.graph.directoryObject", id }))));
    }

    /**
     * `POST /directoryObjects/getByIds {ids, types?}`: exactly Graph's body (ids: 1 to 1000 strings; types optional), the
     * users, groups added with a seed and service principals found, in the order asked; ids not found are absent.
     * Faults take DIRECTORY_OBJECTS_TARGET.
     */
    private handleGetByIds(method: string, req: IncomingMessage, record: RecordedRequest, reply: Reply): void {
        const fault = this.takeFault(DIRECTORY_OBJECTS_TARGET, method, record.path);
        if (fault) return this.replyFault(fault, reply);
        if (method !== "POST") return reply(405, graphError(errorCode(405), "Not supported."));
        const problem = getByIdsProblem(req, record.body);
        if (problem) return reply(400, graphError("Request_BadRequest", problem));
        const { ids, types } = record.body as { ids: string[]; types?: string[] };
        const wanted = types?.map((type) => `#microsoft.graph.${type.toLowerCase()}`);
        const found = ids
            .map((id) => this.directoryObjectJson(id))
            .filter((entry): entry is Record<string, unknown> => entry !== undefined)
            .filter((entry) => wanted === undefined || wanted.includes(String(entry["@odata.type"]).toLowerCase()));
        return reply(200, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects", value: found });
    }

    // ---- Role assignments ---------------------------------------------------------------------------------------

    /** Adds an active role assignment (permanent, standing, direct and tenant-wide unless the seed says otherwise); returns its id. */
    addRoleAssignment(assignment: FakeRoleAssignmentSeed): string {
        const id = assignment.id ?? randomUUID();
        this.roleAssignmentList.push({
            id,
            principalId: assignment.principalId,
            roleDefinitionId: assignment.roleDefinitionId,
            directoryScopeId: assignment.directoryScopeId ?? "/",
            assignmentType: assignment.assignmentType ?? "Assigned",
            memberType: assignment.memberType ?? "Direct",
            startDateTime: assignment.startDateTime === undefined ? "2024-01-01T00:00:00Z" : assignment.startDateTime,
            endDateTime: assignment.endDateTime ?? null,
        });
        return id;
    }

    /** Removes an assignment added with addRoleAssignment (someone removed the role). */
    removeRoleAssignment(id: string): void {
        const index = this.roleAssignmentList.findIndex((assignment) => assignment.id.toLowerCase() === id.toLowerCase());
        if (index < 0) throw new Error(`fake Graph has no role assignment ${id}`);
        this.roleAssignmentList.splice(index, 1);
    }

    /** Copies of every active role assignment, in creation order. */
    roleAssignments(): FakeRoleAssignment[] {
        return structuredClone(this.roleAssignmentList);
    }

    /**
     * `GET /roleManagement/directory/roleAssignmentScheduleInstances`, optionally `$filter` with `principalId eq '...'`,
     * `roleDefinitionId eq '...'` or both joined by `and` (any other filter: 400), paged by collectionPageSize. Faults
     * take ROLE_ASSIGNMENTS_TARGET.
     */
    private handleRoleAssignments(url: URL, method: string, record: RecordedRequest, reply: Reply): void {
        const fault = this.takeFault(ROLE_ASSIGNMENTS_TARGET, method, record.path);
        if (fault) return this.replyFault(fault, reply);
        if (method !== "GET") return reply(405, graphError(errorCode(405), "Not supported."));
        const filter = url.searchParams.get("$filter");
        const clauses = filter === null ? [] : parseRoleAssignmentFilter(filter);
        if (clauses === undefined) return reply(400, graphError("BadRequest", `Invalid filter clause: ${filter}`));
        const matching = this.roleAssignmentList.filter((assignment) =>
            clauses.every((clause) => assignment[clause.property].toLowerCase() === clause.value.toLowerCase()),
        );
        const page = this.page(
            url,
            matching.map((assignment) => ({
                id: assignment.id,
                principalId: assignment.principalId,
                roleDefinitionId: assignment.roleDefinitionId,
                directoryScopeId: assignment.directoryScopeId,
                appScopeId: null,
                startDateTime: assignment.startDateTime,
                endDateTime: assignment.endDateTime,
                assignmentType: assignment.assignmentType,
                memberType: assignment.memberType,
                roleAssignmentOriginId: assignment.id,
                roleAssignmentScheduleId: assignment.id,
            })),
        );
        return reply(200, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleInstances", ...page });
    }

    // ---- Conditional Access What-If -----------------------------------------------------------------------------

    /** The ids of every group the object is a member of, directly or through nested groups (groups added with a seed). */
    private groupsOf(objectId: string): string[] {
        const found: string[] = [];
        const queue = [objectId.toLowerCase()];
        while (queue.length > 0) {
            const member = queue.shift()!;
            for (const group of this.groupStates.values()) {
                const key = group.id.toLowerCase();
                if (!found.includes(key) && group.memberIds.some((id) => id.toLowerCase() === member)) {
                    found.push(key);
                    queue.push(key);
                }
            }
        }
        return found.map((key) => this.groupStates.get(key)!.id);
    }

    /** What What-If knows of a user signing in: its groups (nested included) and the roles it holds, directly or through a group. */
    whatIfFacts(signIn: { readonly userId: string; readonly application: string; readonly clientAppType: string }): WhatIfFacts {
        const user = this.requireUser(signIn.userId);
        const groupIds = this.groupsOf(user.id);
        const principals = [user.id, ...groupIds].map((id) => id.toLowerCase());
        const roleTemplateIds = this.roleAssignmentList
            .filter((assignment) => principals.includes(assignment.principalId.toLowerCase()))
            .map((assignment) => assignment.roleDefinitionId);
        return { ...signIn, userId: user.id, groupIds, roleTemplateIds, guest: user.userType === "Guest" };
    }

    /**
     * `POST /identity/conditionalAccess/evaluate`: the body must be Graph v1.0's (whatIfRequestProblem), for a user of the
     * fake; every stored policy is judged by fakeWhatIfResult. With appliedPoliciesOnly true only those that apply are
     * returned (report-only ones among them, with their state); otherwise every policy, with policyApplies and
     * analysisReasons. Faults take WHAT_IF_TARGET.
     */
    private handleWhatIf(method: string, req: IncomingMessage, record: RecordedRequest, reply: Reply): void {
        const fault = this.takeFault(WHAT_IF_TARGET, method, record.path);
        if (fault) return this.replyFault(fault, reply);
        if (method !== "POST") return reply(405, graphError(errorCode(405), "Not supported."));
        const problem = whatIfRequestProblem(req, record.body);
        if (problem) return reply(400, graphError("BadRequest", problem));
        const body = record.body as {
            signInIdentity: { userId: string };
            signInContext: { includeApplications: string[] };
            signInConditions: { clientAppType?: string };
            appliedPoliciesOnly?: boolean;
        };
        const userId = body.signInIdentity.userId;
        if (!this.users.has(userId.toLowerCase())) {
            return reply(400, graphError("BadRequest", `The user '${userId}' of signInIdentity does not exist in the tenant.`));
        }
        const facts = this.whatIfFacts({
            userId,
            application: body.signInContext.includeApplications[0],
            clientAppType: body.signInConditions.clientAppType ?? "all",
        });
        const results = this.stored.map((policy) => ({ ...structuredClone(policy), ...fakeWhatIfResult(policy as ConditionalAccessPolicy, facts) }));
        const value = body.appliedPoliciesOnly === true ? results.filter((result) => result.policyApplies) : results;
        return reply(200, { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)", value });
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
    private takeFault(target: string, method: string, path: string): Fault | undefined {
        for (const state of this.faults.get(target) ?? []) {
            const { fault } = state;
            if (fault.kind === "concurrentWrite" || fault.kind === "concurrentDelete" || state.remaining <= 0) continue;
            if (fault.method !== undefined && fault.method !== method) continue;
            if (fault.kind === "status" && fault.pathIncludes !== undefined && !pathMatches(path, fault.pathIncludes)) continue;
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

const METHOD_CONFIGURATIONS_PATH = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations";
const ADMINISTRATIVE_UNITS_PATH = "/v1.0/directory/administrativeUnits";

const GROUPS_PATH = "/v1.0/groups";
const ROLE_ASSIGNMENT_INSTANCES_PATH = "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances";
const GET_BY_IDS_PATH = "/v1.0/directoryObjects/getByIds";
const WHAT_IF_PATH = "/v1.0/identity/conditionalAccess/evaluate";

/** One clause of a role assignment filter. */
interface RoleAssignmentClause {
    readonly property: "principalId" | "roleDefinitionId";
    readonly value: string;
}

/** The clauses of `principalId eq '...'`, `roleDefinitionId eq '...'` or both joined by ` and `; undefined for any other filter. */
export function parseRoleAssignmentFilter(filter: string): RoleAssignmentClause[] | undefined {
    const clauses: RoleAssignmentClause[] = [];
    for (const part of filter.split(" and ")) {
        const match = /^(principalId|roleDefinitionId) eq '((?:[^']|'')*)'$/.exec(part.trim());
        if (!match) return undefined;
        clauses.push({ property: match[1] as RoleAssignmentClause["property"], value: match[2].replace(/''/g, "'") });
    }
    return clauses;
}

/** Why a getByIds body is refused: exactly {ids: 1..1000 strings, types?: strings}. */
function getByIdsProblem(req: IncomingMessage, body: unknown): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return "POST needs a JSON body.";
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "The body must be a JSON object.";
    const unknown = Object.keys(body).filter((key) => key !== "ids" && key !== "types");
    if (unknown.length > 0) return `getByIds accepts only ids and types, got ${unknown.join(", ")}.`;
    const { ids, types } = body as Record<string, unknown>;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== "string")) return "ids must be a non-empty collection of strings.";
    if (ids.length > 1000) return `ids holds ${ids.length} values; at most 1000 are allowed.`;
    if (types !== undefined && (!Array.isArray(types) || types.some((type) => typeof type !== "string"))) return "types must be a collection of strings.";
    return undefined;
}

/** Graph's conditionalAccessClientApp values. */
const CLIENT_APP_TYPES = ["all", "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "easSupported", "other"];

/** The properties of Graph v1.0's signInConditions. */
const SIGN_IN_CONDITION_KEYS = [
    "authenticationFlow",
    "clientAppType",
    "country",
    "deviceInfo",
    "devicePlatform",
    "insiderRiskLevel",
    "ipAddress",
    "servicePrincipalRiskLevel",
    "signInRiskLevel",
    "userRiskLevel",
];

/**
 * Why a What-If body is refused, as Graph v1.0 documents it (conditionalaccessroot-evaluate): exactly signInIdentity
 * (`#microsoft.graph.userSignIn` with userId; the fake evaluates users only), signInContext
 * (`#microsoft.graph.applicationContext` with one application in includeApplications; the fake evaluates applications
 * only), signInConditions (an object of signInConditions' properties, clientAppType one of Graph's values) and the
 * optional boolean appliedPoliciesOnly.
 */
export function whatIfRequestProblem(req: IncomingMessage, body: unknown): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return "POST needs a JSON body.";
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "The body must be a JSON object.";
    const allowed = ["signInIdentity", "signInContext", "signInConditions", "appliedPoliciesOnly"];
    const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) return `evaluate accepts only ${allowed.join(", ")}, got ${unknown.join(", ")}.`;
    const { signInIdentity, signInContext, signInConditions, appliedPoliciesOnly } = body as Record<string, any>;
    if (typeof signInIdentity !== "object" || signInIdentity === null) return "signInIdentity is required.";
    if (signInIdentity["@odata.type"] !== "#microsoft.graph.userSignIn") {
        return `signInIdentity must have @odata.type #microsoft.graph.userSignIn (this fake evaluates users), got ${JSON.stringify(signInIdentity["@odata.type"])}.`;
    }
    if (typeof signInIdentity.userId !== "string" || signInIdentity.userId === "") return "signInIdentity.userId is required.";
    if (typeof signInContext !== "object" || signInContext === null) return "signInContext is required.";
    if (signInContext["@odata.type"] !== "#microsoft.graph.applicationContext") {
        return `signInContext must have @odata.type #microsoft.graph.applicationContext (this fake evaluates applications), got ${JSON.stringify(signInContext["@odata.type"])}.`;
    }
    const applications = signInContext.includeApplications;
    if (!Array.isArray(applications) || applications.length !== 1 || typeof applications[0] !== "string" || applications[0] === "") {
        return "signInContext.includeApplications must hold exactly one application (this fake evaluates one at a time).";
    }
    if (typeof signInConditions !== "object" || signInConditions === null || Array.isArray(signInConditions)) return "signInConditions is required.";
    const unknownConditions = Object.keys(signInConditions).filter((key) => !SIGN_IN_CONDITION_KEYS.includes(key));
    if (unknownConditions.length > 0) return `signInConditions has no property ${unknownConditions.join(", ")}.`;
    if (signInConditions.clientAppType !== undefined && !CLIENT_APP_TYPES.includes(signInConditions.clientAppType)) {
        return `signInConditions.clientAppType must be one of ${CLIENT_APP_TYPES.join(", ")}, got ${JSON.stringify(signInConditions.clientAppType)}.`;
    }
    if (appliedPoliciesOnly !== undefined && typeof appliedPoliciesOnly !== "boolean") return "appliedPoliciesOnly must be a boolean.";
    return undefined;
}

/** What the fake's What-If knows of one sign-in (FakeGraph.whatIfFacts builds it from the tenant). */
export interface WhatIfFacts {
    readonly userId: string;
    /** Every group the user is a member of, nested ones included. */
    readonly groupIds: readonly string[];
    /** The role template ids the user holds, directly or through a group. */
    readonly roleTemplateIds: readonly string[];
    readonly guest: boolean;
    readonly application: string;
    readonly clientAppType: string;
}

/** A list of ids from a condition; anything else reads as empty. */
function idList(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** `true` when any of `ids` is in the list. */
function listHoldsAny(list: unknown, ids: readonly string[]): boolean {
    return ids.some((id) => includesId(idList(list), id));
}

/**
 * Pure: whether one policy applies to a sign-in, as the fake's What-If judges it, with Graph's analysisReasons.
 * Judged in Graph's order, first reason wins: state (disabled: policyNotEnabled; report-only is evaluated like
 * enabled), users (not user-scoped: workloadIdentities; excluded by id, group, role or guest type, or not included
 * by All, id, group, role or guest type: users), applications (excluded, or not included by All or the exact value:
 * application; the fake does not expand keywords such as Office365 into their apps), client app types (neither all
 * nor the sign-in's: clientApps). Other conditions (platforms, locations, risk, devices) are taken as met.
 */
export function fakeWhatIfResult(policy: ConditionalAccessPolicy, facts: WhatIfFacts): { policyApplies: boolean; analysisReasons: string } {
    const notApplying = (analysisReasons: string) => ({ policyApplies: false, analysisReasons });
    if (policy.state !== "enabled" && policy.state !== "enabledForReportingButNotEnforced") return notApplying("policyNotEnabled");
    const conditions = (policy.conditions ?? {}) as Record<string, any>;
    const classification = classifyPolicy(conditions);
    if (!classification.userScoped) {
        return notApplying(classification.reason === NOT_USER_SCOPED_REASONS.noUsers ? "users" : "workloadIdentities");
    }
    const users = (conditions.users ?? {}) as Record<string, unknown>;
    const excluded =
        includesId(idList(users.excludeUsers), facts.userId) ||
        listHoldsAny(users.excludeGroups, facts.groupIds) ||
        listHoldsAny(users.excludeRoles, facts.roleTemplateIds) ||
        (facts.guest && users.excludeGuestsOrExternalUsers !== null && users.excludeGuestsOrExternalUsers !== undefined);
    const included =
        idList(users.includeUsers).includes("All") ||
        includesId(idList(users.includeUsers), facts.userId) ||
        listHoldsAny(users.includeGroups, facts.groupIds) ||
        listHoldsAny(users.includeRoles, facts.roleTemplateIds) ||
        (facts.guest && (idList(users.includeUsers).includes("GuestsOrExternalUsers") || (users.includeGuestsOrExternalUsers !== null && users.includeGuestsOrExternalUsers !== undefined)));
    if (excluded || !included) return notApplying("users");
    const applications = (conditions.applications ?? {}) as Record<string, unknown>;
    const sameApp = (value: unknown) => typeof value === "string" && value.toLowerCase() === facts.application.toLowerCase();
    if (idList(applications.excludeApplications).some(sameApp)) return notApplying("application");
    const includeApplications = idList(applications.includeApplications);
    if (!includeApplications.includes("All") && !includeApplications.some(sameApp)) return notApplying("application");
    const clientAppTypes = idList(conditions.clientAppTypes);
    if (clientAppTypes.length > 0 && !clientAppTypes.includes("all") && !clientAppTypes.includes(facts.clientAppType)) return notApplying("clientApps");
    return { policyApplies: true, analysisReasons: "notSet" };
}

/** What a fake access token says about its holder (see fakeAccessToken). */
export interface FakeTokenClaims {
    /** "application": `roles` and `idtyp: app`; "delegated": `scp` and `idtyp: user`. */
    readonly kind: "application" | "delegated";
    /** Application permissions or delegated scopes. */
    readonly permissions: readonly string[];
    /** Directory role template ids (`wids`). Defaults to none. */
    readonly roleTemplateIds?: readonly string[];
    readonly objectId?: string;
    readonly appId?: string;
    readonly tenantId?: string;
    /** Graph's origin, the token's audience. Defaults to global Graph. */
    readonly audience?: string;
}

/**
 * An unsigned JWT-shaped Graph access token (header.payload.signature, base64url) with the claims Entra ID puts in
 * one: for preflight tests that read grants from a token. Its signature is random bytes made now: nothing verifies it,
 * and it is never sent anywhere but a fake.
 */
export function fakeAccessToken(claims: FakeTokenClaims): string {
    const now = Math.floor(Date.now() / 1000);
    const tenantId = claims.tenantId ?? randomUUID();
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
    const header = { typ: "JWT", alg: "RS256", kid: "fake-graph-key" };
    const payload = {
        aud: claims.audience ?? "https://graph.microsoft.com",
        iss: `https://sts.windows.net/${tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        appid: claims.appId ?? randomUUID(),
        idtyp: claims.kind === "application" ? "app" : "user",
        oid: claims.objectId ?? randomUUID(),
        tid: tenantId,
        ver: "1.0",
        wids: [...(claims.roleTemplateIds ?? [])],
        ...(claims.kind === "application" ? { roles: [...claims.permissions] } : { scp: claims.permissions.join(" ") }),
    };
    return `${encode(header)}.${encode(payload)}.${randomBytes(32).toString("base64url")}`;
}

/** How a handler answers. */
type Reply = (status: number, body?: unknown, headers?: Record<string, string>) => void;

/** A pass as stored: its value is kept for assertions only. */
interface StoredPass {
    readonly id: string;
    readonly lifetimeInMinutes: number;
    readonly isUsableOnce: boolean;
    readonly createdDateTime: string;
    readonly startDateTime: string;
    readonly value: string;
}

/** A user's registered methods besides the password (which every user has). */
interface UserMethods {
    readonly fido2: FakeFido2Method[];
    readonly others: { readonly id: string; readonly type: string }[];
    /** At most one: Graph allows one pass per user. */
    readonly passes: StoredPass[];
}

/** `true` when the recorded path, raw or decoded, contains `part`. */
function pathMatches(path: string, part: string): boolean {
    if (path.includes(part)) return true;
    try {
        return decodeURIComponent(path).includes(part);
    } catch {
        return false;
    }
}

/** A pass's non-secret fields, its usability computed against the clock now (Graph's reasons). */
function passInfo(pass: StoredPass): FakeTemporaryAccessPassInfo {
    const now = Date.now();
    const start = Date.parse(pass.startDateTime);
    const end = start + pass.lifetimeInMinutes * 60_000;
    const reason = now < start ? "NotYetValid" : now >= end ? "Expired" : "EnabledByPolicy";
    return {
        id: pass.id,
        lifetimeInMinutes: pass.lifetimeInMinutes,
        isUsableOnce: pass.isUsableOnce,
        createdDateTime: pass.createdDateTime,
        startDateTime: pass.startDateTime,
        isUsable: reason === "EnabledByPolicy",
        methodUsabilityReason: reason,
    };
}

/** A FIDO2 method in Graph's shape; passkeyType only when the method has one. */
function fido2Json(method: FakeFido2Method): Record<string, unknown> {
    return {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
        id: method.id,
        displayName: method.displayName,
        createdDateTime: method.createdDateTime,
        aaGuid: method.aaGuid,
        model: method.model,
        attestationCertificates: [],
        attestationLevel: "attested",
        ...(method.passkeyType !== undefined ? { passkeyType: method.passkeyType } : {}),
    };
}

const PASS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%&*+-=?@";

/** A pass value made now with the CSPRNG: 16 characters, so leak checks of 9-character parts apply. */
function generatePass(): string {
    return Array.from({ length: 16 }, () => PASS_ALPHABET[randomInt(PASS_ALPHABET.length)]).join("");
}

/** Why a pass request is refused: exactly lifetimeInMinutes (a whole 10..43200) and isUsableOnce (a boolean). */
function passRequestProblem(req: IncomingMessage, body: unknown): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return "POST needs a JSON body.";
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "The body must be a JSON object.";
    const unknown = Object.keys(body).filter((key) => key !== "lifetimeInMinutes" && key !== "isUsableOnce");
    if (unknown.length > 0) return `This fake accepts only lifetimeInMinutes and isUsableOnce, got ${unknown.join(", ")}.`;
    const { lifetimeInMinutes, isUsableOnce } = body as Record<string, unknown>;
    if (typeof lifetimeInMinutes !== "number" || !Number.isInteger(lifetimeInMinutes) || lifetimeInMinutes < 10 || lifetimeInMinutes > 43200) {
        return "lifetimeInMinutes must be a whole number from 10 to 43200.";
    }
    if (typeof isUsableOnce !== "boolean") return "isUsableOnce must be a boolean.";
    return undefined;
}

/** Why a method configuration PATCH is refused: it must carry the stored @odata.type and well-formed targets. */
function methodConfigurationPatchProblem(req: IncomingMessage, body: unknown, stored: FakeMethodConfiguration): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return "PATCH needs a JSON body.";
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "PATCH body must be a JSON object.";
    const patch = body as Record<string, unknown>;
    if (patch["@odata.type"] === undefined) return "The @odata.type property must be included in the request body.";
    if (patch["@odata.type"] !== stored["@odata.type"]) return `@odata.type ${String(patch["@odata.type"])} does not match ${String(stored["@odata.type"])}.`;
    if (patch.id !== undefined && String(patch.id).toLowerCase() !== String(stored.id).toLowerCase()) return "id cannot be changed.";
    if (patch.state !== undefined && patch.state !== "enabled" && patch.state !== "disabled") return "state must be enabled or disabled.";
    for (const collection of ["includeTargets", "excludeTargets"]) {
        const value = patch[collection];
        if (value === undefined) continue;
        if (!Array.isArray(value)) return `${collection} must be a collection.`;
        const bad = value.find((target) => typeof target?.id !== "string" || target.id === "" || typeof target.targetType !== "string");
        if (bad !== undefined) return `Every entry of ${collection} needs an id and a targetType.`;
    }
    return undefined;
}

/** Why an administrative unit POST or PATCH is refused; a PATCH may never name isMemberManagementRestricted. */
function unitBodyProblem(req: IncomingMessage, body: unknown, method: "POST" | "PATCH"): string | undefined {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return `${method} needs a JSON body.`;
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "The body must be a JSON object.";
    const fields = body as Record<string, unknown>;
    if (method === "PATCH" && "isMemberManagementRestricted" in fields) {
        return "Property 'isMemberManagementRestricted' can only be set when the administrative unit is created.";
    }
    const allowed = ["displayName", "description", "visibility", ...(method === "POST" ? ["isMemberManagementRestricted"] : [])];
    const unknown = Object.keys(fields).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) return `This fake accepts only ${allowed.join(", ")}, got ${unknown.join(", ")}.`;
    if (method === "POST" && (typeof fields.displayName !== "string" || fields.displayName === "")) return "displayName is required.";
    if (method === "PATCH" && fields.displayName !== undefined && (typeof fields.displayName !== "string" || fields.displayName === "")) {
        return "displayName must be a non-empty string.";
    }
    if (fields.description !== undefined && fields.description !== null && typeof fields.description !== "string") return "description must be a string.";
    if (fields.isMemberManagementRestricted !== undefined && typeof fields.isMemberManagementRestricted !== "boolean") {
        return "isMemberManagementRestricted must be a boolean.";
    }
    return undefined;
}

/**
 * The object id of a `members/$ref` body, which must be exactly {"@odata.id": "<origin>/v1.0/directoryObjects/<id>"}
 * on the fake's own origin or global Graph's.
 */
function memberReference(req: IncomingMessage, body: unknown, endpoint: string): { objectId: string } | { problem: string } {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return { problem: "POST needs a JSON body." };
    if (typeof body !== "object" || body === null || Array.isArray(body)) return { problem: "The body must be a JSON object." };
    const keys = Object.keys(body);
    const reference = (body as Record<string, unknown>)["@odata.id"];
    if (keys.length !== 1 || typeof reference !== "string") return { problem: "The body must be exactly {\"@odata.id\": \"...\"}." };
    for (const origin of [endpoint, "https://graph.microsoft.com"]) {
        const prefix = `${origin}/v1.0/directoryObjects/`;
        if (reference.startsWith(prefix) && reference.length > prefix.length && !reference.slice(prefix.length).includes("/")) {
            return { objectId: decodeURIComponent(reference.slice(prefix.length)) };
        }
    }
    return { problem: `Invalid object reference '${reference}'.` };
}

/**
 * The three method configurations as a new tenant has them (Graph's documented defaults), each disabled and
 * targeting all_users. A test passes others through FakeGraphOptions.methodConfigurations.
 */
export function defaultMethodConfigurations(): FakeMethodConfiguration[] {
    const allUsers = () => [{ targetType: "group", id: "all_users", isRegistrationRequired: false }];
    return [
        {
            "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
            id: "Fido2",
            state: "disabled",
            isSelfServiceRegistrationAllowed: true,
            isAttestationEnforced: true,
            keyRestrictions: { isEnforced: false, enforcementType: "block", aaGuids: [] },
            includeTargets: allUsers(),
            excludeTargets: [],
        },
        {
            "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
            id: "TemporaryAccessPass",
            state: "disabled",
            defaultLifetimeInMinutes: 60,
            defaultLength: 8,
            minimumLifetimeInMinutes: 60,
            maximumLifetimeInMinutes: 480,
            isUsableOnce: false,
            includeTargets: allUsers(),
            excludeTargets: [],
        },
        {
            "@odata.type": "#microsoft.graph.x509CertificateAuthenticationMethodConfiguration",
            id: "X509Certificate",
            state: "disabled",
            certificateUserBindings: [
                { x509CertificateField: "PrincipalName", userProperty: "userPrincipalName", priority: 1 },
                { x509CertificateField: "RFC822Name", userProperty: "userPrincipalName", priority: 2 },
            ],
            authenticationModeConfiguration: { x509CertificateAuthenticationDefaultMode: "x509CertificateSingleFactor", rules: [] },
            includeTargets: allUsers(),
            excludeTargets: [],
        },
    ];
}
