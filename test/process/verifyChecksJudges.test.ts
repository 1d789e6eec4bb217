// The pure judges of the Graph verify checks, table-driven: the boundaries of every threshold, the assignment shapes
// that are and are not emergency access, the modes of credentials, the protection findings, and the definitions'
// metadata (ids, severities, sources, exact permissions).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RoleAssignmentInstance } from "../../graph/roles";
import type { UserState } from "../../graph/users";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import type { Declaration, DeclaredAccount } from "../../commands/verify/model";
import { accountProblems, judgeAccountsCount } from "../../commands/verify/checks/accounts";
import { judgeConditionalAccessExclusions } from "../../commands/verify/checks/conditionalAccess";
import { allowedMethodTypes, judgeKeysDistinct, judgePhishingResistant, judgeRotatedAfterUse } from "../../commands/verify/checks/credentials";
import { DRILL_FAIL_DAYS, DRILL_WARN_DAYS, judgeDrillRecency, nextDrillDue } from "../../commands/verify/checks/drill";
import { judgeAdministrativeUnit, judgeProtectionGroup } from "../../commands/verify/checks/protection";
import { accountPrefix, undeclaredAccountNames, type AccountState } from "../../commands/verify/checks/reads";
import { isPermanentDirectAssignment, judgeGlobalAdministratorCount, judgeLimitedAccount } from "../../commands/verify/checks/roles";
import { DEFAULT_WHAT_IF_MATRIX, judgeWhatIf } from "../../commands/verify/checks/whatIf";
import { GRAPH_CHECKS } from "../helpers/verifyTenants";

const NOW = new Date("2026-11-26T12:00:00Z");
const GA = "62e90394-69f5-4237-9190-012177145e10";

const declared = (key: number | "limited", id: string): DeclaredAccount => ({
    key,
    userPrincipalName: `breakglass-${key}@contoso.onmicrosoft.com`,
    id,
    limited: key === "limited",
});

const state = (id: string, userPrincipalName: string, changes: Partial<UserState> = {}): UserState => ({
    id,
    userPrincipalName,
    accountEnabled: true,
    onPremisesSyncEnabled: null,
    userType: "Member",
    assignedLicenses: [],
    ...changes,
});

const account = (key: number | "limited", id: string, changes: Partial<UserState> = {}): AccountState => {
    const d = declared(key, id);
    return { declared: d, state: state(id, d.userPrincipalName, changes) };
};

const DECLARATION: Declaration = {
    tenantDomain: "contoso.onmicrosoft.com",
    accounts: [declared(1, "u1"), declared(2, "u2")],
    group: { id: "g1", displayName: "Emergency Access Accounts" },
    credentialMode: "passkey",
    credentialMethod: "passkey",
    requiredPasskeys: 2,
    restrictedManagement: false,
    whatIf: DEFAULT_WHAT_IF_MATRIX,
};

const instance = (changes: Partial<RoleAssignmentInstance> = {}): RoleAssignmentInstance => ({
    id: "a1",
    principalId: "u1",
    roleDefinitionId: GA,
    directoryScopeId: "/",
    assignmentType: "Assigned",
    memberType: "Direct",
    startDateTime: "2026-01-01T00:00:00Z",
    endDateTime: null,
    ...changes,
});

describe("definitions", () => {
    test("every check has its stable id, severity, sources and exact Graph permissions", () => {
        const table = GRAPH_CHECKS.map((check) => [check.id, check.severity, check.sources.join(", "), check.permissions.map((p) => p.application).join(", ")]);
        assert.deepEqual(table, [
            ["accounts-exist", "critical", "Microsoft, ZTA 21835, CIS 1.1.2", "User.Read.All"],
            ["accounts-count", "high", "Microsoft, CIS 1.1.2", "User.Read.All, RoleManagement.Read.Directory"],
            ["role-permanent-global-administrator", "critical", "Microsoft, ZTA 21835, ScubaGear MS.AAD.7.1v1, CIS 1.1.3", "User.Read.All, RoleManagement.Read.Directory"],
            ["role-limited-account", "high", "Microsoft", "User.Read.All, RoleManagement.Read.Directory"],
            ["role-global-administrator-count", "medium", "ZTA 21816, ScubaGear MS.AAD.7.1v1, CIS 1.1.3", "User.Read.All, RoleManagement.Read.Directory, Directory.Read.All"],
            ["conditional-access-exclusions", "critical", "MT.1005, Prowler, ZTA 21835", "User.Read.All, Policy.Read.All"],
            ["conditional-access-what-if", "critical", "MT.1034", "User.Read.All, Policy.Read.ConditionalAccess"],
            ["credentials-phishing-resistant", "critical", "Microsoft, ZTA 21835, Prowler", "User.Read.All, UserAuthenticationMethod.Read.All"],
            ["credentials-rotated-after-use", "high", "Microsoft", "User.Read.All, AuditLog.Read.All"],
            ["credentials-keys-distinct", "medium", "Microsoft", "User.Read.All, RoleManagement.Read.Directory, Directory.Read.All, UserAuthenticationMethod.Read.All"],
            ["drill-recency", "high", "Microsoft", "User.Read.All, AuditLog.Read.All, UserAuthenticationMethod.Read.All"],
            ["protection-group", "high", "CIS 1.1.2, Microsoft", "User.Read.All, GroupMember.Read.All"],
            ["protection-administrative-unit", "high", "CIS 1.1.2", "User.Read.All, AdministrativeUnit.Read.All"],
        ]);
        for (const check of GRAPH_CHECKS) {
            for (const permission of check.permissions) {
                assert.equal(permission.delegated, permission.application, check.id);
                assert.equal(permission.role, "Global Reader", check.id);
                assert.doesNotMatch(permission.application, /ReadWrite/, check.id);
            }
        }
    });

    test("the default What-If matrix: four applications with browser and mobile/desktop, and Exchange ActiveSync", () => {
        assert.deepEqual(
            DEFAULT_WHAT_IF_MATRIX.map((item) => `${item.application} ${item.clientAppType}`),
            [
                "797f4846-ba00-4fd7-ba43-dac1f8f63013 browser",
                "797f4846-ba00-4fd7-ba43-dac1f8f63013 mobileAppsAndDesktopClients",
                "00000003-0000-0000-c000-000000000000 browser",
                "00000003-0000-0000-c000-000000000000 mobileAppsAndDesktopClients",
                "00000006-0000-0ff1-ce00-000000000000 browser",
                "00000006-0000-0ff1-ce00-000000000000 mobileAppsAndDesktopClients",
                "00000002-0000-0ff1-ce00-000000000000 browser",
                "00000002-0000-0ff1-ce00-000000000000 mobileAppsAndDesktopClients",
                "00000002-0000-0ff1-ce00-000000000000 exchangeActiveSync",
            ],
        );
        assert.equal(new Set(DEFAULT_WHAT_IF_MATRIX.map((item) => item.name)).size, DEFAULT_WHAT_IF_MATRIX.length);
    });
});

describe("accounts", () => {
    const cases: [string, Partial<UserState>, string[]][] = [
        ["a good account", {}, []],
        ["a custom domain", { userPrincipalName: "breakglass-1@contoso.com" }, [
            "its user principal name is breakglass-1@contoso.com, not the declared breakglass-1@contoso.onmicrosoft.com",
            "its domain contoso.com is not the initial *.onmicrosoft.com domain",
        ]],
        ["onPremisesSyncEnabled false is cloud-only", { onPremisesSyncEnabled: false }, []],
        ["userType null", { userType: null }, ["it is not a member (userType null)"]],
        ["two licenses", { assignedLicenses: [{ skuId: "s1" }, { skuId: "s2" }] }, ["it holds 2 license(s) (skuId s1, s2)"]],
    ];
    for (const [name, changes, problems] of cases) {
        test(`accountProblems: ${name}`, () => {
            const d = declared(1, "u1");
            assert.deepEqual(accountProblems(d, state("u1", d.userPrincipalName, changes)), problems);
        });
    }

    test("accounts-count: a declared account missing fails and is named; the limited one missing fails on its own", () => {
        const declaration = { ...DECLARATION, accounts: [...DECLARATION.accounts, declared("limited", "ul")] };
        const evidence = judgeAccountsCount(
            { accounts: [account(1, "u1"), { declared: declared(2, "u2") }, { declared: declared("limited", "ul") }], undeclared: [], globalAdministrators: [] },
            declaration,
        );
        assert.deepEqual(evidence.map((item) => [item.status, item.detail]), [
            ["FAIL", "1 found, 2 declared; missing: breakglass-2@contoso.onmicrosoft.com."],
            ["FAIL", "The declared limited account was not found."],
        ]);
    });

    test("the names a forgotten account would have follow the declared prefix", () => {
        assert.equal(accountPrefix(DECLARATION), "breakglass");
        assert.deepEqual(undeclaredAccountNames(DECLARATION), [
            "breakglass-3@contoso.onmicrosoft.com",
            "breakglass-4@contoso.onmicrosoft.com",
            "breakglass-5@contoso.onmicrosoft.com",
            "breakglass-6@contoso.onmicrosoft.com",
            "breakglass-limited@contoso.onmicrosoft.com",
        ]);
        assert.deepEqual(undeclaredAccountNames({ ...DECLARATION, accounts: [{ ...declared(1, "u1"), userPrincipalName: "sos@contoso.onmicrosoft.com" }] }), []);
    });
});

describe("roles", () => {
    const shapes: [string, Partial<RoleAssignmentInstance>, boolean][] = [
        ["assigned, direct, at /, permanent", {}, true],
        ["memberType absent (direct)", { memberType: undefined }, true],
        ["through a group", { memberType: "Group" }, false],
        ["activated (PIM-eligible)", { assignmentType: "Activated" }, false],
        ["expiring", { endDateTime: "2027-01-01T00:00:00Z" }, false],
        ["scoped to a unit", { directoryScopeId: "/administrativeUnits/x" }, false],
        ["another role", { roleDefinitionId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451" }, false],
    ];
    for (const [name, changes, expected] of shapes) {
        test(`isPermanentDirectAssignment: ${name} → ${expected}`, () => {
            assert.equal(isPermanentDirectAssignment(instance(changes), GA), expected);
        });
    }

    const counts: [number, string][] = [
        [1, "FAIL"],
        [2, "PASS"],
        [4, "PASS"],
        [5, "WARN"],
        [8, "WARN"],
    ];
    for (const [count, status] of counts) {
        test(`role-global-administrator-count: ${count} standing → ${status}`, () => {
            const instances = Array.from({ length: count }, (_, index) => instance({ id: `a${index}`, principalId: `p${index}` }));
            assert.equal(judgeGlobalAdministratorCount(instances, [], [])[0].status, status);
        });
    }

    test("role-global-administrator-count: activated assignments are not standing; a principal counts once; a group is named as a group", () => {
        const evidence = judgeGlobalAdministratorCount(
            [
                instance({ id: "a1", principalId: "u1" }),
                instance({ id: "a2", principalId: "U1", directoryScopeId: "/" }),
                instance({ id: "a3", principalId: "g9" }),
                instance({ id: "a4", principalId: "p7", assignmentType: "Activated", endDateTime: "2026-11-26T20:00:00Z" }),
            ],
            [{ id: "g9", type: "group", displayName: "Tier 0 admins" }],
            ["u1"],
        );
        assert.deepEqual(evidence.map((item) => item.detail), [
            "2 standing Global Administrator(s): within 2 to 4.",
            "unknown type (name not resolved) (emergency account): permanent.",
            "group Tier 0 admins: permanent.",
        ]);
    });

    test("role-limited-account: an eligible-only role is named with its shape", () => {
        const limited = account("limited", "ul");
        const evidence = judgeLimitedAccount(limited, [
            instance({ principalId: "ul", roleDefinitionId: "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9" }),
            instance({ principalId: "ul", roleDefinitionId: "0526716b-113d-4c15-b2c8-68e3c22b9f80", assignmentType: "Activated", endDateTime: "2026-11-27T00:00:00Z" }),
        ]);
        assert.deepEqual(evidence.map((item) => [item.status, item.detail]), [
            ["PASS", "Holds Conditional Access Administrator active, permanent, at /, directly."],
            ["FAIL", "Holds Authentication Policy Administrator only as Activated, Direct, at /, until 2026-11-27T00:00:00Z; it must be Assigned, Direct, at /, permanent."],
        ]);
    });
});

describe("Conditional Access", () => {
    const policy = (id: string, state: string, users: Record<string, unknown> | null, clientApplications: Record<string, unknown> | null = null): ConditionalAccessPolicy => ({
        id,
        displayName: `Policy ${id}`,
        state,
        conditions: { users, clientApplications },
    });
    const wanted = { userIds: ["u1", "u2"], groupIds: ["g1"] };

    test("a disabled policy missing the group fails; an agent-only policy passes with its reason; exclusion ids compare without case", () => {
        const evidence = judgeConditionalAccessExclusions(
            [
                policy("p1", "disabled", { includeUsers: ["All"], excludeUsers: ["U1", "u2"], excludeGroups: [] }),
                policy("p2", "enabledForReportingButNotEnforced", { includeGroups: ["x"], excludeUsers: ["u1", "u2"], excludeGroups: ["G1"] }),
                policy("p3", "enabled", { includeUsers: ["None"] }, { includeAgentIdServicePrincipals: ["All"] }),
            ],
            wanted,
        );
        assert.deepEqual(evidence.map((item) => [item.subject, item.status, item.detail]), [
            ["Conditional Access policies", "FAIL", "2 user-scoped policies checked (of 3), in every state: 1 miss an exclusion."],
            ["Policy p1", "FAIL", "State disabled: does not exclude directly group g1."],
            ["Policy p3", "PASS", "Not user-scoped: targets agent identities only; Graph accepts no user or group exclusions there."],
        ]);
    });

    test("What-If: an enforced and a report-only policy on the same sign-in fail, naming both", () => {
        const outcome = {
            account: account(1, "u1"),
            whatIfCase: DEFAULT_WHAT_IF_MATRIX[0],
            policies: [
                { id: "p1", displayName: "Block", state: "enabled", policyApplies: true },
                { id: "p2", displayName: "Audit", state: "enabledForReportingButNotEnforced", policyApplies: true },
                { id: "p3", displayName: "Other", state: "enabled", policyApplies: false },
            ],
        };
        const evidence = judgeWhatIf([outcome], ["breakglass-9@contoso.onmicrosoft.com"], DEFAULT_WHAT_IF_MATRIX);
        assert.deepEqual(evidence.map((item) => [item.status, item.detail]), [
            ["PASS", `Asked for 1 account(s) × 9 sign-in(s): ${DEFAULT_WHAT_IF_MATRIX.map((item) => item.name).join("; ")}.`],
            ["FAIL", 'Azure portal and ARM, browser: would apply: "Block" (p1); report-only, would apply but not block: "Audit" (p2).'],
            ["FAIL", "Not found: What-If cannot be asked about an account that does not exist."],
        ]);
    });
});

describe("credentials", () => {
    const key = (id: string, aaGuid: string, passkeyType?: string) => ({ id, aaGuid, model: "Key", ...(passkeyType ? { passkeyType } : {}) });
    const methods = (...types: string[]) => [{ id: "pw", type: "passwordAuthenticationMethod" }, ...types.map((type, index) => ({ id: `m${index}`, type }))];

    test("passkey mode: synced passkeys are allowed but not counted", () => {
        const [evidence] = judgePhishingResistant(
            [{ account: account(1, "u1"), methods: methods("fido2AuthenticationMethod", "fido2AuthenticationMethod"), fido2: [key("k1", "a1"), key("k2", "a2", "synced")] }],
            [],
            DECLARATION,
        );
        assert.equal(evidence.status, "FAIL");
        assert.equal(evidence.detail, "1 device-bound FIDO2 key(s), 2 required.");
    });

    test("certificate mode: a certificate method is allowed, no key count is required, and the evidence says Graph lists none per user", () => {
        const declaration = { ...DECLARATION, credentialMethod: "certificate" as const };
        assert.deepEqual(allowedMethodTypes("certificate"), [
            "passwordAuthenticationMethod",
            "fido2AuthenticationMethod",
            "x509CertificateAuthenticationMethod",
            "certificateBasedAuthConfiguration",
        ]);
        const [pass] = judgePhishingResistant([{ account: account(1, "u1"), methods: methods("x509CertificateAuthenticationMethod"), fido2: [] }], [], declaration);
        assert.equal(pass.status, "PASS");
        assert.match(pass.detail, /Graph lists no certificate method per user/);
        const [fail] = judgePhishingResistant([{ account: account(1, "u1"), methods: methods("softwareOathAuthenticationMethod", "emailAuthenticationMethod"), fido2: [] }], [], declaration);
        assert.equal(fail.detail, "other methods registered: softwareOathAuthenticationMethod (m0), emailAuthenticationMethod (m1).");
    });

    const rotations: [string, string | undefined, string | undefined, string][] = [
        ["never signed in", "2026-01-01T00:00:00Z", undefined, "PASS"],
        ["rotated after the sign-in", "2026-11-01T01:00:00Z", "2026-11-01T00:00:00Z", "PASS"],
        ["signed in after the rotation", "2026-11-01T00:00:00Z", "2026-11-01T00:00:01Z", "FAIL"],
        ["no password change date", undefined, "2026-11-01T00:00:00Z", "FAIL"],
    ];
    for (const [name, changed, signedIn, status] of rotations) {
        test(`credentials-rotated-after-use (sealed): ${name} → ${status}`, () => {
            const [evidence] = judgeRotatedAfterUse(
                [{ account: account(1, "u1"), ...(changed ? { lastPasswordChangeDateTime: changed } : {}), ...(signedIn ? { signIn: { lastSuccessfulSignInDateTime: signedIn } } : {}) }],
                { ...DECLARATION, credentialMode: "sealed-password" },
            );
            assert.equal(evidence.status, status);
        });
    }

    test("credentials-keys-distinct: AAGUIDs compare without case; no other admin passes with the count", () => {
        const emergency = [{ account: account(1, "u1"), methods: [], fido2: [key("k1", "2FC0579F-8113-47EA-B116-BB5A8DB9202A")] }];
        const warned = judgeKeysDistinct(emergency, [{ id: "p1", name: "ada", fido2: [key("k9", "2fc0579f-8113-47ea-b116-bb5a8db9202a")] }]);
        assert.deepEqual(warned.map((item) => item.status), ["WARN"]);
        assert.deepEqual(judgeKeysDistinct(emergency, []).map((item) => [item.status, item.detail]), [
            ["PASS", "No emergency key model is registered to any of the 0 other Global Administrator user(s)."],
        ]);
    });
});

describe("drill recency", () => {
    const at = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
    const boundaries: [number, string][] = [
        [0, "PASS"],
        [DRILL_WARN_DAYS - 0.01, "PASS"],
        [DRILL_WARN_DAYS, "WARN"],
        [DRILL_FAIL_DAYS, "WARN"],
        [DRILL_FAIL_DAYS + 0.99, "WARN"],
        [DRILL_FAIL_DAYS + 1, "FAIL"],
        [400, "FAIL"],
    ];
    for (const [days, status] of boundaries) {
        test(`a sign-in ${days} days before now → ${status}`, () => {
            const [evidence] = judgeDrillRecency([{ account: account(1, "u1"), signIn: { lastSuccessfulSignInDateTime: at(days) }, fido2: [] }], [], NOW);
            assert.equal(evidence.status, status);
        });
    }

    test("a failed sign-in does not count as a drill: only lastSuccessfulSignInDateTime does", () => {
        const [evidence] = judgeDrillRecency([{ account: account(1, "u1"), signIn: { lastSignInDateTime: at(1) }, fido2: [] }], [], NOW);
        assert.equal(evidence.status, "FAIL");
        assert.match(evidence.detail, /^Never signed in successfully/);
    });

    test("nextDrillDue: 90 days after the last sign-in, or now when there was none", () => {
        assert.equal(nextDrillDue(new Date("2026-09-01T08:00:00Z"), NOW).toISOString(), "2026-11-30T08:00:00.000Z");
        assert.equal(nextDrillDue(undefined, NOW).toISOString(), NOW.toISOString());
    });
});

describe("protection", () => {
    test("a deleted group fails, named with its id", () => {
        assert.deepEqual(judgeProtectionGroup({ ownerIds: [], memberIds: [] }, [], DECLARATION), [
            { subject: "Emergency Access Accounts", id: "g1", status: "FAIL", detail: "Not found: Graph answered 404 for group g1." },
        ]);
    });

    test("a group that is not role-assignable, not security-enabled and mail-enabled fails with each reason", () => {
        const [settings] = judgeProtectionGroup(
            {
                group: { id: "g1", displayName: "x", isAssignableToRole: null, visibility: "Private", securityEnabled: false, mailEnabled: true },
                ownerIds: [],
                memberIds: ["u1"],
            },
            [account(1, "u1")],
            DECLARATION,
        );
        assert.equal(
            settings.detail,
            "it is not role-assignable (isAssignableToRole not true): a Groups Administrator can change its members; it is not security-enabled; it is mail-enabled.",
        );
    });

    const declared = { ...DECLARATION, restrictedManagement: true };
    const unit = (changes: Record<string, unknown> = {}) => ({ id: "au1", displayName: "Emergency Access (restricted management)", isMemberManagementRestricted: true, ...changes });
    const units: [string, Parameters<typeof judgeAdministrativeUnit>[0], string][] = [
        ["not found", { lookedUpBy: 'display name "Emergency Access (restricted management)"', units: [], memberIds: [] }, 'Not found by display name "Emergency Access (restricted management)".'],
        ["not restricted", { lookedUpBy: "id au1", units: [unit({ isMemberManagementRestricted: false })], memberIds: ["u1", "g1"] }, "isMemberManagementRestricted is not true: tenant-wide admins still manage its members."],
        ["two by the name", { lookedUpBy: "name", units: [unit(), unit({ id: "au2" })], memberIds: ["u1", "g1"] }, "2 units carry the name (au1, au2); declare its id."],
        ["missing an account", { lookedUpBy: "id au1", units: [unit()], memberIds: ["g1"] }, "it does not hold breakglass-1@contoso.onmicrosoft.com (u1)."],
    ];
    for (const [name, facts, detail] of units) {
        test(`protection-administrative-unit: ${name}`, () => {
            const [evidence] = judgeAdministrativeUnit(facts, [account(1, "u1")], declared);
            assert.equal(evidence.status, "FAIL");
            assert.equal(evidence.detail, detail);
        });
    }
});
