import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS } from "../contract/constants";
import { emergencyUserDeclaration } from "../contract/declaration/identity";
import { ACCOUNT_RECOGNITION_SCHEMA, enforceDeclaration, emergencyUserProps, type AccountRecognition } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

/** The account's number: from the component's resource name (`...-account-<n>`), else from `<prefix>-<n>@`. */
function accountNumber(name: string, userPrincipalName: unknown, prefix: string): number | undefined {
    const byName = /-account-(\d+)$/.exec(name);
    if (byName) return Number(byName[1]);
    const byUpn = typeof userPrincipalName === "string" ? new RegExp(`^${prefix}-(\\d+)@`, "i").exec(userPrincipalName) : null;
    return byUpn ? Number(byUpn[1]) : undefined;
}

export const emergencyAccountDeclaration = definePolicy<ResourceValidationPolicy>({
    name: "emergency-account-require-canonical-declaration",
    description:
        "Every input of an emergency account equals the contract's declaration: enabled, cloud-only on the tenant's " +
        "*.onmicrosoft.com domain, named <prefix>-<n>, no forced password change, no password expiry, strong passwords, " +
        "hidden from the address list, and no input the declaration does not know (an on-premises immutable id, " +
        "other mail addresses, a phone number...).",
    remediationSteps: "Declare the account through EmergencyAccess only; change its settings in the contract (a gate change).",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        const props = emergencyUserProps(args);
        if (!props) return;
        const prefix = args.getConfig<AccountRecognition>().accountPrefix ?? DEFAULTS.accountPrefix;
        const number = accountNumber(args.name, props.userPrincipalName, prefix);
        if (number === undefined) {
            reportViolation(`${args.name} is an emergency account whose number cannot be told from its name or user principal name.`);
            return;
        }
        enforceDeclaration(args.name, props, emergencyUserDeclaration(prefix, number, props.userPrincipalName), reportViolation);
    },
}, {
    severity: "critical",
    rationale:
        "A disabled, synchronised, federated or expiring emergency account fails exactly in the outage it exists for, and an input " +
        "the declaration does not know is a change nobody designed: the gate refuses it rather than guess whether it is harmless.",
    frameworks: [
        { framework: "microsoft" },
        { framework: "zeroTrustAssessment", controls: ["21835"] },
        { framework: "scubaGear", controls: ["MS.AAD.7.3v1"] },
        { framework: "cis", controls: ["1.1.2"] },
    ],
});
