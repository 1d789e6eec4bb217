import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { sameId } from "../contract/conditionalAccess";
import { DIRECTORY_ROOT_SCOPE, GLOBAL_ADMINISTRATOR_TEMPLATE_ID, TYPES } from "../contract/constants";
import {
    ACCOUNT_RECOGNITION_SCHEMA,
    deferUntilKnown,
    emergencyAccounts,
    isEmergencyChild,
    isUnknown,
    rawProps,
    type AccountRecognition,
} from "../lib/emergency";

export const permanentGlobalAdministrator = definePolicy<StackValidationPolicy>({
    name: "emergency-accounts-require-permanent-global-administrator",
    description:
        "Every emergency account holds a permanent, active Global Administrator assignment at directory scope \"/\", " +
        "and no PIM eligibility request stands in for it: activating an eligible role can fail in the very outage " +
        "the accounts exist for. The component grants Global Administrator to the emergency accounts and nobody else.",
    remediationSteps: "Keep one DirectoryRoleAssignment per account (EmergencyAccess declares them); remove eligibility requests.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const accounts = emergencyAccounts(args.resources, args.getConfig<AccountRecognition>());
        const permanent = args.resources
            .filter((r) => r.type === TYPES.directoryRoleAssignment)
            .map((r) => rawProps(r.props))
            .filter((p) => p.roleId === GLOBAL_ADMINISTRATOR_TEMPLATE_ID && p.directoryScopeId === DIRECTORY_ROOT_SCOPE);
        const eligible = args.resources
            .filter((r) => r.type === TYPES.directoryRoleEligibilityScheduleRequest)
            .map((r) => ({ urn: r.urn, props: rawProps(r.props) }));
        let unknownIds = false;
        for (const account of accounts) {
            if (!account.objectId) {
                unknownIds = true;
                continue;
            }
            if (!permanent.some((p) => typeof p.principalObjectId === "string" && sameId(p.principalObjectId, account.objectId!))) {
                reportViolation(`${account.userPrincipalName} has no permanent Global Administrator assignment at "/".`);
            }
            for (const request of eligible.filter((e) => typeof e.props.principalId === "string" && sameId(e.props.principalId, account.objectId!))) {
                reportViolation(
                    `${account.userPrincipalName} has a PIM eligibility request (${request.urn.split("::").pop()}); ` +
                        "emergency accounts hold the role permanently, never by activation.",
                );
            }
        }
        // Inside the component, Global Administrator goes to the emergency accounts only: an extra assignment to another
        // principal is a standing admin nobody declared (outside it, emergency-access-disallow-undeclared-resources refuses it).
        const knownIds = accounts.flatMap((a) => (a.objectId ? [a.objectId] : []));
        for (const assignment of args.resources.filter((r) => r.type === TYPES.directoryRoleAssignment && isEmergencyChild(r.urn))) {
            const principal = rawProps(assignment.props).principalObjectId;
            if (typeof principal !== "string" || isUnknown(principal) || unknownIds) continue;
            if (!knownIds.some((id) => sameId(id, principal))) {
                reportViolation(
                    `${assignment.urn.split("::").pop()} grants Global Administrator to ${principal}, which is not an emergency account.`,
                );
            }
        }
        if (unknownIds || permanent.some((p) => isUnknown(p.principalObjectId))) {
            deferUntilKnown("the emergency accounts' object ids");
        }
    },
}, {
    severity: "critical",
    rationale:
        "Activating a PIM-eligible role can fail in the very outage the accounts exist for; the role must be active and permanent.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
