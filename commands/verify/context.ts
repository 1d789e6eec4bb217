// The context every check of one run shares: the declaration, the Graph client, the optional Azure readers, the
// run's clock, and the memo of reads several checks need (the policy list, the users), made once per run.
import type { GraphClient } from "../../graph/client";
import type { AzureReaders, Declaration, VerifyContext } from "./model";

/** What a run is made of; tests pass a fake Graph's client and a fixed `now`. */
export interface VerifyContextOptions {
    readonly declaration: Declaration;
    readonly graph: GraphClient;
    readonly azure?: AzureReaders;
    /** Defaults to the time of the call. */
    readonly now?: Date;
}

/** A context whose `shared` reads run once per key, even when several checks ask at the same time. */
export function createVerifyContext(options: VerifyContextOptions): VerifyContext {
    const reads = new Map<string, Promise<unknown>>();
    return {
        declaration: options.declaration,
        graph: options.graph,
        azure: options.azure,
        now: options.now ?? new Date(),
        shared<T>(key: string, read: () => Promise<T>): Promise<T> {
            let pending = reads.get(key) as Promise<T> | undefined;
            if (!pending) {
                pending = read();
                reads.set(key, pending);
            }
            return pending;
        },
    };
}
