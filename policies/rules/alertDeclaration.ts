// The Azure Monitor sign-in alerts (one per sign-in table), judged per resource against their canonical declaration
// (policies/contract/declaration/monitoring.ts), deny by default: enabled, Critical, the declared criteria and
// window, stateless, never muted, validated, scoped to one Log Analytics workspace and notifying exactly one action
// group, the emergency one. The query follows the same rule as the Sentinel rules'. That the action group is the
// declared one (by id) and the workspace the rules' is judged by emergency-monitoring-require-every-account.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS } from "../contract/constants";
import { judgeInputs, show } from "../contract/declaration/inputs";
import {
    AUTO_NAME_INPUTS,
    declaredWindow,
    isEmergencyActionGroupName,
    signInAlertDeclaration,
} from "../contract/declaration/monitoring";
import { minutesToIsoDuration, queryWindow } from "../contract/queries";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { deferUntilKnown, isUnknown, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";
import { anyString, emergencyAlertTable, exactDeclaration, isEmergencyAlert, judgeQuery, nonEmptyString } from "../lib/monitoring";

/** A Log Analytics workspace's resource id. */
const WORKSPACE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

export const alertsDeclared = definePolicy<ResourceValidationPolicy>({
    name: "emergency-alerts-require-declaration",
    description:
        "The Azure Monitor sign-in alerts are exactly as the contract declares them: enabled, severity 0 (Critical), " +
        "Count > 0 over one evaluation period, the declared dimensions, evaluation frequency and window, autoMitigate " +
        "off, no mute, query validation on, one workspace in scope, exactly the emergency action group, no other input, " +
        "and the builder's single-table query (or a reviewed one whose SHA-256 the trusted config allows).",
    remediationSteps: "Restore the alerts as EmergencyAccess declares them; change the frequency through sentinel.queryFrequency.",
    configSchema: trustedConfigSchema("allowedQueryHashes"),
    validateResource: (args, reportViolation) => {
        if (!isEmergencyAlert(args.type, args.urn)) return;
        const table = emergencyAlertTable(args.type, args.urn);
        if (!table) {
            reportViolation(`${args.name} is an Azure Monitor alert in the emergency component that the declaration does not know; its alerts end in the declared suffixes.`);
            return;
        }
        const props = rawProps(args.props);
        const trusted = trustedParameters(args.getConfig());
        const frequency = props.evaluationFrequency;
        const window = typeof frequency === "string" ? declaredWindow(frequency) : "must be a string.";
        const judgedWindow = typeof window === "string" ? queryWindow(DEFAULTS.queryFrequency) : window;
        const query = props.criteria?.allOf?.[0]?.query;
        const canonical = signInAlertDeclaration(
            { resourceGroupName: props.resourceGroupName, location: props.location, workspaceId: "", actionGroupId: "" },
            table,
            judgedWindow,
            query,
        );
        const lookback = minutesToIsoDuration(judgedWindow.lookbackMinutes);
        const unknown: string[] = [];
        const declaration = exactDeclaration(canonical, {
            resourceGroupName: { test: nonEmptyString },
            location: { test: nonEmptyString },
            displayName: { test: anyString },
            description: { test: anyString, optional: true },
            [AUTO_NAME_INPUTS.scheduledQueryRule]: { test: anyString, optional: true },
            evaluationFrequency: { test: () => (typeof window === "string" ? window : undefined) },
            windowSize: {
                test: (value) =>
                    value === lookback
                        ? undefined
                        : `is ${show(value)}; the declaration says ${lookback}: the window must cover the query's look-back.`,
            },
            scopes: {
                test: (value) => {
                    if (Array.isArray(value) && value.length === 1 && isUnknown(value[0])) return void unknown.push("scopes");
                    return Array.isArray(value) && value.length === 1 && typeof value[0] === "string" && WORKSPACE_ID.test(value[0])
                        ? undefined
                        : `is ${show(value)}; the declaration says exactly one Log Analytics workspace id.`;
                },
            },
            actions: {
                test: (value) => {
                    const groups = (value as any)?.actionGroups;
                    const others = value !== null && typeof value === "object"
                        ? Object.entries(value).filter(([key, v]) => key !== "actionGroups" && v !== undefined && v !== null &&
                            !(typeof v === "object" && Object.keys(v).length === 0))
                        : [];
                    if (!Array.isArray(groups) || groups.length !== 1 || others.length > 0) {
                        return `is ${show(value)}; the declaration says exactly one action group, the emergency one, and nothing else.`;
                    }
                    if (isUnknown(groups[0])) return void unknown.push("actions.actionGroups");
                    const name = typeof groups[0] === "string" ? groups[0].split("/").pop() ?? "" : "";
                    return isEmergencyActionGroupName(name)
                        ? undefined
                        : `names the action group ${show(name || groups[0])}; the declaration says the emergency action group.`;
                },
            },
        });
        const verdict = judgeInputs(props, declaration, isUnknown);
        for (const problem of verdict.problems) reportViolation(`${args.name}: ${problem}`);
        if (!isUnknown(query)) {
            const judged = judgeQuery(query, { alertTable: table }, judgedWindow, trusted.allowedQueryHashes);
            for (const problem of judged.problems) reportViolation(`${args.name}: ${problem}`);
        }
        const deferred = [...verdict.unknown, ...unknown, ...(isUnknown(query) ? ["criteria.allOf[0].query"] : [])];
        if (deferred.length > 0) deferUntilKnown(`${args.name}'s ${deferred.join(", ")}`);
    },
}, {
    severity: "critical",
    rationale:
        "The direct alerts are how people hear of an emergency sign-in when nobody watches Sentinel: a disabled, muted, " +
        "auto-resolving or re-routed alert, or one with no action group, lets a break-glass sign-in pass in silence.",
    frameworks: [{ framework: "microsoft" }],
});
