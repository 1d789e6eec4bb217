// The Sentinel rules, the action group and the Azure Monitor alerts, declared by the real program under
// the mock runtime, for 2 and for 4 accounts: every property the monitoring issue names.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { DEFAULTS, TYPES } from "../../policies/contract/constants";
import {
    CHANGE_COLUMNS,
    SIGN_IN_COLUMNS,
    SIGN_IN_TABLES,
    changeQuery,
    queryWindow,
    signInQuery,
} from "../../policies/contract/queries";
import {
    actionGroupDeclaration,
    changeRuleDeclaration,
    signInAlertDeclaration,
    signInRuleDeclaration,
    SIGN_IN_ALERT_TABLES,
} from "../../policies/contract/declaration/monitoring";
import { detectionQueryProblems } from "../../policies/contract/kql/semantics";
import { validateKql } from "../../policies/contract/kql/validator";
import type { ProgramRun } from "../../plan/runProgram";
import { isSerializedSecret } from "../../plan/serialized";
import { plain, runFixture } from "../helpers/program";
import { all, byName, byType, one } from "../helpers/select";

const ANY_GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The plain inputs of the one resource named `*<suffix>`. */
function propsOf(run: ProgramRun, suffix: string): any {
    return plain(one(run, byName(suffix)).inputs);
}

for (const accountCount of [2, 4]) {
    describe(`monitoring with ${accountCount} accounts`, () => {
        let run: ProgramRun;
        let accountIds: string[];
        let groupId: string;
        before(async () => {
            run = await runFixture({ accountCount });
            accountIds = all(run, byType(TYPES.user)).map((u) => u.id!);
            groupId = one(run, byType(TYPES.group)).id!;
            assert.equal(accountIds.length, accountCount);
        });

        test("the sign-in rule runs the shared query every 5 minutes over a longer look-back", () => {
            const rule = propsOf(run, "-sign-in-rule");
            assert.equal(rule.kind, "Scheduled");
            assert.equal(rule.resourceGroupName, "rg-security-prod");
            assert.equal(rule.workspaceName, "law-sentinel-prod");
            assert.equal(rule.query, signInQuery(accountIds, queryWindow("PT5M")));
            assert.equal(rule.queryFrequency, "PT5M");
            assert.equal(rule.queryPeriod, "PT1H");
            assert.match(rule.query, /ingestion_time\(\) > ago\(5m\)/);
        });

        test("the sign-in query matches every account by object id and no other user, failures included", () => {
            const rule = propsOf(run, "-sign-in-rule");
            assert.deepEqual(new Set(rule.query.match(ANY_GUID)), new Set(accountIds));
            for (const table of Object.keys(SIGN_IN_TABLES)) assert.match(rule.query, new RegExp(`\\b${table}\\b`));
            assert.match(rule.query, /UserId in~/);
            assert.deepEqual(detectionQueryProblems(rule.query, { accountIds, requiredTables: Object.keys(SIGN_IN_TABLES) }), []);
            for (const column of ["TimeGenerated", "UserPrincipalName", "UserId", "IPAddress", "Location", "AppDisplayName",
                "ResultType", "ResultDescription", "ConditionalAccessStatus", "AuthenticationRequirement", "UserAgent"]) {
                assert.match(rule.query, new RegExp(`\\b${column}\\b`), `projects ${column}`);
            }
        });

        test("the sign-in rule is High, fires on any result, one alert per result, never suppressed, always an incident", () => {
            const rule = propsOf(run, "-sign-in-rule");
            assert.equal(rule.enabled, true);
            assert.equal(rule.severity, "High");
            assert.equal(rule.triggerOperator, "GreaterThan");
            assert.equal(rule.triggerThreshold, 0);
            assert.equal(rule.suppressionEnabled, false);
            assert.deepEqual(rule.eventGroupingSettings, { aggregationKind: "AlertPerResult" });
            assert.equal(rule.incidentConfiguration.createIncident, true);
            assert.equal(rule.incidentConfiguration.groupingConfiguration.enabled, false);
        });

        test("the sign-in rule maps the account (AadUserId, FullName) and the IP, and names both in its title", () => {
            const rule = propsOf(run, "-sign-in-rule");
            assert.deepEqual(rule.entityMappings, [
                {
                    entityType: "Account",
                    fieldMappings: [
                        { identifier: "AadUserId", columnName: SIGN_IN_COLUMNS.accountId },
                        { identifier: "FullName", columnName: SIGN_IN_COLUMNS.accountName },
                    ],
                },
                { entityType: "IP", fieldMappings: [{ identifier: "Address", columnName: SIGN_IN_COLUMNS.ip }] },
            ]);
            assert.match(rule.alertDetailsOverride.alertDisplayNameFormat, /\{\{UserPrincipalName\}\}.*\{\{IPAddress\}\}/);
            assert.deepEqual(rule.techniques, ["T1078"]);
            assert.ok(rule.tactics.includes("InitialAccess"));
            assert.match(rule.description, /T1078\.004/);
        });

        test("the change rule watches every account and the group over AuditLogs, with the same alerting settings", () => {
            const signIn = propsOf(run, "-sign-in-rule");
            const rule = propsOf(run, "-change-rule");
            assert.equal(rule.query, changeQuery(accountIds, groupId, queryWindow("PT5M")));
            assert.deepEqual(new Set(rule.query.match(ANY_GUID)), new Set([...accountIds, groupId]));
            assert.match(rule.query, /^AuditLogs|\bAuditLogs\b/m);
            for (const key of ["enabled", "severity", "queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold",
                "suppressionEnabled", "eventGroupingSettings", "incidentConfiguration"]) {
                assert.deepEqual(rule[key], signIn[key], key);
            }
            assert.equal(rule.entityMappings[0].fieldMappings[0].columnName, CHANGE_COLUMNS.accountId);
            assert.equal(rule.entityMappings[1].fieldMappings[0].columnName, CHANGE_COLUMNS.ip);
        });

        test("every query the program declares parses and binds with zero diagnostics", () => {
            const queries = [
                propsOf(run, "-sign-in-rule").query,
                propsOf(run, "-change-rule").query,
                ...all(run, byType(TYPES.scheduledQueryRule)).map((r) => plain(r.inputs).criteria.allOf[0].query),
            ];
            assert.equal(queries.length, 4);
            for (const query of queries) assert.deepEqual(validateKql(query), []);
        });

        test("the action group sends email and SMS, enabled, to every configured receiver", () => {
            const group = propsOf(run, "-action-group");
            assert.equal(group.enabled, true);
            assert.equal(group.location, "Global");
            assert.ok(group.groupShortName.length <= 12);
            assert.deepEqual(
                group.emailReceivers.map((r: any) => [r.emailAddress, r.useCommonAlertSchema]),
                [["soc@contoso.com", true], ["ciso@contoso.com", true]],
            );
            assert.deepEqual(group.smsReceivers.map((r: any) => [r.countryCode, r.phoneNumber]), [["1", "4255550100"]]);
        });

        test("one Azure Monitor alert per sign-in table: Critical, every 5 minutes, threshold 0, notifying the action group", () => {
            const group = one(run, byType(TYPES.actionGroup));
            const alerts = all(run, byType(TYPES.scheduledQueryRule)).map((r) => plain(r.inputs));
            assert.equal(alerts.length, 2);
            for (const [i, table] of (Object.keys(SIGN_IN_TABLES) as Array<keyof typeof SIGN_IN_TABLES>).entries()) {
                const alert = alerts[i];
                assert.equal(alert.severity, 0);
                assert.equal(alert.enabled, true);
                assert.equal(alert.evaluationFrequency, "PT5M");
                assert.equal(alert.windowSize, "PT1H");
                assert.equal(alert.autoMitigate, false);
                assert.deepEqual(alert.actions.actionGroups, [group.id]);
                assert.match(alert.scopes[0], /\/providers\/Microsoft\.OperationalInsights\/workspaces\/law-sentinel-prod$/);
                const criterion = alert.criteria.allOf[0];
                assert.deepEqual([criterion.operator, criterion.threshold, criterion.timeAggregation], ["GreaterThan", 0, "Count"]);
                // The same query as the Sentinel rule, one table at a time: log search alerts refuse `union`.
                assert.equal(criterion.query, signInQuery(accountIds, queryWindow("PT5M"), [table]));
                assert.doesNotMatch(criterion.query, /\bunion\b/);
            }
        });

        test("rules, action group and alerts are protected", () => {
            for (const type of [TYPES.scheduledAlertRule, TYPES.actionGroup, TYPES.scheduledQueryRule]) {
                for (const r of all(run, byType(type))) assert.equal(r.options.protect, true, r.urn);
            }
        });
    });
}

describe("monitoring settings", () => {
    test("every input of the rules, the alerts and the action group is the contract's declaration", async () => {
        const run = await runFixture();
        const window = queryWindow(DEFAULTS.queryFrequency);
        const accountIds = all(run, byType(TYPES.user)).map((u) => u.id!);
        const groupId = one(run, byType(TYPES.group)).id!;
        const place = { resourceGroupName: "rg-security-prod", workspaceName: "law-sentinel-prod" };
        assert.deepEqual(propsOf(run, "-sign-in-rule"), signInRuleDeclaration(place, window, signInQuery(accountIds, window)));
        assert.deepEqual(propsOf(run, "-change-rule"), changeRuleDeclaration(place, window, changeQuery(accountIds, groupId, window)));
        const group = one(run, byType(TYPES.actionGroup));
        assert.deepEqual(
            plain(group.inputs),
            actionGroupDeclaration("rg-security-prod", { emails: ["soc@contoso.com", "ciso@contoso.com"], sms: [{ countryCode: "1", phoneNumber: "4255550100" }] }),
        );
        const alerts = all(run, byType(TYPES.scheduledQueryRule)).map((r) => plain(r.inputs));
        assert.deepEqual(alerts, SIGN_IN_ALERT_TABLES.map((table, i) => signInAlertDeclaration(
            { resourceGroupName: "rg-security-prod", location: alerts[i].location, workspaceId: alerts[i].scopes[0], actionGroupId: group.id! },
            table,
            window,
            signInQuery(accountIds, window, [table]),
        )));
    });

    test("webhooks reach the action group as secrets", async () => {
        const run = await runFixture({ alerts: { webhooks: ["https://contoso.webhook.office.com/webhookb2/abc"] } });
        const group = one(run, byType(TYPES.actionGroup));
        const receiver = (group.inputs.webhookReceivers as any[])[0];
        assert.ok(isSerializedSecret(receiver.serviceUri), "the webhook URL is secret");
    });

    test("without sentinel, no rule, action group or alert is declared", async () => {
        const run = await runFixture({ sentinel: undefined, alerts: undefined });
        for (const type of [TYPES.scheduledAlertRule, TYPES.actionGroup, TYPES.scheduledQueryRule]) {
            assert.equal(all(run, byType(type)).length, 0, type);
        }
    });
});
