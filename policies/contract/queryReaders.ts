// Reading KQL the pack did not build: does a query mention an object id, does it filter on a sign-in result.
// Textual checks over a small KQL lexer (comments and string literals masked); the builders live in
// ./queries.ts.
import { normalizeGuid } from "./queries";

/** The ResultType-style columns whose filtering hides failed (or blocked) sign-ins. */
const RESULT_COLUMNS = ["ResultType", "ResultSignature", "ResultDescription", "Status", "ConditionalAccessStatus"];

/**
 * Whether `query` mentions the object id `id` as a whole GUID, in any letter case, outside comments. For
 * the policy pack, on queries it did not build. Throws QueryInputError when `id` is not a GUID.
 */
export function queryReferencesAccount(query: string, id: string): boolean {
    const guid = normalizeGuid("id", id);
    return new RegExp(`(?<![0-9a-f-])${guid}(?![0-9a-f-])`, "i").test(maskKql(query, false));
}

/**
 * Whether `query` filters on a sign-in result column (ResultType, ResultSignature, ResultDescription,
 * Status, ConditionalAccessStatus) in a `where` or `filter`, such as `ResultType == 0`, `== "0"` or
 * `in ("0")`: such a query hides failed or blocked sign-ins. Textual: comments and string literals are
 * ignored, a filter through an intermediate column (`extend ok = ResultType == 0 | where ok`) is not seen.
 */
export function queryHidesFailedSignIns(query: string): boolean {
    const filter = new RegExp(`\\b(?:where|filter)\\b[\\s\\S]*\\b(?:${RESULT_COLUMNS.join("|")})\\b`, "i");
    // Per pipe segment, so that `where UserId == 1 | project ResultType` is not read as one filter.
    return maskKql(query, true)
        .split(/[|;]/)
        .some((segment) => filter.test(segment));
}

function maskKql(query: string, strings: boolean): string {
    const out = query.split("");
    const blank = (from: number, to: number) => {
        for (let i = from; i < to; i++) if (out[i] !== "\n") out[i] = " ";
    };
    let i = 0;
    while (i < query.length) {
        const c = query[i];
        if (c === "/" && query[i + 1] === "/") {
            const end = query.indexOf("\n", i);
            const stop = end === -1 ? query.length : end;
            blank(i, stop);
            i = stop;
        } else if (query.startsWith("```", i)) {
            const end = query.indexOf("```", i + 3);
            const stop = end === -1 ? query.length : end + 3;
            if (strings) blank(i + 3, Math.max(i + 3, stop - 3));
            i = stop;
        } else if (c === '"' || c === "'") {
            const verbatim = query[i - 1] === "@";
            let j = i + 1;
            while (j < query.length) {
                if (!verbatim && query[j] === "\\") j += 2;
                else if (query[j] === c && verbatim && query[j + 1] === c) j += 2;
                else if (query[j] === c) break;
                else j++;
            }
            if (strings) blank(i + 1, Math.min(j, query.length));
            i = j + 1;
        } else {
            i++;
        }
    }
    return out.join("");
}
