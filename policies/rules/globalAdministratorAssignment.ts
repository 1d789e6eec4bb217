import type { ResourceValidationPolicy } from "@pulumi/policy";
import { GLOBAL_ADMINISTRATOR_TEMPLATE_ID, TYPES } from "../contract/constants";
import { GLOBAL_ADMINISTRATOR_ASSIGNMENT_DECLARATION, GLOBAL_ADMINISTRATOR_ROLE_DECLARATION } from "../contract/declaration/identity";
import { enforceDeclaration, isEmergencyChild, rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

const DECLARATIONS = {
    [TYPES.directoryRole]: GLOBAL_ADMINISTRATOR_ROLE_DECLARATION,
    [TYPES.directoryRoleAssignment]: GLOBAL_ADMINISTRATOR_ASSIGNMENT_DECLARATION,
} as const;

export const globalAdministratorAssignment = definePolicy<ResourceValidationPolicy>({
    name: "emergency-role-require-global-administrator",
    description:
        "The EmergencyAccess component's directory role is Global Administrator (template " +
        `${GLOBAL_ADMINISTRATOR_TEMPLATE_ID}) and every role assignment grants it at directory scope "/", with no input the ` +
        "declaration does not know (an app scope, a scope object): a smaller role or scope may not be enough to recover.",
    remediationSteps: `Use roleId ${GLOBAL_ADMINISTRATOR_TEMPLATE_ID} and directoryScopeId "/", as EmergencyAccess declares them.`,
    validateResource: (args, reportViolation) => {
        if (!isEmergencyChild(args.urn) || !Object.hasOwn(DECLARATIONS, args.type)) return;
        const declaration = DECLARATIONS[args.type as keyof typeof DECLARATIONS];
        enforceDeclaration(args.name, rawProps(args.props), declaration, reportViolation);
    },
}, {
    severity: "critical",
    rationale: "A smaller role or a narrower scope may not be enough to recover a tenant that is locked out.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
