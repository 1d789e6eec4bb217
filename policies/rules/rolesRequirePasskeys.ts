// Fail closed: every emergency account has exactly one PasskeyRequirement, and each of its role assignments depends on
// it, so `pulumi up` assigns the role only once the account has its phishing-resistant credential. Dependencies are read
// from the stack's resources (resource policies do not see them).
import type { StackValidationPolicy } from "@pulumi/policy";
import { sameId } from "../contract/conditionalAccess";
import { DIRECTORY_ROOT_SCOPE, TYPES } from "../contract/constants";
import { EMERGENCY_ROLE_TEMPLATE_IDS, emergencyRoleName } from "../contract/declaration/identity";
import {
    RECOGNITION_SCHEMA,
    assignmentsOfAccount,
    emergencyAccounts,
    emergencyGroup,
    isUnknown,
    rawProps,
    resourcesOfAccount,
    urnName,
    type Recognition,
} from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const rolesRequirePasskeys = definePolicy<StackValidationPolicy>({
    name: "emergency-roles-require-passkey-requirement",
    description:
        "Every emergency account has exactly one PasskeyRequirement, pointed at the emergency group, and every role assignment of " +
        "the account depends on it: the role is assigned only once the account has its device-bound passkeys (or certificate), " +
        "never to an account that can sign in with a password only. A PasskeyRequirement for a user that is not an emergency " +
        "account is refused.",
    remediationSteps:
        "Keep the EmergencyAccess component's PasskeyRequirement per account and the assignments' dependsOn on it; onboard the " +
        "account (npm run onboard) instead of removing the requirement.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<Recognition>();
        const accounts = emergencyAccounts(args.resources, config);
        const requirements = args.resources.filter((r) => r.type === TYPES.passkeyRequirement);
        const assignments = args.resources.filter((r) => {
            const props = rawProps(r.props);
            return r.type === TYPES.directoryRoleAssignment && EMERGENCY_ROLE_TEMPLATE_IDS.includes(props.roleId) && props.directoryScopeId === DIRECTORY_ROOT_SCOPE;
        });
        for (const stray of requirements.filter((r) => !accounts.some((account) => resourcesOfAccount([r], account).length > 0))) {
            const props = rawProps(stray.props);
            reportViolation(
                `${urnName(stray.urn)} counts the passkeys of ${JSON.stringify(props.userPrincipalName)} (${JSON.stringify(props.userObjectId)}), ` +
                    "which is not an emergency account.",
            );
        }
        const groupId = rawProps(emergencyGroup(args.resources, config)?.props ?? {}).objectId;
        for (const account of accounts) {
            const own = resourcesOfAccount(requirements, account);
            if (own.length !== 1) {
                reportViolation(
                    `${account.userPrincipalName} has ${own.length} PasskeyRequirement resources; exactly one must hold its roles until it ` +
                        "has its passkeys.",
                );
                continue;
            }
            const target = rawProps(own[0].props).emergencyGroupObjectId;
            if (typeof groupId === "string" && !isUnknown(groupId) && typeof target === "string" && !isUnknown(target) && !sameId(groupId, target)) {
                reportViolation(`${urnName(own[0].urn)} names group ${target}, not the emergency group ${groupId}.`);
            }
            for (const assignment of assignmentsOfAccount(assignments, account)) {
                if (!assignment.dependencies.some((d) => d.urn === own[0].urn)) {
                    reportViolation(
                        `${urnName(assignment.urn)} does not depend on ${urnName(own[0].urn)}: ${account.userPrincipalName} would hold ` +
                            `${emergencyRoleName(rawProps(assignment.props).roleId)} before it has its passkeys.`,
                    );
                }
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "Since mandatory MFA an emergency account with a password only cannot reach the admin portals, and a privileged account that " +
        "signs in with a password is the weakest door into the tenant: the role must wait for the keys in the safes.",
    frameworks: [{ framework: "microsoft" }, { framework: "zeroTrustAssessment", controls: ["21835"] }, { framework: "product" }],
});
