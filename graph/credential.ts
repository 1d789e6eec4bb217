// The token source of every Graph client: a credential with a token cache in front of it, created once per
// process (./session.ts) and shared by every client and call of that process.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** A token is renewed this long before it expires: Graph requests may wait minutes for retries and pacing. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** `true` when a cached token is still good for the next few minutes. */
function isFresh(token: AccessToken | undefined, now: number): token is AccessToken {
    return token !== undefined && token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS > now;
}

/**
 * Wraps a credential (or, when none is given, a `DefaultAzureCredential` created on the first request) with a
 * token cache: the credential chain is walked once, a token is reused until shortly before it expires, and
 * concurrent requests for a token share one in-flight request. Nothing is created or requested until a request
 * is made. The state lives in this call's closure: create it at run time (a dynamic provider does so in its
 * `configure` hook), never at serialization time, or Pulumi's serializer gives every call a fresh, empty cache.
 */
export function cachingCredential(credential?: TokenCredential, now: () => number = Date.now): TokenCredential {
    let source = credential;
    // One entry per scope: a process asks for Graph's, and `npm run verify` for Azure Resource Manager's and Log
    // Analytics' too; a single entry would make them evict each other.
    const cached = new Map<string, AccessToken>();
    const pending = new Map<string, Promise<AccessToken | null>>();
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            const key = ([] as string[]).concat(scopes).join(" ");
            const token = cached.get(key);
            if (token !== undefined && isFresh(token, now())) return token;
            const inFlight = pending.get(key);
            if (inFlight) return inFlight;
            // Required here, not at the top: @azure/identity is the heaviest module of the program's start-up,
            // and neither the offline plan nor the tests ever ask for a real token.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            source ??= new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
            const request = source.getToken(scopes, options).then((received) => {
                if (received) cached.set(key, received);
                else cached.delete(key);
                return received;
            });
            pending.set(key, request);
            try {
                return await request;
            } finally {
                if (pending.get(key) === request) pending.delete(key);
            }
        },
    };
}
