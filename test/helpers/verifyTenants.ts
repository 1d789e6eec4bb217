// Tenants for the verify checks of accounts, roles, Conditional Access, What-If, credentials, drills and protection,
// on the fake Graph: a GOOD tenant where every one of them passes, and named mutations that each break exactly one
// check (FAILING_TENANTS) or make one warn (WARNING_TENANTS). The clock is fixed (GOOD_TENANT_NOW): recency is always
// judged against it, never against the wall clock.
import { createGraphClient, type GraphClientOptions } from "../../graph/client";
import { ROLE_TEMPLATE_IDS } from "../../graph/roles";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import {
    AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
    CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID,
    DEFAULTS,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
} from "../../policies/contract/constants";
import { createVerifyContext } from "../../commands/verify/context";
import { worstStatus, type CheckDefinition, type Declaration, type DeclaredAccount, type Evidence, type Status, type VerifyContext } from "../../commands/verify/model";
import { ACCOUNT_CHECKS } from "../../commands/verify/checks/accounts";
import { CONDITIONAL_ACCESS_CHECKS } from "../../commands/verify/checks/conditionalAccess";
import { CREDENTIAL_CHECKS } from "../../commands/verify/checks/credentials";
import { DRILL_CHECKS } from "../../commands/verify/checks/drill";
import { PROTECTION_CHECKS } from "../../commands/verify/checks/protection";
import { ROLE_CHECKS } from "../../commands/verify/checks/roles";
import { DEFAULT_WHAT_IF_MATRIX, WHAT_IF_CHECKS } from "../../commands/verify/checks/whatIf";
import { FAST_RATE, FAST_RETRY, fakeCredential } from "./exclusionScenarios";
import { FakeGraph } from "./fakeGraph";

/** Every check of this family, in report order. */
export const GRAPH_CHECKS: readonly CheckDefinition[] = [
    ...ACCOUNT_CHECKS,
    ...ROLE_CHECKS,
    ...CONDITIONAL_ACCESS_CHECKS,
    ...WHAT_IF_CHECKS,
    ...CREDENTIAL_CHECKS,
    ...DRILL_CHECKS,
    ...PROTECTION_CHECKS,
];

/** The run's clock in every test: recency is judged against it. */
export const GOOD_TENANT_NOW = new Date("2026-11-26T12:00:00Z");

/** `days` days before GOOD_TENANT_NOW, in Graph's format (no fraction). */
export function daysBeforeNow(days: number, hours = 0): string {
    return new Date(GOOD_TENANT_NOW.getTime() - days * 86_400_000 + hours * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
}

export const TENANT_DOMAIN = "contoso.onmicrosoft.com";

/** Object ids of the good tenant (fixed, so evidence can be asserted word for word). */
export const IDS = {
    account1: "0e1a0001-7c4b-4d4e-9a61-000000000001",
    account2: "0e1a0002-7c4b-4d4e-9a61-000000000002",
    limited: "0e1a000f-7c4b-4d4e-9a61-00000000000f",
    group: "9f0c0001-3b2a-4c1d-8e7f-000000000001",
    unit: "a0d10001-5e6f-4a7b-8c9d-000000000001",
    admin: "ad000001-1111-4222-8333-000000000001",
    helpdesk: "ad000002-1111-4222-8333-000000000002",
    policyMfa: "ca000001-aaaa-4bbb-8ccc-000000000001",
    policyLegacy: "ca000002-aaaa-4bbb-8ccc-000000000002",
    policyReportOnly: "ca000003-aaaa-4bbb-8ccc-000000000003",
    policyWorkload: "ca000004-aaaa-4bbb-8ccc-000000000004",
} as const;

/** The key model the emergency accounts use, and the one the other admins use (public AAGUIDs of two models). */
export const EMERGENCY_KEY = { model: "YubiKey 5 Series with NFC", aaGuid: "2fc0579f-8113-47ea-b116-bb5a8db9202a" } as const;
export const ADMIN_KEY = { model: "Feitian ePass FIDO2", aaGuid: "833b721a-ff5f-4d00-bb2e-bdda3ec01e29" } as const;

/** When the good tenant's accounts last signed in (a drill 20 days ago) and when their passwords were changed (an hour later). */
export const LAST_DRILL = daysBeforeNow(20);
export const PASSWORD_ROTATED = daysBeforeNow(20, 1);
export const ACCOUNTS_CREATED = "2026-01-05T09:00:00Z";

/** A good tenant and how to judge it. */
export interface GoodTenant {
    readonly fake: FakeGraph;
    /** The declaration as it stands (declare() changes it). */
    readonly declaration: Declaration;
    /** Changes what the stack declares (a mutation that is a configuration, e.g. sealed-password mode). */
    declare(changes: Partial<Declaration>): void;
    /**
     * A fresh run's context: its own shared reads, a client of the fake (fast retries and no pacing unless `graph`
     * says otherwise), `now` (default GOOD_TENANT_NOW).
     */
    context(now?: Date, graph?: Partial<GraphClientOptions>): VerifyContext;
}

/** How the good tenant is built. */
export interface GoodTenantOptions {
    /** Declare and create the limited account. Defaults to true. */
    readonly limited?: boolean;
    /** The bearer token the fake Graph accepts (a `fakeAccessToken(...)` for preflight tests). Defaults to FAKE_GRAPH_TOKEN. */
    readonly token?: string;
}

/** A policy in Graph's full shape: users All, the accounts and the group excluded, all applications and clients unless given. */
function policy(id: string, displayName: string, state: string, overrides: { users?: Record<string, unknown>; clientAppTypes?: string[]; clientApplications?: Record<string, unknown> } = {}, excludedUserIds: readonly string[] = []): ConditionalAccessPolicy {
    return {
        id,
        displayName,
        state,
        createdDateTime: "2026-02-01T10:00:00Z",
        modifiedDateTime: "2026-02-01T10:00:00Z",
        conditions: {
            clientAppTypes: overrides.clientAppTypes ?? ["all"],
            applications: { includeApplications: ["All"], excludeApplications: [], includeUserActions: [], includeAuthenticationContextClassReferences: [] },
            users: overrides.users ?? {
                includeUsers: ["All"],
                excludeUsers: [...excludedUserIds],
                includeGroups: [],
                excludeGroups: [IDS.group],
                includeRoles: [],
                excludeRoles: [],
                includeGuestsOrExternalUsers: null,
                excludeGuestsOrExternalUsers: null,
            },
            clientApplications: overrides.clientApplications ?? null,
        },
        grantControls: { operator: "OR", builtInControls: ["mfa"], customAuthenticationFactors: [], termsOfUse: [] },
        sessionControls: null,
    };
}

/**
 * A good tenant: two Global Administrator accounts (permanent, direct, at /) and, unless told otherwise, the limited
 * account (Conditional Access Administrator and Authentication Policy Administrator), each cloud-only, unlicensed,
 * with two device-bound keys and a drill 20 days ago; one other Global Administrator (3 standing) with a different
 * key model; the group (role-assignable, private, no owners, the accounts as members); four policies (three excluding
 * everything in each state, one for workload identities); and the restricted-management unit holding all of them.
 */
export async function startGoodTenant(options: GoodTenantOptions = {}): Promise<GoodTenant> {
    const withLimited = options.limited ?? true;
    const accounts: DeclaredAccount[] = [
        { key: 1, userPrincipalName: `breakglass-1@${TENANT_DOMAIN}`, id: IDS.account1, limited: false },
        { key: 2, userPrincipalName: `breakglass-2@${TENANT_DOMAIN}`, id: IDS.account2, limited: false },
        ...(withLimited ? [{ key: "limited" as const, userPrincipalName: `breakglass-limited@${TENANT_DOMAIN}`, id: IDS.limited, limited: true }] : []),
    ];
    const accountIds = accounts.map((account) => account.id as string);
    const fake = await FakeGraph.start({
        token: options.token,
        policies: [
            policy(IDS.policyMfa, "Require MFA for all users", "enabled", {}, accountIds),
            policy(IDS.policyLegacy, "Block legacy authentication", "enabled", { clientAppTypes: ["exchangeActiveSync", "other"] }, accountIds),
            policy(IDS.policyReportOnly, "Require compliant device (report-only)", "enabledForReportingButNotEnforced", {}, accountIds),
            policy(IDS.policyWorkload, "Block risky workload identities", "enabled", {
                users: { includeUsers: ["None"], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] },
                clientApplications: { includeServicePrincipals: ["ServicePrincipalsInMyTenant"], excludeServicePrincipals: [] },
            }),
        ],
    });
    for (const account of accounts) {
        fake.addUser({
            id: account.id as string,
            userPrincipalName: account.userPrincipalName,
            createdDateTime: ACCOUNTS_CREATED,
            lastPasswordChangeDateTime: PASSWORD_ROTATED,
            signInActivity: { lastSuccessfulSignInDateTime: LAST_DRILL, lastSignInDateTime: LAST_DRILL },
        });
        for (const n of [1, 2]) {
            fake.addFido2Method(account.id as string, { ...EMERGENCY_KEY, passkeyType: "deviceBound", createdDateTime: ACCOUNTS_CREATED, displayName: `Safe ${n}` });
        }
    }
    for (const id of [IDS.account1, IDS.account2]) fake.addRoleAssignment({ principalId: id, roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID });
    if (withLimited) {
        fake.addRoleAssignment({ principalId: IDS.limited, roleDefinitionId: CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID });
        fake.addRoleAssignment({ principalId: IDS.limited, roleDefinitionId: AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID });
    }
    fake.addUser({ id: IDS.admin, userPrincipalName: `ada.admin@${TENANT_DOMAIN}`, assignedLicenses: [{ skuId: "06ebc4ee-1bb5-47dd-8120-11324bc54e06" }] });
    fake.addFido2Method(IDS.admin, { ...ADMIN_KEY, passkeyType: "deviceBound" });
    fake.addRoleAssignment({ principalId: IDS.admin, roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID });
    // A helpdesk user with another role: not a Global Administrator, never counted or compared.
    fake.addUser({ id: IDS.helpdesk, userPrincipalName: `hugo.helpdesk@${TENANT_DOMAIN}` });
    fake.addFido2Method(IDS.helpdesk, { ...EMERGENCY_KEY, passkeyType: "deviceBound" });
    fake.addRoleAssignment({ principalId: IDS.helpdesk, roleDefinitionId: ROLE_TEMPLATE_IDS.globalReader });
    fake.addGroup({
        id: IDS.group,
        displayName: DEFAULTS.groupDisplayName,
        isAssignableToRole: true,
        visibility: "Private",
        securityEnabled: true,
        mailEnabled: false,
        memberIds: accountIds,
    });
    fake.addAdministrativeUnit({
        id: IDS.unit,
        displayName: DEFAULTS.administrativeUnitDisplayName,
        isMemberManagementRestricted: true,
        memberIds: [...accountIds, IDS.group],
    });
    let declaration: Declaration = {
        tenantDomain: TENANT_DOMAIN,
        accounts,
        group: { id: IDS.group, displayName: DEFAULTS.groupDisplayName },
        credentialMode: "passkey",
        credentialMethod: "passkey",
        requiredPasskeys: 2,
        restrictedManagement: true,
        whatIf: DEFAULT_WHAT_IF_MATRIX,
    };
    return {
        fake,
        get declaration() {
            return declaration;
        },
        declare(changes) {
            declaration = { ...declaration, ...changes };
        },
        context(now = GOOD_TENANT_NOW, options = {}) {
            const graph = createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY, requestsPerSecond: FAST_RATE, ...options });
            return createVerifyContext({ declaration, graph, now });
        },
    };
}

/** A check's outcome as a test reads it: the worst status of its evidence, or NOT_RUN with the error's message. */
export interface Judged {
    readonly status: Status;
    readonly evidence: readonly Evidence[];
    readonly error?: string;
}

/** Runs one check the way the run does (a thrown error is NOT_RUN). */
export async function judge(check: CheckDefinition, context: VerifyContext): Promise<Judged> {
    try {
        const verdict = await check.run(context);
        return { status: worstStatus(verdict.evidence.map((item) => item.status)), evidence: verdict.evidence };
    } catch (error) {
        return { status: "NOT_RUN", evidence: [], error: error instanceof Error ? error.message : String(error) };
    }
}

/** Runs every check of GRAPH_CHECKS on one context (sharing its reads), by id. */
export async function judgeAll(context: VerifyContext): Promise<Record<string, Judged>> {
    const results = await Promise.all(GRAPH_CHECKS.map((check) => judge(check, context)));
    return Object.fromEntries(GRAPH_CHECKS.map((check, index) => [check.id, results[index]]));
}

/** A change to the good tenant (and, for a configuration, its declaration). */
export type TenantMutation = (fake: FakeGraph, tenant: GoodTenant) => void;

/** The skuId of a license given to an emergency account by mistake (Microsoft 365 E5). */
export const STRAY_LICENSE = "06ebc4ee-1bb5-47dd-8120-11324bc54e06";

/** An id for a user added by a mutation. */
export const EXTRA_IDS = {
    forgotten: "0e1a0003-7c4b-4d4e-9a61-000000000003",
    owner: "ad000009-1111-4222-8333-000000000009",
    admin2: "ad000003-1111-4222-8333-000000000003",
    admin3: "ad000004-1111-4222-8333-000000000004",
    policyNew: "ca000009-aaaa-4bbb-8ccc-000000000009",
} as const;

/**
 * One mutation per check that can FAIL, each making that check FAIL. Where a failure cannot happen alone, the other
 * checks that must fail with it are in FAILING_TOGETHER.
 */
export const FAILING_TENANTS: Record<string, TenantMutation> = {
    "accounts-exist": (fake) => fake.editUser(IDS.account1, (user) => {
        user.assignedLicenses = [{ skuId: STRAY_LICENSE }];
    }),
    "accounts-count": (fake) => {
        fake.addUser({ id: EXTRA_IDS.forgotten, userPrincipalName: `breakglass-3@${TENANT_DOMAIN}`, createdDateTime: "2025-03-01T08:00:00Z" });
        fake.addRoleAssignment({ principalId: EXTRA_IDS.forgotten, roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID });
    },
    "role-permanent-global-administrator": (fake) => {
        const assignment = fake.roleAssignments().find((candidate) => candidate.principalId === IDS.account2);
        fake.removeRoleAssignment(assignment?.id ?? "");
        fake.addRoleAssignment({ principalId: IDS.account2, roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID, endDateTime: "2027-01-31T00:00:00Z" });
    },
    "role-limited-account": (fake) => {
        const assignment = fake
            .roleAssignments()
            .find((candidate) => candidate.principalId === IDS.limited && candidate.roleDefinitionId === AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID);
        fake.removeRoleAssignment(assignment?.id ?? "");
    },
    "role-global-administrator-count": (fake) => {
        for (const principalId of [IDS.admin, IDS.account2]) {
            const assignment = fake.roleAssignments().find((candidate) => candidate.principalId === principalId);
            fake.removeRoleAssignment(assignment?.id ?? "");
        }
    },
    "conditional-access-exclusions": (fake) => fake.edit(IDS.policyLegacy, (stored) => {
        stored.conditions.users.excludeUsers = stored.conditions.users.excludeUsers.filter((id: string) => id !== IDS.account2);
    }),
    "conditional-access-what-if": (fake) => {
        fake.addPolicy({
            ...policy(EXTRA_IDS.policyNew, "Block sign-ins from outside Europe", "enabled"),
            conditions: {
                ...policy(EXTRA_IDS.policyNew, "", "enabled").conditions,
                users: { includeUsers: ["All"], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] },
            },
        });
    },
    "credentials-phishing-resistant": (fake) => {
        fake.addMethod(IDS.account1, "phoneAuthenticationMethod");
    },
    "credentials-rotated-after-use": (fake, tenant) => {
        // Sealed-password mode cannot go with restricted management (config/schema.ts), so the unit is not declared.
        tenant.declare({ credentialMode: "sealed-password", restrictedManagement: false });
        fake.editUser(IDS.account1, (user) => {
            user.lastPasswordChangeDateTime = daysBeforeNow(40);
        });
    },
    "drill-recency": (fake) => fake.editUser(IDS.account2, (user) => {
        user.signInActivity = { lastSuccessfulSignInDateTime: daysBeforeNow(120), lastSignInDateTime: daysBeforeNow(120) };
    }),
    "protection-group": (fake) => fake.editGroup(IDS.group, (group) => {
        group.ownerIds.push(IDS.admin);
    }),
    "protection-administrative-unit": (fake) => {
        const unit = fake.administrativeUnit(IDS.unit);
        fake.deleteAdministrativeUnit(IDS.unit);
        fake.addAdministrativeUnit({
            id: unit.id,
            displayName: unit.displayName,
            isMemberManagementRestricted: true,
            memberIds: unit.memberIds.filter((id) => id !== IDS.group),
        });
    },
};

/**
 * The other checks a failing tenant necessarily fails too, and why: a policy that What-If finds applying misses an
 * exclusion; fewer than two standing Global Administrators means an emergency account lost its role.
 */
export const FAILING_TOGETHER: Record<string, readonly string[]> = {
    "conditional-access-what-if": ["conditional-access-exclusions"],
    "role-global-administrator-count": ["role-permanent-global-administrator"],
};

/** One mutation per check that can WARN, each making it WARN. */
export const WARNING_TENANTS: Record<string, TenantMutation> = {
    "accounts-count": (fake) => fake.addUser({ id: EXTRA_IDS.forgotten, userPrincipalName: `breakglass-3@${TENANT_DOMAIN}`, createdDateTime: "2025-03-01T08:00:00Z" }),
    "role-global-administrator-count": (fake) => {
        for (const [id, name] of [
            [EXTRA_IDS.admin2, "bob.admin"],
            [EXTRA_IDS.admin3, "cleo.admin"],
        ]) {
            fake.addUser({ id, userPrincipalName: `${name}@${TENANT_DOMAIN}` });
            fake.addRoleAssignment({ principalId: id, roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID, ...(name === "cleo.admin" ? { endDateTime: "2027-06-30T00:00:00Z" } : {}) });
        }
    },
    "conditional-access-what-if": (fake) => fake.edit(IDS.policyReportOnly, (stored) => {
        stored.conditions.users.excludeUsers = [];
        stored.conditions.users.excludeGroups = [];
    }),
    "credentials-keys-distinct": (fake) => {
        fake.addFido2Method(IDS.admin, { ...EMERGENCY_KEY, passkeyType: "deviceBound" });
    },
    "drill-recency": (fake) => fake.editUser(IDS.account1, (user) => {
        user.signInActivity = { lastSuccessfulSignInDateTime: daysBeforeNow(80), lastSignInDateTime: daysBeforeNow(80) };
    }),
};
