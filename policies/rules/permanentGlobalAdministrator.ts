import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { sameId } from "../contract/conditionalAccess";
import { DIRECTORY_ROOT_SCOPE, GLOBAL_ADMINISTRATOR_TEMPLATE_ID, TYPES } from "../contract/constants";
import { LIMITED_ACCOUNT_ROLES } from "../contract/declaration/identity";
import {
    ACCOUNT_RECOGNITION_SCHEMA,
    deferUntilKnown,
    emergencyAccounts,
    isEmergencyChild,
    isUnknown,
    rawProps,
    urnName,
    type AccountRecognition,
    type EmergencyAccount,
} from "../lib/emergency";

export const permanentGlobalAdministrator = definePolicy<StackValidationPolicy>({
    name: "emergency-accounts-require-permanent-global-administrator",
    description:
        "Every emergency account holds a permanent, active Global Administrator assignment at directory scope \"/\", " +
        "and no PIM eligibility request stands in for it: activating an eligible role can fail in the very outage " +
        "the accounts exist for. The component grants Global Administrator to the emergency accounts and nobody else; the limited " +
        "recovery account, when declared, holds permanent Conditional Access Administrator and Authentication Policy Administrator " +
        "and never Global Administrator.",
    remediationSteps: "Keep one DirectoryRoleAssignment per account (EmergencyAccess declares them); remove eligibility requests.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const accounts = emergencyAccounts(args.resources, args.getConfig<AccountRecognition>());
        const permanent = args.resources
            .filter((r) => r.type === TYPES.directoryRoleAssignment)
            .map((r) => ({ urn: r.urn, props: rawProps(r.props) }))
            .filter((a) => a.props.directoryScopeId === DIRECTORY_ROOT_SCOPE);
        const holds = (account: EmergencyAccount, roleId: string) =>
            permanent.filter(
                (a) => a.props.roleId === roleId && typeof a.props.principalObjectId === "string" && sameId(a.props.principalObjectId, account.objectId!),
            );
        const eligible = args.resources
            .filter((r) => r.type === TYPES.directoryRoleEligibilityScheduleRequest)
            .map((r) => ({ urn: r.urn, props: rawProps(r.props) }));
        let unknownIds = false;
        for (const account of accounts) {
            if (!account.objectId) {
                unknownIds = true;
                continue;
            }
            if (account.limited) {
                for (const role of LIMITED_ACCOUNT_ROLES) {
                    if (holds(account, role.templateId).length === 0) {
                        reportViolation(`${account.userPrincipalName} (the limited recovery account) has no permanent ${role.displayName} assignment at "/".`);
                    }
                }
                for (const assignment of holds(account, GLOBAL_ADMINISTRATOR_TEMPLATE_ID)) {
                    reportViolation(
                        `${urnName(assignment.urn)} grants Global Administrator to ${account.userPrincipalName}, the limited recovery account: ` +
                            "it holds Conditional Access Administrator and Authentication Policy Administrator only.",
                    );
                }
            } else if (holds(account, GLOBAL_ADMINISTRATOR_TEMPLATE_ID).length === 0) {
                reportViolation(`${account.userPrincipalName} has no permanent Global Administrator assignment at "/".`);
            }
            for (const request of eligible.filter((e) => typeof e.props.principalId === "string" && sameId(e.props.principalId, account.objectId!))) {
                reportViolation(
                    `${account.userPrincipalName} has a PIM eligibility request (${urnName(request.urn)}); ` +
                        "emergency accounts hold the role permanently, never by activation.",
                );
            }
        }
        // Inside the component, Global Administrator goes to the Global Administrator accounts only and the limited roles to the
        // limited account only: any other assignment is a standing admin nobody declared (outside the component,
        // emergency-access-disallow-undeclared-resources refuses it).
        const holders = (limited: boolean) => accounts.filter((a) => a.limited === limited).flatMap((a) => (a.objectId ? [a.objectId] : []));
        const limitedRoleIds: readonly string[] = LIMITED_ACCOUNT_ROLES.map((role) => role.templateId);
        for (const assignment of args.resources.filter((r) => r.type === TYPES.directoryRoleAssignment && isEmergencyChild(r.urn))) {
            const { principalObjectId: principal, roleId } = rawProps(assignment.props);
            if (typeof principal !== "string" || isUnknown(principal) || unknownIds) continue;
            const limitedRole = limitedRoleIds.includes(roleId);
            const allowed = holders(limitedRole);
            if (allowed.some((id) => sameId(id, principal))) continue;
            if (!limitedRole && holders(true).some((id) => sameId(id, principal))) continue; // reported above, for the account
            const role = limitedRole ? LIMITED_ACCOUNT_ROLES.find((r) => r.templateId === roleId)!.displayName : "Global Administrator";
            const holder = limitedRole ? "the limited recovery account" : "an emergency account";
            reportViolation(`${urnName(assignment.urn)} grants ${role} to ${principal}, which is not ${holder}.`);
        }
        if (unknownIds || permanent.some((p) => isUnknown(p.props.principalObjectId))) {
            deferUntilKnown("the emergency accounts' object ids");
        }
    },
}, {
    severity: "critical",
    rationale:
        "Activating a PIM-eligible role can fail in the very outage the accounts exist for; the role must be active and permanent.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
