// The resource options the Analyzer protocol does not carry. An analyzer sees protect, ignoreChanges, aliases and
// deleteBeforeReplace, but not retainOnDelete or replaceOnChanges, so no policy pack can judge them during
// `pulumi preview` or `up`. The offline plan records every registration whole (recordingMonitor.ts) and judges these
// two against the contract's declaration here, reporting them as mandatory violations of the options policy. In CI
// the plan runs from the base branch, so this check is part of the trusted gate too.
import { EMERGENCY_ACCESS_TYPE } from "../policies/contract/constants";
import { EMERGENCY_RESOURCE_OPTIONS, UNPROTECTED_TYPES } from "../policies/contract/declaration/identity";
import type { RecordedResource } from "./recordingMonitor";
import type { PlanViolation } from "./render";

/** The policy these checks belong to: the pack's options policy, which cannot see them. */
export const OPTIONS_POLICY = "emergency-resource-require-canonical-options";

const NOTE = "(checked by the offline plan: the Analyzer protocol does not carry this option to policy packs)";

function isEmergencyChild(resource: RecordedResource): boolean {
    const chain = (resource.urn.split("::")[2] ?? "").split("$");
    return resource.custom && chain.slice(0, -1).includes(EMERGENCY_ACCESS_TYPE);
}

/** The violations of retainOnDelete and replaceOnChanges among the recorded resources, in their order. */
export function undeclaredOptionViolations(resources: readonly RecordedResource[], policyPack: string): PlanViolation[] {
    const violations: PlanViolation[] = [];
    const report = (resource: RecordedResource, message: string) =>
        violations.push({ policy: OPTIONS_POLICY, policyPack, enforcementLevel: "mandatory", urn: resource.urn, message: `${message} ${NOTE}` });
    for (const resource of resources.filter(isEmergencyChild)) {
        if (!UNPROTECTED_TYPES.has(resource.type) && resource.options.retainOnDelete !== EMERGENCY_RESOURCE_OPTIONS.retainOnDelete) {
            report(resource, `${resource.name} is not retainOnDelete; the declaration keeps every emergency resource in the tenant when it leaves the stack.`);
        }
        if (resource.options.replaceOnChanges.length > 0) {
            report(
                resource,
                `${resource.name} is replaced on changes to ${JSON.stringify(resource.options.replaceOnChanges)}; an emergency resource is never recreated.`,
            );
        }
    }
    return violations;
}
