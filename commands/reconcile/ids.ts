// The emergency ids the reconcile job guards, from a small committed file instead of the stack: reading the
// stack's outputs would need the state backend's credential, which can also decrypt the stack's secrets. The
// file's keys are the stack outputs' own names, so the deploy job makes it from `pulumi stack output --json`
// (non-secret outputs only) and tells when the committed copy is stale (README, "Reconcile").
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmergencyIds } from "../../policies/contract/conditionalAccess";
import { MAX_EMERGENCY_ACCOUNTS, STACK_OUTPUTS } from "../../policies/contract/constants";

/** The ids file's keys: the names of the stack outputs they come from. */
export const IDS_FILE_KEYS = [STACK_OUTPUTS.accountObjectIds, STACK_OUTPUTS.groupObjectId] as const;

/** The ids file of a stack, relative to the project root. */
export function defaultIdsFile(stack: string): string {
    return `emergency-ids/${stack}.json`;
}

/** A bad ids file: the message names the file and the key. */
export class IdsFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "IdsFileError";
    }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The emergency ids in `content` (the file's parsed JSON, or the stack outputs), checked: the account object ids
 * (1 to MAX_EMERGENCY_ACCOUNTS distinct GUIDs: the Global Administrator accounts and the limited one) and the group object id (a GUID). Errors name `file` and the key.
 * With `allowOtherKeys` (reading `pulumi stack output --json`), keys other than the two are ignored.
 */
export function parseEmergencyIds(content: unknown, file: string, allowOtherKeys = false): EmergencyIds {
    const [accountsKey, groupKey] = IDS_FILE_KEYS;
    if (typeof content !== "object" || content === null || Array.isArray(content)) {
        throw new IdsFileError(`${file}: expected an object {"${accountsKey}": [...], "${groupKey}": "..."}`);
    }
    const record = content as Record<string, unknown>;
    if (!allowOtherKeys) {
        for (const key of Object.keys(record)) {
            if (!(IDS_FILE_KEYS as readonly string[]).includes(key)) {
                throw new IdsFileError(`${file}: ${key} is not a known key; expected ${IDS_FILE_KEYS.join(" and ")}`);
            }
        }
    }
    const accounts = record[accountsKey];
    const max = MAX_EMERGENCY_ACCOUNTS;
    if (!Array.isArray(accounts) || accounts.length === 0 || accounts.length > max) {
        throw new IdsFileError(`${file}: ${accountsKey} must be a list of 1 to ${max} account object ids (got ${shown(accounts)})`);
    }
    accounts.forEach((id: unknown, index) => {
        if (typeof id !== "string" || !GUID.test(id)) {
            throw new IdsFileError(`${file}: ${accountsKey}[${index}] is not a GUID (got ${shown(id)})`);
        }
        const first = accounts.findIndex((other: string) => other.toLowerCase() === id.toLowerCase());
        if (first !== index) throw new IdsFileError(`${file}: ${accountsKey}[${index}] repeats ${accountsKey}[${first}]`);
    });
    const group = record[groupKey];
    if (typeof group !== "string" || !GUID.test(group)) {
        throw new IdsFileError(`${file}: ${groupKey} is not a GUID (got ${shown(group)})`);
    }
    return { userIds: accounts as string[], groupIds: [group] };
}

/** Reads and checks an ids file; a missing or unreadable file is an IdsFileError naming it. */
export function readEmergencyIds(file: string): EmergencyIds {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        throw new IdsFileError(
            missing
                ? `${file}: no such file. After the first deployment, commit the ids the deploy job prints (README, "Reconcile")`
                : `${file}: cannot be read: ${(error as Error).message}`,
        );
    }
    let content: unknown;
    try {
        content = JSON.parse(text);
    } catch (error) {
        throw new IdsFileError(`${file}: not JSON: ${(error as Error).message}`);
    }
    return parseEmergencyIds(content, file);
}

/** The ids file's text for `ids`: the two keys, one id per line, a final newline (what the deploy job compares). */
export function formatIdsFile(ids: EmergencyIds): string {
    const [accountsKey, groupKey] = IDS_FILE_KEYS;
    return `${JSON.stringify({ [accountsKey]: ids.userIds, [groupKey]: ids.groupIds[0] }, null, 2)}\n`;
}

/**
 * Writes `idsFile` from `pulumi stack output --json` saved in `outputsFile` (secret outputs print as "[secret]"
 * there and are never read: only the two id outputs are). Returns `true` when the file's content changed.
 */
export function refreshIdsFile(outputsFile: string, idsFile: string): boolean {
    let outputs: unknown;
    try {
        outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8"));
    } catch (error) {
        throw new IdsFileError(`${outputsFile}: not the JSON of \`pulumi stack output --json\`: ${(error as Error).message}`);
    }
    const text = formatIdsFile(parseEmergencyIds(outputs, outputsFile, true));
    const before = fs.existsSync(idsFile) ? fs.readFileSync(idsFile, "utf8") : undefined;
    if (before === text) return false;
    fs.mkdirSync(path.dirname(idsFile), { recursive: true });
    fs.writeFileSync(idsFile, text);
    return true;
}
