// The bootstrap RandomPassword of every emergency account is generated exactly as the contract declares it
// (declaration/credentials.ts): a length of at least the trusted floor, every character class required at least
// PASSWORD_MIN_PER_CLASS times, specials exactly PASSWORD_SPECIAL_CHARACTERS, no keepers, no other input. Deny by
// default: an input the declaration does not know is itself a violation. A resource policy, so `pulumi up` stops
// before the step. The custody resource's password is judged by emergency-credential-require-trusted-custody.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../contract/constants";
import { bootstrapPasswordDeclaration } from "../contract/declaration/credentials";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { enforceDeclaration, isEmergencyChild, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const emergencyPasswordStrength = definePolicy<ResourceValidationPolicy>({
    name: "emergency-password-require-strength",
    description:
        "Every input of an emergency account's bootstrap RandomPassword equals the contract's declaration: at least " +
        "minimumPasswordLength characters (trusted pack config, never below 24), upper-case, lower-case, digits and " +
        "specials all required at least twice, overrideSpecial exactly the contract's set, no keepers, nothing else.",
    remediationSteps:
        "Declare the bootstrap password through EmergencyAccess only (its inputs come from the contract); raise passwordLength " +
        "to the trusted minimum.",
    configSchema: trustedConfigSchema("minimumPasswordLength"),
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.randomPassword || !isEmergencyChild(args.urn)) return;
        const { minimumPasswordLength } = trustedParameters(args.getConfig());
        enforceDeclaration(args.name, rawProps(args.props), bootstrapPasswordDeclaration(minimumPasswordLength), reportViolation);
    },
}, {
    severity: "critical",
    rationale:
        "The bootstrap password is a working Global Administrator password until the custody resource replaces it: a short " +
        "or narrow one can be guessed or sprayed, and the accounts are excluded from every Conditional Access policy.",
    frameworks: [{ framework: "microsoft" }, { framework: "nist80063b", controls: ["5.1.1.2"] }],
});
