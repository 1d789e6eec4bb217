// KQL for monitoring the emergency accounts, shared by the Sentinel rules, the Azure Monitor alert, the
// tests and the policy pack. Everything here is pure string building: no Kusto engine runs at import time
// (./kql/validator.ts checks these queries, and loads the Kusto library only when asked).
//
// Ingestion delay follows Microsoft's documented technique ("Handle ingestion delay in scheduled analytics
// rules", learn.microsoft.com/azure/sentinel/ingestion-delay): the rule looks back further than it runs
// (queryPeriod > queryFrequency), the query filters TimeGenerated over the whole look-back and
// ingestion_time() over exactly one frequency. Every record is ingested inside exactly one run's
// ingestion window, so a record that arrives late is still caught, and never alerts twice.

/** How often a scheduled query runs and how far back it reads, both in whole minutes. */
export interface QueryWindow {
    /** The rule's queryFrequency (Sentinel) or evaluationFrequency (Azure Monitor). */
    readonly frequencyMinutes: number;
    /**
     * The rule's queryPeriod (Sentinel) or windowSize (Azure Monitor). Strictly longer than the frequency:
     * the difference is the ingestion delay the rule tolerates.
     */
    readonly lookbackMinutes: number;
}

/** A query builder's input was refused. The message names the bad value. */
export class QueryInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "QueryInputError";
    }
}

/**
 * Ingestion delay every default window tolerates, in minutes (look-back minus frequency). Microsoft's
 * Entra reporting-latency table (since withdrawn from Learn) gave 2 minutes at the 95th percentile and 5 at
 * the 99th for sign-in and audit logs, Azure Monitor documents a typical 20 seconds to 3 minutes of
 * ingestion, and Sentinel already starts each scheduled run 5 minutes late.
 * An emergency sign-in that is missed is the one failure this project cannot afford, while a longer
 * look-back costs only a slightly bigger scan (the ingestion_time() filter prevents duplicates), so the
 * allowance is an order of magnitude above the documented tail: 55 minutes, which also puts the default
 * 5-minute rule on a round 1-hour look-back.
 */
export const INGESTION_DELAY_ALLOWANCE_MINUTES = 55;

/** The shortest default look-back: one hour, even for a 1-minute Azure Monitor evaluation frequency. */
const MIN_DEFAULT_LOOKBACK_MINUTES = 60;

/** Sentinel accepts a queryFrequency and a queryPeriod from 5 minutes to 14 days. */
export const MAX_LOOKBACK_MINUTES = 14 * 24 * 60;

/**
 * The audit activities of a Conditional Access policy change. Microsoft's activity reference capitalizes them
 * "Update Conditional Access policy" while records in the wild read "Update conditional access policy": the
 * query compares with =~ and in~ (case-insensitive), so either matches.
 */
export const CA_POLICY_UPDATE = "Update conditional access policy";
export const CA_POLICY_ADD = "Add conditional access policy";

/** A regular expression the change query applies to a policy's JSON, in the one form both KQL (RE2) and JavaScript read. */
export interface QueryPattern {
    /** The expression, without flags; never contains `"` (it sits in a KQL verbatim string). */
    readonly source: string;
    /** Matched without regard to case: `(?i)` in KQL, the `i` flag in JavaScript. */
    readonly ignoreCase: boolean;
}

/**
 * Every regular expression of the change query, defined once: the query embeds them (kqlPattern) and the tests'
 * evaluation of a sample audit record applies the same ones (jsPattern). They read the policy's JSON text whatever
 * its nesting or escaping (`"excludeUsers":[` and `\"excludeUsers\":[` alike). Each expression means the same in
 * RE2 and JavaScript: ASCII classes only (\W, \b, [0-9a-f]), no lookaround, no backreference.
 */
export const CHANGE_QUERY_PATTERNS = {
    /** An object id, in lower case (the text is lower-cased first). */
    guid: { source: "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", ignoreCase: false },
    /** The contents of conditions.users.excludeUsers. */
    excludeUsers: { source: "excludeUsers\\W+\\[([^\\]]*)\\]", ignoreCase: true },
    /** The contents of conditions.users.excludeGroups. */
    excludeGroups: { source: "excludeGroups\\W+\\[([^\\]]*)\\]", ignoreCase: true },
    /** The contents of conditions.users.includeUsers. */
    includeUsers: { source: "includeUsers\\W+\\[([^\\]]*)\\]", ignoreCase: true },
    /** The contents of conditions.users.includeGroups. */
    includeGroups: { source: "includeGroups\\W+\\[([^\\]]*)\\]", ignoreCase: true },
    /** The contents of conditions.users.includeRoles. */
    includeRoles: { source: "includeRoles\\W+\\[([^\\]]*)\\]", ignoreCase: true },
    /** What names nobody in an include list: the keyword None, quotes, commas, escapes and spaces. */
    namesNobody: { source: "\\bNone\\b|\\W", ignoreCase: true },
    /** conditions.users.includeGuestsOrExternalUsers set to an object (null when unset). */
    includesGuests: { source: "includeGuestsOrExternalUsers\\W+\\{", ignoreCase: true },
} as const satisfies Record<string, QueryPattern>;

/** A pattern as the query writes it: a KQL verbatim string literal, `(?i)` first when case-insensitive. */
export function kqlPattern(pattern: QueryPattern): string {
    if (pattern.source.includes('"')) throw new QueryInputError(`a KQL verbatim pattern cannot hold '"': ${pattern.source}`);
    return `@"${pattern.ignoreCase ? "(?i)" : ""}${pattern.source}"`;
}

/** The same pattern as a JavaScript RegExp (flags `i` when case-insensitive, plus `extra`), for evaluating samples. */
export function jsPattern(pattern: QueryPattern, extra = ""): RegExp {
    return new RegExp(pattern.source, `${pattern.ignoreCase ? "i" : ""}${extra}`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Columns of signInQuery's result that rules map to entities, alert details and dimensions, so the rule
 * definitions and the tests never repeat these names.
 */
export const SIGN_IN_COLUMNS = {
    /** Entra object id of the account (Account entity, AadUserId). */
    accountId: "UserId",
    /** User principal name at sign-in time (Account entity, FullName; alert dimension). */
    accountName: "UserPrincipalName",
    /** Client IP address (IP entity, Address; alert dimension). */
    ip: "IPAddress",
    /** "0" for success, an AADSTS error code otherwise. */
    resultType: "ResultType",
    /** Human-readable result. */
    resultDescription: "ResultDescription",
    /** "Interactive" or "NonInteractive". */
    signInType: "SignInType",
    /** The table the row came from: SigninLogs or AADNonInteractiveUserSignInLogs. */
    sourceTable: "SourceTable",
    /** Application signed in to. */
    app: "AppDisplayName",
} as const;

/** Columns of changeQuery's result that rules map to entities and alert details. */
export const CHANGE_COLUMNS = {
    /**
     * The emergency account the change concerns (Account entity, AadUserId): an emergency account among the
     * targets, else the emergency account that initiated it, else the user target of a change to the
     * emergency group (such as the member added), else an emergency account id dropped from a Conditional
     * Access exclusion. Empty when no user is involved (the group dropped from an exclusion).
     */
    accountId: "AccountObjectId",
    /** That account's user principal name when the audit record carries one (Account entity, FullName). */
    accountName: "AccountUserPrincipalName",
    /** IP address of the user who initiated the change (IP entity, Address). */
    ip: "InitiatorIPAddress",
    /** The audit activity, such as "Reset user password". */
    operation: "OperationName",
    /** Who initiated it: a user principal name, else an application name. */
    initiatedBy: "Initiator",
    /** Object id of the initiating user (a second Account entity). */
    initiatorId: "InitiatedByUserId",
    /** User principal name of the initiating user. */
    initiatorName: "InitiatedByUserPrincipalName",
    /** Display name of the first target: the user, group or Conditional Access policy changed. */
    target: "TargetDisplayName",
    /** Why the record matched: any of the CHANGE_DETECTIONS values. */
    detections: "Detections",
    /** Every emergency account or group id the record involves. */
    emergencyObjectIds: "EmergencyObjectIds",
    /** Ties the record to the other records of the same operation. */
    correlationId: "CorrelationId",
} as const;

/** Values of the Detections column: why a change query row matched. */
export const CHANGE_DETECTIONS = {
    /** An emergency account or the emergency group is among TargetResources. */
    target: "EmergencyObjectTargeted",
    /** An emergency account initiated the activity (InitiatedBy.user.id). */
    initiator: "InitiatedByEmergencyAccount",
    /** A Conditional Access policy update dropped an emergency id from excludeUsers/excludeGroups. */
    exclusionRemoved: "EmergencyExclusionRemoved",
    /**
     * A Conditional Access policy was added or updated and, as it now stands (the new value), applies to users but
     * does not exclude every emergency account and the group directly.
     */
    exclusionMissing: "EmergencyExclusionMissing",
} as const;

/**
 * Minutes of an ISO 8601 duration of days, hours, minutes and seconds (PT5M, PT1H, P1D, P1DT30M);
 * undefined when the text is not one or is not a positive whole number of minutes. Years, months and
 * weeks are refused: Azure's scheduled rules never use them and months have no fixed length.
 */
export function isoDurationMinutes(duration: string): number | undefined {
    const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
    if (!match || duration === "P" || duration.endsWith("T")) return undefined;
    const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    const total = days * 24 * 60 + hours * 60 + minutes + seconds / 60;
    return Number.isSafeInteger(total) && total > 0 ? total : undefined;
}

/**
 * The ISO 8601 duration of a positive whole number of minutes, in the canonical form Azure returns
 * (PT5M, PT1H, PT1H5M, P1D, P1DT1H), so a deployed rule reads back without a diff.
 */
export function minutesToIsoDuration(minutes: number): string {
    if (!Number.isSafeInteger(minutes) || minutes <= 0) {
        throw new QueryInputError(`minutes must be a positive whole number (got ${String(minutes)}).`);
    }
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    const time = `${hours ? `${hours}H` : ""}${rest ? `${rest}M` : ""}`;
    return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

/**
 * The default look-back for a frequency: the frequency plus INGESTION_DELAY_ALLOWANCE_MINUTES, at least
 * an hour, so always strictly longer than the frequency. Refuses a frequency whose look-back would exceed
 * what Sentinel accepts (14 days).
 */
export function defaultLookback(frequencyMinutes: number): number {
    if (!Number.isSafeInteger(frequencyMinutes) || frequencyMinutes <= 0) {
        throw new QueryInputError(
            `frequencyMinutes must be a positive whole number of minutes (got ${String(frequencyMinutes)}).`,
        );
    }
    const lookback = Math.max(frequencyMinutes + INGESTION_DELAY_ALLOWANCE_MINUTES, MIN_DEFAULT_LOOKBACK_MINUTES);
    if (lookback > MAX_LOOKBACK_MINUTES) {
        throw new QueryInputError(
            `frequencyMinutes ${frequencyMinutes} leaves no room for a ${INGESTION_DELAY_ALLOWANCE_MINUTES}-minute ` +
                `ingestion delay within Sentinel's ${MAX_LOOKBACK_MINUTES}-minute (14-day) look-back limit.`,
        );
    }
    return lookback;
}

/**
 * The window of a rule that runs every `frequency` (an ISO 8601 duration such as "PT5M", or minutes) with
 * the default look-back.
 */
export function queryWindow(frequency: string | number): QueryWindow {
    const frequencyMinutes = typeof frequency === "number" ? frequency : isoDurationMinutes(frequency);
    if (frequencyMinutes === undefined) {
        throw new QueryInputError(
            `frequency ${JSON.stringify(frequency)} is not an ISO 8601 duration of whole minutes, such as PT5M or PT1H.`,
        );
    }
    return { frequencyMinutes, lookbackMinutes: defaultLookback(frequencyMinutes) };
}

/** The sign-in tables signInQuery reads, and the SignInType each row gets. */
export const SIGN_IN_TABLES = {
    SigninLogs: "Interactive",
    AADNonInteractiveUserSignInLogs: "NonInteractive",
} as const;

/** A table signInQuery can read. */
export type SignInTable = keyof typeof SIGN_IN_TABLES;

/**
 * KQL returning every sign-in of the accounts, successful or failed (there is no ResultType filter),
 * matched by object id (UserId), which survives a rename of the user principal name. Reads SigninLogs and
 * AADNonInteractiveUserSignInLogs with a union by default. Azure Monitor log alert rules refuse `union`
 * ("Optimize log search alert queries"), so an alert passes one table and declares a rule per table.
 * See SIGN_IN_COLUMNS for the columns rules use; every variant returns the same columns and types.
 */
export function signInQuery(
    accountIds: readonly string[],
    window: QueryWindow,
    tables: readonly SignInTable[] = Object.keys(SIGN_IN_TABLES) as SignInTable[],
): string {
    const ids = guidList("accountIds", accountIds);
    const { frequencyMinutes, lookbackMinutes } = checkWindow(window);
    const known = (table: string) => Object.hasOwn(SIGN_IN_TABLES, table);
    if (tables.length === 0 || new Set(tables).size !== tables.length || !tables.every(known)) {
        throw new QueryInputError(
            `tables must list distinct sign-in tables among ${Object.keys(SIGN_IN_TABLES).join(", ")} ` +
                `(got ${JSON.stringify(tables)}).`,
        );
    }
    const single = tables.length === 1;
    const indent = single ? "" : "    ";
    const source = (table: SignInTable) =>
        [
            `${single ? "" : "    ("}${table}`,
            `| where TimeGenerated >= ago(${lookbackMinutes}m)`,
            `| where ingestion_time() > ago(${frequencyMinutes}m)`,
            "| where UserId in~ (emergencyAccountIds)",
            `| extend SignInType = "${SIGN_IN_TABLES[table]}", SourceTable = "${table}"` +
                // These columns are strings in the non-interactive table and dynamic in SigninLogs: a union of
                // the raw tables would split each into LocationDetails_dynamic and LocationDetails_string.
                (table === "AADNonInteractiveUserSignInLogs"
                    ? `,\n${indent}    LocationDetails = todynamic(LocationDetails), DeviceDetail = todynamic(DeviceDetail)`
                    : "") +
                (single ? "" : ")"),
        ].join(`\n${indent}`);
    return [
        "// Every sign-in of the emergency access accounts, successful or failed.",
        `// Runs every ${frequencyMinutes}m over the last ${lookbackMinutes}m and keeps rows ingested since the previous`,
        "// run: a late record is caught once and never twice (Sentinel: handle ingestion delay).",
        `let emergencyAccountIds = ${kqlDynamicStrings(ids)};`,
        ...(single ? [source(tables[0])] : ["union", tables.map(source).join(",\n")]),
        "| project TimeGenerated, SignInType, SourceTable, UserPrincipalName, UserId, IPAddress, Location,",
        "    LocationDetails, AppDisplayName, ResourceDisplayName, ClientAppUsed, ResultType, ResultDescription,",
        "    ConditionalAccessStatus, AuthenticationRequirement, UserAgent, DeviceDetail, CorrelationId",
    ].join("\n");
}

/**
 * KQL over AuditLogs returning every change that touches an emergency account or the emergency group:
 * either is among TargetResources (password reset or change, authentication methods, user updates,
 * disable, delete, role and group membership), an emergency account initiated it (self-service security
 * info, anything the account does), a Conditional Access policy update dropped an emergency id from
 * its excludeUsers/excludeGroups, or a Conditional Access policy was added or updated and now applies to
 * users without excluding every emergency account and the group (its new value in modifiedProperties). An
 * update that adds the missing exclusions (the reconcile job's) matches none of these. One row per audit
 * record; see CHANGE_COLUMNS and CHANGE_DETECTIONS.
 */
export function changeQuery(accountIds: readonly string[], groupId: string, window: QueryWindow): string {
    const ids = guidList("accountIds", accountIds);
    const group = normalizeGuid("groupId", groupId);
    const objectIds = ids.includes(group) ? ids : [...ids, group];
    const { frequencyMinutes, lookbackMinutes } = checkWindow(window);
    const p = CHANGE_QUERY_PATTERNS;
    return `// Every change to the emergency access accounts or their group, every action of the accounts, every
// Conditional Access update that drops them from an exclusion, and every policy added or updated without them.
// Runs every ${frequencyMinutes}m over the last ${lookbackMinutes}m and keeps rows ingested since the previous run
// (Sentinel: handle ingestion delay).
let emergencyAccountIds = ${kqlDynamicStrings(ids)};
let emergencyObjectIds = ${kqlDynamicStrings(objectIds)};
// Ids in a policy's excludeUsers and excludeGroups, read from the JSON text whatever its nesting or escaping.
let excludedIds = (policy: string) {
    extract_all(${kqlPattern(p.guid)}, tolower(strcat(
        extract(${kqlPattern(p.excludeUsers)}, 1, policy), " ",
        extract(${kqlPattern(p.excludeGroups)}, 1, policy))))
};
// Whether a policy applies to some user: an include list names someone other than None, or guests are included.
// Policies for workload identities only (which Graph lets exclude no user) and for nobody do not.
let targetsUsers = (policy: string) {
    isnotempty(replace_regex(strcat(
        extract(${kqlPattern(p.includeUsers)}, 1, policy), ",",
        extract(${kqlPattern(p.includeGroups)}, 1, policy), ",",
        extract(${kqlPattern(p.includeRoles)}, 1, policy)), ${kqlPattern(p.namesNobody)}, ""))
    or policy matches regex ${kqlPattern(p.includesGuests)}
};
let recent = AuditLogs
    | where TimeGenerated >= ago(${lookbackMinutes}m)
    | where ingestion_time() > ago(${frequencyMinutes}m);
let firstUser = (targets: dynamic) { iff(tostring(targets[0].type) =~ "User", tolower(tostring(targets[0].id)), "") };
let targeted = recent
    | mv-expand Target = TargetResources
    | extend EmergencyObjectId = tolower(tostring(Target.id))
    | where EmergencyObjectId in (emergencyObjectIds)
    | extend IsAccount = EmergencyObjectId in (emergencyAccountIds)
    | extend Detection = "${CHANGE_DETECTIONS.target}",
        AccountObjectId = iff(IsAccount, EmergencyObjectId, firstUser(TargetResources)),
        AccountUserPrincipalName = iff(IsAccount, tostring(Target.userPrincipalName),
            iff(firstUser(TargetResources) == "", "", tostring(TargetResources[0].userPrincipalName))),
        Rank = iff(IsAccount, 1, 3);
let initiated = recent
    | extend EmergencyObjectId = tolower(tostring(InitiatedBy.user.id))
    | where EmergencyObjectId in (emergencyAccountIds)
    | extend Detection = "${CHANGE_DETECTIONS.initiator}",
        AccountObjectId = EmergencyObjectId,
        AccountUserPrincipalName = tostring(InitiatedBy.user.userPrincipalName),
        Rank = 2;
let exclusionRemoved = recent
    | where OperationName =~ "${CA_POLICY_UPDATE}"
    | mv-expand Target = TargetResources
    | mv-expand Property = Target.modifiedProperties
    | extend Dropped = set_difference(
        set_intersect(excludedIds(tostring(Property.oldValue)), emergencyObjectIds),
        excludedIds(tostring(Property.newValue)))
    | mv-expand EmergencyObjectId = Dropped to typeof(string)
    | extend Detection = "${CHANGE_DETECTIONS.exclusionRemoved}",
        AccountObjectId = iff(EmergencyObjectId in (emergencyAccountIds), EmergencyObjectId, ""),
        AccountUserPrincipalName = "",
        Rank = 4;
let exclusionMissing = recent
    | where OperationName in~ ("${CA_POLICY_ADD}", "${CA_POLICY_UPDATE}")
    | mv-expand Target = TargetResources
    | mv-expand Property = Target.modifiedProperties
    | extend NewPolicy = tostring(Property.newValue)
    | where NewPolicy has "conditions" and targetsUsers(NewPolicy)
    | extend Missing = set_difference(emergencyObjectIds, excludedIds(NewPolicy))
    | mv-expand EmergencyObjectId = Missing to typeof(string)
    | extend Detection = "${CHANGE_DETECTIONS.exclusionMissing}",
        AccountObjectId = iff(EmergencyObjectId in (emergencyAccountIds), EmergencyObjectId, ""),
        AccountUserPrincipalName = "",
        Rank = 5;
union targeted, initiated, exclusionRemoved, exclusionMissing
// One row per audit record. Its account comes from the most direct match: an emergency account targeted (1),
// an emergency account acting (2), the user in a change to the emergency group (3), a dropped exclusion (4), a
// policy that lacks an exclusion (5).
| extend Rank = iff(isempty(AccountObjectId), Rank + 10, Rank)
| summarize Detections = make_set(Detection), EmergencyObjectIds = make_set(EmergencyObjectId),
    arg_min(Rank, TimeGenerated, OperationName, Category, Result, ResultReason, LoggedByService, CorrelationId,
        AccountObjectId, AccountUserPrincipalName, InitiatedBy, TargetResources) by Id
| extend InitiatedByUserId = tostring(InitiatedBy.user.id),
    InitiatedByUserPrincipalName = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByAppId = tostring(InitiatedBy.app.servicePrincipalId),
    InitiatorIPAddress = tostring(InitiatedBy.user.ipAddress),
    TargetType = tostring(TargetResources[0].type),
    TargetId = tostring(TargetResources[0].id),
    TargetDisplayName = tostring(TargetResources[0].displayName)
| extend Initiator = coalesce(InitiatedByUserPrincipalName, tostring(InitiatedBy.app.displayName), InitiatedByAppId)
| project TimeGenerated, OperationName, Category, Result, ResultReason, Detections, EmergencyObjectIds,
    AccountObjectId, AccountUserPrincipalName, TargetType, TargetId, TargetDisplayName, Initiator,
    InitiatedByUserId, InitiatedByUserPrincipalName, InitiatedByAppId, InitiatorIPAddress, LoggedByService,
    CorrelationId, AuditId = Id`;
}

/** The window after checking it is usable: whole minutes, look-back longer than frequency, within limits. */
function checkWindow(window: QueryWindow): QueryWindow {
    const { frequencyMinutes, lookbackMinutes } = window;
    for (const [name, value] of [
        ["window.frequencyMinutes", frequencyMinutes],
        ["window.lookbackMinutes", lookbackMinutes],
    ] as const) {
        if (!Number.isSafeInteger(value) || value <= 0) {
            throw new QueryInputError(`${name} must be a positive whole number of minutes (got ${String(value)}).`);
        }
    }
    if (lookbackMinutes <= frequencyMinutes) {
        throw new QueryInputError(
            `window.lookbackMinutes (${lookbackMinutes}) must be longer than window.frequencyMinutes ` +
                `(${frequencyMinutes}): the difference is the ingestion delay the rule tolerates.`,
        );
    }
    if (lookbackMinutes > MAX_LOOKBACK_MINUTES) {
        throw new QueryInputError(
            `window.lookbackMinutes (${lookbackMinutes}) exceeds Sentinel's ${MAX_LOOKBACK_MINUTES}-minute (14-day) limit.`,
        );
    }
    return window;
}

/** Checked, lower-cased and de-duplicated GUIDs; at least one. */
function guidList(name: string, values: readonly string[]): string[] {
    if (!Array.isArray(values) || values.length === 0) {
        throw new QueryInputError(`${name} is empty: at least one emergency account object id is required.`);
    }
    return [...new Set(values.map((value, i) => normalizeGuid(`${name}[${i}]`, value)))];
}

/**
 * The GUID in lower case (the form Entra writes to the logs). Anything else is refused: only hex digits and
 * dashes ever reach a query, so no value can break out of its string literal.
 */
export function normalizeGuid(name: string, value: unknown): string {
    if (typeof value !== "string" || !GUID.test(value)) {
        const shown =
            typeof value === "string" ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : String(value);
        throw new QueryInputError(
            `${name} is not a GUID (got ${shown}): object ids look like 00000000-0000-0000-0000-000000000000.`,
        );
    }
    return value.toLowerCase();
}

/** A KQL dynamic array literal of strings that are already known to be GUIDs. */
function kqlDynamicStrings(values: readonly string[]): string {
    return `dynamic([${values.map((value) => `"${value}"`).join(", ")}])`;
}

/**
 * `query` with comments blanked, and string literal contents too when `strings` is set; the length and
 * every offset stay the same. Knows KQL's "..." and '...' (backslash escapes), verbatim @"..." and @'...'
 * (doubled quotes) and ```...``` literals, and // line comments.
 */
