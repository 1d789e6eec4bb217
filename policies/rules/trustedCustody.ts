// Every custody resource is declared exactly as the contract declares it (declaration/credentials.ts), deny by
// default: the user's id, a rotation label changed on purpose (never one made from a clock), a length of at least the
// trusted floor, Microsoft's Graph (the password is sent there), exactly the contract's character classes and minimum
// per class (explicit inputs the provider generates from, since analyzers never see its code), and no other input.
// Its custody is one the organisation trusts: a mode from the pack config, and in sealed-password mode enough
// custodians and shares. The config can raise these floors, never lower them below what the contract itself demands
// (custodyProblems: valid recipients, k ≥ 2 when n ≥ 2, k ≤ n).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { TYPES } from "../contract/constants";
import { CUSTODY_MODES, custodyProblems } from "../contract/custody";
import { passwordCustodyDeclaration } from "../contract/declaration/credentials";
import { judgeInputs } from "../contract/declaration/inputs";
import { trustedConfigSchema, trustedParameters, type TrustedParameters } from "../contract/trust";
import { containsUnknown, deferUntilKnown, rawProps } from "../lib/emergency";

interface Config extends Partial<TrustedParameters> {
    readonly allowedModes?: string[];
    readonly minimumCustodians?: number;
    readonly minimumThreshold?: number;
}

export const trustedCustody = definePolicy<ResourceValidationPolicy>({
    name: "emergency-credential-require-trusted-custody",
    description:
        "Every input of a PasswordCustody equals the contract's declaration: the user's object id, a rotation label changed " +
        "on purpose (not a timestamp), at least minimumPasswordLength characters (trusted pack config, never below 24), " +
        "Microsoft Graph's endpoint, exactly the contract's character classes and minimum per class, no other input. Its " +
        "mode is one the pack config allows (allowedModes); in sealed-password mode it seals to at least minimumCustodians " +
        "valid age recipients and needs at least minimumThreshold shares (2 and 2 by default).",
    remediationSteps:
        "Declare custody through EmergencyAccess only; use a passwordRotation label such as 2026-Q4; set the credential " +
        "config to an allowed mode, and in sealed-password mode add custodians (age recipients) and raise threshold.",
    configSchema: {
        properties: {
            ...trustedConfigSchema("minimumPasswordLength").properties,
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
        const { minimumPasswordLength } = trustedParameters(config);
        const verdict = judgeInputs(props, passwordCustodyDeclaration(minimumPasswordLength), containsUnknown);
        for (const problem of verdict.problems) reportViolation(`${args.name}: ${problem}`);
        const unknown = verdict.unknown.filter((key) => !["mode", "custodians", "threshold"].includes(key));
        custodyRules(args.name, props, config, reportViolation);
        // During a first preview the user's object id does not exist yet; everything else was judged.
        if (unknown.length > 0) deferUntilKnown(`${args.name}'s ${unknown.join(", ")}`);
    },
}, {
    severity: "critical",
    rationale:
        "A sealed password that one person can open alone, a custody mode the organisation has not accepted, a password " +
        "drawn from a narrowed set, or one sent to another host puts a Global Administrator credential within reach; a " +
        "clock-made rotation label sets a new password on every deployment and leaves the custodians' envelopes stale.",
    frameworks: [{ framework: "microsoft" }, { framework: "product" }],
});

/** The mode the pack config allows, and in sealed-password mode the contract's custody rules and the trusted floors. */
function custodyRules(
    name: string,
    props: Record<string, any>,
    config: Config,
    reportViolation: (message: string) => void,
): void {
    const allowed = config.allowedModes ?? [...CUSTODY_MODES];
    const { mode, custodians, threshold } = props;
    if (containsUnknown([mode, custodians, threshold])) deferUntilKnown(`${name}'s mode, custodians and threshold`);
    if (!allowed.includes(mode)) {
        reportViolation(`${name}: mode ${JSON.stringify(mode)} is not allowed; allowed: ${allowed.join(", ")}.`);
        return;
    }
    for (const problem of custodyProblems({ mode, custodians, threshold: mode === "passkey" ? undefined : threshold })) {
        reportViolation(`${name}: ${problem}.`);
    }
    if (mode !== "sealed-password" || !Array.isArray(custodians)) return;
    // A config below 1 cannot weaken the check.
    const minimumCustodians = Math.max(1, config.minimumCustodians ?? 2);
    const minimumThreshold = Math.max(1, config.minimumThreshold ?? 2);
    if (custodians.length < minimumCustodians) {
        reportViolation(`${name}: ${custodians.length} custodian(s); at least ${minimumCustodians} required.`);
    }
    if (!(Number(threshold) >= minimumThreshold)) {
        reportViolation(`${name}: threshold ${threshold}; at least ${minimumThreshold} shares required.`);
    }
}
