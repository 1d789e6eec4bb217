// The token source of every Graph client: a credential with a token cache in front of it.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** `true` when a cached token is still good for the next few minutes (Graph requests may wait for retries). */
function isFresh(token: AccessToken | undefined, now: number): token is AccessToken {
    const marginMs = 5 * 60 * 1000;
    return token !== undefined && token.expiresOnTimestamp - marginMs > now;
}

/**
 * Wraps a credential (or, when none is given, a `DefaultAzureCredential` created on the first request) with a
 * token cache: the auth handler asks for a token on every request, and some credentials (Azure CLI) spawn a
 * process each time. Nothing is created or requested until a request is made.
 */
export function cachingCredential(credential?: TokenCredential): TokenCredential {
    let source = credential;
    // One entry is enough: a client asks for one scope. A plain variable, not a Map, because Pulumi
    // serializes this closure into the dynamic provider.
    let cached: { readonly scopes: string; readonly token: AccessToken } | undefined;
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            const key = ([] as string[]).concat(scopes).join(" ");
            if (cached?.scopes === key && isFresh(cached.token, Date.now())) return cached.token;
            // Required here, not at the top: @azure/identity is the heaviest module of the program's start-up,
            // and neither the offline plan nor the tests ever ask for a real token.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            source ??= new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
            const token = await source.getToken(scopes, options);
            cached = token ? { scopes: key, token } : undefined;
            return token;
        },
    };
}
