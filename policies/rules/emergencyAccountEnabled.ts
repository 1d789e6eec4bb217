import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { ACCOUNT_RECOGNITION_SCHEMA, emergencyUserProps } from "../lib/emergency";

export const emergencyAccountEnabled = definePolicy<ResourceValidationPolicy>({
    name: "emergency-account-require-enabled",
    description: "Emergency accounts stay enabled: a disabled account cannot be used in an outage.",
    remediationSteps: "Set accountEnabled: true on the emergency account.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        const props = emergencyUserProps(args);
        if (!props) return;
        // The provider defaults accountEnabled to true; only an explicit false disables the account.
        if (props.accountEnabled === false) {
            reportViolation(`${props.userPrincipalName} is disabled (accountEnabled: false); emergency accounts must stay enabled.`);
        }
    },
}, {
    severity: "critical",
    rationale:
        "A disabled emergency account fails exactly when it is needed, and nobody notices until then.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
