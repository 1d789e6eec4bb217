// @pulumi/policy hands policies secret values already decrypted and unmarked, so this policy cannot see the
// secret flag itself. It follows the values instead: the only password-like values the stack may hold are
// the RandomPassword (or RandomString) results a user was created with, and each may sit only in a user's
// `password` input (the bootstrap, which the custody resource replaces). Anywhere else (another input, a
// resource name, any output) it is a leak. The passwords the custody resources set are in no state at all.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import { isUnknown, rawProps, urnName } from "../lib/emergency";

/** Generators whose value is a credential, with the prop that holds it. */
const GENERATORS: Record<string, string> = {
    [TYPES.randomPassword]: "result",
    [TYPES.randomString]: "result",
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
        "A generated password (a RandomPassword or RandomString result) appears nowhere but in a user's bootstrap " +
        "password: not in another resource's inputs or name, not in any output of a resource, the component or the stack.",
    remediationSteps:
        "Remove the output, input or name that carries the generated value. Emergency passwords are kept by the " +
        "PasswordCustody resources (credential config), never by an output.",
    validateStack: (args, reportViolation) => {
        const generators = args.resources.filter((r) => r.type in GENERATORS);
        const values = generators
            .map((r) => rawProps(r.props)[GENERATORS[r.type]])
            .filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
        if (values.length === 0) return;
        for (const resource of args.resources) {
            if (generators.includes(resource)) continue;
            if (values.some((value) => resource.urn.includes(value))) {
                // The name itself is not printed: it holds the password.
                reportViolation(`a generated password is in the name of a ${resource.type}; it must stay secret.`);
            }
            const props = rawProps(resource.props);
            for (const [key, value] of Object.entries(props)) {
                if (resource.type === TYPES.user && key === "password") continue;
                for (const path of pathsContaining(value, values, key)) {
                    reportViolation(`a generated password is in ${describe(resource, path)}; it must stay secret.`);
                }
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "The password of a Global Administrator excluded from every Conditional Access policy must not leave through any other input, name or output.",
    frameworks: [{ framework: "product" }],
});
