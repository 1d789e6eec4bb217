// The model of `npm run verify`: a check, its result, and the evidence behind it. Every check is read-only and has a
// stable id (reports, the JUnit file and the drift issue refer to it), a severity, the sources it implements (Microsoft's
// guidance and the auditors' checks), the Graph or Azure permissions it needs, and one verdict with its evidence.
// Pure data and types: the checks are in ./checks/, the run in ./run.ts, the reports in ./report.ts.
import type { GraphClient } from "../../graph/client";

/** How much a failure of the check matters. */
export type Severity = "critical" | "high" | "medium" | "low";

/**
 * A check's verdict. PASS and FAIL are the check's own; WARN passes but needs a person's look (a drill falling due, a
 * fifth Global Administrator); NOT_RUN means the check could not judge the tenant (a permission missing, Graph
 * unavailable), with the reason, and never counts as a pass.
 */
export type Status = "PASS" | "FAIL" | "WARN" | "NOT_RUN";

/** Statuses from the best to the worst: a check's verdict is the worst of its evidence's. */
export const STATUS_ORDER: readonly Status[] = ["PASS", "WARN", "FAIL", "NOT_RUN"];

/** One fact behind a verdict: what it is about (an account, a policy, a rule) and what was found, with its own status. */
export interface Evidence {
    /** What the fact is about: a user principal name, a policy's display name, a rule's name. */
    readonly subject: string;
    /** Its object or resource id, when it has one. */
    readonly id?: string;
    /** This fact's verdict. */
    readonly status: Status;
    /** What was found, in one sentence a person can act on. */
    readonly detail: string;
    /** The values read (dates, counts, ids), for machines and for the record. */
    readonly facts?: Readonly<Record<string, string | number | boolean | null | readonly string[]>>;
}

/** A Microsoft Graph or Azure permission a check needs, one way or the other. */
export interface Permission {
    /** Application permission (workload identity in CI), e.g. `Policy.Read.All`. */
    readonly application: string;
    /** Delegated scope (a person with the Azure CLI), e.g. `Policy.Read.All`. */
    readonly delegated: string;
    /** A directory role that grants the read to a person, e.g. `Global Reader`. */
    readonly role?: string;
}

/** A permission on Azure Resource Manager or Log Analytics: a role on a scope, not a Graph permission. */
export interface AzureAccess {
    /** e.g. `Reader on the workspace's resource group`. */
    readonly description: string;
}

/** What one check reads and who it answers to. */
export interface CheckDefinition {
    /** Stable id, kebab-case with a family prefix: `accounts-exist`, `role-permanent-global-administrator`. */
    readonly id: string;
    /** What a PASS proves, in one sentence. */
    readonly title: string;
    readonly severity: Severity;
    /** The guidance and auditor checks it implements: `Microsoft`, `MT.1005`, `ZTA 21835`, `ScubaGear MS.AAD.7.1v1`, `CIS 1.1.3`, `Prowler`. */
    readonly sources: readonly string[];
    /** The Graph permissions it needs (all of them). */
    readonly permissions: readonly Permission[];
    /** Azure access it needs besides Graph, if any. */
    readonly azure?: readonly AzureAccess[];
    /** Runs the check. Throwing is a NOT_RUN with the error's message; a 403 names the permission. */
    run(context: VerifyContext): Promise<CheckVerdict>;
}

/** What a check's run returns: the evidence, and optionally a summary (else one is made from the evidence). */
export interface CheckVerdict {
    readonly evidence: readonly Evidence[];
    readonly summary?: string;
}

/** One row of the report. */
export interface CheckResult {
    readonly id: string;
    readonly title: string;
    readonly severity: Severity;
    readonly sources: readonly string[];
    readonly status: Status;
    readonly summary: string;
    readonly evidence: readonly Evidence[];
    /** NOT_RUN only: what is missing (permissions, roles) or what failed. */
    readonly missing?: readonly string[];
    /** How long the check took, in milliseconds. */
    readonly durationMs: number;
}

/** One emergency account as the stack declares it. */
export interface DeclaredAccount {
    /** 1-based number, or "limited". */
    readonly key: number | "limited";
    readonly userPrincipalName: string;
    /** Its object id: from the ids file or the stack outputs, else resolved by user principal name. */
    readonly id?: string;
    /** The limited recovery account (Conditional Access and Authentication Policy Administrator, never Global Administrator). */
    readonly limited: boolean;
}

/** Where the Sentinel rules and the direct alerts live, as the stack declares them. */
export interface DeclaredMonitoring {
    readonly subscriptionId?: string;
    readonly resourceGroupName: string;
    readonly workspaceName: string;
    /** The rules' frequency (ISO 8601), which the declared queries' window follows. */
    readonly queryFrequency: string;
    /** Whether the stack declares direct alerts (an action group and two Azure Monitor alerts). */
    readonly alerts: boolean;
    /** The receivers the stack declares: emails and phone numbers. */
    readonly emails: readonly string[];
    /** SMS numbers as `+<country code><number>`. */
    readonly phoneNumbers: readonly string[];
    /** How many webhooks: their URLs carry a credential, so verify only counts them. */
    readonly webhooks: number;
}

/** One sign-in to ask Conditional Access What-If about: an application and a client type. */
export interface WhatIfCase {
    /** What the case is, e.g. `Azure portal, browser`. */
    readonly name: string;
    /** Application (client) id or a Graph keyword such as `Office365`. */
    readonly application: string;
    /** Graph's clientAppType: `browser`, `mobileAppsAndDesktopClients`, `exchangeActiveSync`, ... */
    readonly clientAppType: string;
}

/** What the stack declares, resolved: what every check compares the tenant with. */
export interface Declaration {
    readonly tenantDomain: string;
    readonly accounts: readonly DeclaredAccount[];
    readonly group: { readonly id: string; readonly displayName: string };
    readonly credentialMode: "passkey" | "sealed-password";
    readonly credentialMethod: "passkey" | "certificate";
    readonly requiredPasskeys: number;
    readonly restrictedManagement: boolean;
    /** The restricted-management unit's id when known (stack outputs), else found by its display name. */
    readonly administrativeUnitId?: string;
    readonly monitoring?: DeclaredMonitoring;
    readonly whatIf: readonly WhatIfCase[];
}

/** Reads of Azure Resource Manager and Log Analytics, when the run may make them (./azure.ts). */
export interface AzureReaders {
    /** GET an ARM path (`/subscriptions/...?api-version=...`); undefined on 404. */
    get(path: string): Promise<unknown>;
    /** Runs a KQL query on a workspace (its customer id); the rows as objects. */
    query(workspaceCustomerId: string, kql: string): Promise<Record<string, unknown>[]>;
}

/** Everything a check may use. Reads only: no check writes anything. */
export interface VerifyContext {
    readonly declaration: Declaration;
    readonly graph: GraphClient;
    /** Azure Resource Manager and Log Analytics, when configured (a subscription is known). */
    readonly azure?: AzureReaders;
    /** The time the run started; drills and recency are judged against it. */
    readonly now: Date;
    /**
     * Memoizes a read shared by several checks (the policy list, the users), once per run: `shared("users", read)`.
     * A failed read fails every check that needs it, with the same error.
     */
    shared<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/** The worst of several statuses (STATUS_ORDER). */
export function worstStatus(statuses: readonly Status[]): Status {
    return statuses.reduce<Status>((worst, status) => (STATUS_ORDER.indexOf(status) > STATUS_ORDER.indexOf(worst) ? status : worst), "PASS");
}
