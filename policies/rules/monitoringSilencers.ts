// Resources that silence every emergency alert without touching the rules: a Sentinel automation rule can close or
// re-rate the incidents as they open, an Azure Monitor alert processing rule can remove the action groups or suppress
// the notifications. Their conditions can be written many ways, so the gate does not try to read them: any such
// resource is refused unless the trusted pack config names it (allowedResources) after review. A resource policy,
// so `pulumi up` stops before the step.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { silencingKind } from "../contract/declaration/monitoring";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { definePolicy } from "../lib/metadata";

export const monitoringSilencers = definePolicy<ResourceValidationPolicy>({
    name: "emergency-monitoring-disallow-silencers",
    description:
        "No Sentinel automation rule and no Azure Monitor alert processing rule, unless the trusted pack config allows " +
        "it by name (allowedResources): either can close the emergency incidents or drop the alerts' notifications.",
    remediationSteps:
        "Remove the rule, or have its name reviewed into the trusted pack config's allowedResources.",
    configSchema: trustedConfigSchema("allowedResources"),
    validateResource: (args, reportViolation) => {
        const kind = silencingKind(args.type);
        if (!kind) return;
        if (trustedParameters(args.getConfig()).allowedResources.includes(args.name)) return;
        reportViolation(
            `${args.name} is ${kind}, which can close the emergency incidents or silence their notifications; it is ` +
                "refused unless the trusted pack config lists its name in allowedResources.",
        );
    },
}, {
    severity: "critical",
    rationale:
        "An automation rule that closes incidents or an alert processing rule that removes action groups silences every " +
        "emergency alert while every rule still looks intact.",
    frameworks: [{ framework: "microsoft" }],
});
