// Needs the accounts' ids, so it runs on the whole stack.
import type { StackValidationPolicy } from "@pulumi/policy";
import { definePolicy } from "../lib/metadata";
import { queryReferencesAccount } from "../contract/queryReaders";
import {
    RECOGNITION_SCHEMA,
    deferUntilKnown,
    emergencyAccounts,
    emergencyGroup,
    isUnknown,
    type Recognition,
} from "../lib/emergency";
import { findRule } from "../lib/monitoring";

type Config = Recognition;

export const monitoringCoverage = definePolicy<StackValidationPolicy>({
    name: "emergency-monitoring-require-coverage",
    description:
        "The sign-in rule's query names every emergency account by object id, and the change rule is enabled and " +
        "names every account and the emergency group, so no account can be used or changed unseen.",
    remediationSteps: "Keep the rules built by EmergencyAccess from the accounts' ids.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<Config>();
        const accounts = emergencyAccounts(args.resources, config);
        const signIn = findRule(args.resources, "sign-in");
        const change = findRule(args.resources, "change");
        // Missing rules are reported by emergency-access-require-presence.
        if (change && change.props.enabled !== true) reportViolation("the change rule is disabled.");
        const group = emergencyGroup(args.resources, config);
        const queries = [signIn && { rule: "sign-in", query: signIn.props.query }, change && { rule: "change", query: change.props.query }];
        let deferred = accounts.some((a) => !a.objectId);
        for (const entry of queries) {
            if (!entry) continue;
            if (typeof entry.query !== "string" || isUnknown(entry.query)) {
                deferred = true;
                continue;
            }
            for (const account of accounts.filter((a) => a.objectId)) {
                if (!queryReferencesAccount(entry.query, account.objectId!)) {
                    reportViolation(`the ${entry.rule} rule's query does not match ${account.userPrincipalName} (${account.objectId}).`);
                }
            }
            const groupId = group?.props.objectId;
            if (entry.rule === "change" && typeof groupId === "string" && !isUnknown(groupId) && !queryReferencesAccount(entry.query, groupId)) {
                reportViolation(`the change rule's query does not watch the emergency group (${groupId}).`);
            }
        }
        if (deferred) deferUntilKnown("the rules' queries, built from the accounts' object ids");
    },
}, {
    severity: "critical",
    rationale:
        "Every use of an emergency account must alert; a query that misses an account (matched by object id, which survives a rename) lets it be used or changed unseen.",
    frameworks: [{ framework: "microsoft" }],
});
