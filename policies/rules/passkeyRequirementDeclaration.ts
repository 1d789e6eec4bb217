import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LIMITS, TYPES } from "../contract/constants";
import { passkeyRequirementDeclaration } from "../contract/declaration/passkeyRequirement";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { enforceDeclaration, isUnknown, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const passkeyRequirementDeclared = definePolicy<ResourceValidationPolicy>({
    name: "emergency-passkey-requirement-require-declaration",
    description:
        "Every PasskeyRequirement is declared as the contract says: an emergency user's object id and name, a method the trusted " +
        "allowedCredentialMethods lists (passkey by default; certificate only when listed, since it is judged by the tenant's " +
        "configuration rather than per account), at least the trusted minimumPasskeys device-bound keys (2 by default, never fewer), the emergency group's id, " +
        "a Microsoft Graph endpoint, and no input the declaration does not know.",
    remediationSteps:
        "Keep the requirement EmergencyAccess declares; raise credential.requiredPasskeys, never lower it below the trusted " +
        "minimumPasskeys (policies/policy-config.json, a reviewed gate change).",
    configSchema: trustedConfigSchema("minimumPasskeys", "allowedCredentialMethods"),
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.passkeyRequirement) return;
        const trusted = trustedParameters(args.getConfig());
        const minimum = Math.max(LIMITS.requiredPasskeys.min, trusted.minimumPasskeys);
        const props = rawProps(args.props);
        // The certificate method is judged by the tenant's configuration, not per account: only a reviewed gate change allows it.
        if (typeof props.method === "string" && !isUnknown(props.method) && !trusted.allowedCredentialMethods.includes(props.method)) {
            reportViolation(
                `${args.name}: method is ${JSON.stringify(props.method)}; the trusted pack config allows ${trusted.allowedCredentialMethods.join(", ")} ` +
                    "(allowedCredentialMethods).",
            );
        }
        enforceDeclaration(args.name, props, passkeyRequirementDeclaration(minimum), reportViolation);
    },
}, {
    severity: "critical",
    rationale:
        "The requirement is what keeps a role from an account that cannot sign in without its password: one key is a lockout the day " +
        "it is lost, and a requirement that counts nothing would assign Global Administrator to an account with a password only.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }, { framework: "product" }],
});
