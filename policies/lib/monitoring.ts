// Finding the emergency monitoring resources of a stack (the Sentinel sign-in and change rules, the Azure Monitor
// alerts, the action group), told apart by their place in the component or their name suffix
// (policies/contract/constants.ts), and judging a rule's or alert's query: equal to the builder's output for the
// ids it declares and its window (no Kusto parse), else reviewed (its SHA-256 on the trusted allow-list) and
// semantically sound on the syntax tree.
import type { PolicyResource } from "@pulumi/policy";
import { ACTION_GROUP_SUFFIX, CHANGE_RULE_SUFFIX, SIGN_IN_RULE_SUFFIX, TYPES } from "../contract/constants";
import { sameValue, show, type InputDeclaration, type InputExpectation } from "../contract/declaration/inputs";
import { signInAlertTable } from "../contract/declaration/monitoring";
import { detectionQueryProblems, queryHash } from "../contract/kql/semantics";
import { SIGN_IN_TABLES, changeQuery, signInQuery, type QueryWindow, type SignInTable } from "../contract/queries";
import { isEmergencyChild, rawProps, urnName } from "./emergency";

export type RuleKind = "sign-in" | "change";

/** Which emergency rule a resource is: a Sentinel scheduled rule in the component, or anywhere with the rule's suffix. */
export function emergencyRuleKind(type: string, urn: string): RuleKind | undefined {
    if (type !== TYPES.scheduledAlertRule) return undefined;
    const name = urnName(urn);
    if (name.endsWith(SIGN_IN_RULE_SUFFIX)) return "sign-in";
    if (name.endsWith(CHANGE_RULE_SUFFIX)) return "change";
    return undefined;
}

/** True for a Sentinel scheduled rule inside the component, whatever its name: the gate judges it (a renamed rule fails). */
export function isEmergencyRule(type: string, urn: string): boolean {
    return type === TYPES.scheduledAlertRule && (isEmergencyChild(urn) || emergencyRuleKind(type, urn) !== undefined);
}

/** The sign-in table an emergency Azure Monitor alert watches, by its name suffix. */
export function emergencyAlertTable(type: string, urn: string): SignInTable | undefined {
    return type === TYPES.scheduledQueryRule ? signInAlertTable(urnName(urn)) : undefined;
}

/** True for an Azure Monitor log alert the gate judges: inside the component, or anywhere with an alert suffix. */
export function isEmergencyAlert(type: string, urn: string): boolean {
    return type === TYPES.scheduledQueryRule && (isEmergencyChild(urn) || emergencyAlertTable(type, urn) !== undefined);
}

/** True for the emergency action group: inside the component, or anywhere with the action-group suffix. */
export function isEmergencyActionGroup(type: string, urn: string): boolean {
    return type === TYPES.actionGroup && (isEmergencyChild(urn) || urnName(urn).endsWith(ACTION_GROUP_SUFFIX));
}

export function findRule(resources: readonly PolicyResource[], kind: RuleKind) {
    const found = resources.find((r) => emergencyRuleKind(r.type, r.urn) === kind);
    return found && { urn: found.urn, props: rawProps(found.props) };
}

/** What a query is for: the Sentinel rule of a kind, or the Azure Monitor alert on one sign-in table. */
export type QueryPurpose = { readonly rule: RuleKind } | { readonly alertTable: SignInTable };

/** The tables a query for `purpose` must read. */
export function requiredTables(purpose: QueryPurpose): string[] {
    if ("alertTable" in purpose) return [purpose.alertTable];
    return purpose.rule === "sign-in" ? Object.keys(SIGN_IN_TABLES) : ["AuditLogs"];
}

/** The ids of a `let <name> = dynamic([...]);` statement of a query, as written; undefined without one. */
export function declaredIdList(query: string, name: string): string[] | undefined {
    const match = new RegExp(`^let ${name} = dynamic\\(\\[([^\\]]*)\\]\\);$`, "m").exec(query);
    if (!match) return undefined;
    const items = match[1].split(",").map((item) => item.trim()).filter((item) => item !== "");
    const ids = items.map((item) => /^"([^"\\]*)"$/.exec(item)?.[1]);
    return ids.every((id): id is string => id !== undefined) ? ids : undefined;
}

/** The ids a query declares: its accounts and, for the change query, its group. */
export interface DeclaredIds {
    readonly accountIds: string[];
    readonly groupId?: string;
}

/** The ids the builder put in a query, or undefined when the query does not declare them the builder's way. */
export function queryDeclaredIds(query: string, purpose: QueryPurpose): DeclaredIds | undefined {
    const accountIds = declaredIdList(query, "emergencyAccountIds");
    if (!accountIds || accountIds.length === 0) return undefined;
    if (!("rule" in purpose) || purpose.rule !== "change") return { accountIds };
    const objectIds = declaredIdList(query, "emergencyObjectIds");
    if (!objectIds || objectIds.length === 0) return undefined;
    // changeQuery lists the accounts, then the group unless it is one of them.
    const extra = objectIds.filter((id) => !accountIds.includes(id));
    return { accountIds, groupId: extra.length === 1 ? extra[0] : objectIds[objectIds.length - 1] };
}

/** The builder's query for these ids, or undefined when the builder refuses them. */
function rebuild(ids: DeclaredIds, purpose: QueryPurpose, window: QueryWindow): string | undefined {
    try {
        if ("alertTable" in purpose) return signInQuery(ids.accountIds, window, [purpose.alertTable]);
        if (purpose.rule === "sign-in") return signInQuery(ids.accountIds, window);
        return ids.groupId === undefined ? undefined : changeQuery(ids.accountIds, ids.groupId, window);
    } catch {
        return undefined;
    }
}

/** The verdict on one query: what is wrong with it, and the ids it declares (for the stack's cross-check). */
export interface QueryVerdict {
    readonly problems: string[];
    /** True when the query is exactly the builder's output. */
    readonly canonical: boolean;
    readonly ids?: DeclaredIds;
}

/**
 * Judges a query without the accounts' ids: equal to the builder's output for the ids it declares and `window` is
 * canonical (no Kusto parse: the builders are proven by their unit tests). Anything else passes only when its hash is
 * in `allowedQueryHashes` and the syntax-tree checks find no problem.
 */
export function judgeQuery(query: unknown, purpose: QueryPurpose, window: QueryWindow, allowedQueryHashes: readonly string[]): QueryVerdict {
    if (typeof query !== "string" || query.trim() === "") {
        return { problems: ["the query must be a non-empty string."], canonical: false };
    }
    const ids = queryDeclaredIds(query, purpose);
    if (ids && rebuild(ids, purpose, window) === query) return { problems: [], canonical: true, ids };
    const hash = queryHash(query);
    if (!allowedQueryHashes.map((h) => h.toLowerCase()).includes(hash)) {
        return {
            problems: [
                `the query is not the builder's output for the ids it declares and a ${window.frequencyMinutes}-minute window, and its ` +
                    `SHA-256 ${hash} is not in the trusted allowedQueryHashes.`,
            ],
            canonical: false,
            ids,
        };
    }
    if (!ids) {
        const lists = "rule" in purpose && purpose.rule === "change" ? "emergencyAccountIds and emergencyObjectIds" : "emergencyAccountIds";
        return {
            problems: [`the reviewed query (SHA-256 ${hash}) does not declare ${lists} as \`let <name> = dynamic([...]);\`, which the gate reads to check its accounts.`],
            canonical: false,
        };
    }
    let problems: string[];
    try {
        problems = detectionQueryProblems(query, { accountIds: ids.accountIds, requiredTables: requiredTables(purpose) });
    } catch (error) {
        // The declared ids are not GUIDs.
        problems = [error instanceof Error ? error.message : String(error)];
    }
    return { problems: problems.map((problem) => `the reviewed query (SHA-256 ${hash}): ${problem}`), canonical: false, ids };
}

/** A test that accepts any string (free text, names the program chooses). */
export const anyString = (value: unknown): string | undefined => (typeof value === "string" ? undefined : `must be a string (got ${show(value)}).`);

/** A test that accepts any non-empty string. */
export const nonEmptyString = (value: unknown): string | undefined =>
    typeof value === "string" && value.trim() !== "" ? undefined : `must be a non-empty string (got ${show(value)}).`;

/**
 * The first place where `actual` differs from `declared`, as ` at <path>: <actual> (declared: <declared>)` (no path
 * when the whole value differs); undefined when they are equal (object key order aside). Pure.
 */
export function firstDifference(actual: unknown, declared: unknown, path = ""): string | undefined {
    if (sameValue(actual, declared)) return undefined;
    const bothArrays = Array.isArray(actual) && Array.isArray(declared);
    const bothObjects = !Array.isArray(actual) && !Array.isArray(declared) && actual !== null && declared !== null &&
        typeof actual === "object" && typeof declared === "object";
    if (bothArrays && actual.length === declared.length) {
        for (let i = 0; i < declared.length; i++) {
            const found = firstDifference(actual[i], declared[i], `${path}[${i}]`);
            if (found) return found;
        }
    }
    if (bothObjects) {
        const keys = [...new Set([...Object.keys(declared as object), ...Object.keys(actual as object)])];
        for (const key of keys) {
            const found = firstDifference((actual as any)[key], (declared as any)[key], `${path}.${key}`);
            if (found) return found;
        }
    }
    return `${path ? ` at ${path}` : ""}: ${show(actual)} (declared: ${show(declared)})`;
}

/** An expectation that `value` equals `declared`, naming the first nested place that differs. */
export function declaredAs(declared: unknown): InputExpectation {
    if (declared === null || typeof declared !== "object") return { equals: declared };
    return {
        test: (value) => {
            const difference = firstDifference(value, declared);
            return difference && `differs from the declaration${difference}.`;
        },
    };
}

/** The declaration of a resource whose every input must equal `canonical`, but for the `overrides`. */
export function exactDeclaration(canonical: Record<string, unknown>, overrides: InputDeclaration = {}): InputDeclaration {
    return { ...Object.fromEntries(Object.entries(canonical).map(([key, value]) => [key, declaredAs(value)])), ...overrides };
}
