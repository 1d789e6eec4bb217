// Realistic AuditLogs records of Conditional Access changes, and the change rule's matching logic applied to one
// record in TypeScript. There is no Kusto engine here: the evaluation follows the query (policies/contract/
// queries.ts changeQuery) step by step with the SAME regular expressions (CHANGE_QUERY_PATTERNS) and Kusto's
// documented semantics for the functions it uses: extract (first match's group, else ""), extract_all (every
// match's group), tolower, set_difference/set_intersect (distinct values), replace_regex, matches regex, has (a
// whole term), and mv-expand (a null expands to one row, an empty array to none).
import { randomUUID } from "node:crypto";
import { CA_POLICY_ADD, CA_POLICY_UPDATE, CHANGE_DETECTIONS, CHANGE_QUERY_PATTERNS as P, jsPattern } from "../../policies/contract/queries";

/** One AuditLogs row (the columns the change query reads), as Entra writes it to a Log Analytics workspace. */
export interface AuditRecord {
    readonly TimeGenerated: string;
    readonly Id: string;
    readonly OperationName: string;
    readonly ActivityDisplayName: string;
    readonly Category: string;
    readonly Result: string;
    readonly ResultReason: string;
    readonly LoggedByService: string;
    readonly CorrelationId: string;
    readonly InitiatedBy: Record<string, unknown>;
    readonly TargetResources: ReadonlyArray<Record<string, unknown>>;
    readonly AdditionalDetails: ReadonlyArray<Record<string, unknown>>;
}

/** Who made a change: a person in the portal, or an application (the reconcile identity). */
export type Initiator =
    | { readonly user: { readonly id: string; readonly userPrincipalName: string; readonly ipAddress: string } }
    | { readonly app: { readonly servicePrincipalId: string; readonly displayName: string; readonly appId: string } };

export const PORTAL_ADMIN: Initiator = {
    user: { id: "4f2a6c1e-8b3d-4e7a-9c05-1d6e8f2a3b74", userPrincipalName: "ca-admin@contoso.onmicrosoft.com", ipAddress: "203.0.113.24" },
};
export const RECONCILE_APP: Initiator = {
    app: { servicePrincipalId: "8d1e4b7a-2c5f-4a96-b3e0-7f9c2d4a6e18", displayName: "entra-emergency-access-reconcile", appId: "0c7a9e3d-5b2f-4d18-a6e4-3f8b1c9d2e57" },
};

/** How the policy JSON sits in modifiedProperties: as JSON text, or JSON-encoded once more (both occur in the wild). */
export type Encoding = "json" | "doubleEncoded";

/**
 * The AuditLogs record of adding a policy (`before` undefined) or updating it: the policy is the target (type
 * "Policy") and its one modified property, "ConditionalAccessPolicy", holds the whole policy before and after.
 */
export function conditionalAccessAuditRecord(
    after: Record<string, any>,
    options: { before?: Record<string, any>; initiator?: Initiator; encoding?: Encoding; operation?: string } = {},
): AuditRecord {
    const encode = (policy: Record<string, any> | undefined) => {
        if (policy === undefined) return null;
        const json = JSON.stringify(policy);
        return options.encoding === "doubleEncoded" ? JSON.stringify(json) : json;
    };
    const operation = options.operation ?? (options.before ? CA_POLICY_UPDATE : CA_POLICY_ADD);
    const initiator = options.initiator ?? PORTAL_ADMIN;
    return {
        TimeGenerated: "2026-11-26T14:03:20.1234567Z",
        Id: `IPCGraph_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
        OperationName: operation,
        ActivityDisplayName: operation,
        Category: "Policy",
        Result: "success",
        ResultReason: "",
        LoggedByService: "Conditional Access",
        CorrelationId: randomUUID(),
        InitiatedBy: "user" in initiator
            ? { user: { ...initiator.user, displayName: null, roles: [], homeTenantId: null, homeTenantName: null, userType: null } }
            : { app: { ...initiator.app, servicePrincipalName: null } },
        TargetResources: [
            {
                id: after.id,
                displayName: after.displayName,
                type: "Policy",
                userPrincipalName: null,
                groupType: null,
                administrativeUnits: [],
                modifiedProperties: [
                    { displayName: "ConditionalAccessPolicy", oldValue: encode(options.before), newValue: encode(after) },
                ],
            },
        ],
        AdditionalDetails: [],
    };
}

// --- the change query's logic, one function per `let` of the query ---

const extract = (pattern: RegExp, text: string): string => pattern.exec(text)?.[1] ?? "";
const distinct = (values: readonly string[]): string[] => [...new Set(values)];

/** `let excludedIds`: the ids in excludeUsers and excludeGroups of a policy's JSON text. */
export function excludedIds(policy: string): string[] {
    const text = `${extract(jsPattern(P.excludeUsers), policy)} ${extract(jsPattern(P.excludeGroups), policy)}`.toLowerCase();
    return [...text.matchAll(jsPattern(P.guid, "g"))].map((match) => match[1]);
}

/** `let targetsUsers`: the policy applies to some user. */
export function targetsUsers(policy: string): boolean {
    const included = [P.includeUsers, P.includeGroups, P.includeRoles].map((pattern) => extract(jsPattern(pattern), policy)).join(",");
    return included.replace(jsPattern(P.namesNobody, "g"), "") !== "" || jsPattern(P.includesGuests).test(policy);
}

/** Kusto's tostring of a dynamic value: strings as they are, null as "", anything else as JSON. */
function tostring(value: unknown): string {
    if (value === null || value === undefined) return "";
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** mv-expand of a dynamic value: one row per element; a null or absent value one row of null; an empty array none. */
function mvExpand(value: unknown): unknown[] {
    if (value === null || value === undefined) return [null];
    return Array.isArray(value) ? value : [value];
}

/** Kusto's `has`: a whole term, without regard to case. */
function has(text: string, term: string): boolean {
    return text.toLowerCase().split(/[^0-9a-z]+/).includes(term.toLowerCase());
}

/** A detection the rule would report for a record, with the emergency id it concerns. */
export interface Detection {
    readonly detection: string;
    readonly emergencyObjectId: string;
}

/**
 * The rows the change query's four legs produce for one record (before `summarize ... by Id` folds them into one
 * alert): `accountIds` the emergency accounts, `groupId` the group, both as the query's lets hold them.
 */
export function changeRuleDetections(record: AuditRecord, accountIds: readonly string[], groupId: string): Detection[] {
    const emergencyAccountIds = distinct(accountIds.map((id) => id.toLowerCase()));
    const emergencyObjectIds = distinct([...emergencyAccountIds, groupId.toLowerCase()]);
    const rows: Detection[] = [];
    // targeted
    for (const target of mvExpand(record.TargetResources)) {
        const id = tostring((target as Record<string, unknown> | null)?.id).toLowerCase();
        if (emergencyObjectIds.includes(id)) rows.push({ detection: CHANGE_DETECTIONS.target, emergencyObjectId: id });
    }
    // initiated
    const initiator = tostring((record.InitiatedBy.user as Record<string, unknown> | undefined)?.id).toLowerCase();
    if (emergencyAccountIds.includes(initiator)) rows.push({ detection: CHANGE_DETECTIONS.initiator, emergencyObjectId: initiator });
    const operation = record.OperationName.toLowerCase();
    const properties = () =>
        mvExpand(record.TargetResources).flatMap((target) => mvExpand((target as Record<string, unknown> | null)?.modifiedProperties)) as Array<Record<string, unknown> | null>;
    // exclusionRemoved
    if (operation === CA_POLICY_UPDATE.toLowerCase()) {
        for (const property of properties()) {
            const before = excludedIds(tostring(property?.oldValue)).filter((id) => emergencyObjectIds.includes(id));
            const after = excludedIds(tostring(property?.newValue));
            for (const id of distinct(before).filter((id) => !after.includes(id))) {
                rows.push({ detection: CHANGE_DETECTIONS.exclusionRemoved, emergencyObjectId: id });
            }
        }
    }
    // exclusionMissing
    if ([CA_POLICY_ADD, CA_POLICY_UPDATE].some((name) => name.toLowerCase() === operation)) {
        for (const property of properties()) {
            const policy = tostring(property?.newValue);
            if (!(has(policy, "conditions") && targetsUsers(policy))) continue;
            const excluded = excludedIds(policy);
            for (const id of emergencyObjectIds.filter((id) => !excluded.includes(id))) {
                rows.push({ detection: CHANGE_DETECTIONS.exclusionMissing, emergencyObjectId: id });
            }
        }
    }
    return rows;
}
