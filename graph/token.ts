// What the running identity may do in Microsoft Graph, read from its own access token rather than asked of Graph:
// the application permissions (`roles`) of a workload identity, or the delegated scopes (`scp`) of a person, and the
// directory roles (`wids`) either holds. verify's preflight compares these with what each check needs, so a missing
// permission is reported before the run instead of as a 403 in its middle. The token is not verified: it is our own,
// just issued to us, and nothing is granted on the strength of what it says.
import type { TokenCredential } from "@azure/identity";
import { graphScope } from "./client";

/** What the running identity may do, read from its own Graph access token (no request): app roles or delegated scopes, and directory roles. */
export interface TokenGrants {
    readonly kind: "application" | "delegated";
    /** Application permissions (`roles` claim) or delegated scopes (`scp` claim, split on spaces). */
    readonly permissions: readonly string[];
    /** Directory role template ids (`wids` claim). */
    readonly roleTemplateIds: readonly string[];
    readonly objectId?: string;
    readonly appId?: string;
    readonly tenantId?: string;
}

/** The JSON object a base64url JWT segment holds, or undefined. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(segment)) return undefined;
    try {
        const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
        return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/** The strings of a claim that is a list; anything else reads as empty. */
function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item !== "") : [];
}

/**
 * Pure: decodes the JWT payload (base64url) without verifying it (it is our own token, for a preflight); undefined
 * when it is not a JWT. A token with `scp` is delegated (a person), else application (`idtyp: "app"` or `roles`).
 */
export function grantsFromAccessToken(token: string): TokenGrants | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const header = decodeSegment(parts[0]);
    const payload = decodeSegment(parts[1]);
    if (!header || !payload || typeof header.alg !== "string") return undefined;
    const delegated = typeof payload.scp === "string" && payload.idtyp !== "app";
    const text = (claim: string) => (typeof payload[claim] === "string" && payload[claim] !== "" ? (payload[claim] as string) : undefined);
    const objectId = text("oid");
    const appId = text("appid") ?? text("azp");
    const tenantId = text("tid");
    return {
        kind: delegated ? "delegated" : "application",
        permissions: delegated ? (payload.scp as string).split(/\s+/).filter((scope) => scope !== "") : stringList(payload.roles),
        roleTemplateIds: stringList(payload.wids),
        ...(objectId !== undefined ? { objectId } : {}),
        ...(appId !== undefined ? { appId } : {}),
        ...(tenantId !== undefined ? { tenantId } : {}),
    };
}

/** Asks the credential for a Graph token for `endpoint` (`<endpoint>/.default`) and decodes it; undefined without a JWT. */
export async function readTokenGrants(credential: TokenCredential, endpoint: string): Promise<TokenGrants | undefined> {
    const token = await credential.getToken(graphScope(endpoint));
    return token ? grantsFromAccessToken(token.token) : undefined;
}
