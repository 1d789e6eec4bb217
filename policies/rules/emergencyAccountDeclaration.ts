import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS, LIMITED_ACCOUNT_KEY, type AccountKey } from "../contract/constants";
import { emergencyUserDeclaration } from "../contract/declaration/identity";
import { ACCOUNT_RECOGNITION_SCHEMA, enforceDeclaration, emergencyUserProps, type AccountRecognition } from "../lib/emergency";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import { definePolicy } from "../lib/metadata";

/**
 * The account's key (its number, or `limited`): from the component's resource name (`...-account-<n|limited>`), else
 * from `<prefix>-<n|limited>@`.
 */
function accountKey(name: string, userPrincipalName: unknown, prefix: string): AccountKey | undefined {
    const key = (text: string) => (text === LIMITED_ACCOUNT_KEY ? LIMITED_ACCOUNT_KEY : Number(text));
    const byName = new RegExp(`-account-(\\d+|${LIMITED_ACCOUNT_KEY})$`).exec(name);
    if (byName) return key(byName[1]);
    const byUpn =
        typeof userPrincipalName === "string" ? new RegExp(`^${prefix}-(\\d+|${LIMITED_ACCOUNT_KEY})@`, "i").exec(userPrincipalName) : null;
    return byUpn ? key(byUpn[1].toLowerCase()) : undefined;
}

export const emergencyAccountDeclaration = definePolicy<ResourceValidationPolicy>({
    name: "emergency-account-require-canonical-declaration",
    description:
        "Every input of an emergency account equals the contract's declaration: enabled, cloud-only on the tenant's " +
        "*.onmicrosoft.com domain, named <prefix>-<n> (or <prefix>-limited, the limited recovery account, only when the trusted allowLimitedAccount is true), no forced password change, no password expiry, strong passwords, " +
        "hidden from the address list, and no input the declaration does not know (an on-premises immutable id, " +
        "other mail addresses, a phone number...).",
    remediationSteps: "Declare the account through EmergencyAccess only; change its settings in the contract (a gate change).",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA, ...trustedConfigSchema("allowLimitedAccount").properties } },
    validateResource: (args, reportViolation) => {
        const props = emergencyUserProps(args);
        if (!props) return;
        const prefix = args.getConfig<AccountRecognition>().accountPrefix ?? DEFAULTS.accountPrefix;
        const number = accountKey(args.name, props.userPrincipalName, prefix);
        if (number === undefined) {
            reportViolation(`${args.name} is an emergency account whose number cannot be told from its name or user principal name.`);
            return;
        }
        if (number === LIMITED_ACCOUNT_KEY && !trustedParameters(args.getConfig()).allowLimitedAccount) {
            reportViolation(
                `${args.name} is the limited recovery account, a standing Conditional Access and Authentication Policy Administrator ` +
                    "excluded from every policy; the trusted pack config does not allow it (allowLimitedAccount).",
            );
        }
        enforceDeclaration(args.name, props, emergencyUserDeclaration(prefix, number, props.userPrincipalName), reportViolation);
    },
}, {
    severity: "critical",
    rationale:
        "A disabled, synchronised, federated or expiring emergency account fails exactly in the outage it exists for, and an input " +
        "the declaration does not know is a change nobody designed: the gate refuses it rather than guess whether it is harmless.",
    frameworks: [
        { framework: "microsoft" },
        { framework: "zeroTrustAssessment", controls: ["21835"] },
        { framework: "scubaGear", controls: ["MS.AAD.7.3v1"] },
        { framework: "cis", controls: ["1.1.2"] },
    ],
});
