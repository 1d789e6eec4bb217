// The one allowed place of a password-bearing value is an emergency user's `password` input, and its value must come
// from that account's own bootstrap RandomPassword and nothing else. A hard-coded password (no dependency), a
// random.RandomString (8 characters, say) or a second RandomPassword feeding the user would all create a Global
// Administrator with a weaker or known password. Resource policies cannot see where a value came from, so this is a
// stack policy over the user's propertyDependencies, which the engine knows even during a first preview.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../contract/constants";
import { bootstrapPasswordNameOf } from "../contract/declaration/credentials";
import {
    ACCOUNT_RECOGNITION_SCHEMA,
    emergencyAccounts,
    isUnknown,
    rawProps,
    urnName,
    type AccountRecognition,
} from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

/** "random.RandomString emergency-access-pin" for a violation message. */
function describe(resource: PolicyResource): string {
    const token = resource.type.split(":");
    const type = token.length === 3 ? `${token[0]}.${token[2]}` : resource.type;
    return `${type} ${urnName(resource.urn)}`;
}

/** The account's bootstrap RandomPassword: `<component>-password-<n>` beside its `<component>-account-<n>` user. */
function bootstrapOf(resources: readonly PolicyResource[], user: PolicyResource): PolicyResource | undefined {
    const name = bootstrapPasswordNameOf(urnName(user.urn));
    if (!name) return undefined;
    return resources.find(
        (r) => r.type === TYPES.randomPassword && urnName(r.urn) === name && r.opts.parent === user.opts.parent,
    );
}

export const bootstrapPasswordSource = definePolicy<StackValidationPolicy>({
    name: "emergency-account-password-require-own-bootstrap",
    description:
        "An emergency user's password comes from its own bootstrap RandomPassword (<component>-password-<n>) and from " +
        "nothing else: not a literal, not a config value, not a RandomString, not another RandomPassword.",
    remediationSteps:
        "Declare the account through EmergencyAccess only: it creates each user with the password of its own bootstrap " +
        "RandomPassword, which the custody resource then replaces.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        for (const account of emergencyAccounts(args.resources, args.getConfig<AccountRecognition>())) {
            const user = args.resources.find((r) => r.urn === account.urn)!;
            const upn = account.userPrincipalName;
            const bootstrap = bootstrapOf(args.resources, user);
            if (!bootstrap) {
                const expected = bootstrapPasswordNameOf(urnName(user.urn)) ?? "<component>-password-<n>";
                reportViolation(`${upn}: no bootstrap RandomPassword ${expected} beside the user; its password must come from one.`);
                continue;
            }
            const sources = user.propertyDependencies.password ?? [];
            if (sources.length === 0) {
                reportViolation(
                    `${upn}: its password depends on no resource, so it is written in the program or the config; ` +
                        `it must be the result of ${describe(bootstrap)}.`,
                );
            }
            for (const other of sources.filter((r) => r.urn !== bootstrap.urn)) {
                reportViolation(`${upn}: its password depends on ${describe(other)}; only ${describe(bootstrap)} may feed it.`);
            }
            // With both values known (after the first up, and in the offline plan), the value itself must be the bootstrap's.
            const password = rawProps(user.props).password;
            const result = rawProps(bootstrap.props).result;
            const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
            if (sources.length > 0 && known(password) && known(result) && password !== result) {
                reportViolation(`${upn}: its password is not the result of ${describe(bootstrap)} (the value differs).`);
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "A Global Administrator excluded from every Conditional Access policy, created with a short, constant or known " +
        "password, can be signed into by anyone who reads the program, the config or a weaker generator's state.",
    frameworks: [{ framework: "product" }, { framework: "nist80063b", controls: ["5.1.1.2"] }],
});
