// Directory role state through Microsoft Graph, read-only: the active role assignments as PIM lists them
// (`roleAssignmentScheduleInstances`), which covers assignments made through PIM and direct ones alike, with
// endDateTime null for a permanent one. verify judges "Global Administrator, active and permanent" from these, and
// counts the tenant's Global Administrators. Built-in role template ids are the same in every tenant and cloud, and
// for a built-in role the roleDefinitionId of an assignment is its template id.
import {
    AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
    CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
} from "../policies/contract/constants";
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";
import { getAllPages } from "./paging";

/** The application/delegated permission that reads role assignments and their schedules. */
export const ROLE_READ_PERMISSION = "RoleManagement.Read.Directory";

/**
 * The built-in role template ids the verify checks need. Sources: policies/contract/constants.ts for the three the
 * program assigns, Microsoft's "Microsoft Entra built-in roles" (MicrosoftDocs/entra-docs,
 * docs/identity/role-based-access-control/permissions-reference.md) for all eight.
 */
export const ROLE_TEMPLATE_IDS = {
    globalAdministrator: GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    globalReader: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    securityReader: "5d6b6bb7-de71-4623-b4af-96380a352509",
    privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
    conditionalAccessAdministrator: CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID,
    authenticationPolicyAdministrator: AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
    privilegedAuthenticationAdministrator: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    reportsReader: "4a5d8f65-41da-4de4-8968-e035b65339cf",
} as const;

/** The display name of each role of ROLE_TEMPLATE_IDS, by template id, for messages and evidence. */
export const ROLE_DISPLAY_NAMES: Readonly<Record<string, string>> = {
    [ROLE_TEMPLATE_IDS.globalAdministrator]: "Global Administrator",
    [ROLE_TEMPLATE_IDS.globalReader]: "Global Reader",
    [ROLE_TEMPLATE_IDS.securityReader]: "Security Reader",
    [ROLE_TEMPLATE_IDS.privilegedRoleAdministrator]: "Privileged Role Administrator",
    [ROLE_TEMPLATE_IDS.conditionalAccessAdministrator]: "Conditional Access Administrator",
    [ROLE_TEMPLATE_IDS.authenticationPolicyAdministrator]: "Authentication Policy Administrator",
    [ROLE_TEMPLATE_IDS.privilegedAuthenticationAdministrator]: "Privileged Authentication Administrator",
    [ROLE_TEMPLATE_IDS.reportsReader]: "Reports Reader",
};

/** The role's display name when ROLE_TEMPLATE_IDS knows it (any letter case), else `role <id>`. */
export function roleDisplayName(templateId: string): string {
    return ROLE_DISPLAY_NAMES[templateId.toLowerCase()] ?? `role ${templateId}`;
}

/** The Graph collection of active role assignments, relative to `<endpoint>/v1.0`. */
const ROLE_ASSIGNMENT_INSTANCES_PATH = "/roleManagement/directory/roleAssignmentScheduleInstances";

/** An active role assignment as PIM lists it (direct assignments included): endDateTime null means permanent. */
export interface RoleAssignmentInstance {
    readonly id: string;
    readonly principalId: string;
    readonly roleDefinitionId: string;
    readonly directoryScopeId: string;
    /** "Assigned" (standing) or "Activated" (an eligible role switched on). */
    readonly assignmentType: string;
    /** "Direct" | "Group" | "Inherited". */
    readonly memberType?: string;
    readonly startDateTime?: string | null;
    readonly endDateTime: string | null;
}

/** Which assignments to list: by principal, by role, or both. */
export interface RoleAssignmentFilter {
    readonly principalId?: string;
    readonly roleDefinitionId?: string;
}

/** An OData string literal: quotes doubled, so an id can never end the literal and add a clause of its own. */
function odataString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The `$filter` of a listing: `principalId eq '...'`, `roleDefinitionId eq '...'`, or both joined by `and`. Refuses
 * an empty filter: listing every assignment of the tenant is never what a check means.
 */
export function roleAssignmentFilter(filter: RoleAssignmentFilter): string {
    const clauses = [
        ...(filter.principalId !== undefined ? [`principalId eq ${odataString(filter.principalId)}`] : []),
        ...(filter.roleDefinitionId !== undefined ? [`roleDefinitionId eq ${odataString(filter.roleDefinitionId)}`] : []),
    ];
    if (clauses.length === 0) throw new Error("Role assignments: give a principalId, a roleDefinitionId or both to filter on");
    return clauses.join(" and ");
}

/** What the listing is about, for messages: `Role assignments of principal <id> in Global Administrator`. */
function describeListing(filter: RoleAssignmentFilter): string {
    const principal = filter.principalId !== undefined ? ` of principal ${filter.principalId}` : "";
    const role = filter.roleDefinitionId !== undefined ? ` in ${roleDisplayName(filter.roleDefinitionId)}` : "";
    return `Role assignments${principal}${role}`;
}

/** One instance from Graph's answer; one without its ids is refused, naming the listing. */
export function toRoleAssignmentInstance(found: unknown, listing: string): RoleAssignmentInstance {
    const record = (found ?? {}) as Record<string, unknown>;
    for (const key of ["id", "principalId", "roleDefinitionId"]) {
        if (typeof record[key] !== "string") throw new Error(`${listing}: an instance Graph listed has no ${key}`);
    }
    const optionalString = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : undefined);
    const memberType = optionalString("memberType");
    return {
        id: record.id as string,
        principalId: record.principalId as string,
        roleDefinitionId: record.roleDefinitionId as string,
        directoryScopeId: optionalString("directoryScopeId") ?? "/",
        assignmentType: optionalString("assignmentType") ?? "Assigned",
        ...(memberType !== undefined ? { memberType } : {}),
        ...("startDateTime" in record ? { startDateTime: optionalString("startDateTime") ?? null } : {}),
        endDateTime: optionalString("endDateTime") ?? null,
    };
}

/**
 * The active role assignments matching `filter` (`GET /roleManagement/directory/roleAssignmentScheduleInstances
 * ?$filter=...`), every page. A 403 names RoleManagement.Read.Directory.
 */
export async function listRoleAssignmentInstances(graph: GraphClient, filter: RoleAssignmentFilter): Promise<RoleAssignmentInstance[]> {
    const listing = describeListing(filter);
    const query = encodeURIComponent(roleAssignmentFilter(filter));
    let found: unknown[];
    try {
        found = await getAllPages<unknown>(graph, `${ROLE_ASSIGNMENT_INSTANCES_PATH}?$filter=${query}`);
    } catch (error) {
        const failure = graphFailure(listing, "GET", "list the active role assignments (roleAssignmentScheduleInstances)", error, graph.retry);
        if (statusOf(error) !== 403) throw failure;
        throw new Error(
            `${failure.message.replace(/\.$/, "")}. The caller needs the ${ROLE_READ_PERMISSION} permission (or a directory role that reads ` +
                "role assignments, such as Global Reader)",
            { cause: failure.cause },
        );
    }
    return found.map((entry) => toRoleAssignmentInstance(entry, listing));
}
