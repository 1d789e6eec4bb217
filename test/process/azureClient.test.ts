// The azure/ client against the fake ARM and Log Analytics over real HTTP: endpoints validated before any token is
// asked, one token per scope, the exact requests, 404 as undefined, retries honouring Retry-After (bounded), errors
// that name the status and Azure's code, paging through nextLink without ever leaving the validated origin.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { AzureRequestError, createAzureClient, rowsOf, validateAzureEndpoint, ARM_ENDPOINTS } from "../../azure/client";
import { ENTRA_DIAGNOSTIC_SETTINGS_PATH, listEntraDiagnosticSettings } from "../../azure/diagnosticSettings";
import { getWorkspace } from "../../azure/logAnalytics";
import { listActionGroups, listScheduledQueryRules } from "../../azure/monitor";
import { listAlertRules } from "../../azure/sentinel";
import type { AzureReaders } from "../../commands/verify/model";
import { ACCOUNTS, GROUP } from "../helpers/ids";
import { FakeArm, fakeArmCredential, goodPipelineState, workspaceId, type FakeArmState } from "../helpers/fakeArm";

const SUBSCRIPTION = "2f1c4b7e-5a3d-4c8e-9b6f-0d1e2f3a4b5c";
const CUSTOMER_ID = "b3c7d9e1-4f2a-4b6c-8d0e-1f3a5b7c9d2e";
const PLACE = { subscriptionId: SUBSCRIPTION, resourceGroupName: "rg-sentinel", workspaceName: "law-sentinel" };
const WORKSPACE_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.OperationalInsights/workspaces/law-sentinel`;

function goodState(): FakeArmState {
    return goodPipelineState({
        ...PLACE,
        customerId: CUSTOMER_ID,
        accountIds: ACCOUNTS.slice(0, 2),
        groupId: GROUP,
        queryFrequency: "PT5M",
        emails: ["secops@contoso.com"],
        sms: [{ countryCode: "1", phoneNumber: "5550100" }],
        webhooks: 1,
        lastSignInLog: "2026-11-26T08:00:00.0000000Z",
    });
}

describe("azure/client endpoints", () => {
    const cases: { endpoint: string; message?: string }[] = [
        { endpoint: "https://management.azure.com" },
        { endpoint: "https://management.usgovcloudapi.net/" },
        { endpoint: "http://127.0.0.1:8080" },
        { endpoint: "http://localhost:1" },
        {
            endpoint: "http://management.azure.com",
            message:
                'Azure Resource Manager endpoint "http://management.azure.com" must be one of https://management.azure.com, https://management.usgovcloudapi.net, ' +
                "https://management.chinacloudapi.cn (or plain http on 127.0.0.1, localhost or [::1] for a test): it receives an access token, which must go to Microsoft only",
        },
        {
            endpoint: "https://management.azure.com.evil.example",
            message:
                'Azure Resource Manager endpoint "https://management.azure.com.evil.example" must be one of https://management.azure.com, https://management.usgovcloudapi.net, ' +
                "https://management.chinacloudapi.cn (or plain http on 127.0.0.1, localhost or [::1] for a test): it receives an access token, which must go to Microsoft only",
        },
        { endpoint: "https://management.azure.com/subscriptions", message: 'Azure Resource Manager endpoint "https://management.azure.com/subscriptions" must be an origin only, e.g. https://management.azure.com' },
        { endpoint: "http://user:pw@127.0.0.1:1", message: 'Azure Resource Manager endpoint "http://user:pw@127.0.0.1:1" must not carry user information' },
        { endpoint: "not a url", message: 'Azure Resource Manager endpoint "not a url" is not a URL; expected one of https://management.azure.com, https://management.usgovcloudapi.net, https://management.chinacloudapi.cn' },
    ];
    for (const { endpoint, message } of cases) {
        test(`${endpoint} is ${message ? "refused" : "accepted"}`, () => {
            if (message) assert.throws(() => validateAzureEndpoint(endpoint, ARM_ENDPOINTS, "Azure Resource Manager endpoint"), { message });
            else assert.equal(validateAzureEndpoint(endpoint, ARM_ENDPOINTS, "Azure Resource Manager endpoint"), new URL(endpoint).origin);
        });
    }

    test("a refused endpoint asks for no token", () => {
        const credential = fakeArmCredential();
        assert.throws(() => createAzureClient({ armEndpoint: "https://example.com", credential }), /must be one of/);
        assert.throws(() => createAzureClient({ logAnalyticsEndpoint: "https://api.loganalytics.io.example.com", credential }), /Log Analytics endpoint .* must be one of/);
        assert.deepEqual(credential.scopes, []);
    });

    test("the US Government cloud's ARM pairs with its own Log Analytics", () => {
        const client = createAzureClient({ armEndpoint: "https://management.usgovcloudapi.net", credential: fakeArmCredential() });
        assert.equal(client.logAnalyticsEndpoint, "https://api.loganalytics.us");
    });
});

describe("azure/client against the fake ARM", () => {
    let fake: FakeArm;
    let credential: ReturnType<typeof fakeArmCredential>;
    let waits: number[];
    const client = () =>
        createAzureClient({
            armEndpoint: fake.endpoint,
            logAnalyticsEndpoint: fake.endpoint,
            credential,
            retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 5000 },
            sleep: async (ms) => {
                waits.push(ms);
            },
        });

    before(async () => {
        fake = await FakeArm.start(goodState());
    });
    after(() => fake.close());
    beforeEach(() => {
        fake.requests.length = 0;
        Object.assign(fake.state, goodState());
        credential = fakeArmCredential();
        waits = [];
    });

    test("the client is the verify run's AzureReaders", () => {
        const readers: AzureReaders = client();
        assert.equal(typeof readers.get, "function");
    });

    test("GET sends the bearer token to the path asked, with the ARM scope; one token for every ARM call", async () => {
        const azure = client();
        const workspace = await getWorkspace(azure, PLACE);
        const settings = await listEntraDiagnosticSettings(azure);
        assert.deepEqual(workspace, { id: workspaceId(fake.state), name: "law-sentinel", customerId: CUSTOMER_ID });
        assert.deepEqual(settings.map((s) => [s.name, s.workspaceId, s.logs.filter((l) => l.enabled).map((l) => l.category)]), [
            ["sentinel-entra", WORKSPACE_PATH, ["AuditLogs", "SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs"]],
        ]);
        assert.deepEqual(fake.requestLines(), [`GET ${WORKSPACE_PATH}?api-version=2023-09-01`, `GET ${ENTRA_DIAGNOSTIC_SETTINGS_PATH}`]);
        assert.ok(fake.requests.every((r) => r.authorized && r.headers.authorization === "Bearer fake-arm-token-not-a-jwt"));
        assert.deepEqual(credential.scopes, [["https://management.azure.com/.default"]]);
    });

    test("the typed lists read the rules, action groups and log alerts at the program's api-versions", async () => {
        const azure = client();
        const rules = await listAlertRules(azure, PLACE);
        const groups = await listActionGroups(azure, SUBSCRIPTION, "rg-sentinel");
        const alerts = await listScheduledQueryRules(azure, SUBSCRIPTION, "rg-sentinel");
        assert.deepEqual(
            rules.map((r) => [r.kind, r.displayName, r.enabled, r.queryFrequency, r.queryPeriod]),
            [
                ["Scheduled", "Emergency access account sign-in (break glass)", true, "PT5M", "PT1H"],
                ["Scheduled", "Emergency access account or group changed (break glass)", true, "PT5M", "PT1H"],
            ],
        );
        assert.deepEqual(groups.map((g) => [g.name, g.enabled, g.emailReceivers.map((r) => r.emailAddress), g.smsReceivers.map((r) => r.countryCode + r.phoneNumber), g.webhookReceiverNames]), [
            ["emergency-access-action-group3f9c2a1b", true, ["secops@contoso.com"], ["15550100"], ["webhook-1"]],
        ]);
        assert.ok(!JSON.stringify(groups).includes("hooks.example.invalid"), "a webhook URL never leaves azure/monitor.ts");
        assert.deepEqual(alerts.map((a) => [a.name, a.enabled, a.actionGroupIds, a.scopes]), [
            ["emergency-access-sign-in-alert7d4e1f0a", true, [groups[0].id], [WORKSPACE_PATH]],
            ["emergency-access-non-interactive-alert7d4e1f0a", true, [groups[0].id], [WORKSPACE_PATH]],
        ]);
        assert.deepEqual(fake.requestLines(), [
            `GET ${WORKSPACE_PATH}/providers/Microsoft.SecurityInsights/alertRules?api-version=2024-09-01`,
            `GET /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/actionGroups?api-version=2024-10-01-preview`,
            `GET /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/scheduledQueryRules?api-version=2025-01-01-preview`,
        ]);
    });

    test("a list follows nextLink through the client's own origin, page by page", async () => {
        const paged = await FakeArm.start(goodState(), { pageSize: 1 });
        try {
            const azure = createAzureClient({ armEndpoint: paged.endpoint, credential, retry: { maxRetries: 0 } });
            const rules = await listAlertRules(azure, PLACE);
            assert.equal(rules.length, 2);
            assert.deepEqual(paged.requestLines(), [
                `GET ${WORKSPACE_PATH}/providers/Microsoft.SecurityInsights/alertRules?api-version=2024-09-01`,
                `GET ${WORKSPACE_PATH}/providers/Microsoft.SecurityInsights/alertRules?api-version=2024-09-01&%24skipToken=1`,
            ]);
        } finally {
            await paged.close();
        }
    });

    test("404 is undefined: a missing workspace", async () => {
        fake.state.customerId = undefined;
        assert.equal(await getWorkspace(client(), PLACE), undefined);
        assert.deepEqual(await listAlertRules(client(), PLACE), []);
    });

    test("a query POSTs the KQL to the workspace's customer id with the Log Analytics scope and maps rows to objects", async () => {
        const azure = client();
        const rows = await azure.query(CUSTOMER_ID.toUpperCase(), "SigninLogs | summarize last = max(TimeGenerated)");
        assert.deepEqual(rows, [{ last: "2026-11-26T08:00:00.0000000Z" }]);
        assert.deepEqual(fake.requests.map((r) => [r.method, r.path, r.body]), [
            ["POST", `/v1/workspaces/${CUSTOMER_ID}/query`, { query: "SigninLogs | summarize last = max(TimeGenerated)" }],
        ]);
        assert.deepEqual(credential.scopes, [["https://api.loganalytics.io/.default"]]);
    });

    test("429 with Retry-After is retried after the wait it asks (capped at maxDelayMs)", async () => {
        fake.fault({ pathIncludes: "alertRules", status: 429, times: 2, retryAfter: "2" });
        fake.fault({ pathIncludes: "actionGroups", status: 429, times: 1, retryAfter: "3600" });
        const azure = client();
        assert.equal((await listAlertRules(azure, PLACE)).length, 2);
        assert.equal((await listActionGroups(azure, SUBSCRIPTION, "rg-sentinel")).length, 1);
        assert.deepEqual(waits, [2000, 2000, 5000]);
        assert.deepEqual(fake.requests.map((r) => r.status), [429, 429, 200, 429, 200]);
    });

    test("503 and 504 are retried with bounded backoff; the error says when the retries were spent", async () => {
        fake.fault({ pathIncludes: "diagnosticSettings", status: 503, times: 10 });
        await assert.rejects(listEntraDiagnosticSettings(client()), {
            name: "AzureRequestError",
            statusCode: 503,
            message: `Azure Resource Manager: GET ${ENTRA_DIAGNOSTIC_SETTINGS_PATH} failed with HTTP 503 ServiceUnavailable (gave up after 3 retries): Injected fault: HTTP 503 for ${ENTRA_DIAGNOSTIC_SETTINGS_PATH}.`,
        });
        assert.equal(fake.requests.length, 4);
        assert.equal(waits.length, 3);
        assert.ok(waits.every((ms, i) => ms >= (5 * 2 ** i) / 2 && ms <= 5 * 2 ** i), `backoff ${waits}`);
    });

    test("403 is final: not retried, with Azure's code for the caller to name the role", async () => {
        fake.fault({ pathIncludes: "/query", status: 403, times: 1, code: "InsufficientAccessError" });
        const error = await client().query(CUSTOMER_ID, "SigninLogs | summarize last = max(TimeGenerated)").catch((e: unknown) => e);
        assert.ok(error instanceof AzureRequestError);
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, "InsufficientAccessError");
        assert.equal(error.message, `Log Analytics: POST /v1/workspaces/${CUSTOMER_ID}/query failed with HTTP 403 InsufficientAccessError: Injected fault: HTTP 403 for /v1/workspaces/${CUSTOMER_ID}/query.`);
        assert.equal(fake.requests.length, 1);
    });

    test("the fake refuses a wrong bearer token, and the client reports the 401", async () => {
        const azure = createAzureClient({ armEndpoint: fake.endpoint, credential: fakeArmCredential("another-token"), retry: { maxRetries: 0 } });
        await assert.rejects(getWorkspace(azure, PLACE), {
            statusCode: 401,
            message: `Azure Resource Manager: GET ${WORKSPACE_PATH}?api-version=2023-09-01 failed with HTTP 401 InvalidAuthenticationToken: The access token is invalid.`,
        });
        assert.deepEqual(fake.requests.map((r) => [r.authorized, r.status]), [[false, 401]]);
    });

    test("the fake refuses another api-version", async () => {
        await assert.rejects(client().get(`${WORKSPACE_PATH}?api-version=2020-08-01`), {
            statusCode: 400,
            message: `Azure Resource Manager: GET ${WORKSPACE_PATH}?api-version=2020-08-01 failed with HTTP 400 InvalidApiVersionParameter: The api-version '2020-08-01' is invalid. The fake supports '2023-09-01'.`,
        });
    });

    test("a path that is not a path, or has no api-version, is refused before any request", async () => {
        const azure = client();
        await assert.rejects(azure.get("https://evil.example/x?api-version=1"), { message: 'Azure Resource Manager path "https://evil.example/x?api-version=1" must start with "/" and carry an api-version' });
        await assert.rejects(azure.get("//evil.example/x?api-version=1"), /must start with "\/"/);
        await assert.rejects(azure.get(WORKSPACE_PATH), /carry an api-version/);
        await assert.rejects(azure.query("law-sentinel", "x"), { message: 'Log Analytics workspace id "law-sentinel" must be the workspace\'s customer id (a GUID)' });
        assert.deepEqual(fake.requests, []);
        assert.deepEqual(credential.scopes, []);
    });
});

describe("rowsOf", () => {
    test("maps the primary table's columns onto each row", () => {
        const body = { tables: [{ name: "PrimaryResult", columns: [{ name: "a", type: "string" }, { name: "n", type: "long" }], rows: [["x", 1], ["y", 2]] }] };
        assert.deepEqual(rowsOf(body), [{ a: "x", n: 1 }, { a: "y", n: 2 }]);
    });
    test("an answer without a table is an error", () => {
        assert.throws(() => rowsOf({ error: { code: "PartialError" } }), { message: "the Log Analytics answer has no result table (expected tables[0].columns and rows)" });
    });
});
