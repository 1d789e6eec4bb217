// Severity: critical. Frameworks: Maester MT.1005; Prowler entra_conditional_access_policy_emergency_access_exclusion;
// Zero Trust Assessment 21835. Guards CA policies in any stack of the organisation: the emergency ids come
// from this policy's config, and with enforcement "remediate" the pack adds missing exclusions itself.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../common/constants";
import { accountsNotExcluded, targetsWorkloadIdentitiesOnly, withEmergencyExclusions } from "../lib/conditionalAccess";
import { containsUnknown, rawProps } from "../lib/emergency";

interface Config {
    readonly accountObjectIds?: string[];
    readonly groupObjectId?: string;
}

function applies(type: string, props: Record<string, any>, config: Config): boolean {
    return (
        type === TYPES.conditionalAccessPolicy &&
        (config.accountObjectIds ?? []).length > 0 &&
        !targetsWorkloadIdentitiesOnly(props) &&
        !containsUnknown(props.conditions?.users)
    );
}

export const conditionalAccessPolicyExclusion: ResourceValidationPolicy = {
    name: "conditional-access-policy-require-emergency-exclusion",
    description:
        "Every Conditional Access policy excludes the configured emergency accounts, directly or through the " +
        "emergency group, so no policy can lock them out. Set accountObjectIds (and groupObjectId) to guard stacks " +
        "that do not declare the accounts; in the accounts' own stack, conditional-access-require-emergency-exclusions " +
        "checks the same from the declared accounts.",
    remediationSteps: "Build the policy's args with EmergencyAccess.excludeFromConditionalAccess(...), or run with enforcement remediate.",
    severity: "critical",
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
        const missing = accountsNotExcluded(props, config.accountObjectIds ?? [], config.groupObjectId || undefined);
        if (missing.length > 0) {
            reportViolation(`${props.displayName ?? args.name} does not exclude emergency account(s) ${missing.join(", ")}.`);
        }
    },
    remediateResource: (args) => {
        const props = rawProps(args.props);
        const config = args.getConfig<Config>();
        if (!applies(args.type, props, config)) return undefined;
        const ids = config.accountObjectIds ?? [];
        if (accountsNotExcluded(props, ids, config.groupObjectId || undefined).length === 0) return undefined;
        return withEmergencyExclusions(props, ids, config.groupObjectId || undefined);
    },
};
