// An account's registered authentication methods through Microsoft Graph: the FIDO2 passkeys onboarding waits
// for and the passkey requirement counts, every method (an auditor fails a leftover TAP, phone or Authenticator),
// and the Temporary Access Pass that bootstraps the first passkey. A pass is a credential: it exists only in the
// object issueTemporaryAccessPass returns, and no error built here can carry it (Graph returns it only in the 201
// answer, so the failure path of that POST never quotes a request or response body).
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";
import { getAllPages } from "./paging";
import { describeUser, type UserRef } from "./users";

/** The delegated/application permission to read and manage authentication methods. */
export const AUTHENTICATION_METHODS_PERMISSION = "UserAuthenticationMethod.ReadWrite.All";

/** The roles that may manage another user's methods; for an account that holds an admin role only the privileged one. */
export const AUTHENTICATION_ADMIN_ROLES =
    "Authentication Administrator, or Privileged Authentication Administrator for an account that holds an admin role";

/** Graph's limits of a pass's lifetime, in minutes (10 minutes to 30 days). */
export const TEMPORARY_ACCESS_PASS_LIFETIME_MINUTES = { min: 10, max: 43200 } as const;

/** A registered FIDO2 method (passkey), as Graph describes it. No secret. */
export interface Fido2Method {
    readonly id: string;
    readonly displayName?: string;
    readonly model?: string;
    readonly aaGuid?: string;
    readonly createdDateTime?: string;
    readonly passkeyType?: string;
}

/** Device-bound (a security key), not synced: passkeyType absent (v1.0 keys registered before synced passkeys existed) or "deviceBound". */
export function isDeviceBoundPasskey(method: Fido2Method): boolean {
    return method.passkeyType === undefined || method.passkeyType === null || method.passkeyType.toLowerCase() === "devicebound";
}

/** One registered method of any kind: `type` is the @odata.type without "#microsoft.graph." (e.g. "fido2AuthenticationMethod", "passwordAuthenticationMethod", "temporaryAccessPassAuthenticationMethod", "phoneAuthenticationMethod", "microsoftAuthenticatorAuthenticationMethod", "x509CertificateAuthenticationMethod" if Graph lists one). */
export interface AuthenticationMethodSummary {
    readonly id: string;
    readonly type: string;
}

/** A Temporary Access Pass without its secret. */
export interface TemporaryAccessPassInfo {
    readonly id: string;
    readonly lifetimeInMinutes: number;
    readonly isUsableOnce: boolean;
    readonly isUsable?: boolean;
    readonly methodUsabilityReason?: string;
    readonly startDateTime?: string;
    readonly createdDateTime?: string;
}

/** The pass as issued: the only object that ever holds `temporaryAccessPass` (Graph returns it only in the 201 answer). */
export interface IssuedTemporaryAccessPass extends TemporaryAccessPassInfo {
    readonly temporaryAccessPass: string;
}

/** `/users/{id}/authentication`. */
function authenticationPath(user: UserRef): string {
    return `/users/${encodeURIComponent(user.id)}/authentication`;
}

/** The Graph path of the account's passes, or of one of them. */
function temporaryAccessPassPath(user: UserRef, id?: string): string {
    const collection = `${authenticationPath(user)}/temporaryAccessPassMethods`;
    return id === undefined ? collection : `${collection}/${encodeURIComponent(id)}`;
}

/** The sentence a 403 adds: which permission and which role the caller lacks. */
export function authenticationMethodsAccessHint(): string {
    return `The caller needs the ${AUTHENTICATION_METHODS_PERMISSION} permission and the role ${AUTHENTICATION_ADMIN_ROLES}`;
}

/** A Graph failure naming the account and the operation; a 403 also names the permission and the role. */
function methodsFailure(user: UserRef, method: string, purpose: string, error: unknown, graph: GraphClient): Error {
    const failure = graphFailure(describeUser(user), method, purpose, error, graph.retry);
    if (statusOf(error) !== 403) return failure;
    return new Error(`${failure.message.replace(/\.$/, "")}. ${authenticationMethodsAccessHint()}`, { cause: failure.cause });
}

/**
 * The parts of a failed call that can never hold a pass: the status, Graph's error code and, for an HTTP error,
 * Graph's error message. The library's error also keeps the response body and headers, and an unreadable 201 would
 * surface as a parse error quoting the answer's text (the pass): both are dropped.
 */
function withoutBody(error: unknown): Error {
    const status = statusOf(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    const graphMessage = error instanceof Error ? error.message : "";
    const message =
        status !== undefined && status >= 400 ? graphMessage : "the answer is withheld: it may hold the pass";
    return Object.assign(new Error(message), {
        ...(status !== undefined ? { statusCode: status } : {}),
        ...(typeof code === "string" ? { code } : {}),
    });
}

/** `value` as a string when it is one, else undefined. */
function optionalString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** A FIDO2 method as listed, with only the documented non-secret fields. */
function toFido2Method(entry: Record<string, unknown>): Fido2Method {
    return {
        id: String(entry.id),
        ...(typeof entry.displayName === "string" ? { displayName: entry.displayName } : {}),
        ...(typeof entry.model === "string" ? { model: entry.model } : {}),
        ...(typeof entry.aaGuid === "string" ? { aaGuid: entry.aaGuid } : {}),
        ...(typeof entry.createdDateTime === "string" ? { createdDateTime: entry.createdDateTime } : {}),
        ...(typeof entry.passkeyType === "string" ? { passkeyType: entry.passkeyType } : {}),
    };
}

/** GET /users/{id}/authentication/fido2Methods (all pages). */
export async function listFido2Methods(graph: GraphClient, user: UserRef): Promise<Fido2Method[]> {
    try {
        const entries = await getAllPages<Record<string, unknown>>(graph, `${authenticationPath(user)}/fido2Methods`);
        return entries.map(toFido2Method);
    } catch (error) {
        throw methodsFailure(user, "GET", "list the registered passkeys (fido2Methods)", error, graph);
    }
}

/** The @odata.type of a method without the namespace prefix. */
function methodType(odataType: unknown): string {
    return typeof odataType === "string" ? odataType.replace(/^#?microsoft\.graph\./, "") : "unknown";
}

/** GET /users/{id}/authentication/methods (all pages). */
export async function listAuthenticationMethods(graph: GraphClient, user: UserRef): Promise<AuthenticationMethodSummary[]> {
    try {
        const entries = await getAllPages<Record<string, unknown>>(graph, `${authenticationPath(user)}/methods`);
        return entries.map((entry) => ({ id: String(entry.id), type: methodType(entry["@odata.type"]) }));
    } catch (error) {
        throw methodsFailure(user, "GET", "list the registered authentication methods", error, graph);
    }
}

/** A pass's non-secret fields; `temporaryAccessPass` is never copied, whatever Graph sent. */
function toPassInfo(entry: Record<string, unknown>): TemporaryAccessPassInfo {
    return {
        id: String(entry.id),
        lifetimeInMinutes: Number(entry.lifetimeInMinutes),
        isUsableOnce: entry.isUsableOnce === true,
        ...(typeof entry.isUsable === "boolean" ? { isUsable: entry.isUsable } : {}),
        ...(optionalString(entry.methodUsabilityReason) !== undefined ? { methodUsabilityReason: entry.methodUsabilityReason as string } : {}),
        ...(optionalString(entry.startDateTime) !== undefined ? { startDateTime: entry.startDateTime as string } : {}),
        ...(optionalString(entry.createdDateTime) !== undefined ? { createdDateTime: entry.createdDateTime as string } : {}),
    };
}

/**
 * Refuses a lifetime Graph would refuse, before any request: a whole number of minutes from 10 to 43200.
 * Exported so a command can validate its flag with the same rule and message.
 */
export function validateTemporaryAccessPassLifetime(lifetimeInMinutes: number): void {
    const { min, max } = TEMPORARY_ACCESS_PASS_LIFETIME_MINUTES;
    if (!Number.isInteger(lifetimeInMinutes) || lifetimeInMinutes < min || lifetimeInMinutes > max) {
        throw new Error(`lifetimeInMinutes must be a whole number of minutes from ${min} to ${max}, got ${lifetimeInMinutes}`);
    }
}

/** POST /users/{id}/authentication/temporaryAccessPassMethods {lifetimeInMinutes, isUsableOnce}. lifetimeInMinutes must be 10..43200 (throw before any request otherwise, naming the argument). */
export async function issueTemporaryAccessPass(
    graph: GraphClient,
    user: UserRef,
    options: { readonly lifetimeInMinutes: number; readonly isUsableOnce: boolean },
): Promise<IssuedTemporaryAccessPass> {
    validateTemporaryAccessPassLifetime(options.lifetimeInMinutes);
    const purpose = "issue a Temporary Access Pass (temporaryAccessPassMethods)";
    let issued: Record<string, unknown>;
    try {
        issued = (await graph.client
            .api(temporaryAccessPassPath(user))
            .post({ lifetimeInMinutes: options.lifetimeInMinutes, isUsableOnce: options.isUsableOnce })) as Record<string, unknown>;
    } catch (error) {
        throw methodsFailure(user, "POST", purpose, withoutBody(error), graph);
    }
    const pass = issued?.temporaryAccessPass;
    if (typeof pass !== "string" || pass === "" || typeof issued.id !== "string") {
        // Never quote `issued`: whatever it holds may be the pass.
        throw new Error(`${describeUser(user)}: POST to ${purpose} answered without a pass or without its id`);
    }
    return { ...toPassInfo(issued), temporaryAccessPass: pass };
}

/** GET .../temporaryAccessPassMethods; never returns a pass value even if Graph sends one. */
export async function listTemporaryAccessPasses(graph: GraphClient, user: UserRef): Promise<TemporaryAccessPassInfo[]> {
    try {
        const entries = await getAllPages<Record<string, unknown>>(graph, temporaryAccessPassPath(user));
        return entries.map(toPassInfo);
    } catch (error) {
        throw methodsFailure(user, "GET", "list the Temporary Access Passes", withoutBody(error), graph);
    }
}

/** DELETE .../temporaryAccessPassMethods/{id}; 404 = already gone, not an error. */
export async function deleteTemporaryAccessPass(graph: GraphClient, user: UserRef, id: string): Promise<void> {
    try {
        await graph.client.api(temporaryAccessPassPath(user, id)).delete();
    } catch (error) {
        if (statusOf(error) === 404) return;
        throw methodsFailure(user, "DELETE", `delete the Temporary Access Pass ${id}`, error, graph);
    }
}
