// Naming directory objects through Microsoft Graph, read-only: which user, group or service principal an id is
// (`POST /directoryObjects/getByIds`). verify uses it to list the standing Global Administrators and a group's
// owners and members by name. The POST only reads; Graph takes at most 1000 ids per request.
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";

/** The application/delegated permission that reads any directory object by id. */
export const DIRECTORY_READ_PERMISSION = "Directory.Read.All";

/** The most ids Graph accepts in one getByIds request. */
export const GET_BY_IDS_LIMIT = 1000;

/** A directory object named: its id, its type and, when it has them, its display name and user principal name. */
export interface DirectoryObjectSummary {
    readonly id: string;
    /** "user" | "group" | "servicePrincipal" | ... from @odata.type. */
    readonly type: string;
    readonly displayName?: string;
    readonly userPrincipalName?: string;
}

/** `ids` in chunks of at most `size`, in order. */
export function chunks<T>(ids: readonly T[], size: number): T[][] {
    const result: T[][] = [];
    for (let start = 0; start < ids.length; start += size) result.push(ids.slice(start, start + size));
    return result;
}

/** A summary from one entry of Graph's answer; an entry without id or @odata.type is refused. */
export function toDirectoryObjectSummary(found: unknown): DirectoryObjectSummary {
    const record = (found ?? {}) as Record<string, unknown>;
    const odataType = record["@odata.type"];
    if (typeof record.id !== "string" || typeof odataType !== "string") {
        throw new Error("Directory objects: POST to resolve ids (getByIds) answered an object without id or @odata.type");
    }
    return {
        id: record.id,
        type: odataType.replace(/^#?microsoft\.graph\./, ""),
        ...(typeof record.displayName === "string" ? { displayName: record.displayName } : {}),
        ...(typeof record.userPrincipalName === "string" ? { userPrincipalName: record.userPrincipalName } : {}),
    };
}

/**
 * The directory objects with these ids (`POST /directoryObjects/getByIds {ids}`, in chunks of GET_BY_IDS_LIMIT);
 * objects not found are simply absent. No id, no request. A 403 names Directory.Read.All.
 */
export async function resolveDirectoryObjects(graph: GraphClient, ids: readonly string[]): Promise<DirectoryObjectSummary[]> {
    const found: DirectoryObjectSummary[] = [];
    for (const chunk of chunks(ids, GET_BY_IDS_LIMIT)) {
        let answer: { value?: unknown };
        try {
            answer = (await graph.client.api("/directoryObjects/getByIds").post({ ids: chunk })) as { value?: unknown };
        } catch (error) {
            const failure = graphFailure(`Directory objects (${chunk.length} ids)`, "POST", "resolve ids (getByIds)", error, graph.retry);
            if (statusOf(error) !== 403) throw failure;
            throw new Error(`${failure.message.replace(/\.$/, "")}. The caller needs the ${DIRECTORY_READ_PERMISSION} permission`, {
                cause: failure.cause,
            });
        }
        if (!Array.isArray(answer?.value)) throw new Error("Directory objects: POST to resolve ids (getByIds) answered without a value list");
        found.push(...answer.value.map(toDirectoryObjectSummary));
    }
    return found;
}
