// Restricted-management administrative units through Microsoft Graph: create one (the restriction can only be set
// at creation), read, find by name, rename, and keep its members. Objects inside such a unit ignore tenant-wide
// application permissions and tenant-scoped admin roles: only a role assigned at the unit's scope manages them, so
// a 403 on a member says so rather than only naming a permission the caller may already hold.
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";
import { getAllPages } from "./paging";

/** The permission to create administrative units and change their members. */
export const ADMINISTRATIVE_UNIT_PERMISSION = "AdministrativeUnit.ReadWrite.All";

/** The role needed to create a restricted-management unit and add members to it (check the docs with `search`, and write the one they name). */
export const RESTRICTED_UNIT_ADMIN_ROLE = "Privileged Role Administrator";

/** The Graph collection of administrative units, relative to `<endpoint>/v1.0`. */
const ADMINISTRATIVE_UNITS_PATH = "/directory/administrativeUnits";

/** An administrative unit as this project reads it. */
export interface AdministrativeUnit {
    readonly id: string;
    readonly displayName: string;
    readonly description?: string;
    readonly isMemberManagementRestricted: boolean;
    readonly visibility?: string;
}

/** The Graph path of one unit. */
function unitPath(id: string): string {
    return `${ADMINISTRATIVE_UNITS_PATH}/${encodeURIComponent(id)}`;
}

/** `Administrative unit <id>` or `Administrative unit "<name>"`. */
function describeUnit(unit: { readonly id?: string; readonly displayName?: string }): string {
    if (unit.id !== undefined) return `Administrative unit ${unit.id}${unit.displayName ? ` ("${unit.displayName}")` : ""}`;
    return `Administrative unit "${unit.displayName ?? ""}"`;
}

/** The sentence a 403 on a unit adds: which permission and which role the caller lacks. */
export function administrativeUnitAccessHint(): string {
    return `The caller needs the ${ADMINISTRATIVE_UNIT_PERMISSION} permission and the ${RESTRICTED_UNIT_ADMIN_ROLE} role`;
}

/** The sentence a 403 on a unit's members adds: the restriction ignores tenant-wide permissions. */
export function restrictedMembersAccessHint(): string {
    return (
        `${administrativeUnitAccessHint()}. Objects inside a restricted-management administrative unit ignore tenant-wide ` +
        "application permissions and tenant-scoped admin roles: the caller needs a role assigned at the unit's scope"
    );
}

/** A Graph failure naming the unit and the operation; a 403 also names the permission and the role (`hint`). */
function unitFailure(
    unit: { readonly id?: string; readonly displayName?: string },
    method: string,
    purpose: string,
    error: unknown,
    graph: GraphClient,
    hint: () => string = administrativeUnitAccessHint,
): Error {
    const failure = graphFailure(describeUnit(unit), method, purpose, error, graph.retry);
    if (statusOf(error) !== 403) return failure;
    return new Error(`${failure.message.replace(/\.$/, "")}. ${hint()}`, { cause: failure.cause });
}

/** The unit's fields as this project uses them; anything else Graph sends is dropped. */
function toAdministrativeUnit(found: Record<string, unknown>): AdministrativeUnit {
    return {
        id: String(found.id),
        displayName: String(found.displayName ?? ""),
        ...(typeof found.description === "string" ? { description: found.description } : {}),
        isMemberManagementRestricted: found.isMemberManagementRestricted === true,
        ...(typeof found.visibility === "string" ? { visibility: found.visibility } : {}),
    };
}

/** POST /directory/administrativeUnits {displayName, description, isMemberManagementRestricted: true}. */
export async function createRestrictedAdministrativeUnit(
    graph: GraphClient,
    unit: { readonly displayName: string; readonly description: string },
): Promise<AdministrativeUnit> {
    let created: Record<string, unknown>;
    try {
        created = (await graph.client
            .api(ADMINISTRATIVE_UNITS_PATH)
            .post({ displayName: unit.displayName, description: unit.description, isMemberManagementRestricted: true })) as Record<string, unknown>;
    } catch (error) {
        throw unitFailure(unit, "POST", "create a restricted-management administrative unit", error, graph);
    }
    const result = toAdministrativeUnit(created ?? {});
    if (typeof created?.id !== "string" || !result.isMemberManagementRestricted) {
        // The restriction cannot be added later: a unit without it is not what was asked for.
        throw new Error(
            `${describeUnit(result)}: POST to create a restricted-management administrative unit answered ` +
                `${typeof created?.id !== "string" ? "without an id" : "with isMemberManagementRestricted not true"}`,
        );
    }
    return result;
}

/** GET /directory/administrativeUnits/{id}; undefined on 404. */
export async function readAdministrativeUnit(graph: GraphClient, id: string): Promise<AdministrativeUnit | undefined> {
    try {
        return toAdministrativeUnit((await graph.client.api(unitPath(id)).get()) as Record<string, unknown>);
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw unitFailure({ id }, "GET", "read the administrative unit", error, graph);
    }
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/** GET /directory/administrativeUnits?$filter=displayName eq '<name>' (single quotes doubled), all pages. */
export async function findAdministrativeUnits(graph: GraphClient, displayName: string): Promise<AdministrativeUnit[]> {
    const filter = encodeURIComponent(`displayName eq ${odataString(displayName)}`);
    try {
        const found = await getAllPages<Record<string, unknown>>(graph, `${ADMINISTRATIVE_UNITS_PATH}?$filter=${filter}`);
        return found.map(toAdministrativeUnit);
    } catch (error) {
        throw unitFailure({ displayName }, "GET", "find administrative units by display name", error, graph);
    }
}

/** PATCH displayName/description (never isMemberManagementRestricted: Graph sets it only at creation). */
export async function updateAdministrativeUnit(
    graph: GraphClient,
    id: string,
    changes: { readonly displayName?: string; readonly description?: string },
): Promise<void> {
    // Only the two named fields travel, whatever else the caller's object holds.
    const body = {
        ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
    };
    if (Object.keys(body).length === 0) return;
    try {
        await graph.client.api(unitPath(id)).patch(body);
    } catch (error) {
        throw unitFailure({ id }, "PATCH", `update ${Object.keys(body).join(" and ")}`, error, graph);
    }
}

/** GET /directory/administrativeUnits/{id}/members?$select=id (all pages): the members' object ids. */
export async function listAdministrativeUnitMemberIds(graph: GraphClient, unitId: string): Promise<string[]> {
    try {
        const members = await getAllPages<{ id?: unknown }>(graph, `${unitPath(unitId)}/members?$select=id`);
        return members.map((member) => String(member.id));
    } catch (error) {
        throw unitFailure({ id: unitId }, "GET", "list the members", error, graph, restrictedMembersAccessHint);
    }
}

/** `true` for Graph's 400 that says the object is already a member. */
function alreadyMember(error: unknown): boolean {
    return statusOf(error) === 400 && error instanceof Error && /already exist/i.test(error.message);
}

/** POST .../members/$ref {"@odata.id": "<endpoint>/v1.0/directoryObjects/<id>"}; an "already exists" 400 counts as done. */
export async function addAdministrativeUnitMember(graph: GraphClient, unitId: string, objectId: string): Promise<void> {
    // The reference is on the client's own origin: Graph accepts its own origin, and a fake its own.
    const reference = { "@odata.id": `${graph.endpoint}/v1.0/directoryObjects/${encodeURIComponent(objectId)}` };
    try {
        await graph.client.api(`${unitPath(unitId)}/members/$ref`).post(reference);
    } catch (error) {
        if (alreadyMember(error)) return;
        throw unitFailure({ id: unitId }, "POST", `add the member ${objectId}`, error, graph, restrictedMembersAccessHint);
    }
}

/** DELETE .../members/{id}/$ref; 404 counts as done. */
export async function removeAdministrativeUnitMember(graph: GraphClient, unitId: string, objectId: string): Promise<void> {
    try {
        await graph.client.api(`${unitPath(unitId)}/members/${encodeURIComponent(objectId)}/$ref`).delete();
    } catch (error) {
        if (statusOf(error) === 404) return;
        throw unitFailure({ id: unitId }, "DELETE", `remove the member ${objectId}`, error, graph, restrictedMembersAccessHint);
    }
}
