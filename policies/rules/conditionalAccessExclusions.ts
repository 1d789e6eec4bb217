// In the accounts' own stack: every declared CA policy and every ConditionalAccessExclusion covers every
// emergency account, with the ids taken from the declared accounts themselves.
import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import { AZUREAD_SPELLING, accountsNotExcluded, classifyPolicy, includesId } from "../contract/conditionalAccess";
import {
    RECOGNITION_SCHEMA,
    containsUnknown,
    deferUntilKnown,
    emergencyAccounts,
    emergencyGroup,
    rawProps,
    urnName,
    type Recognition,
} from "../lib/emergency";

type Config = Recognition;

export const conditionalAccessExclusions = definePolicy<StackValidationPolicy>({
    name: "conditional-access-require-emergency-exclusions",
    description:
        "Every Conditional Access policy declared in the stack excludes every emergency account (directly or through " +
        "the emergency group), and every ConditionalAccessExclusion covers every account and the group.",
    remediationSteps:
        "Declare CA policies with EmergencyAccess.excludeFromConditionalAccess(...); exclusions are declared by the component.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<Config>();
        const accounts = emergencyAccounts(args.resources, config);
        const group = emergencyGroup(args.resources, config);
        const groupId = typeof group?.props.objectId === "string" && !containsUnknown(group.props.objectId) ? group.props.objectId : undefined;
        const ids = accounts.flatMap((a) => (a.objectId ? [a.objectId] : []));
        let deferred = accounts.length !== ids.length;

        for (const policy of args.resources.filter((r) => r.type === TYPES.conditionalAccessPolicy)) {
            const props = rawProps(policy.props);
            if (!classifyPolicy(props.conditions, AZUREAD_SPELLING).userScoped) continue;
            if (containsUnknown(props.conditions?.users)) {
                deferred = true;
                continue;
            }
            const missing = accountsNotExcluded(props.conditions?.users, { userIds: ids, groupIds: groupId ? [groupId] : [] }, AZUREAD_SPELLING);
            if (missing.length > 0) {
                const upns = accounts.filter((a) => a.objectId && includesId(missing, a.objectId)).map((a) => a.userPrincipalName);
                reportViolation(`Conditional Access policy ${props.displayName ?? urnName(policy.urn)} does not exclude ${upns.join(", ")}.`);
            }
        }

        for (const exclusion of args.resources.filter((r) => r.type === TYPES.conditionalAccessExclusion)) {
            const props = rawProps(exclusion.props);
            if (containsUnknown(props.userIds) || containsUnknown(props.groupIds)) {
                deferred = true;
                continue;
            }
            const userIds: unknown[] = Array.isArray(props.userIds) ? props.userIds : [];
            const missing = accounts.filter((a) => a.objectId && !includesId(userIds, a.objectId)).map((a) => a.userPrincipalName);
            const groupIds: unknown[] = Array.isArray(props.groupIds) ? props.groupIds : [];
            if (groupId && !includesId(groupIds, groupId)) missing.push(`the group ${groupId}`);
            if (missing.length > 0) {
                reportViolation(`Exclusion ${urnName(exclusion.urn)} (policy ${props.policyId}) does not cover ${missing.join(", ")}.`);
            }
        }
        if (deferred) deferUntilKnown("the emergency accounts' object ids in the Conditional Access exclusions");
    },
}, {
    severity: "critical",
    rationale:
        "A Conditional Access policy that applies to an emergency account can lock it out in exactly the outage it exists for (a policy gone wrong, an MFA or federation outage).",
    frameworks: [{ framework: "maester", controls: ["MT.1005"] }, { framework: "prowler", controls: ["entra_conditional_access_policy_emergency_access_exclusion"] }, { framework: "zeroTrustAssessment", controls: ["21835"] }, { framework: "microsoft" }],
});
