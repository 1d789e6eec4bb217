// What verify compares the tenant with: the stack's declaration, resolved without Pulumi. The settings come from the
// stack file, validated with the program's own schema; the object ids from `pulumi stack output --json` saved to a file
// (--outputs; only non-secret outputs are read) or from the ids file the reconcile job guards (--ids-file); an account
// whose id neither gives is found by its user principal name. Nothing here reads the tenant.
import * as fs from "node:fs";
import { CONFIG_NAMESPACE, ConfigError, misspelledNamespaceProblems, parseStackConfig, type StackConfig } from "../../config/schema";
import { DEFAULTS, LIMITED_ACCOUNT_KEY, STACK_OUTPUTS, emergencyUserPrincipalName } from "../../policies/contract/constants";
import { parseEmergencyIds, readEmergencyIds } from "../reconcile/ids";
import { StackFileError, readStackFileConfig } from "../reconcile/stackConfig";
import type { Declaration, DeclaredAccount, WhatIfCase } from "./model";

/** A bad --outputs, --ids-file or --what-if-matrix file; the message names it. */
export class DeclarationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DeclarationError";
    }
}

/** A stand-in for an encrypted value: the schema sees a value of the right shape, and verify never needs the secret. */
const ENCRYPTED_WEBHOOK = "https://encrypted.invalid/";

/** The stack file's values without namespace, encrypted ones (webhook URLs) replaced by stand-ins verify never uses. */
function clearValues(config: Record<string, unknown>): Record<string, unknown> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const clear = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(clear);
        if (value !== null && typeof value === "object") {
            if ("secure" in value) return ENCRYPTED_WEBHOOK;
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clear(v)]));
        }
        return value;
    };
    return Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), clear(value)]));
}

/** The validated stack config of `file`; a bad value is a ConfigError naming the key. */
export function readVerifyStackConfig(file: string): StackConfig {
    const config = readStackFileConfig(file);
    const misspelled = misspelledNamespaceProblems(Object.keys(config));
    if (misspelled.length > 0) throw new ConfigError(misspelled);
    return parseStackConfig(clearValues(config));
}

/** Object ids known before any request: the accounts in account order (the limited one last) and the group. */
export interface KnownIds {
    readonly accountIds?: readonly string[];
    readonly groupId?: string;
    readonly administrativeUnitId?: string;
}

/** The ids in `pulumi stack output --json` saved to `file`: the non-secret outputs only. */
export function readOutputsFile(file: string): KnownIds {
    let content: unknown;
    try {
        content = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new DeclarationError(`${file}: cannot be read as JSON (\`pulumi stack output --json > ${file}\`): ${(error as Error).message}`);
    }
    const ids = parseEmergencyIds(content, file, true);
    const unit = (content as Record<string, unknown>)[STACK_OUTPUTS.administrativeUnitId];
    return { accountIds: ids.userIds, groupId: ids.groupIds[0], administrativeUnitId: typeof unit === "string" ? unit : undefined };
}

/** The ids in the reconcile job's ids file. */
export function readIdsFile(file: string): KnownIds {
    const ids = readEmergencyIds(file);
    return { accountIds: ids.userIds, groupId: ids.groupIds[0] };
}

/** A What-If matrix file: a JSON list of {name, application, clientAppType}. */
export function readWhatIfMatrix(file: string): WhatIfCase[] {
    let content: unknown;
    try {
        content = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new DeclarationError(`${file}: cannot be read as JSON: ${(error as Error).message}`);
    }
    const valid = (item: unknown): item is WhatIfCase =>
        typeof item === "object" && item !== null && ["name", "application", "clientAppType"].every((key) => typeof (item as Record<string, unknown>)[key] === "string" && ((item as Record<string, string>)[key]).trim() !== "");
    if (!Array.isArray(content) || content.length === 0 || !content.every(valid)) {
        throw new DeclarationError(`${file}: must be a non-empty JSON list of {"name", "application", "clientAppType"} strings`);
    }
    return content.map(({ name, application, clientAppType }) => ({ name, application, clientAppType }));
}

/** The declared accounts: the numbered ones, then the limited one; ids from `known` when it lists them all. */
export function declaredAccounts(config: StackConfig, known: KnownIds): DeclaredAccount[] {
    const keys: (number | typeof LIMITED_ACCOUNT_KEY)[] = Array.from({ length: config.accountCount }, (_, i) => i + 1);
    if (config.limitedAccount) keys.push(LIMITED_ACCOUNT_KEY);
    // The ids come in the same order as the accounts (the program exports them so); a different count means the ids
    // are of another declaration (an ids file not refreshed after a change), and each account is then found by name.
    const ids = known.accountIds?.length === keys.length ? known.accountIds : undefined;
    return keys.map((key, i) => ({
        key,
        userPrincipalName: emergencyUserPrincipalName(config.accountPrefix, key, config.tenantDomain),
        id: ids?.[i],
        limited: key === LIMITED_ACCOUNT_KEY,
    }));
}

/** The declaration verify judges by. `subscriptionId` places the monitoring in Azure (--subscription or AZURE_SUBSCRIPTION_ID). */
export function buildDeclaration(
    config: StackConfig,
    known: KnownIds,
    whatIf: readonly WhatIfCase[],
    subscriptionId: string | undefined,
): Declaration {
    if (!known.groupId) {
        throw new DeclarationError(
            "the emergency group's object id is unknown: pass --outputs <file> (`pulumi stack output --json`), --ids-file <file>, or --group-id <id>",
        );
    }
    return {
        tenantDomain: config.tenantDomain,
        accounts: declaredAccounts(config, known),
        group: { id: known.groupId, displayName: DEFAULTS.groupDisplayName },
        credentialMode: config.credential.mode,
        credentialMethod: config.credential.method,
        requiredPasskeys: config.credential.requiredPasskeys,
        restrictedManagement: config.restrictedManagement,
        administrativeUnitId: known.administrativeUnitId,
        monitoring: config.sentinel
            ? {
                  subscriptionId,
                  resourceGroupName: config.sentinel.resourceGroupName,
                  workspaceName: config.sentinel.workspaceName,
                  queryFrequency: config.sentinel.queryFrequency,
                  alerts: config.alerts !== undefined,
                  emails: config.alerts?.emails ?? [],
                  phoneNumbers: (config.alerts?.sms ?? []).map((sms) => `+${sms.countryCode}${sms.phoneNumber}`),
                  webhooks: config.alerts?.webhooks.length ?? 0,
              }
            : undefined,
        whatIf: [...whatIf],
    };
}

export { StackFileError };
