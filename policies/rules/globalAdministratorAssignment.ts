import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { DIRECTORY_ROOT_SCOPE, GLOBAL_ADMINISTRATOR_TEMPLATE_ID, TYPES } from "../contract/constants";
import { isEmergencyChild, isUnknown, rawProps } from "../lib/emergency";

export const globalAdministratorAssignment = definePolicy<ResourceValidationPolicy>({
    name: "emergency-role-require-global-administrator",
    description:
        "Every role assignment of the EmergencyAccess component grants Global Administrator (template " +
        `${GLOBAL_ADMINISTRATOR_TEMPLATE_ID}) at directory scope "/": a smaller role or scope may not be enough to recover.`,
    remediationSteps: `Use roleId ${GLOBAL_ADMINISTRATOR_TEMPLATE_ID} and directoryScopeId "/".`,
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.directoryRoleAssignment || !isEmergencyChild(args.urn)) return;
        const props = rawProps(args.props);
        if (!isUnknown(props.roleId) && props.roleId !== GLOBAL_ADMINISTRATOR_TEMPLATE_ID) {
            reportViolation(`${args.name} assigns role ${props.roleId}, not Global Administrator (${GLOBAL_ADMINISTRATOR_TEMPLATE_ID}).`);
        }
        if (props.appScopeId !== undefined || (!isUnknown(props.directoryScopeId) && props.directoryScopeId !== DIRECTORY_ROOT_SCOPE)) {
            reportViolation(
                `${args.name} is scoped to ${props.appScopeId ?? props.directoryScopeId ?? "nothing"}; emergency access needs the whole directory ("/").`,
            );
        }
    },
}, {
    severity: "critical",
    rationale:
        "A smaller role or a narrower scope may not be enough to recover a tenant that is locked out.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
