// ARM list operations answer `{value: [...], nextLink}`; a nextLink is an absolute URL on ARM. Only its path and query
// are followed, through the client's own validated origin, so a nextLink can never send the token elsewhere.
import type { AzureReader } from "./client";

/** The most pages one list follows: a loop of nextLinks must end. */
export const MAX_LIST_PAGES = 50;

/** Every item of an ARM list, following nextLink; [] when the collection's parent does not exist (404). */
export async function listAll(reader: AzureReader, path: string, what: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined; page++) {
        if (page >= MAX_LIST_PAGES) throw new Error(`${what}: more than ${MAX_LIST_PAGES} pages (GET ${path}); stopped`);
        const body = (await reader.get(next)) as { value?: unknown; nextLink?: unknown } | undefined;
        if (body === undefined) return items;
        if (!Array.isArray(body.value)) throw new Error(`${what}: GET ${next} answered without a value list`);
        items.push(...body.value);
        next = typeof body.nextLink === "string" && body.nextLink !== "" ? pathOf(body.nextLink) : undefined;
    }
    return items;
}

/** The path and query of a nextLink (absolute or relative). */
function pathOf(link: string): string {
    const url = new URL(link, "https://management.azure.com");
    return url.pathname + url.search;
}

/** `/subscriptions/{s}/resourceGroups/{rg}`, each segment encoded. */
export function resourceGroupPath(subscriptionId: string, resourceGroupName: string): string {
    return `/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroupName)}`;
}

/** A string property, or undefined. */
export function stringOf(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}
