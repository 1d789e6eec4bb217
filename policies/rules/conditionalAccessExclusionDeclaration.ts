import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../contract/constants";
import { CONDITIONAL_ACCESS_EXCLUSION_DECLARATION } from "../contract/declaration/identity";
import { enforceDeclaration, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const conditionalAccessExclusionDeclaration = definePolicy<ResourceValidationPolicy>({
    name: "conditional-access-exclusion-require-declaration",
    description:
        "Every ConditionalAccessExclusion declares only a policy id, the object ids to exclude and a Microsoft Graph endpoint " +
        "(the provider sends its token there): no other input, and no endpoint outside Microsoft Graph's clouds.",
    remediationSteps: "Declare exclusions through EmergencyAccess; set conditionalAccess.graphEndpoint to one of Microsoft Graph's clouds.",
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.conditionalAccessExclusion) return;
        enforceDeclaration(args.name, rawProps(args.props), CONDITIONAL_ACCESS_EXCLUSION_DECLARATION, reportViolation);
    },
}, {
    severity: "critical",
    rationale:
        "The exclusion's provider holds a token that may change Conditional Access: an endpoint outside Microsoft Graph would send " +
        "that token to someone else, and an input the declaration does not know changes what the provider does unreviewed.",
    frameworks: [{ framework: "product" }, { framework: "maester", controls: ["MT.1005"] }],
});
