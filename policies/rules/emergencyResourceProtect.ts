import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import { ACCOUNT_RECOGNITION_SCHEMA, isEmergencyChild, isEmergencyUser, rawProps, type AccountRecognition } from "../lib/emergency";

const PROTECTED_TYPES = new Set<string>([
    TYPES.user,
    TYPES.group,
    TYPES.directoryRole,
    TYPES.directoryRoleAssignment,
    TYPES.scheduledAlertRule,
    TYPES.actionGroup,
    TYPES.scheduledQueryRule,
    TYPES.passwordCustody,
]);

export const emergencyResourceProtect = definePolicy<ResourceValidationPolicy>({
    name: "emergency-resource-require-protect",
    description:
        "Emergency accounts, their password custody, their Global Administrator role and assignments, their group and their alerting are " +
        "declared with protect: true, so pulumi destroy, a deleted line or a replacement cannot delete them.",
    remediationSteps: "Keep protect: true on the resource (EmergencyAccess sets it).",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        if (!PROTECTED_TYPES.has(args.type)) return;
        const emergency =
            isEmergencyChild(args.urn) ||
            (args.type === TYPES.user && isEmergencyUser(args.urn, rawProps(args.props), args.getConfig<AccountRecognition>()));
        if (emergency && !args.opts.protect) {
            reportViolation(`${args.name} is not protected; set protect: true.`);
        }
    },
}, {
    severity: "critical",
    rationale:
        "Without protect, pulumi destroy, a deleted line or a replacement deletes an emergency account, its role, its group or its alerting.",
    frameworks: [{ framework: "product" }],
});
