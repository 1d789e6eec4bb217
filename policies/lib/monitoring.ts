// Finding the emergency monitoring resources of a stack: the Sentinel sign-in and change rules, told apart by
// their place in the component and their name suffix (policies/contract/constants.ts).
import type { PolicyResource } from "@pulumi/policy";
import { CHANGE_RULE_SUFFIX, SIGN_IN_RULE_SUFFIX, TYPES } from "../contract/constants";
import { isEmergencyChild, rawProps } from "./emergency";

export type RuleKind = "sign-in" | "change";

/** Which emergency rule a resource is, by its place in the component and its name. */
export function emergencyRuleKind(type: string, urn: string): RuleKind | undefined {
    if (type !== TYPES.scheduledAlertRule || !isEmergencyChild(urn)) return undefined;
    const name = urn.split("::").pop() ?? "";
    if (name.endsWith(SIGN_IN_RULE_SUFFIX)) return "sign-in";
    if (name.endsWith(CHANGE_RULE_SUFFIX)) return "change";
    return undefined;
}

export function findRule(resources: readonly PolicyResource[], kind: RuleKind) {
    const found = resources.find((r) => emergencyRuleKind(r.type, r.urn) === kind);
    return found && { urn: found.urn, props: rawProps(found.props) };
}
