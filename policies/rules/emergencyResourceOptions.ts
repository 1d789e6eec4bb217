import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../contract/constants";
import { DECLARED_IGNORE_CHANGES, EMERGENCY_RESOURCE_OPTIONS, UNPROTECTED_TYPES } from "../contract/declaration/identity";
import { sameValue } from "../contract/declaration/inputs";
import { ACCOUNT_RECOGNITION_SCHEMA, isEmergencyChild, isEmergencyUser, rawProps, type AccountRecognition } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const emergencyResourceOptions = definePolicy<ResourceValidationPolicy>({
    name: "emergency-resource-require-canonical-options",
    description:
        "Every emergency resource is declared with the contract's options: protect: true, no ignoreChanges but the " +
        "user's bootstrap password, no aliases and no deleteBeforeReplace, so pulumi destroy, a deleted line, a rename " +
        "or a replacement cannot delete or move it and no drift can stand unnoticed.",
    remediationSteps: "Declare the resource through EmergencyAccess, which sets the contract's options; do not add options to it.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateResource: (args, reportViolation) => {
        const emergency =
            isEmergencyChild(args.urn) ||
            (args.type === TYPES.user && isEmergencyUser(args.urn, rawProps(args.props), args.getConfig<AccountRecognition>()));
        if (!emergency) return;
        if (!UNPROTECTED_TYPES.has(args.type) && args.opts.protect !== EMERGENCY_RESOURCE_OPTIONS.protect) {
            reportViolation(`${args.name} is not protected; the declaration sets protect: true.`);
        }
        const ignored = [...(args.opts.ignoreChanges ?? [])].sort();
        const declared = [...(DECLARED_IGNORE_CHANGES[args.type] ?? [])].sort();
        if (!sameValue(ignored, declared)) {
            reportViolation(
                `${args.name} ignores changes to ${JSON.stringify(ignored)}; the declaration ignores ${JSON.stringify(declared)}, ` +
                    "so drift of any other input is corrected and seen.",
            );
        }
        if ((args.opts.aliases ?? []).length > 0) {
            reportViolation(`${args.name} has aliases ${JSON.stringify(args.opts.aliases)}; an emergency resource is never moved or renamed by alias.`);
        }
        if (args.opts.deleteBeforeReplace === true) {
            reportViolation(`${args.name} is deleteBeforeReplace; an emergency resource is never deleted before its replacement exists.`);
        }
    },
}, {
    severity: "critical",
    rationale:
        "Without protect, pulumi destroy or a replacement deletes an emergency resource; an ignored input lets an account be disabled " +
        "or a rule quietened in the portal with no drift shown; an alias or deleteBeforeReplace moves or recreates it under review's nose.",
    frameworks: [{ framework: "product" }],
});
