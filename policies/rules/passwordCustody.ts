// Every emergency account's password is kept by a PasswordCustody resource, and the account gets its
// Global Administrator role only after that resource replaced the bootstrap password: the assignment depends
// on it, and the user ignores its bootstrap password from creation on. Dependencies are read from the stack's
// resources (resource policies do not see them).
import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { DIRECTORY_ROOT_SCOPE, TYPES } from "../contract/constants";
import { EMERGENCY_ROLE_TEMPLATE_IDS, emergencyRoleName } from "../contract/declaration/identity";
import {
    ACCOUNT_RECOGNITION_SCHEMA,
    assignmentsOfAccount,
    emergencyAccounts,
    rawProps,
    resourcesOfAccount,
    urnName,
    type AccountRecognition,
} from "../lib/emergency";

export const passwordCustody = definePolicy<StackValidationPolicy>({
    name: "emergency-credential-require-custody",
    description:
        "Every emergency account has exactly one PasswordCustody resource, its user ignores changes to the bootstrap " +
        "password, and its Global Administrator assignment depends on the custody resource, so no privileged account " +
        "ever works with a password that is in the state. A PasswordCustody that keeps no emergency account's password " +
        "(it would reset another user's) is refused.",
    remediationSteps:
        "Keep the EmergencyAccess component's PasswordCustody per account, ignoreChanges: [\"password\"] on the user, " +
        "and the assignment's dependsOn on the custody resource.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const accounts = emergencyAccounts(args.resources, args.getConfig<AccountRecognition>());
        const custody = args.resources.filter((r) => r.type === TYPES.passwordCustody);
        const assignments = args.resources.filter((r) => {
            const props = rawProps(r.props);
            return (
                r.type === TYPES.directoryRoleAssignment &&
                EMERGENCY_ROLE_TEMPLATE_IDS.includes(props.roleId) &&
                props.directoryScopeId === DIRECTORY_ROOT_SCOPE
            );
        });
        // A custody resource sets a password with the deploying identity's Privileged Authentication Administrator role:
        // pointed at any other user, it would take that account over.
        for (const stray of custody.filter((c) => !accounts.some((account) => resourcesOfAccount([c], account).length > 0))) {
            const props = rawProps(stray.props);
            const whose = `${JSON.stringify(props.userPrincipalName)} (${JSON.stringify(props.userObjectId)})`;
            reportViolation(
                `${urnName(stray.urn)} keeps the password of ${whose}, which is not an emergency account; ` +
                    "a custody resource may only set an emergency account's password.",
            );
        }
        for (const account of accounts) {
            const upn = account.userPrincipalName;
            const user = args.resources.find((r) => r.urn === account.urn);
            if (!user?.opts.ignoreChanges.includes("password")) {
                reportViolation(`${upn}: the user must ignore changes to password; only its custody resource sets it after creation.`);
            }
            const own = resourcesOfAccount(custody, account);
            if (own.length !== 1) {
                reportViolation(`${upn} has ${own.length} PasswordCustody resources; exactly one keeps its password.`);
                continue;
            }
            for (const assignment of assignmentsOfAccount(assignments, account)) {
                if (!assignment.dependencies.some((d) => d.urn === own[0].urn)) {
                    reportViolation(
                        `${urnName(assignment.urn)} does not depend on ${urnName(own[0].urn)}: ${upn} would hold ` +
                            `${emergencyRoleName(rawProps(assignment.props).roleId)} while its password is still the bootstrap in the state.`,
                    );
                }
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "Anyone who can decrypt the stack (every preview job holds the token) could otherwise read a working Global Administrator password excluded from every Conditional Access policy.",
    frameworks: [{ framework: "microsoft" }, { framework: "product" }],
});
