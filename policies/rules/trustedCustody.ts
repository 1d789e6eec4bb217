// The custody of every emergency password is one the organisation trusts: a mode from the pack config, and in
// sealed-password mode enough custodians and shares. The config can raise these floors, never lower them below
// what the contract itself demands (custodyProblems: valid recipients, k ≥ 2 when n ≥ 2, k ≤ n).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import { CUSTODY_MODES, custodyProblems } from "../contract/custody";
import { containsUnknown, rawProps } from "../lib/emergency";

interface Config {
    readonly allowedModes?: string[];
    readonly minimumCustodians?: number;
    readonly minimumThreshold?: number;
}

export const trustedCustody = definePolicy<ResourceValidationPolicy>({
    name: "emergency-credential-require-trusted-custody",
    description:
        "Each PasswordCustody uses a mode the pack config allows (allowedModes); in sealed-password mode it seals to at " +
        "least minimumCustodians valid age recipients and needs at least minimumThreshold shares (2 and 2 by default).",
    remediationSteps:
        "Set the credential config to an allowed mode; in sealed-password mode add custodians (age recipients) and raise threshold.",
    configSchema: {
        properties: {
            allowedModes: {
                type: "array",
                items: { type: "string", enum: [...CUSTODY_MODES] },
                minItems: 1,
                default: [...CUSTODY_MODES],
                description: "Custody modes this organisation accepts.",
            },
            minimumCustodians: { type: "integer", minimum: 1, default: 2, description: "Fewest custodians in sealed-password mode." },
            minimumThreshold: { type: "integer", minimum: 1, default: 2, description: "Fewest shares needed in sealed-password mode." },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== TYPES.passwordCustody) return;
        const props = rawProps(args.props);
        const config = args.getConfig<Config>();
        const allowed = config.allowedModes ?? [...CUSTODY_MODES];
        const { mode, custodians, threshold } = props;
        if (containsUnknown([mode, custodians, threshold])) return;
        if (!allowed.includes(mode)) {
            reportViolation(`${args.name}: mode ${JSON.stringify(mode)} is not allowed; allowed: ${allowed.join(", ")}.`);
            return;
        }
        for (const problem of custodyProblems({ mode, custodians, threshold: mode === "passkey" ? undefined : threshold })) {
            reportViolation(`${args.name}: ${problem}.`);
        }
        if (mode !== "sealed-password" || !Array.isArray(custodians)) return;
        // A config below 1 cannot weaken the check.
        const minimumCustodians = Math.max(1, config.minimumCustodians ?? 2);
        const minimumThreshold = Math.max(1, config.minimumThreshold ?? 2);
        if (custodians.length < minimumCustodians) {
            reportViolation(`${args.name}: ${custodians.length} custodian(s); at least ${minimumCustodians} required.`);
        }
        if (!(Number(threshold) >= minimumThreshold)) {
            reportViolation(`${args.name}: threshold ${threshold}; at least ${minimumThreshold} shares required.`);
        }
    },
}, {
    severity: "critical",
    rationale:
        "A sealed password that one person can open alone, or a custody mode the organisation has not accepted, puts a Global Administrator credential in one pair of hands.",
    frameworks: [{ framework: "microsoft" }, { framework: "product" }],
});
