// A fake Azure Resource Manager and Log Analytics query API, over real HTTP on 127.0.0.1, for `npm run verify`'s alert
// pipeline checks and the azure/ client. It serves the bodies the ARM REST docs show, at the paths and api-versions the
// program uses, and is stricter than Azure where strictness catches bugs: another api-version answers 400, an unknown
// path 404, a request without the expected bearer token 401, a query it does not know 400. Faults are injected per path
// (a status, a number of times, a Retry-After). Every request is recorded for exact assertions.
//
//   GET  /providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01
//   GET  /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{ws}?api-version=2023-09-01
//   GET  .../workspaces/{ws}/providers/Microsoft.SecurityInsights/alertRules?api-version=2024-09-01   (paged: nextLink)
//   GET  /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Insights/actionGroups?api-version=2024-10-01-preview
//   GET  /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Insights/scheduledQueryRules?api-version=2025-01-01-preview
//   POST /v1/workspaces/{customerId}/query   {"query": "..."}  → {"tables": [{"name": "PrimaryResult", "columns", "rows"}]}
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
    SIGN_IN_ALERTS,
    SIGN_IN_ALERT_TABLES,
    actionGroupDeclaration,
    changeRuleDeclaration,
    signInAlertDeclaration,
    signInRuleDeclaration,
} from "../../policies/contract/declaration/monitoring";
import { changeQuery, queryWindow, signInQuery } from "../../policies/contract/queries";

/** The bearer token tests hand the client through a fake credential; the fake accepts no other. */
export const FAKE_ARM_TOKEN = "fake-arm-token-not-a-jwt";

/** An ARM resource body as the REST API returns it (id, name, type, properties, ...). */
export type ArmResource = Record<string, any>;

/** One request as the fake received it. */
export interface RecordedArmRequest {
    readonly method: string;
    /** Path and query, as sent. */
    readonly path: string;
    readonly body: unknown;
    readonly headers: IncomingHttpHeaders;
    readonly authorized: boolean;
    status: number;
}

/** A fault: answer `status` to the next `times` requests whose path (with query) contains `pathIncludes`. */
export interface ArmFault {
    readonly pathIncludes: string;
    readonly status: number;
    readonly times: number;
    readonly retryAfter?: string;
    /** Azure's error code in the body. Defaults per status (AuthorizationFailed for 403, ...). */
    readonly code?: string;
    readonly method?: string;
}

/** The tenant the fake serves. Every list is mutable: a test changes it between runs. */
export interface FakeArmState {
    subscriptionId: string;
    resourceGroupName: string;
    workspaceName: string;
    /** properties.customerId of the workspace; undefined: the workspace does not exist (404). */
    customerId?: string;
    diagnosticSettings: ArmResource[];
    alertRules: ArmResource[];
    actionGroups: ArmResource[];
    scheduledQueryRules: ArmResource[];
    /** max(TimeGenerated) of SigninLogs, ISO 8601; undefined: the table is empty. */
    lastSignInLog?: string;
}

/** The api-version each route accepts: the program's (azure/). */
export const FAKE_ARM_API_VERSIONS = {
    diagnosticSettings: "2017-04-01",
    workspace: "2023-09-01",
    alertRules: "2024-09-01",
    actionGroups: "2024-10-01-preview",
    scheduledQueryRules: "2025-01-01-preview",
} as const;

/** The one query the fake's Log Analytics answers (alerts-sign-in-log-recent's). */
export const FAKE_LAST_SIGN_IN_QUERY = "SigninLogs | summarize last = max(TimeGenerated)";

const DEFAULT_CODES: Record<number, string> = {
    400: "BadRequest",
    401: "AuthenticationFailed",
    403: "AuthorizationFailed",
    404: "ResourceNotFound",
    429: "TooManyRequests",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
};

function armError(code: string, message: string): string {
    return JSON.stringify({ error: { code, message } });
}

/** `/subscriptions/{s}/resourceGroups/{rg}` of the state. */
export function resourceGroupId(state: Pick<FakeArmState, "subscriptionId" | "resourceGroupName">): string {
    return `/subscriptions/${state.subscriptionId}/resourceGroups/${state.resourceGroupName}`;
}

/** The workspace's ARM id. */
export function workspaceId(state: Pick<FakeArmState, "subscriptionId" | "resourceGroupName" | "workspaceName">): string {
    return `${resourceGroupId(state)}/providers/Microsoft.OperationalInsights/workspaces/${state.workspaceName}`;
}

/** A fake ARM and Log Analytics on 127.0.0.1. */
export class FakeArm {
    readonly requests: RecordedArmRequest[] = [];
    private readonly faults: { fault: ArmFault; remaining: number }[] = [];

    private constructor(
        private readonly server: Server,
        readonly endpoint: string,
        readonly state: FakeArmState,
        private readonly token: string,
        private readonly pageSize: number,
    ) {}

    /** Starts the fake on a free loopback port. */
    static async start(state: FakeArmState, options: { token?: string; pageSize?: number } = {}): Promise<FakeArm> {
        const started: { fake?: FakeArm } = {};
        const server = createServer((request, response) => {
            void started.fake!.handle(request, response);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        started.fake = new FakeArm(server, `http://127.0.0.1:${port}`, state, options.token ?? FAKE_ARM_TOKEN, options.pageSize ?? 100);
        return started.fake;
    }

    /** Injects a fault. */
    fault(fault: ArmFault): void {
        this.faults.push({ fault, remaining: fault.times });
    }

    /** The recorded requests as `METHOD path`, for exact assertions. */
    requestLines(): string[] {
        return this.requests.map((r) => `${r.method} ${r.path}`);
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    }

    private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
            body = text ? JSON.parse(text) : undefined;
        } catch {
            body = text;
        }
        const method = request.method ?? "";
        const path = request.url ?? "";
        const authorized = request.headers.authorization === `Bearer ${this.token}`;
        const record: RecordedArmRequest = { method, path, body, headers: request.headers, authorized, status: 0 };
        this.requests.push(record);
        const send = (status: number, payload: string, headers: Record<string, string> = {}) => {
            record.status = status;
            response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
            response.end(payload);
        };
        if (!request.headers.authorization) {
            return send(401, armError("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."));
        }
        if (!authorized) return send(401, armError("InvalidAuthenticationToken", "The access token is invalid."));
        const fault = this.faults.find((f) => f.remaining > 0 && path.includes(f.fault.pathIncludes) && (!f.fault.method || f.fault.method === method));
        if (fault) {
            fault.remaining--;
            const { status, retryAfter } = fault.fault;
            const code = fault.fault.code ?? DEFAULT_CODES[status] ?? "Error";
            return send(status, armError(code, `Injected fault: HTTP ${status} for ${path}.`), retryAfter !== undefined ? { "Retry-After": retryAfter } : {});
        }
        const answer = this.route(method, path, body);
        send(answer.status, JSON.stringify(answer.body));
    }

    private route(method: string, rawPath: string, body: unknown): { status: number; body: unknown } {
        const url = new URL(rawPath, this.endpoint);
        const path = url.pathname;
        const lower = path.toLowerCase();
        const s = this.state;
        if (method === "POST" && /^\/v1\/workspaces\/[^/]+\/query$/.test(path)) return this.query(path.split("/")[3], body);
        if (method !== "GET") return { status: 405, body: JSON.parse(armError("MethodNotAllowed", `The fake serves GET only at ${path}.`)) };
        const apiVersion = url.searchParams.get("api-version");
        const list = (items: ArmResource[], version: string) => {
            if (apiVersion !== version) return badVersion(apiVersion, version);
            const skip = Number(url.searchParams.get("$skipToken") ?? "0");
            const page = items.slice(skip, skip + this.pageSize);
            const more = skip + this.pageSize < items.length;
            const next = new URL(url.toString());
            next.searchParams.set("$skipToken", String(skip + this.pageSize));
            return { status: 200, body: { value: page, ...(more ? { nextLink: next.toString() } : {}) } };
        };
        if (lower === "/providers/microsoft.aadiam/diagnosticsettings") return list(s.diagnosticSettings, FAKE_ARM_API_VERSIONS.diagnosticSettings);
        const rg = resourceGroupId(s).toLowerCase();
        const ws = workspaceId(s).toLowerCase();
        if (lower === ws) {
            if (apiVersion !== FAKE_ARM_API_VERSIONS.workspace) return badVersion(apiVersion, FAKE_ARM_API_VERSIONS.workspace);
            if (s.customerId === undefined) return notFound(path);
            return { status: 200, body: workspaceBody(s) };
        }
        if (lower === `${ws}/providers/microsoft.securityinsights/alertrules`) {
            return s.customerId === undefined ? notFound(path) : list(s.alertRules, FAKE_ARM_API_VERSIONS.alertRules);
        }
        if (lower === `${rg}/providers/microsoft.insights/actiongroups`) return list(s.actionGroups, FAKE_ARM_API_VERSIONS.actionGroups);
        if (lower === `${rg}/providers/microsoft.insights/scheduledqueryrules`) return list(s.scheduledQueryRules, FAKE_ARM_API_VERSIONS.scheduledQueryRules);
        return notFound(path);
    }

    private query(customerId: string, body: unknown): { status: number; body: unknown } {
        if (this.state.customerId === undefined || customerId !== this.state.customerId) {
            return { status: 404, body: JSON.parse(armError("WorkspaceNotFoundError", `The workspace ${customerId} could not be found.`)) };
        }
        const query = (body as { query?: unknown } | undefined)?.query;
        if (query !== FAKE_LAST_SIGN_IN_QUERY) {
            return { status: 400, body: JSON.parse(armError("BadArgumentError", `The fake answers only ${JSON.stringify(FAKE_LAST_SIGN_IN_QUERY)}; got ${JSON.stringify(query)}.`)) };
        }
        // An empty table summarizes to one row whose max() is null, as Log Analytics answers.
        return {
            status: 200,
            body: { tables: [{ name: "PrimaryResult", columns: [{ name: "last", type: "datetime" }], rows: [[this.state.lastSignInLog ?? null]] }] },
        };
    }
}

function badVersion(got: string | null, want: string): { status: number; body: unknown } {
    return {
        status: 400,
        body: JSON.parse(armError("InvalidApiVersionParameter", `The api-version '${got ?? ""}' is invalid. The fake supports '${want}'.`)),
    };
}

function notFound(path: string): { status: number; body: unknown } {
    return { status: 404, body: JSON.parse(armError("ResourceNotFound", `The Resource '${path}' was not found.`)) };
}

/** The workspace as `GET workspaces/{ws}` answers (https://learn.microsoft.com/rest/api/loganalytics/workspaces/get). */
export function workspaceBody(state: FakeArmState): ArmResource {
    return {
        id: workspaceId(state),
        name: state.workspaceName,
        type: "Microsoft.OperationalInsights/workspaces",
        location: "westeurope",
        properties: {
            provisioningState: "Succeeded",
            customerId: state.customerId,
            sku: { name: "PerGB2018" },
            retentionInDays: 90,
            publicNetworkAccessForIngestion: "Enabled",
            publicNetworkAccessForQuery: "Enabled",
        },
    };
}

/** Every category an Entra diagnostic setting can hold, in the portal's order. */
export const ENTRA_LOG_CATEGORIES = [
    "AuditLogs",
    "SignInLogs",
    "NonInteractiveUserSignInLogs",
    "ServicePrincipalSignInLogs",
    "ManagedIdentitySignInLogs",
    "ProvisioningLogs",
    "ADFSSignInLogs",
    "RiskyUsers",
    "UserRiskEvents",
] as const;

/**
 * An Entra diagnostic setting as `GET microsoft.aadiam/diagnosticSettings` lists it
 * (https://learn.microsoft.com/azure/templates/microsoft.aadiam/2017-04-01/diagnosticsettings): every category, those in
 * `enabled` on.
 */
export function diagnosticSettingBody(name: string, workspace: string | undefined, enabled: readonly string[]): ArmResource {
    return {
        id: `/providers/microsoft.aadiam/diagnosticSettings/${name}`,
        type: null,
        name,
        properties: {
            storageAccountId: null,
            serviceBusRuleId: null,
            workspaceId: workspace ?? null,
            eventHubAuthorizationRuleId: null,
            eventHubName: null,
            metrics: [],
            logs: ENTRA_LOG_CATEGORIES.map((category) => ({
                category,
                categoryGroup: null,
                enabled: enabled.includes(category),
                retentionPolicy: { days: 0, enabled: false },
            })),
        },
        identity: null,
    };
}

/** What a good pipeline is built from: what the stack declares (the same values verify's Declaration holds). */
export interface PipelineSeed {
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    readonly workspaceName: string;
    readonly customerId: string;
    readonly accountIds: readonly string[];
    readonly groupId: string;
    readonly queryFrequency: string;
    readonly emails: readonly string[];
    readonly sms: readonly { readonly countryCode: string; readonly phoneNumber: string }[];
    readonly webhooks: number;
    /** max(TimeGenerated) of SigninLogs. */
    readonly lastSignInLog?: string;
}

/** `value` without the inputs that are part of the resource's address, not of its body. */
function without<T extends Record<string, any>, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key as K))) as Omit<T, K>;
}

/** The emergency action group's name as azure-native auto-names it (`<name>-action-group` and 8 characters). */
export const ACTION_GROUP_NAME = "emergency-access-action-group3f9c2a1b";

/**
 * A Sentinel rule as `GET alertRules` lists it (https://learn.microsoft.com/rest/api/securityinsights/alert-rules/list):
 * the declaration's inputs under `properties`, the kind at the top, and the fields Sentinel adds.
 */
function sentinelRuleBody(state: FakeArmState, declared: Record<string, any>): ArmResource {
    const { kind, ...properties } = without(declared, ["resourceGroupName", "workspaceName"]);
    const name = randomUUID();
    return {
        id: `${workspaceId(state)}/providers/Microsoft.SecurityInsights/alertRules/${name}`,
        name,
        type: "Microsoft.SecurityInsights/alertRules",
        kind,
        etag: `"${randomUUID()}"`,
        properties: { ...properties, lastModifiedUtc: "2026-11-02T09:14:07.1234567Z", templateVersion: null, alertRuleTemplateName: null },
    };
}

/**
 * An action group as `GET actionGroups` lists it (https://learn.microsoft.com/rest/api/monitor/action-groups/list-by-resource-group).
 * Webhook URLs are made at run time: such URLs carry a credential and never sit in the source.
 */
function actionGroupBody(state: FakeArmState, seed: PipelineSeed): ArmResource {
    const declared = actionGroupDeclaration(state.resourceGroupName, {
        emails: seed.emails,
        sms: seed.sms,
        webhooks: Array.from({ length: seed.webhooks }, () => `https://hooks.example.invalid/${randomUUID()}`),
    });
    const { location, ...properties } = without(declared, ["resourceGroupName"]);
    return {
        id: `${resourceGroupId(state)}/providers/microsoft.insights/actionGroups/${ACTION_GROUP_NAME}`,
        type: "Microsoft.Insights/ActionGroups",
        name: ACTION_GROUP_NAME,
        location,
        kind: null,
        tags: {},
        properties: {
            ...properties,
            emailReceivers: properties.emailReceivers.map((r) => ({ ...r, status: "Enabled" })),
            smsReceivers: properties.smsReceivers.map((r) => ({ ...r, status: "Enabled" })),
            webhookReceivers: properties.webhookReceivers.map((r) => ({ ...r, useAadAuth: false })),
            itsmReceivers: [],
            azureAppPushReceivers: [],
            automationRunbookReceivers: [],
            voiceReceivers: [],
            logicAppReceivers: [],
            azureFunctionReceivers: [],
            armRoleReceivers: [],
            eventHubReceivers: [],
        },
    };
}

/** A log search alert as `GET scheduledQueryRules` lists it (https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/list-by-resource-group). */
function scheduledQueryRuleBody(state: FakeArmState, name: string, declared: Record<string, any>): ArmResource {
    const { location, kind, ...properties } = without(declared, ["resourceGroupName"]);
    return {
        id: `${resourceGroupId(state)}/providers/microsoft.insights/scheduledqueryrules/${name}`,
        name,
        type: "microsoft.insights/scheduledqueryrules",
        location,
        kind,
        tags: {},
        systemData: { createdBy: "deploy@contoso.onmicrosoft.com", createdByType: "User", createdAt: "2026-11-02T09:14:07Z" },
        properties: { ...properties, isWorkspaceAlertsStorageConfigured: false, checkWorkspaceAlertsStorageConfigured: false },
    };
}

/**
 * A tenant whose alert pipeline is exactly what the program declares: one Entra diagnostic setting sending every
 * required category to the workspace, both Sentinel rules and both log alerts built by the contract's own declaration
 * functions and query builders, the action group with the declared receivers, and `lastSignInLog`.
 */
export function goodPipelineState(seed: PipelineSeed): FakeArmState {
    const state: FakeArmState = {
        subscriptionId: seed.subscriptionId,
        resourceGroupName: seed.resourceGroupName,
        workspaceName: seed.workspaceName,
        customerId: seed.customerId,
        diagnosticSettings: [],
        alertRules: [],
        actionGroups: [],
        scheduledQueryRules: [],
        lastSignInLog: seed.lastSignInLog,
    };
    const window = queryWindow(seed.queryFrequency);
    const place = { resourceGroupName: seed.resourceGroupName, workspaceName: seed.workspaceName };
    state.diagnosticSettings.push(
        diagnosticSettingBody("sentinel-entra", workspaceId(state), ["AuditLogs", "SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs"]),
    );
    state.alertRules.push(
        sentinelRuleBody(state, signInRuleDeclaration(place, window, signInQuery(seed.accountIds, window))),
        sentinelRuleBody(state, changeRuleDeclaration(place, window, changeQuery(seed.accountIds, seed.groupId, window))),
    );
    const group = actionGroupBody(state, seed);
    state.actionGroups.push(group);
    const alertPlace = { resourceGroupName: seed.resourceGroupName, location: "westeurope", workspaceId: workspaceId(state), actionGroupId: group.id };
    for (const table of SIGN_IN_ALERT_TABLES) {
        const suffix = SIGN_IN_ALERTS[table].suffix;
        state.scheduledQueryRules.push(
            scheduledQueryRuleBody(state, `emergency-access${suffix}7d4e1f0a`, signInAlertDeclaration(alertPlace, table, window, signInQuery(seed.accountIds, window, [table]))),
        );
    }
    return state;
}

/** A credential that hands out `token` (FAKE_ARM_TOKEN by default) and records each scope asked; never a real token. */
export function fakeArmCredential(token: string = FAKE_ARM_TOKEN): { getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number }>; scopes: string[][] } {
    const scopes: string[][] = [];
    return {
        scopes,
        async getToken(requested: string | string[]) {
            scopes.push(([] as string[]).concat(requested));
            return { token, expiresOnTimestamp: Date.now() + 3600_000 };
        },
    };
}
