// The canonical declaration of the emergency monitoring: the two Sentinel rules, the action group and the two Azure
// Monitor alerts, every input of each. The component builds its resources from these functions and the pack judges
// what it receives against the same functions, so the program and the gate cannot drift: a pull request that
// changes a setting in the component produces a declaration the pack refuses. Pure: no Pulumi import. Values the
// program only knows at run time (names of its workspace, the accounts' ids inside the query, the action group's id)
// are parameters whose type the caller chooses (`pulumi.Input<string>` in the component, plain strings in the pack).
import { ACTION_GROUP_SUFFIX, LIMITS, NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX, SIGN_IN_ALERT_SUFFIX } from "../constants";
import {
    CHANGE_COLUMNS,
    SIGN_IN_COLUMNS,
    SIGN_IN_TABLES,
    isoDurationMinutes,
    minutesToIsoDuration,
    queryWindow,
    type QueryWindow,
    type SignInTable,
} from "../queries";

/** Sentinel severity of both rules. */
export const RULE_SEVERITY = "High";

/** Azure Monitor severity 0 is "Critical", the level Microsoft's own emergency-account alert uses. */
export const CRITICAL_SEVERITY = 0;

/** The action group's short name (SMS and email show it; 12 characters at most). */
export const ACTION_GROUP_SHORT_NAME = "BreakGlass";

/** Required by the API even with suppression and grouping off; it has no effect then. */
const INERT_DURATION = "PT5H";

/**
 * The window a rule running every `frequency` declares, or why that frequency is refused: whole minutes within
 * LIMITS.queryFrequencyMinutes (Sentinel's shortest is 5; beyond the maximum an emergency sign-in is news too late).
 */
export function declaredWindow(frequency: string): QueryWindow | string {
    const minutes = isoDurationMinutes(frequency);
    const { min, max } = LIMITS.queryFrequencyMinutes;
    if (minutes === undefined || minutes < min || minutes > max) {
        return `must be an ISO 8601 duration from ${minutesToIsoDuration(min)} to ${minutesToIsoDuration(max)} (got ${JSON.stringify(frequency)}).`;
    }
    return queryWindow(minutes);
}

/**
 * Settings both Sentinel rules share: an incident for every alert and an alert for every result, never grouped,
 * suppressed or re-rated, so two sign-ins are two High incidents.
 */
export function sentinelAlertingSettings(window: QueryWindow) {
    return {
        kind: "Scheduled" as const,
        enabled: true,
        severity: RULE_SEVERITY,
        queryFrequency: minutesToIsoDuration(window.frequencyMinutes),
        queryPeriod: minutesToIsoDuration(window.lookbackMinutes),
        triggerOperator: "GreaterThan" as const,
        triggerThreshold: 0,
        suppressionEnabled: false,
        suppressionDuration: INERT_DURATION,
        eventGroupingSettings: { aggregationKind: "AlertPerResult" },
        incidentConfiguration: {
            createIncident: true,
            groupingConfiguration: {
                enabled: false,
                reopenClosedIncident: false,
                lookbackDuration: INERT_DURATION,
                matchingMethod: "AllEntities",
            },
        },
    };
}

function accountAndIpMappings(columns: { accountId: string; accountName: string; ip: string }) {
    return [
        {
            entityType: "Account",
            fieldMappings: [
                { identifier: "AadUserId", columnName: columns.accountId },
                { identifier: "FullName", columnName: columns.accountName },
            ],
        },
        { entityType: "IP", fieldMappings: [{ identifier: "Address", columnName: columns.ip }] },
    ];
}

/** Where a Sentinel rule lives: the existing workspace's resource group and name. */
export interface SentinelPlace<V> {
    readonly resourceGroupName: V;
    readonly workspaceName: V;
}

/** The free-text inputs of a rule or alert: any string, the declaration's own wording by default. */
export interface FreeText {
    readonly displayName: string;
    readonly description: string;
}

export const SIGN_IN_RULE_TEXT: FreeText = {
    displayName: "Emergency access account sign-in (break glass)",
    description:
        "Any sign-in attempt by an emergency access account, interactive or not, successful or failed. " +
        "These accounts exist for outages only: confirm who used the account and why, then rotate its password. " +
        "MITRE ATT&CK T1078.004 (Valid Accounts: Cloud Accounts).",
};

export const CHANGE_RULE_TEXT: FreeText = {
    displayName: "Emergency access account or group changed (break glass)",
    description:
        "A change to an emergency access account or its group (password, authentication methods, user " +
        "properties, roles, membership), an action by an emergency account, a Conditional Access update that " +
        "drops an emergency exclusion, or a Conditional Access policy added or updated without excluding every " +
        "emergency account and the group (the reconcile job adds them within minutes). Confirm the change was " +
        "planned. MITRE ATT&CK T1098 (Account Manipulation).",
};

/** Every input of the Sentinel sign-in rule. `query` is signInQuery(ids, window) in the component. */
export function signInRuleDeclaration<V, Q>(place: SentinelPlace<V>, window: QueryWindow, query: Q, text: FreeText = SIGN_IN_RULE_TEXT) {
    return {
        resourceGroupName: place.resourceGroupName,
        workspaceName: place.workspaceName,
        ...sentinelAlertingSettings(window),
        displayName: text.displayName,
        description: text.description,
        query,
        entityMappings: accountAndIpMappings(SIGN_IN_COLUMNS),
        // Valid Accounts (T1078) spans these four tactics; this API version has no sub-technique field, so
        // T1078.004 (Cloud Accounts) is named in the description.
        tactics: ["InitialAccess", "Persistence", "PrivilegeEscalation", "DefenseEvasion"],
        techniques: ["T1078"],
        // Titles only: no alertSeverityColumnName or alertDynamicProperties, which would let a row re-rate its alert.
        alertDetailsOverride: {
            alertDisplayNameFormat: `Emergency access account {{${SIGN_IN_COLUMNS.accountName}}} signed in from {{${SIGN_IN_COLUMNS.ip}}}`,
            alertDescriptionFormat:
                `Sign-in by emergency access account {{${SIGN_IN_COLUMNS.accountName}}} from {{${SIGN_IN_COLUMNS.ip}}}: ` +
                `result {{${SIGN_IN_COLUMNS.resultType}}}.`,
        },
    };
}

/** Every input of the Sentinel change rule. `query` is changeQuery(ids, groupId, window) in the component. */
export function changeRuleDeclaration<V, Q>(place: SentinelPlace<V>, window: QueryWindow, query: Q, text: FreeText = CHANGE_RULE_TEXT) {
    return {
        resourceGroupName: place.resourceGroupName,
        workspaceName: place.workspaceName,
        ...sentinelAlertingSettings(window),
        displayName: text.displayName,
        description: text.description,
        query,
        entityMappings: accountAndIpMappings(CHANGE_COLUMNS),
        tactics: ["Persistence", "PrivilegeEscalation", "DefenseEvasion"],
        techniques: ["T1098"],
        alertDetailsOverride: {
            // The target names what changed: the account, the group, or the Conditional Access policy that lost an
            // exclusion (whose record carries no account name).
            alertDisplayNameFormat: `Emergency access change: {{${CHANGE_COLUMNS.operation}}} on {{${CHANGE_COLUMNS.target}}}`,
            alertDescriptionFormat:
                `{{${CHANGE_COLUMNS.operation}}} on {{${CHANGE_COLUMNS.target}}}, initiated by {{${CHANGE_COLUMNS.initiatedBy}}}.`,
        },
    };
}

/** Who the action group tells. `W` is a webhook URL as the caller holds it (a secret Output in the component). */
export interface ReceiverDeclaration<W> {
    readonly emails?: readonly string[];
    readonly sms?: readonly { readonly countryCode: string; readonly phoneNumber: string }[];
    readonly webhooks?: readonly W[];
}

/** Every input of the action group: enabled, global, the common alert schema, and only these three receiver kinds. */
export function actionGroupDeclaration<V, W>(resourceGroupName: V, receivers: ReceiverDeclaration<W>) {
    return {
        resourceGroupName,
        location: "Global",
        groupShortName: ACTION_GROUP_SHORT_NAME,
        enabled: true,
        emailReceivers: (receivers.emails ?? []).map((emailAddress, i) => ({
            name: `email-${i + 1}`,
            emailAddress,
            useCommonAlertSchema: true,
        })),
        smsReceivers: (receivers.sms ?? []).map((sms, i) => ({
            name: `sms-${i + 1}`,
            countryCode: sms.countryCode,
            phoneNumber: sms.phoneNumber,
        })),
        webhookReceivers: (receivers.webhooks ?? []).map((serviceUri, i) => ({
            name: `webhook-${i + 1}`,
            serviceUri,
            useCommonAlertSchema: true,
        })),
    };
}

/**
 * Log search alerts refuse `union` (Microsoft: "Optimize log search alert queries"), so each sign-in table gets its
 * own alert with the single-table form of the same query; each is told apart by its name suffix.
 */
export const SIGN_IN_ALERTS: Readonly<Record<SignInTable, { readonly suffix: string; readonly title: string }>> = {
    SigninLogs: { suffix: SIGN_IN_ALERT_SUFFIX, title: "Emergency access account sign-in (break glass)" },
    AADNonInteractiveUserSignInLogs: {
        suffix: NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX,
        title: "Emergency access account non-interactive sign-in (break glass)",
    },
};

/** The sign-in table whose alert has this resource name, by suffix. */
export function signInAlertTable(name: string): SignInTable | undefined {
    return (Object.keys(SIGN_IN_ALERTS) as SignInTable[]).find((table) => name.endsWith(SIGN_IN_ALERTS[table].suffix));
}

/** The sign-in tables, in the order the component declares their alerts. */
export const SIGN_IN_ALERT_TABLES = Object.keys(SIGN_IN_TABLES) as SignInTable[];

/** The free text of the alert on `table`. */
export function signInAlertText(table: SignInTable): FreeText {
    return {
        displayName: SIGN_IN_ALERTS[table].title,
        description: `Any sign-in attempt by an emergency access account in ${table}, successful or failed. Confirm who used the account and why.`,
    };
}

/** What an Azure Monitor alert is wired to: its resource group and location, the workspace, the action group. */
export interface AlertPlace<V> {
    readonly resourceGroupName: V;
    readonly location: V;
    readonly workspaceId: V;
    readonly actionGroupId: V;
}

/** The dimensions of each alert: one alert per account and address, so a second account's sign-in is not folded in. */
export const SIGN_IN_ALERT_DIMENSIONS = [SIGN_IN_COLUMNS.accountName, SIGN_IN_COLUMNS.ip].map((name) => ({
    name,
    operator: "Include",
    values: ["*"],
}));

/** Every input of the Azure Monitor alert on `table`. `query` is signInQuery(ids, window, [table]) in the component. */
export function signInAlertDeclaration<V, Q>(
    place: AlertPlace<V>,
    table: SignInTable,
    window: QueryWindow,
    query: Q,
    text: FreeText = signInAlertText(table),
) {
    return {
        resourceGroupName: place.resourceGroupName,
        location: place.location,
        kind: "LogAlert",
        displayName: text.displayName,
        description: text.description,
        severity: CRITICAL_SEVERITY,
        enabled: true,
        scopes: [place.workspaceId],
        evaluationFrequency: minutesToIsoDuration(window.frequencyMinutes),
        // The query looks back further than it runs and keeps only rows ingested since the last run
        // (ingestion_time()), so the window must cover the whole look-back.
        windowSize: minutesToIsoDuration(window.lookbackMinutes),
        criteria: {
            allOf: [
                {
                    query,
                    timeAggregation: "Count",
                    operator: "GreaterThan",
                    threshold: 0,
                    failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
                    dimensions: SIGN_IN_ALERT_DIMENSIONS.map((d) => ({ ...d, values: [...d.values] })),
                },
            ],
        },
        // Stateless: every evaluation with a sign-in notifies again, instead of staying "fired" and silent.
        autoMitigate: false,
        skipQueryValidation: false,
        actions: { actionGroups: [place.actionGroupId] },
    };
}

/**
 * Azure resource names the provider may set itself (auto-naming) and the engine then hands to analyzers. They only
 * name the resource; the pack accepts any string there.
 */
export const AUTO_NAME_INPUTS = {
    scheduledAlertRule: "ruleId",
    actionGroup: "actionGroupName",
    scheduledQueryRule: "ruleName",
} as const;

/** True for the last segment of an action group id the component declares: `<name>-action-group`, plus an auto-name suffix. */
export function isEmergencyActionGroupName(name: string): boolean {
    return new RegExp(`${ACTION_GROUP_SUFFIX}[a-z0-9]{0,8}$`, "i").test(name);
}

/**
 * Resources that can silence every emergency alert without touching the rules: a Sentinel automation rule (it can
 * close or re-rate the incidents as they open) and an Azure Monitor alert processing rule (it can remove the action
 * groups or suppress notifications). Any of them is refused unless the trusted `allowedResources` names it. Tokens of
 * azure-native (any API version module) and of the classic azure provider.
 */
export const SILENCING_TYPE_PATTERNS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
    { pattern: /^azure-native:securityinsights(?:\/v[0-9a-z]+)?:AutomationRule$/, what: "a Sentinel automation rule" },
    {
        pattern: /^azure-native:alertsmanagement(?:\/v[0-9a-z]+)?:(?:AlertProcessingRuleByName|ActionRuleByName|AlertProcessingRule)$/,
        what: "an Azure Monitor alert processing rule",
    },
    { pattern: /^azure:sentinel\/automationRule:AutomationRule$/, what: "a Sentinel automation rule" },
    {
        pattern: /^azure:monitoring\/alertProcessingRule(?:ActionGroup|Suppression):AlertProcessingRule(?:ActionGroup|Suppression)$/,
        what: "an Azure Monitor alert processing rule",
    },
];

/** What a silencing resource type is ("a Sentinel automation rule", ...), or undefined for any other type. */
export function silencingKind(type: string): string | undefined {
    return SILENCING_TYPE_PATTERNS.find(({ pattern }) => pattern.test(type))?.what;
}
