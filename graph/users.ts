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

/** The application/delegated permission that revokes a user's sign-in sessions. */
export const REVOKE_SESSIONS_PERMISSION = "User.RevokeSessions.All";

/** The fields resolveUser reads: enough to tell a cloud-only member account from a synced or guest one. */
export const RESOLVE_USER_SELECT = "id,userPrincipalName,accountEnabled,onPremisesSyncEnabled,userType";

/**
 * Invalidates every refresh token and session cookie of the account (`POST /users/{id}/revokeSignInSessions`),
 * so a session opened with a Temporary Access Pass does not outlive the pass. A 403 names User.RevokeSessions.All
 * and the role: on an account that holds an admin role only a Privileged Authentication Administrator may do it.
 */
export async function revokeSignInSessions(graph: GraphClient, user: UserRef): Promise<void> {
    try {
        await graph.client.api(`${userPath(user.id)}/revokeSignInSessions`).post({});
    } catch (error) {
        const failure = graphFailure(describeUser(user), "POST", "revoke the sign-in sessions (revokeSignInSessions)", error, graph.retry);
        if (statusOf(error) !== 403) throw failure;
        throw new Error(
            `${failure.message.replace(/\.$/, "")}. The caller needs the ${REVOKE_SESSIONS_PERMISSION} permission and, for an account that ` +
                `holds an admin role, the ${PASSWORD_ADMIN_ROLE} role`,
            { cause: failure.cause },
        );
    }
}

/** A user found by object id or user principal name. */
export interface ResolvedUser {
    readonly id: string;
    readonly userPrincipalName: string;
    readonly accountEnabled: boolean;
    /** `true` for an account synchronized from on-premises Active Directory; undefined for a cloud-only one. */
    readonly onPremisesSyncEnabled?: boolean;
    /** `Member` or `Guest`, when Graph says. */
    readonly userType?: string;
}

/**
 * The user with this object id or user principal name (`GET /users/{idOrUpn}?$select=...`), or undefined when
 * Graph answers 404. Any other failure names what was looked up.
 */
export async function resolveUser(graph: GraphClient, idOrUserPrincipalName: string): Promise<ResolvedUser | undefined> {
    let found: Record<string, unknown>;
    try {
        found = (await graph.client.api(userPath(idOrUserPrincipalName)).query({ $select: RESOLVE_USER_SELECT }).get()) as Record<string, unknown>;
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        const failure = graphFailure(`User ${idOrUserPrincipalName}`, "GET", "look the account up", error, graph.retry);
        if (statusOf(error) !== 403) throw failure;
        throw new Error(`${failure.message.replace(/\.$/, "")}. The caller needs the User.Read.All permission (or a directory role that reads users)`, {
            cause: failure.cause,
        });
    }
    if (typeof found.id !== "string" || typeof found.userPrincipalName !== "string") {
        throw new Error(`User ${idOrUserPrincipalName}: GET to look the account up answered without id or userPrincipalName`);
    }
    return {
        id: found.id,
        userPrincipalName: found.userPrincipalName,
        accountEnabled: found.accountEnabled === true,
        ...(typeof found.onPremisesSyncEnabled === "boolean" ? { onPremisesSyncEnabled: found.onPremisesSyncEnabled } : {}),
        ...(typeof found.userType === "string" ? { userType: found.userType } : {}),
    };
}

/** The application/delegated permission that reads users (`readUserState`). */
export const USER_READ_PERMISSION = "User.Read.All";

/** The application/delegated permission that reads `signInActivity` (with an Entra ID P1 or P2 licence in the tenant). */
export const SIGN_IN_ACTIVITY_PERMISSION = "AuditLog.Read.All";

/** An emergency user as verify judges it. No secret. */
export interface UserState {
    readonly id: string;
    readonly userPrincipalName: string;
    readonly accountEnabled: boolean;
    /** true for a user synchronized from on-premises; null or false for cloud-only. */
    readonly onPremisesSyncEnabled: boolean | null;
    /** "Member" or "Guest". */
    readonly userType: string | null;
    readonly assignedLicenses: readonly { readonly skuId: string }[];
    readonly createdDateTime?: string;
    readonly lastPasswordChangeDateTime?: string;
}

/** The fields readUserState asks for: everything verify judges an account by, and nothing secret. */
export const USER_STATE_SELECT =
    "id,userPrincipalName,accountEnabled,onPremisesSyncEnabled,userType,assignedLicenses,createdDateTime,lastPasswordChangeDateTime";

/** An Error adding `hint` (the permission missing) to a failure when Graph answered 403. */
function withForbiddenHint(failure: Error, error: unknown, hint: string): Error {
    if (statusOf(error) !== 403) return failure;
    return new Error(`${failure.message.replace(/\.$/, "")}. ${hint}`, { cause: failure.cause });
}

/** A UserState from Graph's answer; an answer without id or userPrincipalName is refused, naming what was asked. */
export function toUserState(found: Record<string, unknown>, asked: string): UserState {
    if (typeof found.id !== "string" || typeof found.userPrincipalName !== "string") {
        throw new Error(`User ${asked}: GET to read the account's state answered without id or userPrincipalName`);
    }
    const licenses = Array.isArray(found.assignedLicenses) ? found.assignedLicenses : [];
    return {
        id: found.id,
        userPrincipalName: found.userPrincipalName,
        accountEnabled: found.accountEnabled === true,
        onPremisesSyncEnabled: typeof found.onPremisesSyncEnabled === "boolean" ? found.onPremisesSyncEnabled : null,
        userType: typeof found.userType === "string" ? found.userType : null,
        assignedLicenses: licenses
            .map((license: unknown) => (license as { skuId?: unknown } | null)?.skuId)
            .filter((skuId): skuId is string => typeof skuId === "string")
            .map((skuId) => ({ skuId })),
        ...(typeof found.createdDateTime === "string" ? { createdDateTime: found.createdDateTime } : {}),
        ...(typeof found.lastPasswordChangeDateTime === "string" ? { lastPasswordChangeDateTime: found.lastPasswordChangeDateTime } : {}),
    };
}

/**
 * The account as verify judges it (`GET /users/{id or UPN}?$select=USER_STATE_SELECT`), or undefined when Graph
 * answers 404. A 403 names User.Read.All.
 */
export async function readUserState(graph: GraphClient, idOrUserPrincipalName: string): Promise<UserState | undefined> {
    let found: Record<string, unknown>;
    try {
        found = (await graph.client.api(userPath(idOrUserPrincipalName)).query({ $select: USER_STATE_SELECT }).get()) as Record<string, unknown>;
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        const failure = graphFailure(`User ${idOrUserPrincipalName}`, "GET", "read the account's state", error, graph.retry);
        throw withForbiddenHint(failure, error, `The caller needs the ${USER_READ_PERMISSION} permission (or a directory role that reads users, such as Global Reader)`);
    }
    return toUserState(found, idOrUserPrincipalName);
}

/** signInActivity (needs AuditLog.Read.All and Entra ID P1/P2; absent for a user who never signed in). */
export interface SignInActivity {
    readonly lastSuccessfulSignInDateTime?: string;
    readonly lastSignInDateTime?: string;
    readonly lastNonInteractiveSignInDateTime?: string;
}

/** The three dates of a signInActivity object as Graph returns it; `{}` for null or absent (never signed in). */
export function toSignInActivity(activity: unknown): SignInActivity {
    if (activity === null || typeof activity !== "object") return {};
    const record = activity as Record<string, unknown>;
    const date = (key: keyof SignInActivity) => (typeof record[key] === "string" ? { [key]: record[key] as string } : {});
    return { ...date("lastSuccessfulSignInDateTime"), ...date("lastSignInDateTime"), ...date("lastNonInteractiveSignInDateTime") };
}

/**
 * When the account last signed in (`GET /users/{id}?$select=id,signInActivity`): `{}` when it never did, undefined
 * when Graph answers 404. Graph answers 403 without AuditLog.Read.All and also in a tenant without an Entra ID P1 or
 * P2 licence (code Authentication_RequestFromNonPremiumTenantOrB2CTenant): the message names both.
 */
export async function readSignInActivity(graph: GraphClient, id: string): Promise<SignInActivity | undefined> {
    let found: Record<string, unknown>;
    try {
        found = (await graph.client.api(userPath(id)).query({ $select: "id,signInActivity" }).get()) as Record<string, unknown>;
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        const failure = graphFailure(`User ${id}`, "GET", "read the last sign-in (signInActivity)", error, graph.retry);
        throw withForbiddenHint(
            failure,
            error,
            `The caller needs the ${SIGN_IN_ACTIVITY_PERMISSION} permission (or a role that reads sign-in logs, such as Reports Reader or ` +
                "Global Reader), and the tenant a Microsoft Entra ID P1 or P2 licence",
        );
    }
    return toSignInActivity(found.signInActivity);
}
