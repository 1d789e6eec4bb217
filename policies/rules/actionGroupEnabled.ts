// Severity: high. Frameworks: Microsoft emergency access guidance (email/SMS/push/voice on every sign-in).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../contract/constants";
import { isEmergencyChild, rawProps } from "../lib/emergency";

const RECEIVER_LISTS = ["emailReceivers", "smsReceivers", "webhookReceivers", "voiceReceivers", "azureAppPushReceivers"];

export const actionGroupEnabled: ResourceValidationPolicy = {
    name: "emergency-action-group-require-enabled",
    description:
        "The action group that carries emergency sign-in alerts to people (email, SMS, webhooks) is enabled and has " +
        "at least one receiver; a disabled action group drops every notification without an error.",
    remediationSteps: "Keep enabled: true and at least one receiver in the alerts config.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.actionGroup || !isEmergencyChild(args.urn)) return;
        const props = rawProps(args.props);
        if (props.enabled !== true) reportViolation(`${args.name} is disabled; no email or SMS would go out.`);
        const receivers = RECEIVER_LISTS.reduce((n, key) => n + (Array.isArray(props[key]) ? props[key].length : 0), 0);
        if (receivers === 0) reportViolation(`${args.name} has no receiver.`);
    },
};
