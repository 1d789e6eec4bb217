// Alert pipeline health: the emergency alarms would ring today. The tenant's Entra diagnostic settings send the sign-in
// and audit logs to the declared workspace, both Sentinel rules exist, are enabled and still run the query the program
// declared (by SHA-256: a query edited in the portal is a silenced alarm), the direct Azure Monitor alerts and their
// action group are enabled with the declared receivers, and the workspace holds a recent sign-in log. The peers leave
// this as future work. Each judge is pure; `run()` gathers through context.azure (azure/) and judges.
import { AzureRequestError, type AzureReader } from "../../../azure/client";
import { ENTRA_DIAGNOSTIC_SETTINGS_ROLE, listEntraDiagnosticSettings, type EntraDiagnosticSetting } from "../../../azure/diagnosticSettings";
import { getWorkspace, workspaceResourceId, type WorkspacePlace } from "../../../azure/logAnalytics";
import { listActionGroups, listScheduledQueryRules, type ActionGroup, type ScheduledQueryRule } from "../../../azure/monitor";
import { listAlertRules, type SentinelAlertRule } from "../../../azure/sentinel";
import { sameId } from "../../../policies/contract/conditionalAccess";
import { DEFAULTS } from "../../../policies/contract/constants";
import {
    CHANGE_RULE_TEXT,
    SIGN_IN_ALERTS,
    SIGN_IN_ALERT_TABLES,
    SIGN_IN_RULE_TEXT,
    isEmergencyActionGroupName,
} from "../../../policies/contract/declaration/monitoring";
import { queryHash } from "../../../policies/contract/kql/semantics";
import { changeQuery, queryWindow, signInQuery } from "../../../policies/contract/queries";
import type { AzureAccess, CheckDefinition, Declaration, DeclaredMonitoring, Evidence, VerifyContext } from "../model";

/** The Entra log categories the rules and alerts read: interactive and non-interactive sign-ins, and the audit log. */
export const REQUIRED_LOG_CATEGORIES = ["SignInLogs", "NonInteractiveUserSignInLogs", "AuditLogs"] as const;

/** The query of alerts-sign-in-log-recent: when the workspace last received an interactive sign-in log. */
export const LAST_SIGN_IN_QUERY = "SigninLogs | summarize last = max(TimeGenerated)";

/** Sign-in log age limits in hours: PASS up to `pass`, WARN up to `warn`, FAIL beyond (or none). */
export const SIGN_IN_LOG_AGE_HOURS = { pass: 24, warn: 72 } as const;

/** The message of a check run without a sentinel config. */
export const NO_SENTINEL_CONFIG = "no sentinel config in the stack";

/** The message of a check run without a subscription (no Azure readers, or no subscription id). */
export const NO_SUBSCRIPTION = "no subscription: pass --subscription or set AZURE_SUBSCRIPTION_ID";

/** The Azure access each read needs, named as the checks report it. */
export const AZURE_ACCESS = {
    diagnosticSettings: { description: ENTRA_DIAGNOSTIC_SETTINGS_ROLE },
    resourceGroupReader: { description: "Reader on the workspace's resource group" },
    sentinelReader: { description: "Microsoft Sentinel Reader on the workspace" },
    logAnalyticsReader: { description: "Log Analytics Reader on the workspace" },
} as const satisfies Record<string, AzureAccess>;

/** What every check of this family needs: the declared monitoring, the Azure readers and the subscription. */
interface Pipeline {
    readonly monitoring: DeclaredMonitoring;
    readonly azure: AzureReader;
    readonly place: WorkspacePlace;
}

/** The pipeline's place, or the error that makes the check NOT_RUN. */
function pipelineOf(context: VerifyContext): Pipeline {
    const monitoring = context.declaration.monitoring;
    if (!monitoring) throw new Error(NO_SENTINEL_CONFIG);
    if (!context.azure || !monitoring.subscriptionId) throw new Error(NO_SUBSCRIPTION);
    return {
        monitoring,
        azure: context.azure,
        place: { subscriptionId: monitoring.subscriptionId, resourceGroupName: monitoring.resourceGroupName, workspaceName: monitoring.workspaceName },
    };
}

/**
 * Runs a read; a 403 becomes an error naming what was read and the role it needs (the HTTP error stays the cause, so
 * the run reports the check's access as missing).
 */
async function readAs<T>(what: string, access: AzureAccess, read: () => Promise<T>): Promise<T> {
    try {
        return await read();
    } catch (error) {
        if (error instanceof AzureRequestError && error.statusCode === 403) {
            throw new Error(`${what}: the identity may not read it (HTTP 403${error.code ? ` ${error.code}` : ""}): it needs ${access.description}`, {
                cause: error,
            });
        }
        throw error;
    }
}

/** `workspace <name> (<ARM id>)`. */
function describeWorkspace(place: WorkspacePlace): string {
    return `workspace ${place.workspaceName} (${workspaceResourceId(place)})`;
}

// ---- alerts-diagnostic-settings ----------------------------------------------------------------------------------

/** What alerts-diagnostic-settings judges: every Entra diagnostic setting, and where the logs must go. */
export interface DiagnosticSettingsFacts {
    readonly settings: readonly EntraDiagnosticSetting[];
    readonly place: WorkspacePlace;
}

function enabledCategories(setting: EntraDiagnosticSetting): string[] {
    return setting.logs.filter((log) => log.enabled).map((log) => log.category);
}

/**
 * alerts-diagnostic-settings: one evidence per required category (its verdict: some setting sends it, enabled, to the
 * declared workspace, whose id is compared without regard to case), then one per setting (its categories and
 * destination, for the record). Pure.
 */
export function judgeDiagnosticSettings(facts: DiagnosticSettingsFacts): Evidence[] {
    const workspaceId = workspaceResourceId(facts.place);
    const toWorkspace = (setting: EntraDiagnosticSetting) => setting.workspaceId !== undefined && setting.workspaceId.toLowerCase() === workspaceId.toLowerCase();
    const categories = REQUIRED_LOG_CATEGORIES.map((category): Evidence => {
        const through = facts.settings.filter((setting) => toWorkspace(setting) && enabledCategories(setting).includes(category));
        if (through.length > 0) {
            return {
                subject: category,
                status: "PASS",
                detail: `${category} goes to ${describeWorkspace(facts.place)} through diagnostic setting ${through.map((s) => `"${s.name}"`).join(", ")}.`,
                facts: { settings: through.map((s) => s.name) },
            };
        }
        const notes = facts.settings.flatMap((setting) => {
            const sends = enabledCategories(setting).includes(category);
            if (toWorkspace(setting)) {
                const state = setting.logs.some((l) => l.category === category) ? "disabled" : "absent";
                return [`setting "${setting.name}" sends to it with ${category} ${state}`];
            }
            if (sends) return [`setting "${setting.name}" sends ${category} to ${setting.workspaceId ?? "no workspace"}`];
            return [];
        });
        return {
            subject: category,
            status: "FAIL",
            detail:
                `No Entra diagnostic setting sends ${category} to ${describeWorkspace(facts.place)}` +
                (facts.settings.length === 0 ? ": the tenant has no diagnostic setting." : notes.length > 0 ? `: ${notes.join("; ")}.` : "."),
            facts: { settings: facts.settings.map((s) => s.name) },
        };
    });
    const settings = facts.settings.map((setting): Evidence => ({
        subject: `diagnostic setting ${setting.name}`,
        id: setting.id,
        status: "PASS",
        detail:
            `Sends ${enabledCategories(setting).join(", ") || "no category"} to ` +
            `${setting.workspaceId ? `workspace ${setting.workspaceId}` : "no Log Analytics workspace"}` +
            `${toWorkspace(setting) ? " (the declared one)" : ""}.`,
        facts: {
            enabledCategories: enabledCategories(setting),
            workspaceId: setting.workspaceId ?? null,
            storageAccountId: setting.storageAccountId ?? null,
            eventHubAuthorizationRuleId: setting.eventHubAuthorizationRuleId ?? null,
        },
    }));
    return [...categories, ...settings];
}

// ---- alerts-sentinel-rules ---------------------------------------------------------------------------------------

/** The two Sentinel rules as the program declares them: display name and query, for the declared ids and frequency. */
export function expectedSentinelRules(declaration: Declaration, monitoring: DeclaredMonitoring): { displayName: string; query: string }[] {
    const unknown = declaration.accounts.filter((account) => !account.id);
    if (unknown.length > 0) {
        throw new Error(
            `the object id of ${unknown.map((a) => a.userPrincipalName).join(", ")} is unknown, so the rules' declared queries cannot be rebuilt: ` +
                "pass the stack outputs or the ids file",
        );
    }
    const ids = declaration.accounts.map((account) => account.id as string);
    const window = queryWindow(monitoring.queryFrequency || DEFAULTS.queryFrequency);
    return [
        { displayName: SIGN_IN_RULE_TEXT.displayName, query: signInQuery(ids, window) },
        { displayName: CHANGE_RULE_TEXT.displayName, query: changeQuery(ids, declaration.group.id, window) },
    ];
}

/** alerts-sentinel-rules: one evidence per declared rule (each rule of that display name when several). Pure. */
export function judgeSentinelRules(rules: readonly SentinelAlertRule[], declaration: Declaration, monitoring: DeclaredMonitoring): Evidence[] {
    return expectedSentinelRules(declaration, monitoring).flatMap(({ displayName, query }): Evidence[] => {
        const expectedHash = queryHash(query);
        const found = rules.filter((rule) => rule.displayName === displayName);
        if (found.length === 0) {
            return [{
                subject: displayName,
                status: "FAIL",
                detail: `Sentinel rule "${displayName}" is missing from workspace ${monitoring.workspaceName}.`,
                facts: { expectedQueryHash: expectedHash },
            }];
        }
        return found.map((rule): Evidence => {
            const actualHash = rule.query === undefined ? null : queryHash(rule.query);
            const problems: string[] = [];
            if (!rule.enabled) problems.push("is disabled");
            if (actualHash !== expectedHash) {
                problems.push(
                    actualHash === null
                        ? `has no query (kind ${rule.kind}), not the declared one (sha256 ${expectedHash})`
                        : `runs a query that is not the declared one: sha256 ${actualHash}, declared ${expectedHash} (edited outside the program?)`,
                );
            }
            const facts = { kind: rule.kind, enabled: rule.enabled, queryHash: actualHash, expectedQueryHash: expectedHash };
            return problems.length === 0
                ? {
                      subject: displayName,
                      id: rule.id,
                      status: "PASS",
                      detail: `Sentinel rule "${displayName}" is enabled and keeps its declared query (sha256 ${expectedHash}).`,
                      facts,
                  }
                : { subject: displayName, id: rule.id, status: "FAIL", detail: `Sentinel rule "${displayName}" (${rule.name}) ${problems.join(" and ")}.`, facts };
        });
    });
}

// ---- alerts-azure-monitor ----------------------------------------------------------------------------------------

/** What alerts-azure-monitor judges: the resource group's action groups and log alerts. */
export interface AzureMonitorFacts {
    readonly actionGroups: readonly ActionGroup[];
    readonly alertRules: readonly ScheduledQueryRule[];
}

/** The digits of a phone number, so `+1 555-0100` and countryCode `1` + `5550100` compare equal. */
function digits(phone: string): string {
    return phone.replace(/\D/g, "");
}

/** What differs between the declared and the found receivers, one phrase each; [] when they are the same. */
function receiverDifferences(group: ActionGroup, monitoring: DeclaredMonitoring): string[] {
    const differences: string[] = [];
    const found = group.emailReceivers.map((r) => r.emailAddress.toLowerCase());
    const declared = monitoring.emails.map((e) => e.toLowerCase());
    const missingEmails = declared.filter((e) => !found.includes(e));
    const extraEmails = found.filter((e) => !declared.includes(e));
    if (missingEmails.length > 0) differences.push(`email receiver(s) ${missingEmails.join(", ")} missing`);
    if (extraEmails.length > 0) differences.push(`undeclared email receiver(s) ${extraEmails.join(", ")}`);
    const foundPhones = group.smsReceivers.map((r) => digits(r.countryCode + r.phoneNumber));
    const declaredPhones = monitoring.phoneNumbers.map(digits);
    const missingPhones = monitoring.phoneNumbers.filter((p) => !foundPhones.includes(digits(p)));
    const extraPhones = group.smsReceivers.filter((r) => !declaredPhones.includes(digits(r.countryCode + r.phoneNumber)));
    if (missingPhones.length > 0) differences.push(`SMS receiver(s) ${missingPhones.join(", ")} missing`);
    if (extraPhones.length > 0) differences.push(`undeclared SMS receiver(s) ${extraPhones.map((r) => `+${r.countryCode}${r.phoneNumber}`).join(", ")}`);
    if (group.webhookReceiverNames.length !== monitoring.webhooks) {
        differences.push(`${group.webhookReceiverNames.length} webhook receiver(s), not the declared ${monitoring.webhooks}`);
    }
    return differences;
}

/**
 * alerts-azure-monitor: without declared alerts one WARN (the product requires a direct page of every emergency sign-in);
 * otherwise one evidence for the action group (exists, enabled, exactly the declared receivers; webhooks by count only)
 * and one per sign-in table's alert (exists, enabled, acts through that action group). Pure.
 */
export function judgeAzureMonitor(facts: AzureMonitorFacts, monitoring: DeclaredMonitoring): Evidence[] {
    if (!monitoring.alerts) {
        return [{
            subject: "Azure Monitor alerts",
            status: "WARN",
            detail: "no direct alerts declared: only Sentinel incidents report an emergency sign-in; declare `alerts` so people are paged within minutes.",
        }];
    }
    const alerts = SIGN_IN_ALERT_TABLES.map((table) => {
        const title = SIGN_IN_ALERTS[table].title;
        return { table, title, found: facts.alertRules.filter((r) => r.displayName === title) };
    });
    const candidates = facts.actionGroups.filter((group) => isEmergencyActionGroupName(group.name));
    // Several groups may match the name; the one the alerts act through is the one that matters.
    const referenced = candidates.find((group) => alerts.some((a) => a.found.some((rule) => rule.actionGroupIds.some((id) => sameId(id, group.id)))));
    const group = referenced ?? candidates[0];
    const evidence: Evidence[] = [];
    if (!group) {
        evidence.push({
            subject: "action group",
            status: "FAIL",
            detail: `No emergency action group (a name ending in -action-group) in resource group ${monitoring.resourceGroupName}.`,
            facts: { actionGroups: facts.actionGroups.map((g) => g.name) },
        });
    } else {
        const problems = [...(group.enabled ? [] : ["is disabled"]), ...receiverDifferences(group, monitoring)];
        const groupFacts = {
            enabled: group.enabled,
            emails: group.emailReceivers.map((r) => r.emailAddress),
            phoneNumbers: group.smsReceivers.map((r) => `+${r.countryCode}${r.phoneNumber}`),
            webhooks: group.webhookReceiverNames.length,
        };
        evidence.push(
            problems.length === 0
                ? { subject: `action group ${group.name}`, id: group.id, status: "PASS", detail: "Enabled, with exactly the declared receivers.", facts: groupFacts }
                : { subject: `action group ${group.name}`, id: group.id, status: "FAIL", detail: `Action group ${group.name}: ${problems.join("; ")}.`, facts: groupFacts },
        );
    }
    for (const alert of alerts) {
        if (alert.found.length === 0) {
            evidence.push({
                subject: alert.title,
                status: "FAIL",
                detail: `Azure Monitor alert "${alert.title}" (${alert.table}) is missing from resource group ${monitoring.resourceGroupName}.`,
            });
            continue;
        }
        for (const rule of alert.found) {
            const problems: string[] = [];
            if (!rule.enabled) problems.push("is disabled");
            if (!group || !rule.actionGroupIds.some((id) => sameId(id, group.id))) {
                problems.push(`does not act through the emergency action group (acts through ${rule.actionGroupIds.join(", ") || "none"})`);
            }
            const base = { subject: alert.title, id: rule.id, facts: { enabled: rule.enabled, actionGroups: [...rule.actionGroupIds] } };
            evidence.push(
                problems.length === 0
                    ? { ...base, status: "PASS", detail: `Azure Monitor alert "${alert.title}" is enabled and acts through ${group?.name}.` }
                    : { ...base, status: "FAIL", detail: `Azure Monitor alert "${alert.title}" (${rule.name}) ${problems.join(" and ")}.` },
            );
        }
    }
    return evidence;
}

// ---- alerts-sign-in-log-recent -----------------------------------------------------------------------------------

/** What alerts-sign-in-log-recent judges: whether the workspace exists, and its newest SigninLogs record. */
export interface SignInLogFacts {
    readonly workspaceFound: boolean;
    /** max(TimeGenerated) of SigninLogs (ISO 8601), or undefined when the table holds none. */
    readonly last?: string;
}

/** alerts-sign-in-log-recent: one evidence. PASS within 24 hours, WARN within 72, FAIL beyond or when there is none. Pure. */
export function judgeSignInLogRecency(facts: SignInLogFacts, monitoring: DeclaredMonitoring, now: Date): Evidence[] {
    const subject = `workspace ${monitoring.workspaceName}`;
    if (!facts.workspaceFound) {
        return [{ subject, status: "FAIL", detail: `Log Analytics workspace ${monitoring.workspaceName} was not found in resource group ${monitoring.resourceGroupName}.` }];
    }
    const last = facts.last ? new Date(facts.last) : undefined;
    if (!last || Number.isNaN(last.getTime())) {
        const detail = `No sign-in log in ${monitoring.workspaceName}: SigninLogs is empty, so no emergency sign-in would be seen.`;
        return [{ subject, status: "FAIL", detail, facts: { last: null } }];
    }
    const hours = (now.getTime() - last.getTime()) / 3_600_000;
    const age = `${Math.floor(hours)} hour(s) ago (${last.toISOString()})`;
    const recency = { last: last.toISOString(), ageHours: Math.floor(hours) };
    if (hours <= SIGN_IN_LOG_AGE_HOURS.pass) return [{ subject, status: "PASS", detail: `The last sign-in log arrived ${age}.`, facts: recency }];
    if (hours <= SIGN_IN_LOG_AGE_HOURS.warn) {
        const detail = `The last sign-in log arrived ${age}, more than ${SIGN_IN_LOG_AGE_HOURS.pass} hours ago: check the diagnostic setting.`;
        return [{ subject, status: "WARN", detail, facts: recency }];
    }
    return [{
        subject,
        status: "FAIL",
        detail: `The last sign-in log arrived ${age}, more than ${SIGN_IN_LOG_AGE_HOURS.warn} hours ago: the logs no longer reach the workspace.`,
        facts: recency,
    }];
}

// ---- the checks --------------------------------------------------------------------------------------------------

/** The alert pipeline checks, in report order. */
export const ALERT_PIPELINE_CHECKS: readonly CheckDefinition[] = [
    {
        id: "alerts-diagnostic-settings",
        title: "The tenant's Entra diagnostic settings send SignInLogs, NonInteractiveUserSignInLogs and AuditLogs to the declared workspace",
        severity: "critical",
        sources: ["Microsoft"],
        permissions: [],
        azure: [AZURE_ACCESS.diagnosticSettings],
        async run(context) {
            const { azure, place } = pipelineOf(context);
            const settings = await readAs("Entra diagnostic settings", AZURE_ACCESS.diagnosticSettings, () => listEntraDiagnosticSettings(azure));
            return { evidence: judgeDiagnosticSettings({ settings, place }) };
        },
    },
    {
        id: "alerts-sentinel-rules",
        title: "Both Sentinel rules exist, are enabled and run the declared query (by SHA-256)",
        severity: "critical",
        sources: ["Microsoft", "product"],
        permissions: [],
        azure: [AZURE_ACCESS.sentinelReader],
        async run(context) {
            const { azure, place, monitoring } = pipelineOf(context);
            const rules = await readAs(`Sentinel rules of ${describeWorkspace(place)}`, AZURE_ACCESS.sentinelReader, () => listAlertRules(azure, place));
            return { evidence: judgeSentinelRules(rules, context.declaration, monitoring) };
        },
    },
    {
        id: "alerts-azure-monitor",
        title: "The direct Azure Monitor alerts and their action group are enabled, with the declared receivers",
        severity: "high",
        sources: ["Microsoft"],
        permissions: [],
        azure: [AZURE_ACCESS.resourceGroupReader],
        async run(context) {
            const { azure, place, monitoring } = pipelineOf(context);
            if (!monitoring.alerts) return { evidence: judgeAzureMonitor({ actionGroups: [], alertRules: [] }, monitoring) };
            const what = `Azure Monitor alerts of resource group ${place.resourceGroupName}`;
            const [actionGroups, alertRules] = await readAs(what, AZURE_ACCESS.resourceGroupReader, () =>
                Promise.all([
                    listActionGroups(azure, place.subscriptionId, place.resourceGroupName),
                    listScheduledQueryRules(azure, place.subscriptionId, place.resourceGroupName),
                ]),
            );
            return { evidence: judgeAzureMonitor({ actionGroups, alertRules }, monitoring) };
        },
    },
    {
        id: "alerts-sign-in-log-recent",
        title: `The workspace received a sign-in log within the last ${SIGN_IN_LOG_AGE_HOURS.pass} hours`,
        severity: "medium",
        sources: ["product"],
        permissions: [],
        azure: [AZURE_ACCESS.resourceGroupReader, AZURE_ACCESS.logAnalyticsReader],
        async run(context) {
            const { azure, place, monitoring } = pipelineOf(context);
            const workspace = await readAs(`Log Analytics ${describeWorkspace(place)}`, AZURE_ACCESS.resourceGroupReader, () => getWorkspace(azure, place));
            if (!workspace) return { evidence: judgeSignInLogRecency({ workspaceFound: false }, monitoring, context.now) };
            const rows = await readAs(`the sign-in logs of ${describeWorkspace(place)}`, AZURE_ACCESS.logAnalyticsReader, () =>
                azure.query(workspace.customerId, LAST_SIGN_IN_QUERY),
            );
            // An empty table summarizes to one row whose max() is null (or an empty string).
            const last = rows[0]?.last;
            const facts = { workspaceFound: true, last: typeof last === "string" && last !== "" ? last : undefined };
            return { evidence: judgeSignInLogRecency(facts, monitoring, context.now) };
        },
    },
];
