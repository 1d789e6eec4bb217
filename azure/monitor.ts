// Azure Monitor action groups and log search alerts (scheduled query rules) of a resource group:
// `GET .../resourceGroups/{rg}/providers/Microsoft.Insights/actionGroups?api-version=2024-10-01-preview`
// (https://learn.microsoft.com/rest/api/monitor/action-groups/list-by-resource-group) and
// `GET .../resourceGroups/{rg}/providers/Microsoft.Insights/scheduledQueryRules?api-version=2025-01-01-preview`
// (https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/list-by-resource-group), the versions
// azure-native 3.x's monitor.ActionGroup and monitor.ScheduledQueryRule use. Needs Reader on the resource group.
// Webhook receivers carry their own credential in the URL: only their count and names leave this module.
import type { AzureReader } from "./client";
import { listAll, resourceGroupPath, stringOf } from "./paging";

/** The API version of Microsoft.Insights/actionGroups. */
export const ACTION_GROUP_API_VERSION = "2024-10-01-preview";

/** The API version of Microsoft.Insights/scheduledQueryRules. */
export const SCHEDULED_QUERY_RULE_API_VERSION = "2025-01-01-preview";

/** An action group as the checks judge it; webhooks by name only (their URLs are secrets). */
export interface ActionGroup {
    readonly id: string;
    readonly name: string;
    readonly enabled: boolean;
    readonly emailReceivers: readonly { readonly name: string; readonly emailAddress: string; readonly status?: string }[];
    readonly smsReceivers: readonly { readonly name: string; readonly countryCode: string; readonly phoneNumber: string; readonly status?: string }[];
    /** Names of the webhook receivers; never their serviceUri. */
    readonly webhookReceiverNames: readonly string[];
}

/** A log search alert as the checks judge it. */
export interface ScheduledQueryRule {
    readonly id: string;
    readonly name: string;
    readonly displayName: string;
    readonly enabled: boolean;
    readonly scopes: readonly string[];
    /** The action group ids it notifies (actions.actionGroups). */
    readonly actionGroupIds: readonly string[];
    /** criteria.allOf[].query. */
    readonly queries: readonly string[];
}

/** The action group list path. */
export function actionGroupsPath(subscriptionId: string, resourceGroupName: string): string {
    return `${resourceGroupPath(subscriptionId, resourceGroupName)}/providers/Microsoft.Insights/actionGroups?api-version=${ACTION_GROUP_API_VERSION}`;
}

/** The scheduled query rule list path. */
export function scheduledQueryRulesPath(subscriptionId: string, resourceGroupName: string): string {
    return `${resourceGroupPath(subscriptionId, resourceGroupName)}/providers/Microsoft.Insights/scheduledQueryRules?api-version=${SCHEDULED_QUERY_RULE_API_VERSION}`;
}

function listOf(value: unknown): Record<string, unknown>[] {
    return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/** Every action group of the resource group. */
export async function listActionGroups(reader: AzureReader, subscriptionId: string, resourceGroupName: string): Promise<ActionGroup[]> {
    const items = await listAll(reader, actionGroupsPath(subscriptionId, resourceGroupName), `action groups of resource group ${resourceGroupName}`);
    return items.map((item) => {
        const raw = item as { id?: unknown; name?: unknown; properties?: Record<string, unknown> };
        const p = raw.properties ?? {};
        return {
            id: stringOf(raw.id) ?? "",
            name: stringOf(raw.name) ?? "",
            enabled: p.enabled === true,
            emailReceivers: listOf(p.emailReceivers).map((r) => ({
                name: stringOf(r.name) ?? "",
                emailAddress: stringOf(r.emailAddress) ?? "",
                status: stringOf(r.status),
            })),
            smsReceivers: listOf(p.smsReceivers).map((r) => ({
                name: stringOf(r.name) ?? "",
                countryCode: stringOf(r.countryCode) ?? "",
                phoneNumber: stringOf(r.phoneNumber) ?? "",
                status: stringOf(r.status),
            })),
            webhookReceiverNames: listOf(p.webhookReceivers).map((r) => stringOf(r.name) ?? ""),
        };
    });
}

/** Every log search alert of the resource group. */
export async function listScheduledQueryRules(reader: AzureReader, subscriptionId: string, resourceGroupName: string): Promise<ScheduledQueryRule[]> {
    const items = await listAll(
        reader,
        scheduledQueryRulesPath(subscriptionId, resourceGroupName),
        `scheduled query rules of resource group ${resourceGroupName}`,
    );
    return items.map((item) => {
        const raw = item as { id?: unknown; name?: unknown; properties?: Record<string, unknown> };
        const p = raw.properties ?? {};
        const criteria = (p.criteria ?? {}) as { allOf?: unknown };
        const actions = (p.actions ?? {}) as { actionGroups?: unknown };
        return {
            id: stringOf(raw.id) ?? "",
            name: stringOf(raw.name) ?? "",
            displayName: stringOf(p.displayName) ?? "",
            enabled: p.enabled === true,
            scopes: Array.isArray(p.scopes) ? p.scopes.filter((s): s is string => typeof s === "string") : [],
            actionGroupIds: Array.isArray(actions.actionGroups) ? actions.actionGroups.filter((s): s is string => typeof s === "string") : [],
            queries: listOf(criteria.allOf).map((c) => stringOf(c.query) ?? ""),
        };
    });
}
