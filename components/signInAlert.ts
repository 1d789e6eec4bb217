// Direct notification of every emergency sign-in: an Azure Monitor log alert on the workspace with the
// same query as the Sentinel rule, sending email, SMS and webhooks through an action group. People hear
// about a break-glass sign-in within minutes even when nobody is watching the Sentinel queue. Every input comes
// from the contract's declaration (policies/contract/declaration/monitoring.ts), which the policy pack judges by too.
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { ACTION_GROUP_SUFFIX } from "../policies/contract/constants";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";
import {
    SIGN_IN_ALERTS,
    SIGN_IN_ALERT_TABLES,
    actionGroupDeclaration,
    signInAlertDeclaration,
} from "../policies/contract/declaration/monitoring";
import { signInQuery } from "../policies/contract/queries";
import type { SentinelSettings } from "./sentinelRules";

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
    /** One log alert per sign-in table, in SIGN_IN_ALERT_TABLES order. */
    readonly alertRules: monitor.ScheduledQueryRule[];
}

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
        actionGroupDeclaration(workspace.resourceGroupName, {
            emails: receivers.emails,
            sms: receivers.sms,
            webhooks: (receivers.webhooks ?? []).map((url) => pulumi.secret(url)),
        }),
        opts,
    );

    const logAnalytics = operationalinsights.getWorkspaceOutput(
        { resourceGroupName: workspace.resourceGroupName, workspaceName: workspace.workspaceName },
        { parent },
    );
    const place = {
        resourceGroupName: workspace.resourceGroupName,
        location: logAnalytics.location,
        workspaceId: logAnalytics.id,
        actionGroupId: actionGroup.id,
    };
    // Log search alerts refuse `union`, so each sign-in table gets its own alert with the single-table query.
    const alertRules = SIGN_IN_ALERT_TABLES.map((table) => new monitor.ScheduledQueryRule(
        `${name}${SIGN_IN_ALERTS[table].suffix}`,
        signInAlertDeclaration(
            place,
            table,
            workspace.window,
            pulumi.output(accountIds).apply((ids) => signInQuery(ids, workspace.window, [table])),
        ),
        opts,
    ));
    return { actionGroup, alertRules };
}
