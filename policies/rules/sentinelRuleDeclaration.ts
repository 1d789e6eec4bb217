// The Sentinel sign-in and change rules, judged per resource (so `pulumi up` stops before the step) against their
// canonical declaration (policies/contract/declaration/monitoring.ts), deny by default: every input must equal what
// the contract declares for the rule's window, an input the declaration does not know is a violation, and the query
// must be the builder's output for the ids it declares (or a reviewed one on the trusted hash list that passes the
// syntax-tree checks). Whether those ids are the accounts' is judged by emergency-monitoring-require-every-account.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS } from "../contract/constants";
import { judgeInputs } from "../contract/declaration/inputs";
import {
    AUTO_NAME_INPUTS,
    changeRuleDeclaration,
    declaredWindow,
    signInRuleDeclaration,
} from "../contract/declaration/monitoring";
import { minutesToIsoDuration, queryWindow } from "../contract/queries";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { deferUntilKnown, isUnknown, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";
import { anyString, emergencyRuleKind, exactDeclaration, isEmergencyRule, judgeQuery, nonEmptyString } from "../lib/monitoring";

export const sentinelRulesDeclared = definePolicy<ResourceValidationPolicy>({
    name: "emergency-sentinel-rules-require-declaration",
    description:
        "The Sentinel sign-in and change rules are exactly as the contract declares them: enabled, High, every " +
        "queryFrequency (at most the contract's maximum) over a longer look-back, firing on any result, never " +
        "suppressed or grouped, an incident per alert, no per-alert severity, the declared entity mappings and tactics, " +
        "no other input, and the builder's query (or a reviewed query whose SHA-256 the trusted config allows).",
    remediationSteps:
        "Restore the rule as EmergencyAccess declares it; change the frequency through sentinel.queryFrequency, and a " +
        "query only through a reviewed hash in the trusted pack config (allowedQueryHashes).",
    configSchema: trustedConfigSchema("allowedQueryHashes"),
    validateResource: (args, reportViolation) => {
        if (!isEmergencyRule(args.type, args.urn)) return;
        const kind = emergencyRuleKind(args.type, args.urn);
        if (!kind) {
            reportViolation(`${args.name} is a Sentinel rule in the emergency component that the declaration does not know; its rules end in the declared suffixes.`);
            return;
        }
        const props = rawProps(args.props);
        const trusted = trustedParameters(args.getConfig());
        const frequency = props.queryFrequency;
        const window = typeof frequency === "string" ? declaredWindow(frequency) : "must be a string.";
        // A refused frequency is reported once; the rest is judged against the default window.
        const judgedWindow = typeof window === "string" ? queryWindow(DEFAULTS.queryFrequency) : window;
        const place = { resourceGroupName: props.resourceGroupName, workspaceName: props.workspaceName };
        const canonical = kind === "sign-in"
            ? signInRuleDeclaration(place, judgedWindow, props.query)
            : changeRuleDeclaration(place, judgedWindow, props.query);
        const lookback = minutesToIsoDuration(judgedWindow.lookbackMinutes);
        const declaration = exactDeclaration(canonical, {
            resourceGroupName: { test: nonEmptyString },
            workspaceName: { test: nonEmptyString },
            displayName: { test: anyString },
            description: { test: anyString, optional: true },
            [AUTO_NAME_INPUTS.scheduledAlertRule]: { test: anyString, optional: true },
            query: { test: () => undefined },
            queryFrequency: { test: () => (typeof window === "string" ? window : undefined) },
            queryPeriod: {
                test: (value) =>
                    value === lookback
                        ? undefined
                        : `is ${JSON.stringify(value)}; the declaration says ${lookback}: the look-back must be longer than ` +
                          "queryFrequency (by the contract's ingestion-delay allowance), or late sign-ins go unseen.",
            },
        });
        const verdict = judgeInputs(props, declaration, isUnknown);
        for (const problem of verdict.problems) reportViolation(`${args.name}: ${problem}`);
        if (!isUnknown(props.query)) {
            const query = judgeQuery(props.query, { rule: kind }, judgedWindow, trusted.allowedQueryHashes);
            for (const problem of query.problems) reportViolation(`${args.name}: ${problem}`);
        }
        if (verdict.unknown.length > 0) deferUntilKnown(`${args.name}'s ${verdict.unknown.join(", ")}`);
    },
}, {
    severity: "critical",
    rationale:
        "A quieted rule is as bad as no rule: every emergency sign-in or change, successful or failed, must become a " +
        "High incident within minutes, and any setting that groups, suppresses, re-rates or narrows it hides one.",
    frameworks: [{ framework: "microsoft" }],
});
