// The emergency group through Microsoft Graph, read-only: its protection (role-assignable, private), its owners
// and its direct members. verify's protection check judges the group from these: a role-assignable group can only
// be changed by Global and Privileged Role Administrators, and an owner could change its members.
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";
import { getAllPages } from "./paging";

/** The least application/delegated permission that reads a group, its owners and its members. */
export const GROUP_READ_PERMISSION = "GroupMember.Read.All";

/** The fields readGroup asks for. */
export const GROUP_STATE_SELECT = "id,displayName,isAssignableToRole,visibility,securityEnabled,mailEnabled";

/** A group as verify judges it. */
export interface GroupState {
    readonly id: string;
    readonly displayName: string;
    /** true for a role-assignable group; Graph answers null for a group created without the flag. */
    readonly isAssignableToRole: boolean | null;
    /** "Private", "Public", "HiddenMembership" or null (Graph's default for a security group, which reads as Public). */
    readonly visibility: string | null;
    readonly securityEnabled: boolean;
    readonly mailEnabled: boolean;
}

function groupPath(id: string): string {
    return `/groups/${encodeURIComponent(id)}`;
}

/** A Graph failure naming the group and the operation; a 403 also names the permission. */
function groupFailure(id: string, purpose: string, error: unknown, graph: GraphClient): Error {
    const failure = graphFailure(`Group ${id}`, "GET", purpose, error, graph.retry);
    if (statusOf(error) !== 403) return failure;
    return new Error(
        `${failure.message.replace(/\.$/, "")}. The caller needs the ${GROUP_READ_PERMISSION} permission (or Group.Read.All, or a directory ` +
            "role that reads groups, such as Global Reader)",
        { cause: failure.cause },
    );
}

/** A GroupState from Graph's answer; one without id or displayName is refused. */
export function toGroupState(found: Record<string, unknown>, asked: string): GroupState {
    if (typeof found.id !== "string" || typeof found.displayName !== "string") {
        throw new Error(`Group ${asked}: GET to read the group answered without id or displayName`);
    }
    return {
        id: found.id,
        displayName: found.displayName,
        isAssignableToRole: typeof found.isAssignableToRole === "boolean" ? found.isAssignableToRole : null,
        visibility: typeof found.visibility === "string" ? found.visibility : null,
        securityEnabled: found.securityEnabled === true,
        mailEnabled: found.mailEnabled === true,
    };
}

/** The group (`GET /groups/{id}?$select=GROUP_STATE_SELECT`), or undefined when Graph answers 404. */
export async function readGroup(graph: GraphClient, id: string): Promise<GroupState | undefined> {
    let found: Record<string, unknown>;
    try {
        found = (await graph.client.api(groupPath(id)).query({ $select: GROUP_STATE_SELECT }).get()) as Record<string, unknown>;
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw groupFailure(id, "read the group", error, graph);
    }
    return toGroupState(found, id);
}

/** The ids of a page of directory objects; an entry without id is refused. */
function idsOf(entries: readonly unknown[], id: string, relation: string): string[] {
    return entries.map((entry) => {
        const objectId = (entry as { id?: unknown } | null)?.id;
        if (typeof objectId !== "string") throw new Error(`Group ${id}: GET to list its ${relation} answered an object without id`);
        return objectId;
    });
}

/** Every page of one relation of the group (`owners`, `members`), as ids. */
async function listRelationIds(graph: GraphClient, id: string, relation: "owners" | "members"): Promise<string[]> {
    let entries: unknown[];
    try {
        entries = await getAllPages<unknown>(graph, `${groupPath(id)}/${relation}?$select=id`);
    } catch (error) {
        throw groupFailure(id, `list its ${relation}`, error, graph);
    }
    return idsOf(entries, id, relation);
}

/** The object ids of the group's owners (`GET /groups/{id}/owners?$select=id`), every page. */
export async function listGroupOwnerIds(graph: GraphClient, id: string): Promise<string[]> {
    return listRelationIds(graph, id, "owners");
}

/** The object ids of the group's direct members (`GET /groups/{id}/members?$select=id`), every page. */
export async function listGroupMemberIds(graph: GraphClient, id: string): Promise<string[]> {
    return listRelationIds(graph, id, "members");
}
