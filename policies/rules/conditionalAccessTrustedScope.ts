import type { StackValidationPolicy } from "@pulumi/policy";
import { sameId } from "../contract/conditionalAccess";
import { STACK_OUTPUTS, TYPES } from "../contract/constants";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { rawProps } from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const conditionalAccessTrustedScope = definePolicy<StackValidationPolicy>({
    name: "conditional-access-require-trusted-scope",
    description:
        "The stack's Conditional Access scope (its conditionalAccessScope output, from the stack config) is no wider than " +
        "the trusted pack config allows: excludeFrom is \"all\" unless allowNarrowExcludeFrom, and every skipped policy is on " +
        "allowedConditionalAccessSkips. A stack config may only tighten the trusted scope.",
    remediationSteps:
        "Remove the skip or the excludeFrom list from the stack config, or have the trusted pack config (policies/policy-config.json, " +
        "a reviewed gate change) allow it with its reason.",
    configSchema: trustedConfigSchema("allowedConditionalAccessSkips", "allowNarrowExcludeFrom"),
    validateStack: (args, reportViolation) => {
        const trusted = trustedParameters(args.getConfig());
        const stack = args.resources.find((r) => r.type === TYPES.stack);
        const scope = stack ? rawProps(stack.props)[STACK_OUTPUTS.conditionalAccessScope] : undefined;
        if (scope === undefined || scope === null || typeof scope !== "object") {
            reportViolation(
                `the stack does not export ${STACK_OUTPUTS.conditionalAccessScope}, so the gate cannot see which Conditional Access ` +
                    "policies the program leaves without the exclusions.",
            );
            return;
        }
        if (scope.excludeFrom !== "all" && !trusted.allowNarrowExcludeFrom) {
            reportViolation(
                `excludeFrom lists ${JSON.stringify(scope.excludeFrom)} instead of "all"; the trusted pack config does not allow a ` +
                    "narrower scope, so every other policy would apply to the emergency accounts.",
            );
        }
        const skips: unknown[] = Array.isArray(scope.skip) ? scope.skip : [];
        for (const skip of skips as Array<{ policyId?: unknown; reason?: unknown }>) {
            const id = String(skip?.policyId);
            const allowed = trusted.allowedConditionalAccessSkips.some((a) => sameId(a.policyId, id));
            if (!allowed) {
                reportViolation(
                    `Conditional Access policy ${id} is skipped ("${String(skip?.reason)}") but the trusted pack config does not allow ` +
                        "skipping it; the stack config can only tighten the trusted scope.",
                );
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "The stack config is edited by the same pull request the gate reviews: a skip with a plausible reason, or a list of one policy " +
        "for excludeFrom, would leave the accounts under every other policy. Only the trusted config, changed in its own reviewed " +
        "pull request, may widen what is left out.",
    frameworks: [{ framework: "maester", controls: ["MT.1005"] }, { framework: "microsoft" }, { framework: "product" }],
});
