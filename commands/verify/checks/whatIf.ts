// Conditional Access What-If (MT.1034): for each account and each sign-in an emergency needs (the matrix), Graph's
// own evaluation (POST /identity/conditionalAccess/evaluate) finds no policy that applies. It catches what reading the
// exclusions cannot: Graph's evaluation of groups, roles and conditions as Conditional Access itself would do it.
// A report-only policy that would apply blocks nothing (WARN); any other applying policy is a FAIL.
import type { CheckDefinition, Evidence, WhatIfCase } from "../model";
import { PERMISSIONS, evidenceId, readAccounts, readWhatIf, type WhatIfOutcome } from "./reads";

/** Windows Azure Service Management API: the Azure portal, ARM, the Azure CLI and PowerShell (Learn, "Require MFA for Azure management"; sign-in logs' resourceId). */
export const AZURE_MANAGEMENT_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
/** Microsoft Graph (its well-known first-party application id). */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/**
 * Microsoft Office 365 Portal: the first-party application behind the Microsoft 365 admin center (admin.microsoft.com),
 * as public first-party application id tables name it; Learn documents no id of its own for the admin center.
 */
export const MICROSOFT_365_PORTAL_APP_ID = "00000006-0000-0ff1-ce00-000000000000";
/** Office 365 Exchange Online (the application Maester's MT.1034 asks What-If about, with exchangeActiveSync). */
export const EXCHANGE_ONLINE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";

/** The client types an emergency uses interactively (Graph's clientAppType values). */
const INTERACTIVE_CLIENTS = [
    { name: "browser", clientAppType: "browser" },
    { name: "mobile and desktop", clientAppType: "mobileAppsAndDesktopClients" },
] as const;

/**
 * The default matrix: the Azure portal and ARM, Microsoft Graph, the Microsoft 365 admin center and Exchange Online,
 * each with a browser and with a mobile or desktop client, and Exchange Online with Exchange ActiveSync (MT.1034's case).
 */
export const DEFAULT_WHAT_IF_MATRIX: readonly WhatIfCase[] = [
    ...[
        { name: "Azure portal and ARM", application: AZURE_MANAGEMENT_APP_ID },
        { name: "Microsoft Graph", application: MICROSOFT_GRAPH_APP_ID },
        { name: "Microsoft 365 admin center", application: MICROSOFT_365_PORTAL_APP_ID },
        { name: "Exchange Online", application: EXCHANGE_ONLINE_APP_ID },
    ].flatMap((app) => INTERACTIVE_CLIENTS.map((client) => ({ name: `${app.name}, ${client.name}`, application: app.application, clientAppType: client.clientAppType }))),
    { name: "Exchange Online, Exchange ActiveSync", application: EXCHANGE_ONLINE_APP_ID, clientAppType: "exchangeActiveSync" },
];

/** Graph's state of a report-only policy. */
const REPORT_ONLY = "enabledForReportingButNotEnforced";

/**
 * conditional-access-what-if: one evidence per account and case where a policy applies (FAIL, or WARN when every
 * applying policy is report-only), one FAIL per account that does not exist (What-If cannot be asked), and a PASS
 * summary of what was asked. Pure.
 */
export function judgeWhatIf(outcomes: readonly WhatIfOutcome[], missingAccounts: readonly string[], matrix: readonly WhatIfCase[]): Evidence[] {
    const evidence: Evidence[] = [];
    for (const outcome of outcomes) {
        const applying = outcome.policies.filter((policy) => policy.policyApplies);
        if (applying.length === 0) continue;
        const enforced = applying.filter((policy) => policy.state !== REPORT_ONLY);
        const reportOnly = applying.filter((policy) => policy.state === REPORT_ONLY);
        const name = (policy: { readonly displayName: string; readonly id: string }) => `"${policy.displayName}" (${policy.id})`;
        const parts = [
            ...(enforced.length > 0 ? [`would apply: ${enforced.map(name).join(", ")}`] : []),
            ...(reportOnly.length > 0 ? [`report-only, would apply but not block: ${reportOnly.map(name).join(", ")}`] : []),
        ];
        evidence.push({
            subject: outcome.account.declared.userPrincipalName,
            ...evidenceId(outcome.account),
            status: enforced.length > 0 ? "FAIL" : "WARN",
            detail: `${outcome.whatIfCase.name}: ${parts.join("; ")}.`,
            facts: {
                application: outcome.whatIfCase.application,
                clientAppType: outcome.whatIfCase.clientAppType,
                policyIds: applying.map((policy) => policy.id),
            },
        });
    }
    for (const userPrincipalName of missingAccounts) {
        evidence.push({ subject: userPrincipalName, status: "FAIL", detail: "Not found: What-If cannot be asked about an account that does not exist." });
    }
    const accounts = new Set(outcomes.map((outcome) => outcome.account.declared.userPrincipalName)).size;
    evidence.unshift({
        subject: "What-If matrix",
        status: "PASS",
        detail: `Asked for ${accounts} account(s) × ${matrix.length} sign-in(s): ${matrix.map((item) => item.name).join("; ")}.`,
        facts: { accounts, cases: matrix.length, evaluations: outcomes.length },
    });
    return evidence;
}

/** The What-If check. */
export const WHAT_IF_CHECKS: readonly CheckDefinition[] = [
    {
        id: "conditional-access-what-if",
        title: "Conditional Access What-If finds no policy applying to any emergency account for any sign-in of the matrix",
        severity: "critical",
        sources: ["MT.1034"],
        permissions: [PERMISSIONS.users, PERMISSIONS.whatIf],
        async run(context) {
            const missing = (await readAccounts(context)).filter((account) => !account.state).map((account) => account.declared.userPrincipalName);
            return { evidence: judgeWhatIf(await readWhatIf(context), missing, context.declaration.whatIf) };
        },
    },
];
