// The monitoring attacks of issue 11: pull requests that quiet the Sentinel rules, the Azure Monitor alerts or their
// action group, or add a neighbour that silences them, each as the changed program would declare it, with the
// policy that must answer it with a mandatory violation.
import { TYPES } from "../../../policies/contract/constants";
import { queryWindow, signInQuery } from "../../../policies/contract/queries";
import type { RecordedResource } from "../../../plan/recordingMonitor";
import { add, change, changeEach, newResource, type Mutation } from "../mutations";
import { toPlainValue } from "../../../plan/serialized";
import { all, byName, byType } from "../select";
import type { Attack } from "./attack";

const RULES = "emergency-sentinel-rules-require-declaration";
const ALERTS = "emergency-alerts-require-declaration";
const ACTION_GROUP = "emergency-action-group-require-declaration";
const EVERY_ACCOUNT = "emergency-monitoring-require-every-account";
const SILENCERS = "emergency-monitoring-disallow-silencers";

/** The emergency accounts' object ids, as the fixture run declared them. */
function accountIds(resources: RecordedResource[]): string[] {
    return all(resources, byType(TYPES.user)).map((user) => toPlainValue(user.outputs.objectId) as string);
}

const signInRule = byName("-sign-in-rule");

/** The sign-in rule's query, with `text` appended. */
const appendToSignInQuery = (text: string) => change(signInRule, (p) => (p.query = `${p.query}${text}`));

/** The sign-in rule's query built by the builder for SigninLogs only: the non-interactive sign-ins go unseen. */
const interactiveOnly: Mutation = (resources) =>
    change(signInRule, (p) => (p.query = signInQuery(accountIds(resources), queryWindow("PT5M"), ["SigninLogs"])))(resources);

/** A Sentinel automation rule that closes every incident the emergency rules open. */
const closingAutomationRule = add((resources) =>
    newResource(resources, "azure-native:securityinsights:AutomationRule", "close-noisy-incidents", {
        resourceGroupName: "rg-security-prod",
        workspaceName: "law-sentinel-prod",
        automationRuleId: "6f1c3f2e-8d55-4b8e-9a53-4b1f2f0d8c11",
        displayName: "Close noisy break glass incidents",
        order: 1,
        triggeringLogic: {
            isEnabled: true,
            triggersOn: "Incidents",
            triggersWhen: "Created",
            conditions: [{
                conditionType: "Property",
                conditionProperties: { propertyName: "IncidentTitle", operator: "Contains", propertyValues: ["Emergency access"] },
            }],
        },
        actions: [{
            order: 1,
            actionType: "ModifyProperties",
            actionConfiguration: { status: "Closed", classification: "BenignPositive", classificationReason: "SuspiciousButExpected" },
        }],
    }),
);

/** An alert processing rule that removes every action group from the workspace's alerts. */
const removingProcessingRule = add((resources) =>
    newResource(resources, "azure-native:alertsmanagement:AlertProcessingRuleByName", "quiet-hours", {
        resourceGroupName: "rg-security-prod",
        location: "Global",
        properties: {
            enabled: true,
            scopes: ["/subscriptions/a8fa7fd6-0893-511a-8990-7b5545ccf9c4/resourceGroups/rg-security-prod"],
            actions: [{ actionType: "RemoveAllActionGroups" }],
        },
    }),
);

const actionGroup = byType(TYPES.actionGroup);

const TABLE: Array<[string, Mutation, string]> = [
    ["the sign-in query with `| where false` appended", appendToSignInQuery("\n| where false"), RULES],
    ["a failure filter written ['ResultType'] == \"0\"", appendToSignInQuery("\n| where ['ResultType'] == \"0\""), RULES],
    ["the sign-in rule's query for SigninLogs only", interactiveOnly, RULES],
    [
        "incident grouping on for 7 days",
        change(signInRule, (p) => (p.incidentConfiguration.groupingConfiguration = {
            enabled: true,
            reopenClosedIncident: false,
            lookbackDuration: "P7D",
            matchingMethod: "AllEntities",
        })),
        RULES,
    ],
    ["queryPeriod equal to queryFrequency", change(signInRule, (p) => (p.queryPeriod = p.queryFrequency)), RULES],
    ["a per-alert severity override", change(signInRule, (p) => (p.alertDetailsOverride.alertSeverityColumnName = "Severity")), RULES],
    [
        "a per-alert severity through dynamic properties",
        change(byName("-change-rule"), (p) => (p.alertDetailsOverride.alertDynamicProperties = [{ alertProperty: "ProviderName", value: "Severity" }])),
        RULES,
    ],
    ["one alert per hour of results", change(signInRule, (p) => (p.eventGroupingSettings = { aggregationKind: "SingleAlert" })), RULES],
    ["an unknown input on the change rule", change(byName("-change-rule"), (p) => (p.templateVersion = "1.0.0")), RULES],
    ["the Azure Monitor alerts disabled", changeEach(byType(TYPES.scheduledQueryRule), (p) => (p.enabled = false)), ALERTS],
    ["the alerts with no action group", changeEach(byType(TYPES.scheduledQueryRule), (p) => (p.actions = { actionGroups: [] })), ALERTS],
    ["the alerts muted for a day", changeEach(byType(TYPES.scheduledQueryRule), (p) => (p.muteActionsDuration = "P1D")), ALERTS],
    ["the alerts auto-mitigated", changeEach(byType(TYPES.scheduledQueryRule), (p) => (p.autoMitigate = true)), ALERTS],
    ["the alerts' severity lowered", changeEach(byType(TYPES.scheduledQueryRule), (p) => (p.severity = 3)), ALERTS],
    [
        "the alerts notifying another action group",
        changeEach(byType(TYPES.scheduledQueryRule), (p) => (p.actions.actionGroups = [
            "/subscriptions/a8fa7fd6-0893-511a-8990-7b5545ccf9c4/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ops-action-group",
        ])),
        EVERY_ACCOUNT,
    ],
    ["a Sentinel automation rule that closes the emergency incidents", closingAutomationRule, SILENCERS],
    ["an alert processing rule that removes the action groups", removingProcessingRule, SILENCERS],
    [
        "replace the receivers with one unmonitored mailbox",
        change(actionGroup, (p) => {
            p.emailReceivers = [{ name: "email-1", emailAddress: "breakglass-alerts@contoso.com", useCommonAlertSchema: true }];
            p.smsReceivers = [];
        }),
        ACTION_GROUP,
    ],
    [
        "alert only through a webhook to an unknown host",
        change(actionGroup, (p) => {
            p.emailReceivers = [];
            p.smsReceivers = [];
            p.webhookReceivers = [{ name: "webhook-1", serviceUri: "https://hooks.example.net/break-glass", useCommonAlertSchema: true }];
        }),
        ACTION_GROUP,
    ],
    [
        "a voice receiver added to the action group",
        change(actionGroup, (p) => (p.voiceReceivers = [{ name: "voice-1", countryCode: "1", phoneNumber: "4255550100" }])),
        ACTION_GROUP,
    ],
];

export const MONITORING_ATTACKS: Attack[] = TABLE.map(([name, mutate, policy]) => ({ name, mutate, policy }));
