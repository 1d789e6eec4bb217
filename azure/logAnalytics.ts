// The Log Analytics workspace the Sentinel rules and the log alerts run on: its ARM id and its customer id (the id the
// query API addresses). `GET /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{ws}`
// with api-version 2023-09-01, the version azure-native's operationalinsights module uses
// (https://learn.microsoft.com/rest/api/loganalytics/workspaces/get). Needs Reader on the workspace's resource group.
import type { AzureReader } from "./client";
import { resourceGroupPath, stringOf } from "./paging";

/** The API version of Microsoft.OperationalInsights/workspaces (azure-native 3.x operationalinsights.getWorkspace). */
export const WORKSPACE_API_VERSION = "2023-09-01";

/** Where a workspace is. */
export interface WorkspacePlace {
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    readonly workspaceName: string;
}

/** What the checks need of a workspace. */
export interface Workspace {
    /** Its ARM id. */
    readonly id: string;
    readonly name: string;
    /** properties.customerId: the "Workspace ID" the query API addresses. */
    readonly customerId: string;
}

/** The workspace's ARM id, as the program's resources refer to it (without api-version). */
export function workspaceResourceId(place: WorkspacePlace): string {
    return `${resourceGroupPath(place.subscriptionId, place.resourceGroupName)}/providers/Microsoft.OperationalInsights/workspaces/${encodeURIComponent(place.workspaceName)}`;
}

/** The workspace, or undefined when it does not exist. */
export async function getWorkspace(reader: AzureReader, place: WorkspacePlace): Promise<Workspace | undefined> {
    const body = (await reader.get(`${workspaceResourceId(place)}?api-version=${WORKSPACE_API_VERSION}`)) as
        | { id?: unknown; name?: unknown; properties?: { customerId?: unknown } }
        | undefined;
    if (body === undefined) return undefined;
    const customerId = stringOf(body.properties?.customerId);
    if (!customerId) throw new Error(`Log Analytics workspace ${place.workspaceName}: the answer has no properties.customerId`);
    return { id: stringOf(body.id) ?? workspaceResourceId(place), name: stringOf(body.name) ?? place.workspaceName, customerId };
}
