// Every check of `npm run verify`, in the order the report lists them: the accounts first, the alert pipeline last.
// The README's table of checks is tested against this list (test/repo/verifyChecks.test.ts).
import type { CheckDefinition } from "../model";
import { ACCOUNT_CHECKS } from "./accounts";
import { ALERT_PIPELINE_CHECKS } from "./alertPipeline";
import { CONDITIONAL_ACCESS_CHECKS } from "./conditionalAccess";
import { CREDENTIAL_CHECKS } from "./credentials";
import { DRILL_CHECKS } from "./drill";
import { PROTECTION_CHECKS } from "./protection";
import { ROLE_CHECKS } from "./roles";
import { WHAT_IF_CHECKS } from "./whatIf";

export const VERIFY_CHECKS: readonly CheckDefinition[] = [
    ...ACCOUNT_CHECKS,
    ...ROLE_CHECKS,
    ...CONDITIONAL_ACCESS_CHECKS,
    ...WHAT_IF_CHECKS,
    ...CREDENTIAL_CHECKS,
    ...DRILL_CHECKS,
    ...PROTECTION_CHECKS,
    ...ALERT_PIPELINE_CHECKS,
];

/** What a check needs, in one line: Graph permissions (application / delegated) and Azure access. */
export function checkPermissions(check: CheckDefinition): string {
    const graph = check.permissions.map((p) => (p.application === p.delegated ? p.application : `${p.application} / ${p.delegated}`));
    return [...new Set(graph), ...(check.azure ?? []).map((access) => access.description)].join("; ");
}

/** `--list`: every check with its severity, sources and permissions. */
export function renderCheckList(checks: readonly CheckDefinition[]): string {
    return `${checks.map((c) => `${c.id} [${c.severity}]\n  ${c.title}\n  sources: ${c.sources.join(", ")}\n  needs: ${checkPermissions(c)}`).join("\n")}\n`;
}
