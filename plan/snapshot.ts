// Reading a Conditional Access snapshot: the tenant's policies in Graph's own list format (what
// `GET /identity/conditionalAccess/policies` returns), so a plan can be made offline from an export.
import { readFileSync } from "node:fs";
import { validatePolicyList } from "../graph/conditionalAccess";
import type { ConditionalAccessPolicy } from "../policies/contract/conditionalAccess";

/** The policies of a snapshot file. Errors name the file and the index of a bad entry. */
export function readPolicySnapshot(file: string): ConditionalAccessPolicy[] {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`${file}: cannot read the policy snapshot: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
    }
    return validatePolicyList(parsed, file);
}
