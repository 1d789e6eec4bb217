// Guards Conditional Access policies in any stack of the organisation: the emergency ids come from this
// policy's config, and with enforcement "remediate" the pack adds missing exclusions itself.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import {
    AZUREAD_SPELLING,
    accountsNotExcluded,
    classifyPolicy,
    withEmergencyExclusions,
    type EmergencyIds,
} from "../contract/conditionalAccess";
import { containsUnknown, rawProps } from "../lib/emergency";

interface Config {
    readonly accountObjectIds?: string[];
    readonly groupObjectId?: string;
}

function applies(type: string, props: Record<string, any>, config: Config): boolean {
    return (
        type === TYPES.conditionalAccessPolicy &&
        (config.accountObjectIds ?? []).length > 0 &&
        classifyPolicy(props.conditions, AZUREAD_SPELLING).userScoped &&
        !containsUnknown(props.conditions?.users)
    );
}

/** The emergency ids from this policy's config. */
function configuredIds(config: Config): EmergencyIds {
    return { userIds: config.accountObjectIds ?? [], groupIds: config.groupObjectId ? [config.groupObjectId] : [] };
}

export const conditionalAccessPolicyExclusion = definePolicy<ResourceValidationPolicy>({
    name: "conditional-access-policy-require-emergency-exclusion",
    description:
        "Every Conditional Access policy excludes the configured emergency accounts, directly or through the " +
        "emergency group, so no policy can lock them out. Set accountObjectIds (and groupObjectId) to guard stacks " +
        "that do not declare the accounts; in the accounts' own stack, conditional-access-require-emergency-exclusions " +
        "checks the same from the declared accounts.",
    remediationSteps: "Build the policy's args with EmergencyAccess.excludeFromConditionalAccess(...), or run with enforcement remediate.",
    configSchema: {
        properties: {
            accountObjectIds: { type: "array", items: { type: "string" }, default: [], description: "Emergency account object ids." },
            groupObjectId: { type: "string", default: "", description: "Emergency group object id." },
        },
    },
    validateResource: (args, reportViolation) => {
        const props = rawProps(args.props);
        const config = args.getConfig<Config>();
        if (!applies(args.type, props, config)) return;
        const missing = accountsNotExcluded(props.conditions?.users, configuredIds(config), AZUREAD_SPELLING);
        if (missing.length > 0) {
            reportViolation(`${props.displayName ?? args.name} does not exclude emergency account(s) ${missing.join(", ")}.`);
        }
    },
    remediateResource: (args) => {
        const props = rawProps(args.props);
        const config = args.getConfig<Config>();
        if (!applies(args.type, props, config)) return undefined;
        const ids = configuredIds(config);
        if (accountsNotExcluded(props.conditions?.users, ids, AZUREAD_SPELLING).length === 0) return undefined;
        const conditions = props.conditions ?? {};
        return { ...props, conditions: { ...conditions, users: withEmergencyExclusions(conditions.users, ids, AZUREAD_SPELLING) } };
    },
}, {
    severity: "critical",
    rationale:
        "Conditional Access policies are often declared in other stacks; each one that misses the emergency ids can lock the accounts out, so the pack guards them wherever they are declared.",
    frameworks: [{ framework: "maester", controls: ["MT.1005"] }, { framework: "prowler", controls: ["entra_conditional_access_policy_emergency_access_exclusion"] }, { framework: "zeroTrustAssessment", controls: ["21835"] }],
});
