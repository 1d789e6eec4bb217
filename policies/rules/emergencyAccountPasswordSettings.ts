import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { ACCOUNT_RECOGNITION_SCHEMA, emergencyUserProps } from "../lib/emergency";

export const emergencyAccountPasswordSettings = definePolicy<ResourceValidationPolicy>({
    name: "emergency-account-disallow-password-expiry",
    description:
        "An emergency account's password never expires, is never forced to change at sign-in and is never " +
        "exempt from Entra's strong-password rules: the sealed password must work as written, on the first try.",
    remediationSteps: "Set disablePasswordExpiration: true, forcePasswordChange: false, disableStrongPassword: false.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        const props = emergencyUserProps(args);
        if (!props) return;
        const upn = props.userPrincipalName;
        if (props.disablePasswordExpiration !== true) {
            reportViolation(`${upn}: disablePasswordExpiration must be true; an expired password locks the account out.`);
        }
        if (props.forcePasswordChange === true) {
            reportViolation(`${upn}: forcePasswordChange is true; the sealed password would have to be changed mid-emergency.`);
        }
        if (props.disableStrongPassword === true) {
            reportViolation(`${upn}: disableStrongPassword is true; Entra's strong-password rules must apply.`);
        }
    },
}, {
    severity: "high",
    rationale:
        "A password that expires, must be changed at first sign-in or may be weak does not work first time when the account is opened in an emergency.",
    frameworks: [{ framework: "microsoft" }],
});
