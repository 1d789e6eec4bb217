import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS, TYPES } from "../contract/constants";
import { emergencyGroupDeclaration as declaration } from "../contract/declaration/identity";
import { RECOGNITION_SCHEMA, enforceDeclaration, isEmergencyChild, rawProps, type Recognition } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const emergencyGroupDeclaration = definePolicy<ResourceValidationPolicy>({
    name: "emergency-group-require-canonical-declaration",
    description:
        "Every input of the emergency group equals the contract's declaration: a private, role-assignable security group " +
        "with the trusted display name, no owners, no dynamic membership, no administrative unit and no input the " +
        "declaration does not know. Its members are judged against the accounts by emergency-group-require-every-account.",
    remediationSteps: "Declare the group through EmergencyAccess only; remove owners and any other input.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.group) return;
        const props = rawProps(args.props);
        const displayName = args.getConfig<Recognition>().groupDisplayName ?? DEFAULTS.groupDisplayName;
        if (!isEmergencyChild(args.urn) && props.displayName !== displayName) return;
        enforceDeclaration(args.name, props, declaration(displayName), reportViolation);
    },
}, {
    severity: "critical",
    rationale:
        "The group carries the Conditional Access exclusions: an owner can add members to it, dynamic membership lets anyone who " +
        "matches a rule in, and a group that is not role-assignable can be changed by Groups or User Administrators, who could " +
        "add themselves to bypass Conditional Access.",
    frameworks: [{ framework: "microsoft" }, { framework: "cis", controls: ["1.1.2"] }],
});
