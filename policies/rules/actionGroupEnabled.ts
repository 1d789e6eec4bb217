import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import { isEmergencyChild, rawProps } from "../lib/emergency";

const RECEIVER_LISTS = ["emailReceivers", "smsReceivers", "webhookReceivers", "voiceReceivers", "azureAppPushReceivers"];

export const actionGroupEnabled = definePolicy<ResourceValidationPolicy>({
    name: "emergency-action-group-require-enabled",
    description:
        "The action group that carries emergency sign-in alerts to people (email, SMS, webhooks) is enabled and has " +
        "at least one receiver; a disabled action group drops every notification without an error.",
    remediationSteps: "Keep enabled: true and at least one receiver in the alerts config.",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.actionGroup || !isEmergencyChild(args.urn)) return;
        const props = rawProps(args.props);
        if (props.enabled !== true) reportViolation(`${args.name} is disabled; no email or SMS would go out.`);
        const receivers = RECEIVER_LISTS.reduce((n, key) => n + (Array.isArray(props[key]) ? props[key].length : 0), 0);
        if (receivers === 0) reportViolation(`${args.name} has no receiver.`);
    },
}, {
    severity: "high",
    rationale:
        "A disabled action group, or one without receivers, drops every emergency notification without an error: nobody hears of a break-glass sign-in until someone reads the Sentinel queue.",
    frameworks: [{ framework: "microsoft" }],
});
