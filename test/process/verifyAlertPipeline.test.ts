// `npm run verify`'s alert pipeline checks, run as the verify run runs them (runCheck), through the real azure/ client
// against the fake ARM and Log Analytics over real HTTP: a good pipeline passes every check; one broken piece per case
// fails (or warns) the check that owns it, with the exact evidence; throttling is retried; a missing permission or config
// makes the check NOT_RUN with what is missing. The judges are also tested alone, with tables.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { createAzureClient } from "../../azure/client";
import {
    ALERT_PIPELINE_CHECKS,
    NO_SENTINEL_CONFIG,
    NO_SUBSCRIPTION,
    judgeDiagnosticSettings,
    judgeSignInLogRecency,
} from "../../commands/verify/checks/alertPipeline";
import { createVerifyContext } from "../../commands/verify/context";
import type { CheckResult, Declaration, DeclaredMonitoring } from "../../commands/verify/model";
import { runCheck } from "../../commands/verify/run";
import type { GraphClient } from "../../graph/client";
import { queryHash } from "../../policies/contract/kql/semantics";
import { changeQuery, queryWindow, signInQuery } from "../../policies/contract/queries";
import { ACCOUNTS, GROUP } from "../helpers/ids";
import { FakeArm, diagnosticSettingBody, fakeArmCredential, goodPipelineState, workspaceId, type FakeArmState } from "../helpers/fakeArm";

const SUBSCRIPTION = "2f1c4b7e-5a3d-4c8e-9b6f-0d1e2f3a4b5c";
const CUSTOMER_ID = "b3c7d9e1-4f2a-4b6c-8d0e-1f3a5b7c9d2e";
const NOW = new Date("2026-11-26T12:00:00Z");
const ACCOUNT_IDS = ACCOUNTS.slice(0, 2);
const WORKSPACE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.OperationalInsights/workspaces/law-sentinel`;
const OTHER_WORKSPACE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.OperationalInsights/workspaces/law-other`;
const SIGN_IN_RULE = "Emergency access account sign-in (break glass)";
const CHANGE_RULE = "Emergency access account or group changed (break glass)";
const SIGN_IN_ALERT = "Emergency access account sign-in (break glass)";
const NON_INTERACTIVE_ALERT = "Emergency access account non-interactive sign-in (break glass)";
const WINDOW = queryWindow("PT5M");
const SIGN_IN_HASH = queryHash(signInQuery(ACCOUNT_IDS, WINDOW));
const CHANGE_HASH = queryHash(changeQuery(ACCOUNT_IDS, GROUP, WINDOW));

const MONITORING: DeclaredMonitoring = {
    subscriptionId: SUBSCRIPTION,
    resourceGroupName: "rg-sentinel",
    workspaceName: "law-sentinel",
    queryFrequency: "PT5M",
    alerts: true,
    emails: ["secops@contoso.com"],
    phoneNumbers: ["+15550100"],
    webhooks: 1,
};

function declaration(monitoring: DeclaredMonitoring | undefined = MONITORING): Declaration {
    return {
        tenantDomain: "contoso.onmicrosoft.com",
        accounts: [
            { key: 1, userPrincipalName: "emergency-access-1@contoso.onmicrosoft.com", id: ACCOUNT_IDS[0], limited: false },
            { key: 2, userPrincipalName: "emergency-access-2@contoso.onmicrosoft.com", id: ACCOUNT_IDS[1], limited: false },
        ],
        group: { id: GROUP, displayName: "Emergency access accounts" },
        credentialMode: "passkey",
        credentialMethod: "passkey",
        requiredPasskeys: 2,
        restrictedManagement: false,
        monitoring,
        whatIf: [],
    };
}

function goodState(): FakeArmState {
    return goodPipelineState({
        subscriptionId: SUBSCRIPTION,
        resourceGroupName: "rg-sentinel",
        workspaceName: "law-sentinel",
        customerId: CUSTOMER_ID,
        accountIds: ACCOUNT_IDS,
        groupId: GROUP,
        queryFrequency: "PT5M",
        emails: ["secops@contoso.com"],
        sms: [{ countryCode: "1", phoneNumber: "5550100" }],
        webhooks: 1,
        lastSignInLog: "2026-11-26T08:00:00.0000000Z",
    });
}

/** A Graph client no alert check may touch: any use fails the test. */
const NO_GRAPH = new Proxy({}, {
    get(_target, property) {
        throw new Error(`the alert pipeline checks must not use Graph (read ${String(property)})`);
    },
}) as GraphClient;

const check = (id: string) => {
    const found = ALERT_PIPELINE_CHECKS.find((c) => c.id === id);
    assert.ok(found, id);
    return found;
};

const rule = (state: FakeArmState, displayName: string) => {
    const found = state.alertRules.find((r) => r.properties.displayName === displayName);
    assert.ok(found, displayName);
    return found;
};

const alert = (state: FakeArmState, displayName: string) => {
    const found = state.scheduledQueryRules.find((r) => r.properties.displayName === displayName);
    assert.ok(found, displayName);
    return found;
};

describe("alert pipeline checks against the fake ARM", () => {
    let fake: FakeArm;
    let waits: number[];

    before(async () => {
        fake = await FakeArm.start(goodState());
    });
    after(() => fake.close());
    beforeEach(() => {
        Object.assign(fake.state, goodState());
        fake.requests.length = 0;
        waits = [];
    });

    async function run(id: string, options: { declaration?: Declaration; azure?: boolean; token?: string } = {}): Promise<CheckResult> {
        const azure =
            options.azure === false
                ? undefined
                : createAzureClient({
                      armEndpoint: fake.endpoint,
                      logAnalyticsEndpoint: fake.endpoint,
                      credential: fakeArmCredential(options.token),
                      retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 50 },
                      sleep: async (ms) => {
                          waits.push(ms);
                      },
                  });
        const context = createVerifyContext({ declaration: options.declaration ?? declaration(), graph: NO_GRAPH, azure, now: NOW });
        return runCheck(check(id), context);
    }

    test("the check list: ids, severities, sources and the Azure access each needs", () => {
        assert.deepEqual(
            ALERT_PIPELINE_CHECKS.map((c) => [c.id, c.severity, c.sources, c.permissions, (c.azure ?? []).map((a) => a.description)]),
            [
                ["alerts-diagnostic-settings", "critical", ["Microsoft"], [], ["Security Reader or Global Reader in Microsoft Entra ID (microsoft.aadiam/diagnosticSettings/read)"]],
                ["alerts-sentinel-rules", "critical", ["Microsoft", "product"], [], ["Microsoft Sentinel Reader on the workspace"]],
                ["alerts-azure-monitor", "high", ["Microsoft"], [], ["Reader on the workspace's resource group"]],
                ["alerts-sign-in-log-recent", "medium", ["product"], [], ["Reader on the workspace's resource group", "Log Analytics Reader on the workspace"]],
            ],
        );
    });

    test("a good pipeline passes every check, with its evidence, in exactly the reads each needs", async () => {
        const results: Record<string, CheckResult> = {};
        const requests: Record<string, string[]> = {};
        for (const c of ALERT_PIPELINE_CHECKS) {
            fake.requests.length = 0;
            results[c.id] = await run(c.id);
            requests[c.id] = fake.requestLines();
        }
        assert.deepEqual(Object.values(results).map((r) => [r.id, r.status]), [
            ["alerts-diagnostic-settings", "PASS"],
            ["alerts-sentinel-rules", "PASS"],
            ["alerts-azure-monitor", "PASS"],
            ["alerts-sign-in-log-recent", "PASS"],
        ]);
        assert.deepEqual(results["alerts-diagnostic-settings"].evidence.map((e) => [e.subject, e.status, e.detail]), [
            ["SignInLogs", "PASS", `SignInLogs goes to workspace law-sentinel (${WORKSPACE_ID}) through diagnostic setting "sentinel-entra".`],
            ["NonInteractiveUserSignInLogs", "PASS", `NonInteractiveUserSignInLogs goes to workspace law-sentinel (${WORKSPACE_ID}) through diagnostic setting "sentinel-entra".`],
            ["AuditLogs", "PASS", `AuditLogs goes to workspace law-sentinel (${WORKSPACE_ID}) through diagnostic setting "sentinel-entra".`],
            ["diagnostic setting sentinel-entra", "PASS", `Sends AuditLogs, SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs to workspace ${WORKSPACE_ID} (the declared one).`],
        ]);
        assert.deepEqual(results["alerts-sentinel-rules"].evidence.map((e) => [e.subject, e.status, e.detail, e.facts?.queryHash]), [
            [SIGN_IN_RULE, "PASS", `Sentinel rule "${SIGN_IN_RULE}" is enabled and keeps its declared query (sha256 ${SIGN_IN_HASH}).`, SIGN_IN_HASH],
            [CHANGE_RULE, "PASS", `Sentinel rule "${CHANGE_RULE}" is enabled and keeps its declared query (sha256 ${CHANGE_HASH}).`, CHANGE_HASH],
        ]);
        assert.deepEqual(results["alerts-azure-monitor"].evidence.map((e) => [e.subject, e.status, e.detail]), [
            ["action group emergency-access-action-group3f9c2a1b", "PASS", "Enabled, with exactly the declared receivers."],
            [SIGN_IN_ALERT, "PASS", `Azure Monitor alert "${SIGN_IN_ALERT}" is enabled and acts through emergency-access-action-group3f9c2a1b.`],
            [NON_INTERACTIVE_ALERT, "PASS", `Azure Monitor alert "${NON_INTERACTIVE_ALERT}" is enabled and acts through emergency-access-action-group3f9c2a1b.`],
        ]);
        assert.deepEqual(results["alerts-azure-monitor"].evidence[0].facts, { enabled: true, emails: ["secops@contoso.com"], phoneNumbers: ["+15550100"], webhooks: 1 });
        assert.deepEqual(results["alerts-sign-in-log-recent"].evidence.map((e) => [e.status, e.detail, e.facts]), [
            ["PASS", "The last sign-in log arrived 4 hour(s) ago (2026-11-26T08:00:00.000Z).", { last: "2026-11-26T08:00:00.000Z", ageHours: 4 }],
        ]);
        assert.deepEqual(requests, {
            "alerts-diagnostic-settings": ["GET /providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01"],
            "alerts-sentinel-rules": [`GET ${WORKSPACE_ID}/providers/Microsoft.SecurityInsights/alertRules?api-version=2024-09-01`],
            "alerts-azure-monitor": [
                `GET /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/actionGroups?api-version=2024-10-01-preview`,
                `GET /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/scheduledQueryRules?api-version=2025-01-01-preview`,
            ],
            "alerts-sign-in-log-recent": [`GET ${WORKSPACE_ID}?api-version=2023-09-01`, `POST /v1/workspaces/${CUSTOMER_ID}/query`],
        });
        assert.deepEqual(fake.requests.at(-1)?.body, { query: "SigninLogs | summarize last = max(TimeGenerated)" });
        assert.ok(!JSON.stringify(results).includes("hooks.example.invalid"), "no webhook URL in any result");
    });

    const failures: {
        name: string;
        id: string;
        status: string;
        breakIt: (state: FakeArmState) => void;
        detail: string;
        /** Other checks the same break fails too (a deleted workspace takes its rules with it). */
        alsoFails?: string[];
    }[] = [
        {
            name: "a category off (NonInteractiveUserSignInLogs disabled)",
            id: "alerts-diagnostic-settings",
            status: "FAIL",
            breakIt: (s) => {
                s.diagnosticSettings = [diagnosticSettingBody("sentinel-entra", WORKSPACE_ID, ["AuditLogs", "SignInLogs"])];
            },
            detail: `No Entra diagnostic setting sends NonInteractiveUserSignInLogs to workspace law-sentinel (${WORKSPACE_ID}): setting "sentinel-entra" sends to it with NonInteractiveUserSignInLogs disabled.`,
        },
        {
            name: "the setting pointing to another workspace",
            id: "alerts-diagnostic-settings",
            status: "FAIL",
            breakIt: (s) => {
                s.diagnosticSettings = [diagnosticSettingBody("sentinel-entra", OTHER_WORKSPACE, ["AuditLogs", "SignInLogs", "NonInteractiveUserSignInLogs"])];
            },
            detail: `No Entra diagnostic setting sends SignInLogs to workspace law-sentinel (${WORKSPACE_ID}): setting "sentinel-entra" sends SignInLogs to ${OTHER_WORKSPACE}.`,
        },
        {
            name: "no diagnostic setting at all",
            id: "alerts-diagnostic-settings",
            status: "FAIL",
            breakIt: (s) => {
                s.diagnosticSettings = [];
            },
            detail: `No Entra diagnostic setting sends SignInLogs to workspace law-sentinel (${WORKSPACE_ID}): the tenant has no diagnostic setting.`,
        },
        {
            name: "the sign-in rule disabled",
            id: "alerts-sentinel-rules",
            status: "FAIL",
            breakIt: (s) => {
                rule(s, SIGN_IN_RULE).properties.enabled = false;
            },
            detail: `Sentinel rule "${SIGN_IN_RULE}" (<name>) is disabled.`,
        },
        {
            name: "the change rule's query edited in the portal",
            id: "alerts-sentinel-rules",
            status: "FAIL",
            breakIt: (s) => {
                const r = rule(s, CHANGE_RULE);
                r.properties.query = r.properties.query.replace("AuditLogs", "AuditLogs\n| where OperationName !has \"password\"");
            },
            detail: `Sentinel rule "${CHANGE_RULE}" (<name>) runs a query that is not the declared one: sha256 <edited>, declared ${CHANGE_HASH} (edited outside the program?).`,
        },
        {
            name: "the sign-in rule deleted",
            id: "alerts-sentinel-rules",
            status: "FAIL",
            breakIt: (s) => {
                s.alertRules = s.alertRules.filter((r) => r.properties.displayName !== SIGN_IN_RULE);
            },
            detail: `Sentinel rule "${SIGN_IN_RULE}" is missing from workspace law-sentinel.`,
        },
        {
            name: "an email receiver removed",
            id: "alerts-azure-monitor",
            status: "FAIL",
            breakIt: (s) => {
                s.actionGroups[0].properties.emailReceivers = [];
            },
            detail: "Action group emergency-access-action-group3f9c2a1b: email receiver(s) secops@contoso.com missing.",
        },
        {
            name: "an SMS receiver replaced and a webhook added",
            id: "alerts-azure-monitor",
            status: "FAIL",
            breakIt: (s) => {
                const p = s.actionGroups[0].properties;
                p.smsReceivers = [{ name: "sms-1", countryCode: "44", phoneNumber: "7700900123", status: "Enabled" }];
                p.webhookReceivers = [...p.webhookReceivers, { name: "webhook-2", serviceUri: `https://hooks.example.invalid/${crypto.randomUUID()}`, useCommonAlertSchema: true }];
            },
            detail: "Action group emergency-access-action-group3f9c2a1b: SMS receiver(s) +15550100 missing; undeclared SMS receiver(s) +447700900123; 2 webhook receiver(s), not the declared 1.",
        },
        {
            name: "the action group disabled",
            id: "alerts-azure-monitor",
            status: "FAIL",
            breakIt: (s) => {
                s.actionGroups[0].properties.enabled = false;
            },
            detail: "Action group emergency-access-action-group3f9c2a1b: is disabled.",
        },
        {
            name: "the non-interactive alert disabled",
            id: "alerts-azure-monitor",
            status: "FAIL",
            breakIt: (s) => {
                alert(s, NON_INTERACTIVE_ALERT).properties.enabled = false;
            },
            detail: `Azure Monitor alert "${NON_INTERACTIVE_ALERT}" (emergency-access-non-interactive-alert7d4e1f0a) is disabled.`,
        },
        {
            name: "the sign-in alert acting through no action group",
            id: "alerts-azure-monitor",
            status: "FAIL",
            breakIt: (s) => {
                alert(s, SIGN_IN_ALERT).properties.actions = { actionGroups: [] };
            },
            detail: `Azure Monitor alert "${SIGN_IN_ALERT}" (emergency-access-sign-in-alert7d4e1f0a) does not act through the emergency action group (acts through none).`,
        },
        {
            name: "a stale log (4 days old)",
            id: "alerts-sign-in-log-recent",
            status: "FAIL",
            breakIt: (s) => {
                s.lastSignInLog = "2026-11-22T11:00:00Z";
            },
            detail: "The last sign-in log arrived 97 hour(s) ago (2026-11-22T11:00:00.000Z), more than 72 hours ago: the logs no longer reach the workspace.",
        },
        {
            name: "no log at all",
            id: "alerts-sign-in-log-recent",
            status: "FAIL",
            breakIt: (s) => {
                s.lastSignInLog = undefined;
            },
            detail: "No sign-in log in law-sentinel: SigninLogs is empty, so no emergency sign-in would be seen.",
        },
        {
            name: "the workspace gone",
            id: "alerts-sign-in-log-recent",
            status: "FAIL",
            breakIt: (s) => {
                s.customerId = undefined;
            },
            detail: "Log Analytics workspace law-sentinel was not found in resource group rg-sentinel.",
            alsoFails: ["alerts-sentinel-rules"],
        },
        {
            name: "a log 30 hours old",
            id: "alerts-sign-in-log-recent",
            status: "WARN",
            breakIt: (s) => {
                s.lastSignInLog = "2026-11-25T06:00:00Z";
            },
            detail: "The last sign-in log arrived 30 hour(s) ago (2026-11-25T06:00:00.000Z), more than 24 hours ago: check the diagnostic setting.",
        },
    ];

    for (const failure of failures) {
        test(`${failure.id}: ${failure.name} → ${failure.status}`, async () => {
            failure.breakIt(fake.state);
            const result = await run(failure.id);
            assert.equal(result.status, failure.status, JSON.stringify(result, null, 2));
            const bad = result.evidence.filter((e) => e.status === failure.status);
            assert.equal(bad.length >= 1, true);
            const edited = bad[0].facts?.queryHash;
            const expected = failure.detail
                .replace("<name>", String(result.evidence.find((e) => e.status === failure.status)?.id?.split("/").at(-1)))
                .replace("<edited>", String(edited));
            assert.equal(bad[0].detail, expected);
            // Every other check still passes: one broken piece fails only the check that owns it.
            for (const other of ALERT_PIPELINE_CHECKS.filter((c) => c.id !== failure.id)) {
                assert.equal((await run(other.id)).status, failure.alsoFails?.includes(other.id) ? "FAIL" : "PASS", other.id);
            }
        });
    }

    test("a rule both disabled and edited names both problems and both hashes", async () => {
        const r = rule(fake.state, SIGN_IN_RULE);
        r.properties.enabled = false;
        r.properties.query = `${r.properties.query}\n| where ResultType == 0`;
        const edited = queryHash(r.properties.query);
        const result = await run("alerts-sentinel-rules");
        assert.equal(result.status, "FAIL");
        assert.equal(
            result.evidence[0].detail,
            `Sentinel rule "${SIGN_IN_RULE}" (${r.name}) is disabled and runs a query that is not the declared one: sha256 ${edited}, declared ${SIGN_IN_HASH} (edited outside the program?).`,
        );
        assert.deepEqual(result.evidence[0].facts, { kind: "Scheduled", enabled: false, queryHash: edited, expectedQueryHash: SIGN_IN_HASH });
    });

    test("alerts-azure-monitor WARNs when no direct alerts are declared, and reads nothing", async () => {
        const result = await run("alerts-azure-monitor", { declaration: declaration({ ...MONITORING, alerts: false, emails: [], phoneNumbers: [], webhooks: 0 }) });
        assert.equal(result.status, "WARN");
        assert.deepEqual(result.evidence.map((e) => [e.subject, e.detail]), [
            ["Azure Monitor alerts", "no direct alerts declared: only Sentinel incidents report an emergency sign-in; declare `alerts` so people are paged within minutes."],
        ]);
        assert.deepEqual(fake.requests, []);
    });

    test("a 429 with Retry-After is retried and the check passes", async () => {
        fake.fault({ pathIncludes: "alertRules", status: 429, times: 1, retryAfter: "1" });
        const result = await run("alerts-sentinel-rules");
        assert.equal(result.status, "PASS");
        assert.deepEqual(fake.requests.map((r) => r.status), [429, 200]);
        assert.deepEqual(waits, [50], "Retry-After 1 s, capped at maxDelayMs");
    });

    test("a 403 on the log query: NOT_RUN naming Log Analytics Reader on the workspace", async () => {
        fake.fault({ pathIncludes: "/query", status: 403, times: 1, code: "InsufficientAccessError" });
        const result = await run("alerts-sign-in-log-recent");
        assert.equal(result.status, "NOT_RUN");
        const message =
            `the sign-in logs of workspace law-sentinel (${WORKSPACE_ID}): the identity may not read it (HTTP 403 InsufficientAccessError): ` +
            "it needs Log Analytics Reader on the workspace";
        assert.deepEqual(result.missing, ["Reader on the workspace's resource group", "Log Analytics Reader on the workspace", message]);
        assert.equal(result.summary, "not run: the identity lacks Reader on the workspace's resource group; Log Analytics Reader on the workspace");
        assert.deepEqual(fake.requests.map((r) => r.status), [200, 403], "a 403 is not retried");
    });

    test("a 403 on the Entra diagnostic settings names the Entra role", async () => {
        fake.fault({ pathIncludes: "diagnosticSettings", status: 403, times: 1 });
        const result = await run("alerts-diagnostic-settings");
        assert.equal(result.status, "NOT_RUN");
        assert.equal(
            result.missing?.at(-1),
            "Entra diagnostic settings: the identity may not read it (HTTP 403 AuthorizationFailed): it needs Security Reader or Global Reader in Microsoft Entra ID (microsoft.aadiam/diagnosticSettings/read)",
        );
    });

    test("ARM unavailable after the retries: NOT_RUN with the status, the others unaffected", async () => {
        fake.fault({ pathIncludes: "actionGroups", status: 503, times: 10 });
        const result = await run("alerts-azure-monitor");
        assert.equal(result.status, "NOT_RUN");
        assert.equal(
            result.summary,
            `not run: Azure Resource Manager: GET /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/actionGroups?api-version=2024-10-01-preview ` +
                "failed with HTTP 503 ServiceUnavailable (gave up after 2 retries): Injected fault: HTTP 503 for " +
                `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel/providers/Microsoft.Insights/actionGroups?api-version=2024-10-01-preview.`,
        );
        assert.equal((await run("alerts-sentinel-rules")).status, "PASS");
    });

    test("the fake refuses a wrong bearer token: every check is NOT_RUN with the 401", async () => {
        for (const c of ALERT_PIPELINE_CHECKS) {
            const result = await run(c.id, { token: "someone-elses-token" });
            assert.equal(result.status, "NOT_RUN", c.id);
            assert.match(result.summary, /failed with HTTP 401 InvalidAuthenticationToken: The access token is invalid\.$/);
        }
        assert.ok(fake.requests.length > 0 && fake.requests.every((r) => !r.authorized && r.status === 401));
    });

    test("without a sentinel config or a subscription every check is NOT_RUN saying which, and nothing is read", async () => {
        const withoutSubscription: DeclaredMonitoring = { ...MONITORING, subscriptionId: undefined };
        const cases: { options: Parameters<typeof run>[1]; message: string }[] = [
            { options: { declaration: { ...declaration(), monitoring: undefined } }, message: NO_SENTINEL_CONFIG },
            { options: { azure: false }, message: NO_SUBSCRIPTION },
            { options: { declaration: declaration(withoutSubscription) }, message: NO_SUBSCRIPTION },
        ];
        for (const { options, message } of cases) {
            for (const c of ALERT_PIPELINE_CHECKS) {
                const result = await run(c.id, options);
                assert.deepEqual([result.status, result.summary, result.missing], ["NOT_RUN", `not run: ${message}`, [message]], c.id);
            }
        }
        assert.equal(NO_SENTINEL_CONFIG, "no sentinel config in the stack");
        assert.equal(NO_SUBSCRIPTION, "no subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID");
        assert.deepEqual(fake.requests, []);
    });

    test("an account without an object id: the rules check cannot rebuild the queries and says so", async () => {
        const d = declaration();
        const result = await run("alerts-sentinel-rules", { declaration: { ...d, accounts: [d.accounts[0], { ...d.accounts[1], id: undefined }] } });
        assert.equal(result.status, "NOT_RUN");
        assert.equal(
            result.summary,
            "not run: the object id of emergency-access-2@contoso.onmicrosoft.com is unknown, so the rules' declared queries cannot be rebuilt: pass the stack outputs or the ids file",
        );
    });
});

describe("judgeSignInLogRecency", () => {
    const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
    const cases: { last?: string; status: string }[] = [
        { last: hoursAgo(0), status: "PASS" },
        { last: hoursAgo(24), status: "PASS" },
        { last: new Date(NOW.getTime() - 24 * 3_600_000 - 1).toISOString(), status: "WARN" },
        { last: hoursAgo(72), status: "WARN" },
        { last: new Date(NOW.getTime() - 72 * 3_600_000 - 1).toISOString(), status: "FAIL" },
        { last: undefined, status: "FAIL" },
        { last: "not a date", status: "FAIL" },
    ];
    for (const { last, status } of cases) {
        test(`last ${last ?? "none"} → ${status}`, () => {
            assert.deepEqual(judgeSignInLogRecency({ workspaceFound: true, last }, MONITORING, NOW).map((e) => e.status), [status]);
        });
    }
});

describe("judgeDiagnosticSettings", () => {
    const place = { subscriptionId: SUBSCRIPTION, resourceGroupName: "rg-sentinel", workspaceName: "law-sentinel" };
    const setting = (name: string, workspace: string | undefined, categories: string[]) => {
        const body = diagnosticSettingBody(name, workspace, categories);
        return { id: body.id, name, workspaceId: workspace, logs: body.properties.logs.map((l: any) => ({ category: l.category, enabled: l.enabled })) };
    };
    const cases: { name: string; settings: ReturnType<typeof setting>[]; statuses: string[] }[] = [
        { name: "the workspace id in another letter case", settings: [setting("a", WORKSPACE_ID.toLowerCase(), ["SignInLogs", "NonInteractiveUserSignInLogs", "AuditLogs"])], statuses: ["PASS", "PASS", "PASS", "PASS"] },
        {
            name: "categories split over two settings to the workspace",
            settings: [setting("a", WORKSPACE_ID, ["SignInLogs", "NonInteractiveUserSignInLogs"]), setting("b", WORKSPACE_ID.toUpperCase(), ["AuditLogs"])],
            statuses: ["PASS", "PASS", "PASS", "PASS", "PASS"],
        },
        {
            name: "AuditLogs only to a storage account",
            settings: [setting("a", WORKSPACE_ID, ["SignInLogs", "NonInteractiveUserSignInLogs"]), setting("b", undefined, ["AuditLogs"])],
            statuses: ["PASS", "PASS", "FAIL", "PASS", "PASS"],
        },
    ];
    for (const { name, settings, statuses } of cases) {
        test(name, () => {
            assert.deepEqual(judgeDiagnosticSettings({ settings, place }).map((e) => e.status), statuses);
        });
    }

    test("the storage-only setting is named in the failing category's detail", () => {
        const evidence = judgeDiagnosticSettings({ settings: [setting("b", undefined, ["AuditLogs"])], place });
        assert.equal(evidence[2].detail, `No Entra diagnostic setting sends AuditLogs to workspace law-sentinel (${WORKSPACE_ID}): setting "b" sends AuditLogs to no workspace.`);
        assert.equal(workspaceId({ subscriptionId: SUBSCRIPTION, resourceGroupName: "rg-sentinel", workspaceName: "law-sentinel" }), WORKSPACE_ID);
    });
});
