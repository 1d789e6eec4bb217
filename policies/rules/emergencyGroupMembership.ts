import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { includesId } from "../contract/conditionalAccess";
import {
    RECOGNITION_SCHEMA,
    containsUnknown,
    deferUntilKnown,
    emergencyAccounts,
    emergencyGroup,
    type Recognition,
} from "../lib/emergency";

type Config = Recognition;

export const emergencyGroupMembership = definePolicy<StackValidationPolicy>({
    name: "emergency-group-require-every-account",
    description:
        "The emergency group is security-enabled, role-assignable (only Global and Privileged Role Administrators " +
        "can change its members) and holds every emergency account and nobody else, so excluding the group excludes them all " +
        "and excludes no one else.",
    remediationSteps: "Keep the EmergencyAccess group as declared: securityEnabled, assignableToRole, every account a member.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<Config>();
        const group = emergencyGroup(args.resources, config);
        // A missing group is reported by emergency-access-require-presence.
        if (!group) return;
        const name = group.urn.split("::").pop();
        if (group.props.securityEnabled !== true) reportViolation(`${name} is not security-enabled.`);
        if (group.props.assignableToRole !== true) {
            reportViolation(`${name} is not role-assignable, so Groups and User Administrators could change its members.`);
        }
        if (group.props.mailEnabled === true) reportViolation(`${name} is mail-enabled; it must be a plain security group.`);
        const accounts = emergencyAccounts(args.resources, config);
        if (containsUnknown(group.props.members) || accounts.some((a) => !a.objectId)) {
            deferUntilKnown("the group's members and the accounts' object ids");
        }
        const members: string[] = Array.isArray(group.props.members) ? group.props.members : [];
        for (const account of accounts) {
            if (!includesId(members, account.objectId!)) reportViolation(`${account.userPrincipalName} is not a member of ${name}.`);
        }
        const accountIds = accounts.map((a) => a.objectId!);
        for (const member of members.filter((id) => !includesId(accountIds, id))) {
            reportViolation(`${member} is a member of ${name} but not an emergency account; the exclusions would cover it too.`);
        }
    },
}, {
    severity: "high",
    rationale:
        "The group carries the Conditional Access exclusions: an account missing from it is not excluded by group, and a group that is not role-assignable can be changed by Groups or User Administrators, who could add themselves to bypass Conditional Access.",
    frameworks: [{ framework: "microsoft" }, { framework: "cis", controls: ["1.1.2"] }],
});
