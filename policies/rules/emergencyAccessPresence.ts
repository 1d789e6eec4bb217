import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { trustedConfigSchema, trustedParameters } from "../contract/trust";
import {
    LIMITS,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX,
    SIGN_IN_ALERT_SUFFIX,
    TYPES,
} from "../contract/constants";
import {
    RECOGNITION_SCHEMA,
    emergencyAccounts,
    emergencyGroup,
    isEmergencyChild,
    rawProps,
    type Recognition,
} from "../lib/emergency";
import { findRule } from "../lib/monitoring";

interface Config extends Recognition {
    readonly minimumAccounts?: number;
    readonly requireDirectAlerts?: boolean;
}

export const emergencyAccessPresence = definePolicy<StackValidationPolicy>({
    name: "emergency-access-require-presence",
    description:
        "The stack declares at least two emergency accounts with password custody, the Global Administrator role, " +
        "the emergency group, the Sentinel sign-in and change rules and (unless turned off) the direct sign-in alerts " +
        "with their action group. Removing any of them from the program is a violation, not a cleanup.",
    remediationSteps: "Restore the removed part of the EmergencyAccess configuration (sentinel, alerts, accountCount).",
    configSchema: {
        properties: {
            ...RECOGNITION_SCHEMA,
            // The trusted floor: the stack's accountCount may only be higher.
            ...trustedConfigSchema("minimumAccounts").properties,
            requireDirectAlerts: {
                type: "boolean",
                default: true,
                description: "Require the Azure Monitor sign-in alert and its action group (email/SMS).",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<Config>();
        const missing: string[] = [];
        const accounts = emergencyAccounts(args.resources, config);
        // The limited recovery account supplements the Global Administrator accounts; it never counts toward their minimum.
        const administrators = accounts.filter((account) => !account.limited);
        const minimum = Math.max(LIMITS.accountCount.min, trustedParameters(config).minimumAccounts);
        if (administrators.length < minimum) {
            missing.push(`emergency Global Administrator accounts (${administrators.length} declared, at least ${minimum} needed)`);
        }
        const custody = args.resources.filter((r) => r.type === TYPES.passwordCustody && isEmergencyChild(r.urn));
        if (custody.length < accounts.length) missing.push(`password custody (${custody.length} for ${accounts.length} accounts)`);
        const role = args.resources.find(
            (r) => r.type === TYPES.directoryRole && rawProps(r.props).templateId === GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
        );
        if (!role) missing.push("the Global Administrator directory role");
        if (!emergencyGroup(args.resources, config)) missing.push("the emergency group");
        if (!findRule(args.resources, "sign-in")) missing.push("the Sentinel sign-in rule");
        if (!findRule(args.resources, "change")) missing.push("the Sentinel change rule");
        if (config.requireDirectAlerts ?? true) {
            if (!args.resources.some((r) => r.type === TYPES.actionGroup && isEmergencyChild(r.urn))) missing.push("the alert action group");
            const alerts: Array<[string, string]> = [
                [SIGN_IN_ALERT_SUFFIX, "the Azure Monitor sign-in alert"],
                [NON_INTERACTIVE_SIGN_IN_ALERT_SUFFIX, "the Azure Monitor non-interactive sign-in alert"],
            ];
            for (const [suffix, what] of alerts) {
                const present = args.resources.some(
                    (r) => r.type === TYPES.scheduledQueryRule && isEmergencyChild(r.urn) && r.urn.endsWith(suffix),
                );
                if (!present) missing.push(what);
            }
        }
        for (const what of missing) reportViolation(`missing: ${what}.`);
    },
}, {
    severity: "critical",
    rationale:
        "Deleting a line of the program must not quietly remove an account, its role, its group or its monitoring: a removal looks like a cleanup in review but leaves the tenant without a way back in, or without an alarm.",
    frameworks: [{ framework: "product" }, { framework: "microsoft" }, { framework: "cis", controls: ["1.1.2"] }],
});
