import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DYNAMIC_RESOURCE_MODULE, TYPES } from "../contract/constants";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { isEmergencyChild } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

/** Every type the EmergencyAccess component declares: anything else inside it is not part of the declaration. */
const DECLARED_CHILD_TYPES = new Set<string>([
    TYPES.randomPassword,
    TYPES.user,
    TYPES.group,
    TYPES.directoryRole,
    TYPES.directoryRoleAssignment,
    TYPES.conditionalAccessExclusion,
    TYPES.passwordCustody,
    TYPES.passkeyRequirement,
    TYPES.restrictedManagementUnit,
    TYPES.scheduledAlertRule,
    TYPES.actionGroup,
    TYPES.scheduledQueryRule,
]);

/** This project's own dynamic resources: the only dynamic resources the pack can judge. */
const DECLARED_DYNAMIC_TYPES = new Set<string>([
    TYPES.conditionalAccessExclusion,
    TYPES.passwordCustody,
    TYPES.passkeyRequirement,
    TYPES.restrictedManagementUnit,
]);

/**
 * Types that, anywhere in the stack, can reach the emergency objects without being part of their declaration:
 * each one is refused unless the trusted pack config allows the resource by name. Monitoring neighbours
 * (automation and alert processing rules) are judged by the monitoring policies.
 */
const NEIGHBOUR_TYPES: Readonly<Record<string, string>> = {
    [TYPES.randomString]: "a random string can feed a password or a secret outside the declaration",
    [TYPES.groupMember]: "a group membership outside the group's declaration can add anyone to the emergency group",
    [TYPES.conditionalAccessPolicy]: "a Conditional Access policy declared here can apply to the emergency accounts",
    [TYPES.directoryRoleEligibilityScheduleRequest]: "a PIM eligibility request can stand in for the permanent assignment",
    [TYPES.directoryRoleAssignment]: "a role assignment outside the component can grant Global Administrator to another principal",
};

/** True for a dynamic resource token (`pulumi-nodejs:dynamic:Resource`, `pulumi-nodejs:dynamic/<module>:<Type>`). */
function isDynamic(type: string): boolean {
    return type.startsWith("pulumi-nodejs:dynamic");
}

export const undeclaredResources = definePolicy<ResourceValidationPolicy>({
    name: "emergency-access-disallow-undeclared-resources",
    description:
        "Nothing outside the canonical declaration can reach the emergency objects: inside the EmergencyAccess component only " +
        "the declared types exist, no dynamic resource of a type the pack does not know exists anywhere, and no random string, " +
        "group member, Conditional Access policy, PIM eligibility request or role assignment is declared beside it unless the " +
        "trusted pack config allows it by name.",
    remediationSteps:
        "Remove the resource, or have the trusted pack config (policies/policy-config.json, a reviewed gate change) list its name " +
        "under allowedResources.",
    configSchema: trustedConfigSchema("allowedResources"),
    validateResource: (args, reportViolation) => {
        const allowed = trustedParameters(args.getConfig()).allowedResources.includes(args.name);
        if (allowed) return;
        const inside = isEmergencyChild(args.urn);
        if (inside && !DECLARED_CHILD_TYPES.has(args.type)) {
            reportViolation(`${args.name} is a ${args.type} inside EmergencyAccess, which declares no such resource.`);
            return;
        }
        if (isDynamic(args.type) && !DECLARED_DYNAMIC_TYPES.has(args.type)) {
            reportViolation(
                `${args.name} is a dynamic resource of a type the pack does not know (${args.type}); its provider code runs with the ` +
                    `deploy identity's rights. Only ${DYNAMIC_RESOURCE_MODULE}'s declared dynamic resources are accepted.`,
            );
            return;
        }
        const why = NEIGHBOUR_TYPES[args.type];
        if (why && !inside) reportViolation(`${args.name} (${args.type}) is not part of the declaration: ${why}.`);
    },
}, {
    severity: "critical",
    rationale:
        "Deny by default: a resource beside the declaration can add a member to the emergency group, grant Global Administrator to " +
        "someone else, apply a policy to the accounts or run arbitrary code with the deploy identity, and none of it shows as a " +
        "change to the emergency resources themselves.",
    frameworks: [{ framework: "product" }, { framework: "cis", controls: ["1.1.2"] }],
});
