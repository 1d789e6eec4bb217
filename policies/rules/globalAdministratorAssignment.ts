import type { ResourceValidationPolicy } from "@pulumi/policy";
import { GLOBAL_ADMINISTRATOR_TEMPLATE_ID, TYPES } from "../contract/constants";
import { emergencyRoleAssignmentDeclaration, emergencyRoleDeclaration } from "../contract/declaration/identity";
import { enforceDeclaration, isEmergencyChild, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

const DECLARATIONS = {
    [TYPES.directoryRole]: emergencyRoleDeclaration,
    [TYPES.directoryRoleAssignment]: emergencyRoleAssignmentDeclaration,
} as const;

export const globalAdministratorAssignment = definePolicy<ResourceValidationPolicy>({
    name: "emergency-role-require-global-administrator",
    description:
        "The EmergencyAccess component's directory roles are Global Administrator (template " +
        `${GLOBAL_ADMINISTRATOR_TEMPLATE_ID}) and, for the limited recovery account only, Conditional Access Administrator and ` +
        "Authentication Policy Administrator; every role assignment grants one of them at directory scope \"/\", with no input the " +
        "declaration does not know (an app scope, a scope object): a smaller scope may not be enough to recover. Which account holds " +
        "which role is judged by emergency-accounts-require-permanent-global-administrator.",
    remediationSteps: `Use roleId ${GLOBAL_ADMINISTRATOR_TEMPLATE_ID} and directoryScopeId "/", as EmergencyAccess declares them.`,
    validateResource: (args, reportViolation) => {
        if (!isEmergencyChild(args.urn) || !Object.hasOwn(DECLARATIONS, args.type)) return;
        const declaration = DECLARATIONS[args.type as keyof typeof DECLARATIONS](args.name);
        enforceDeclaration(args.name, rawProps(args.props), declaration, reportViolation);
    },
}, {
    severity: "critical",
    rationale: "A smaller role or a narrower scope may not be enough to recover a tenant that is locked out.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
