// Severity: critical. Frameworks: Microsoft emergency access guidance; CISA ScubaGear MS.AAD.7.3v1
// (privileged accounts cloud-only). An account synchronised from on-premises falls with on-premises.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isInitialDomain } from "../contract/constants";
import { ACCOUNT_RECOGNITION_SCHEMA, emergencyUserProps, isUnknown } from "../lib/emergency";

export const emergencyAccountCloudOnly: ResourceValidationPolicy = {
    name: "emergency-account-require-cloud-only",
    description:
        "Emergency accounts are cloud-only: their user principal name is on the tenant's *.onmicrosoft.com domain " +
        "and they carry no on-premises immutable id, so no federation or synchronisation outage can lock them out.",
    remediationSteps: "Use the tenant's initial domain as tenantDomain and remove onpremisesImmutableId.",
    severity: "critical",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        const props = emergencyUserProps(args);
        if (!props) return;
        const upn = props.userPrincipalName;
        if (typeof upn === "string" && !isUnknown(upn) && !isInitialDomain(upn.split("@")[1] ?? "")) {
            reportViolation(`${upn} is not on a *.onmicrosoft.com domain; a custom domain can be federated.`);
        }
        if (props.onpremisesImmutableId !== undefined && props.onpremisesImmutableId !== null) {
            reportViolation(`${upn} has an onpremisesImmutableId, which ties it to an on-premises account.`);
        }
    },
};
