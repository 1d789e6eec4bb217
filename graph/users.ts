// Emergency users through Microsoft Graph: set a password, repair accountEnabled, and read the non-secret
// facts a refresh reports (when the password was last changed). Changing either on a Global Administrator
// needs the caller to hold Privileged Authentication Administrator (or Global Administrator): with
// User.ReadWrite.All alone Graph answers 403, and the error says so.
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";

/** The role a deploy identity needs to change a Global Administrator's password or accountEnabled. */
export const PASSWORD_ADMIN_ROLE = "Privileged Authentication Administrator";

/** The fields read back; never the password (Graph never returns one). */
export const USER_FACTS_SELECT = "id,userPrincipalName,lastPasswordChangeDateTime,accountEnabled";

/** Which user an error is about: its object id, and its user principal name when known. */
export interface UserRef {
    readonly id: string;
    readonly userPrincipalName?: string;
}

/** What a refresh may know about an emergency user. */
export interface UserFacts {
    readonly id: string;
    readonly userPrincipalName: string;
    /** When the password was last set, by anyone (ISO 8601); undefined when Graph does not say. */
    readonly lastPasswordChangeDateTime?: string;
    readonly accountEnabled: boolean;
}

/** `Emergency account <upn> (user <id>)`. */
export function describeUser(user: UserRef): string {
    return `Emergency account ${user.userPrincipalName ?? "(user principal name unknown)"} (user ${user.id})`;
}

function userPath(id: string): string {
    return `/users/${encodeURIComponent(id)}`;
}

/** A Graph failure naming the account and the operation; a 403 also names the missing role. */
function userFailure(user: UserRef, method: string, purpose: string, error: unknown, graph: GraphClient): Error {
    const failure = graphFailure(describeUser(user), method, purpose, error, graph.retry);
    if (statusOf(error) !== 403) return failure;
    return new Error(
        `${failure.message}. The deploy identity needs the ${PASSWORD_ADMIN_ROLE} role (or Global Administrator) ` +
            "to change a Global Administrator's password or sign-in state; User.ReadWrite.All alone is not enough",
        { cause: failure.cause },
    );
}

/**
 * Sets the user's password with `forceChangePasswordNextSignIn: false`. `password` is handed over as the
 * string the HTTP body needs; the caller keeps it as bytes everywhere else. Any error names the account and
 * the operation, never the password.
 */
export async function setUserPassword(graph: GraphClient, user: UserRef, password: string): Promise<void> {
    try {
        await graph.client.api(userPath(user.id)).patch({ passwordProfile: { password, forceChangePasswordNextSignIn: false } });
    } catch (error) {
        throw userFailure(user, "PATCH", "set the emergency password (passwordProfile)", error, graph);
    }
}

/** Sets `accountEnabled` (repairing an emergency account someone disabled). */
export async function setUserAccountEnabled(graph: GraphClient, user: UserRef, accountEnabled: boolean): Promise<void> {
    try {
        await graph.client.api(userPath(user.id)).patch({ accountEnabled });
    } catch (error) {
        throw userFailure(user, "PATCH", `set accountEnabled to ${accountEnabled}`, error, graph);
    }
}

/** The user's non-secret facts, or undefined when Graph answers 404 (the user was deleted). */
export async function readUserFacts(graph: GraphClient, user: UserRef): Promise<UserFacts | undefined> {
    try {
        const found = (await graph.client.api(userPath(user.id)).query({ $select: USER_FACTS_SELECT }).get()) as Record<string, unknown>;
        return {
            id: String(found.id ?? user.id),
            userPrincipalName: String(found.userPrincipalName ?? user.userPrincipalName ?? ""),
            lastPasswordChangeDateTime:
                typeof found.lastPasswordChangeDateTime === "string" ? found.lastPasswordChangeDateTime : undefined,
            accountEnabled: found.accountEnabled === true,
        };
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw userFailure(user, "GET", "read when the password was last set", error, graph);
    }
}
