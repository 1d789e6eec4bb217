// Microsoft Sentinel analytics rules of a workspace:
// `GET .../workspaces/{ws}/providers/Microsoft.SecurityInsights/alertRules?api-version=2024-09-01`, the version
// azure-native 3.x's securityinsights.ScheduledAlertRule uses (https://learn.microsoft.com/rest/api/securityinsights/alert-rules/list).
// Needs Microsoft Sentinel Reader on the workspace.
import type { AzureReader } from "./client";
import { workspaceResourceId, type WorkspacePlace } from "./logAnalytics";
import { listAll, stringOf } from "./paging";

/** The API version of Microsoft.SecurityInsights/alertRules. */
export const SENTINEL_API_VERSION = "2024-09-01";

/** What the checks judge of a rule. Fusion and other kinds have no query: `query` is undefined for them. */
export interface SentinelAlertRule {
    readonly id: string;
    /** The rule id (the last segment of its ARM id). */
    readonly name: string;
    /** `Scheduled`, `Fusion`, `NRT`, `MicrosoftSecurityIncidentCreation`, ... */
    readonly kind: string;
    readonly displayName: string;
    readonly enabled: boolean;
    readonly query?: string;
    readonly queryFrequency?: string;
    readonly queryPeriod?: string;
}

/** The list path. */
export function alertRulesPath(place: WorkspacePlace): string {
    return `${workspaceResourceId(place)}/providers/Microsoft.SecurityInsights/alertRules?api-version=${SENTINEL_API_VERSION}`;
}

/** Every analytics rule of the workspace; [] when the workspace does not exist. */
export async function listAlertRules(reader: AzureReader, place: WorkspacePlace): Promise<SentinelAlertRule[]> {
    const items = await listAll(reader, alertRulesPath(place), `Sentinel analytics rules of workspace ${place.workspaceName}`);
    return items.map((item) => {
        const raw = item as { id?: unknown; name?: unknown; kind?: unknown; properties?: Record<string, unknown> };
        const p = raw.properties ?? {};
        return {
            id: stringOf(raw.id) ?? "",
            name: stringOf(raw.name) ?? "",
            kind: stringOf(raw.kind) ?? "",
            displayName: stringOf(p.displayName) ?? "",
            enabled: p.enabled === true,
            query: stringOf(p.query),
            queryFrequency: stringOf(p.queryFrequency),
            queryPeriod: stringOf(p.queryPeriod),
        };
    });
}
