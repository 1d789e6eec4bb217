// @pulumi/policy hands policies secret values already decrypted and unmarked, so this policy cannot see
// the secret flag itself. It follows the value instead: a generated password may only sit where the
// program keeps it secret (the user's password, the component's and the stack's password outputs).
// Anywhere else it is a leak. The secret flag on those places is asserted by the program's own tests.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { EMERGENCY_ACCESS_TYPE, STACK_OUTPUTS, TYPES } from "../contract/constants";
import { isEmergencyChild, isUnknown, rawProps, urnName } from "../lib/emergency";

/** Where a password may be, per resource type: the props that the program marks secret. */
const ALLOWED: Record<string, readonly string[]> = {
    [TYPES.user]: ["password"],
    [EMERGENCY_ACCESS_TYPE]: ["passwords"],
    [TYPES.stack]: [STACK_OUTPUTS.passwords],
};

function pathsContaining(value: unknown, needles: readonly string[], at: string): string[] {
    if (typeof value === "string") return needles.some((n) => value.includes(n)) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsContaining(v, needles, `${at}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, needles, at ? `${at}.${k}` : k));
    }
    return [];
}

function describe(resource: PolicyResource, path: string): string {
    return resource.type === TYPES.stack ? `stack output ${path}` : `${path} of ${resource.type} ${urnName(resource.urn)}`;
}

export const passwordSecrecy = definePolicy<StackValidationPolicy>({
    name: "emergency-password-disallow-plain-text",
    description:
        "A generated emergency password appears nowhere but in the account's password and the secret password " +
        "outputs: not in another resource's inputs, not in any other stack output.",
    remediationSteps: "Remove the output or input that carries the password; read it with pulumi stack output --show-secrets.",
    validateStack: (args, reportViolation) => {
        const generators = args.resources.filter((r) => r.type === TYPES.randomPassword && isEmergencyChild(r.urn));
        const passwords = generators
            .map((r) => rawProps(r.props).result)
            .filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
        if (passwords.length === 0) return;
        for (const resource of args.resources) {
            if (generators.includes(resource)) continue;
            const props = rawProps(resource.props);
            const allowed = ALLOWED[resource.type] ?? [];
            for (const [key, value] of Object.entries(props)) {
                if (allowed.includes(key)) continue;
                for (const path of pathsContaining(value, passwords, key)) {
                    reportViolation(`an emergency password is in ${describe(resource, path)}; it must stay secret.`);
                }
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "The password of a Global Administrator excluded from every Conditional Access policy must not leave through any other input or output.",
    frameworks: [{ framework: "product" }],
});
