// The emergency action group, judged per resource against its canonical declaration
// (policies/contract/declaration/monitoring.ts), deny by default: enabled, global, the declared receiver shape and
// no other receiver kind, at least the trusted number of human receivers (distinct email addresses and phone
// numbers), and webhooks only over https to hosts the trusted pack config allows. A webhook URL not known yet (an
// encrypted value during preview or the offline plan) defers that host check alone.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { judgeInputs, show } from "../contract/declaration/inputs";
import { AUTO_NAME_INPUTS, actionGroupDeclaration } from "../contract/declaration/monitoring";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { deferUntilKnown, isUnknown, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";
import { exactDeclaration, isEmergencyActionGroup, nonEmptyString } from "../lib/monitoring";

/** The list under `key`, or an empty list when it is not one (the declaration comparison reports that). */
function list(props: Record<string, any>, key: string): any[] {
    return Array.isArray(props[key]) ? props[key] : [];
}

/** Why a webhook URL is refused, undefined when it is an https URL to an allowed host. Pure. */
export function webhookProblem(url: unknown, allowedHosts: readonly string[]): string | undefined {
    if (typeof url !== "string") return `is ${show(typeof url)}, not a URL.`;
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return "is not a URL.";
    }
    // The URL itself carries a credential: name only its host in messages.
    if (parsed.protocol !== "https:") return `uses ${parsed.protocol.replace(":", "")}; only https is accepted.`;
    const host = parsed.hostname.toLowerCase();
    if (parsed.username || parsed.password) return `to ${host} carries user credentials in the URL.`;
    if (!allowedHosts.map((h) => h.toLowerCase()).includes(host)) {
        return `posts to ${host}, which is not in the trusted allowedWebhookHosts (${allowedHosts.join(", ") || "none"}).`;
    }
    return undefined;
}

/** The distinct human receivers: email addresses (case-insensitive) and phone numbers (country code and number). */
export function humanReceivers(props: Record<string, any>): string[] {
    const emails = list(props, "emailReceivers").map((r) => r?.emailAddress)
        .filter((address): address is string => typeof address === "string" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address))
        .map((address) => `email:${address.toLowerCase()}`);
    const phones = list(props, "smsReceivers")
        .filter((r) => /^\d{1,4}$/.test(String(r?.countryCode)) && /^\d{4,15}$/.test(String(r?.phoneNumber)))
        .map((r) => `sms:+${r.countryCode}${r.phoneNumber}`);
    return [...new Set([...emails, ...phones])];
}

export const actionGroupDeclared = definePolicy<ResourceValidationPolicy>({
    name: "emergency-action-group-require-declaration",
    description:
        "The action group that carries the emergency sign-in alerts to people is exactly as the contract declares it: " +
        "enabled, global, email, SMS and webhook receivers only, at least minimumHumanReceivers distinct email " +
        "addresses and phone numbers, and webhooks only over https to the trusted allowedWebhookHosts.",
    remediationSteps:
        "Keep enabled: true and the receivers in the alerts config; add people, not inboxes nobody reads; a new webhook " +
        "host must first be added to the trusted pack config (allowedWebhookHosts).",
    configSchema: trustedConfigSchema("minimumHumanReceivers", "allowedWebhookHosts"),
    validateResource: (args, reportViolation) => {
        if (!isEmergencyActionGroup(args.type, args.urn)) return;
        const props = rawProps(args.props);
        const trusted = trustedParameters(args.getConfig());
        // The receivers' values are judged below; here their shape: names, the common schema, no extra field.
        const canonical = actionGroupDeclaration(props.resourceGroupName, {
            emails: list(props, "emailReceivers").map((r) => r?.emailAddress),
            sms: list(props, "smsReceivers").map((r) => ({ countryCode: r?.countryCode, phoneNumber: r?.phoneNumber })),
            webhooks: list(props, "webhookReceivers").map((r) => r?.serviceUri),
        });
        const declaration = exactDeclaration(canonical, {
            resourceGroupName: { test: nonEmptyString },
            [AUTO_NAME_INPUTS.actionGroup]: { test: nonEmptyString, optional: true },
        });
        const verdict = judgeInputs(props, declaration, isUnknown);
        for (const problem of verdict.problems) reportViolation(`${args.name}: ${problem}`);

        const humans = humanReceivers(props);
        if (humans.length < trusted.minimumHumanReceivers) {
            reportViolation(
                `${args.name} reaches ${humans.length} distinct human receiver(s) (email addresses and phone numbers); the ` +
                    `trusted minimumHumanReceivers is ${trusted.minimumHumanReceivers}.`,
            );
        }
        const unknownWebhooks: string[] = [];
        list(props, "webhookReceivers").forEach((receiver, i) => {
            if (isUnknown(receiver?.serviceUri)) {
                unknownWebhooks.push(`webhookReceivers[${i}].serviceUri`);
                return;
            }
            const problem = webhookProblem(receiver?.serviceUri, trusted.allowedWebhookHosts);
            if (problem) reportViolation(`${args.name}: the webhook ${receiver?.name ?? i + 1} ${problem}`);
        });
        const deferred = [...verdict.unknown, ...unknownWebhooks];
        if (deferred.length > 0) deferUntilKnown(`${args.name}'s ${deferred.join(", ")} (webhook hosts)`);
    },
}, {
    severity: "critical",
    rationale:
        "A disabled action group, one that reaches a single unmonitored mailbox, or one that posts to a host nobody " +
        "reviewed drops or leaks every emergency notification without an error: nobody hears of a break-glass sign-in.",
    frameworks: [{ framework: "microsoft" }],
});
