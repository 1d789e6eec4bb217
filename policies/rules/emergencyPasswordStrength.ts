import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { LIMITS, TYPES } from "../contract/constants";
import { isEmergencyChild, isUnknown, rawProps } from "../lib/emergency";

const CLASSES = [
    ["upper", "minUpper"],
    ["lower", "minLower"],
    ["numeric", "minNumeric"],
    ["special", "minSpecial"],
] as const;

/**
 * Every emergency password is long and uses every character class: the one each custody resource generates
 * (its passwordLength; the classes are the contract's), and the bootstrap RandomPassword the user is created with.
 */
export const emergencyPasswordStrength = definePolicy<ResourceValidationPolicy>({
    name: "emergency-password-require-strength",
    description:
        "Emergency account passwords are generated with at least the minimum length (24 by default): the custody " +
        "resource's passwordLength, and the bootstrap RandomPassword, which must also require upper-case, lower-case, " +
        "digits and special characters, at least one of each.",
    remediationSteps: "Raise passwordLength (config) back to 24 or more and keep every character class required.",
    configSchema: {
        properties: {
            minimumLength: {
                type: "integer",
                minimum: LIMITS.passwordLength.min,
                default: LIMITS.passwordLength.min,
                description: "Shortest accepted password; never below 24.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const props = rawProps(args.props);
        // A config below the product's floor cannot weaken the check.
        const minimum = Math.max(LIMITS.passwordLength.min, args.getConfig<{ minimumLength?: number }>().minimumLength ?? 0);
        if (args.type === TYPES.passwordCustody) {
            if (!isUnknown(props.passwordLength) && !(Number(props.passwordLength) >= minimum)) {
                reportViolation(`passwordLength is ${props.passwordLength}; emergency passwords need at least ${minimum} characters.`);
            }
            return;
        }
        if (args.type !== TYPES.randomPassword || !isEmergencyChild(args.urn)) return;
        if (!isUnknown(props.length) && !(Number(props.length) >= minimum)) {
            reportViolation(`length is ${props.length}; emergency passwords need at least ${minimum} characters.`);
        }
        for (const [cls, min] of CLASSES) {
            if (props[cls] === false) reportViolation(`${cls} characters are turned off; every class must be required.`);
            if (!isUnknown(props[min]) && !(Number(props[min]) >= 1)) {
                reportViolation(`${min} is ${props[min] ?? "unset"}; require at least 1 ${cls} character.`);
            }
        }
    },
}, {
    severity: "critical",
    rationale:
        "A short or narrow generated password can be guessed or sprayed, and the accounts are excluded from every Conditional Access policy.",
    frameworks: [{ framework: "microsoft" }, { framework: "nist80063b", controls: ["5.1.1.2"] }],
});
