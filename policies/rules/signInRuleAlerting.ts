import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { validateKql } from "../contract/kql/validator";
import { isoDurationMinutes } from "../contract/queries";
import { queryHidesFailedSignIns } from "../contract/queryReaders";
import { isUnknown, rawProps } from "../lib/emergency";
import { emergencyRuleKind } from "../lib/monitoring";

export const signInRuleAlerting = definePolicy<ResourceValidationPolicy>({
    name: "emergency-sign-in-rule-require-alerting",
    description:
        "The Sentinel sign-in rule is enabled, High severity, runs at least every 5 minutes (configurable), fires " +
        "on any result (GreaterThan 0), is never suppressed, creates an incident for every alert, and its query " +
        "parses against the log schemas without hiding failed sign-ins.",
    remediationSteps: "Restore the rule as EmergencyAccess declares it; change the frequency through sentinel.queryFrequency.",
    configSchema: {
        properties: {
            maximumFrequency: {
                type: "string",
                default: "PT5M",
                pattern: "^PT(\\d+H)?(\\d+M)?$",
                description: "Longest accepted time between two runs of the rule (ISO 8601).",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (emergencyRuleKind(args.type, args.urn) !== "sign-in") return;
        const props = rawProps(args.props);
        const maximum = args.getConfig<{ maximumFrequency?: string }>().maximumFrequency ?? "PT5M";
        if (props.enabled !== true) reportViolation("the sign-in rule is disabled.");
        if (props.severity !== "High") reportViolation(`severity is ${props.severity}; emergency sign-ins are High.`);
        const every = isoDurationMinutes(String(props.queryFrequency));
        const limit = isoDurationMinutes(maximum) ?? 5;
        if (every === undefined || every > limit) {
            reportViolation(`the rule runs every ${props.queryFrequency}; it must run at least every ${maximum}.`);
        }
        if (props.triggerOperator !== "GreaterThan" || props.triggerThreshold !== 0) {
            reportViolation(`the rule fires on ${props.triggerOperator} ${props.triggerThreshold}; it must fire on any result (GreaterThan 0).`);
        }
        if (props.suppressionEnabled !== false) reportViolation("suppression is on; no emergency sign-in may be suppressed.");
        if (props.incidentConfiguration?.createIncident !== true) reportViolation("the rule does not create incidents.");
        if (isUnknown(props.query) || typeof props.query !== "string") return;
        if (queryHidesFailedSignIns(props.query)) {
            reportViolation("the query filters on ResultType, which hides failed sign-ins; every attempt must alert.");
        }
        const diagnostics = validateKql(props.query).filter((d) => d.severity === "Error");
        if (diagnostics.length > 0) {
            reportViolation(`the query does not parse: ${diagnostics.map((d) => d.message).join("; ")}`);
        }
    },
}, {
    severity: "critical",
    rationale:
        "A quieted rule is as bad as no rule: every emergency sign-in, successful or failed, must become a High incident within minutes.",
    frameworks: [{ framework: "microsoft" }],
});
