import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { isInitialDomain } from "../contract/constants";
import { ACCOUNT_RECOGNITION_SCHEMA, emergencyUserProps, isUnknown } from "../lib/emergency";

export const emergencyAccountCloudOnly = definePolicy<ResourceValidationPolicy>({
    name: "emergency-account-require-cloud-only",
    description:
        "Emergency accounts are cloud-only: their user principal name is on the tenant's *.onmicrosoft.com domain " +
        "and they carry no on-premises immutable id, so no federation or synchronisation outage can lock them out.",
    remediationSteps: "Use the tenant's initial domain as tenantDomain and remove onpremisesImmutableId.",
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
}, {
    severity: "critical",
    rationale:
        "An account synchronised from on-premises or on a federated domain falls with on-premises or the federation provider, which are among the outages emergency accounts exist for.",
    frameworks: [{ framework: "microsoft" }, { framework: "scubaGear", controls: ["MS.AAD.7.3v1"] }, { framework: "cis", controls: ["1.1.2"] }],
});
