// Direct notification of every emergency sign-in: an Azure Monitor log alert on the workspace with the
// same query as the Sentinel rule, sending email, SMS and webhooks through an action group. People hear
// about a break-glass sign-in within minutes even when nobody is watching the Sentinel queue.
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { ACTION_GROUP_SUFFIX, NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX, SIGN_IN_ALERT_SUFFIX } from "../policies/contract/constants";
import {
    SIGN_IN_COLUMNS,
    SIGN_IN_TABLES,
    minutesToIsoDuration,
    signInQuery,
    type SignInTable,
} from "../policies/contract/queries";
import type { SentinelSettings } from "./sentinelRules";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";

/** Who is told. At least one receiver. */
export interface AlertReceivers {
    /** Optional. Email addresses. */
    readonly emails?: readonly string[];
    /** Optional. SMS numbers: country code and national number, digits only. */
    readonly sms?: readonly { readonly countryCode: string; readonly phoneNumber: string }[];
    /** Optional. https webhooks (Teams, chat, paging). Sent as secrets: such URLs carry their own credential. */
    readonly webhooks?: readonly pulumi.Input<string>[];
}

export interface SignInAlert {
    readonly actionGroup: monitor.ActionGroup;
    /** One log alert per sign-in table, in SIGN_IN_TABLES order. */
    readonly alertRules: monitor.ScheduledQueryRule[];
}

/**
 * Log search alerts refuse `union` (Microsoft: "Optimize log search alert queries"), so each sign-in
 * table gets its own alert with the single-table form of the same query.
 */
const ALERT_NAMES: Record<SignInTable, { suffix: string; title: string }> = {
    SigninLogs: { suffix: SIGN_IN_ALERT_SUFFIX, title: "Emergency access account sign-in (break glass)" },
    AADNonInteractiveUserSignInLogs: {
        suffix: NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX,
        title: "Emergency access account non-interactive sign-in (break glass)",
    },
};

/** Azure Monitor severity 0 is "Critical", the level Microsoft's own emergency-account alert uses. */
export const CRITICAL_SEVERITY = 0;

export function declareSignInAlert(
    name: string,
    workspace: SentinelSettings,
    receivers: AlertReceivers,
    accountIds: pulumi.Input<string[]>,
    parent: pulumi.Resource,
): SignInAlert {
    const opts = { parent, ...EMERGENCY_RESOURCE_OPTIONS };
    const actionGroup = new monitor.ActionGroup(
        `${name}${ACTION_GROUP_SUFFIX}`,
        {
            resourceGroupName: workspace.resourceGroupName,
            location: "Global",
            groupShortName: "BreakGlass",
            enabled: true,
            emailReceivers: (receivers.emails ?? []).map((emailAddress, i) => ({
                name: `email-${i + 1}`,
                emailAddress,
                useCommonAlertSchema: true,
            })),
            smsReceivers: (receivers.sms ?? []).map((sms, i) => ({
                name: `sms-${i + 1}`,
                countryCode: sms.countryCode,
                phoneNumber: sms.phoneNumber,
            })),
            webhookReceivers: (receivers.webhooks ?? []).map((serviceUri, i) => ({
                name: `webhook-${i + 1}`,
                serviceUri: pulumi.secret(serviceUri),
                useCommonAlertSchema: true,
            })),
        },
        opts,
    );

    const logAnalytics = operationalinsights.getWorkspaceOutput(
        { resourceGroupName: workspace.resourceGroupName, workspaceName: workspace.workspaceName },
        { parent },
    );
    const alertRules = (Object.keys(SIGN_IN_TABLES) as SignInTable[]).map((table) => new monitor.ScheduledQueryRule(
        `${name}${ALERT_NAMES[table].suffix}`,
        {
            resourceGroupName: workspace.resourceGroupName,
            location: logAnalytics.location,
            kind: "LogAlert",
            displayName: ALERT_NAMES[table].title,
            description:
                `Any sign-in attempt by an emergency access account in ${table}, successful or failed. ` +
                "Confirm who used the account and why.",
            severity: CRITICAL_SEVERITY,
            enabled: true,
            scopes: [logAnalytics.id],
            evaluationFrequency: minutesToIsoDuration(workspace.window.frequencyMinutes),
            // The query looks back further than it runs and keeps only rows ingested since the last run
            // (ingestion_time()), so the window must cover the whole look-back.
            windowSize: minutesToIsoDuration(workspace.window.lookbackMinutes),
            criteria: {
                allOf: [
                    {
                        query: pulumi.output(accountIds).apply((ids) => signInQuery(ids, workspace.window, [table])),
                        timeAggregation: "Count",
                        operator: "GreaterThan",
                        threshold: 0,
                        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
                        // One alert per account and address, so a second account's sign-in is not folded in.
                        dimensions: [SIGN_IN_COLUMNS.accountName, SIGN_IN_COLUMNS.ip].map((dimension) => ({
                            name: dimension,
                            operator: "Include",
                            values: ["*"],
                        })),
                    },
                ],
            },
            // Stateless: every evaluation with a sign-in notifies again, instead of staying "fired" and silent.
            autoMitigate: false,
            skipQueryValidation: false,
            actions: { actionGroups: [actionGroup.id] },
        },
        opts,
    ));
    return { actionGroup, alertRules };
}
