// Following `@odata.nextLink` safely: only on the configured endpoint, as paths the client addresses itself.
import { validateGraphEndpoint, type GraphClient } from "./client";

/** One page of a Graph collection, as Graph returns it. */
interface CollectionPage<T> {
    readonly value?: T[];
    readonly "@odata.nextLink"?: string;
}

/**
 * Splits an absolute `@odata.nextLink` on `endpoint` into the API version and the path (with query) that
 * `client.api()` takes. Refuses a link to any other origin: following it would send the token elsewhere.
 */
export function nextLinkRequestPath(endpoint: string, nextLink: string): { version: string; path: string } {
    let url: URL;
    try {
        url = new URL(nextLink);
    } catch {
        throw new Error(`@odata.nextLink "${nextLink}" is not an absolute URL`);
    }
    if (url.origin !== validateGraphEndpoint(endpoint)) {
        throw new Error(`@odata.nextLink "${nextLink}" leaves the Graph endpoint ${endpoint}; refusing to follow it`);
    }
    const match = /^\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) throw new Error(`@odata.nextLink "${nextLink}" has no API version in its path`);
    return { version: match[1], path: match[2] + url.search };
}

/**
 * Every item of a Graph collection, following `@odata.nextLink` until the last page. Links are turned into
 * paths on the configured endpoint rather than given to the library as URLs: its PageIterator does not handle
 * http links, and a path cannot send the token anywhere else.
 */
export async function getAllPages<T>(graph: GraphClient, path: string, maxPages = 1000): Promise<T[]> {
    const items: T[] = [];
    let page = (await graph.client.api(path).get()) as CollectionPage<T>;
    for (let pages = 1; ; pages++) {
        items.push(...(page.value ?? []));
        const nextLink = page["@odata.nextLink"];
        if (!nextLink) return items;
        if (pages >= maxPages) throw new Error(`GET ${path}: more than ${maxPages} pages; refusing to continue`);
        const next = nextLinkRequestPath(graph.endpoint, nextLink);
        page = (await graph.client.api(next.path).version(next.version).get()) as CollectionPage<T>;
    }
}
