// Microsoft Sentinel analytics rules: an incident for every emergency sign-in and every change to the
// accounts or their group. Queries come from the contract (policies/contract/queries.ts), shared with the alert and the policy pack.
import * as securityinsights from "@pulumi/azure-native/securityinsights";
import * as pulumi from "@pulumi/pulumi";
import { CHANGE_RULE_SUFFIX, SIGN_IN_RULE_SUFFIX } from "../policies/contract/constants";
import {
    CHANGE_COLUMNS,
    SIGN_IN_COLUMNS,
    changeQuery,
    minutesToIsoDuration,
    signInQuery,
    type QueryWindow,
} from "../policies/contract/queries";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";

/** Where the rules live and how often they run. */
export interface SentinelSettings {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly workspaceName: pulumi.Input<string>;
    readonly window: QueryWindow;
}

export interface SentinelRules {
    readonly signInRule: securityinsights.ScheduledAlertRule;
    readonly changeRule: securityinsights.ScheduledAlertRule;
}

// Settings both rules share: an incident for every alert and an alert for every result, never grouped
// or suppressed, so two sign-ins are two incidents.
function alertingSettings(window: QueryWindow) {
    return {
        kind: "Scheduled" as const,
        enabled: true,
        severity: "High",
        queryFrequency: minutesToIsoDuration(window.frequencyMinutes),
        queryPeriod: minutesToIsoDuration(window.lookbackMinutes),
        triggerOperator: "GreaterThan" as const,
        triggerThreshold: 0,
        suppressionEnabled: false,
        // Required by the API even with suppression off; it has no effect then.
        suppressionDuration: "PT5H",
        eventGroupingSettings: { aggregationKind: "AlertPerResult" },
        incidentConfiguration: {
            createIncident: true,
            groupingConfiguration: {
                enabled: false,
                reopenClosedIncident: false,
                lookbackDuration: "PT5H",
                matchingMethod: "AllEntities",
            },
        },
    };
}

function accountAndIpMappings(columns: { accountId: string; accountName: string; ip: string }) {
    return [
        {
            entityType: "Account",
            fieldMappings: [
                { identifier: "AadUserId", columnName: columns.accountId },
                { identifier: "FullName", columnName: columns.accountName },
            ],
        },
        { entityType: "IP", fieldMappings: [{ identifier: "Address", columnName: columns.ip }] },
    ];
}

export function declareSentinelRules(
    name: string,
    settings: SentinelSettings,
    accountIds: pulumi.Input<string[]>,
    groupId: pulumi.Input<string>,
    parent: pulumi.Resource,
): SentinelRules {
    const workspace = { resourceGroupName: settings.resourceGroupName, workspaceName: settings.workspaceName };
    // Rules are protected like the accounts: deleting one would silence the alarm without a trace.
    const opts = { parent, ...EMERGENCY_RESOURCE_OPTIONS };

    const signInRule = new securityinsights.ScheduledAlertRule(
        `${name}${SIGN_IN_RULE_SUFFIX}`,
        {
            ...workspace,
            ...alertingSettings(settings.window),
            displayName: "Emergency access account sign-in (break glass)",
            description:
                "Any sign-in attempt by an emergency access account, interactive or not, successful or failed. " +
                "These accounts exist for outages only: confirm who used the account and why, then rotate its password. " +
                "MITRE ATT&CK T1078.004 (Valid Accounts: Cloud Accounts).",
            query: pulumi.output(accountIds).apply((ids) => signInQuery(ids, settings.window)),
            entityMappings: accountAndIpMappings(SIGN_IN_COLUMNS),
            // Valid Accounts (T1078) spans these four tactics; this API version has no sub-technique field,
            // so T1078.004 (Cloud Accounts) is named in the description.
            tactics: ["InitialAccess", "Persistence", "PrivilegeEscalation", "DefenseEvasion"],
            techniques: ["T1078"],
            alertDetailsOverride: {
                alertDisplayNameFormat: `Emergency access account {{${SIGN_IN_COLUMNS.accountName}}} signed in from {{${SIGN_IN_COLUMNS.ip}}}`,
                alertDescriptionFormat: `Sign-in by emergency access account {{${SIGN_IN_COLUMNS.accountName}}} from {{${SIGN_IN_COLUMNS.ip}}}: result {{${SIGN_IN_COLUMNS.resultType}}}.`,
            },
        },
        opts,
    );

    const changeRule = new securityinsights.ScheduledAlertRule(
        `${name}${CHANGE_RULE_SUFFIX}`,
        {
            ...workspace,
            ...alertingSettings(settings.window),
            displayName: "Emergency access account or group changed (break glass)",
            description:
                "A change to an emergency access account or its group (password, authentication methods, user " +
                "properties, roles, membership), an action by an emergency account, a Conditional Access update that " +
                "drops an emergency exclusion, or a Conditional Access policy added or updated without excluding every " +
                "emergency account and the group (the reconcile job adds them within minutes). Confirm the change was " +
                "planned. MITRE ATT&CK T1098 (Account Manipulation).",
            query: pulumi
                .all([accountIds, groupId])
                .apply(([ids, group]) => changeQuery(ids, group, settings.window)),
            entityMappings: accountAndIpMappings(CHANGE_COLUMNS),
            tactics: ["Persistence", "PrivilegeEscalation", "DefenseEvasion"],
            techniques: ["T1098"],
            alertDetailsOverride: {
                // The target names what changed: the account, the group, or the Conditional Access policy
                // that lost an exclusion (whose record carries no account name).
                alertDisplayNameFormat: `Emergency access change: {{${CHANGE_COLUMNS.operation}}} on {{${CHANGE_COLUMNS.target}}}`,
                alertDescriptionFormat: `{{${CHANGE_COLUMNS.operation}}} on {{${CHANGE_COLUMNS.target}}}, initiated by {{${CHANGE_COLUMNS.initiatedBy}}}.`,
            },
        },
        opts,
    );

    return { signInRule, changeRule };
}
