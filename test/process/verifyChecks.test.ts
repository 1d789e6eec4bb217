// The verify checks of accounts, roles, Conditional Access, What-If, credentials, drills and protection, run against
// the fake Graph over real HTTP: every check passes on the good tenant, each named mutation fails its own check (and
// only the ones FAILING_TOGETHER says must fail with it), and each check that can warn warns on its mutation. The
// evidence is asserted: subjects, ids, dates.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { Evidence } from "../../commands/verify/model";
import { DEFAULT_WHAT_IF_MATRIX } from "../../commands/verify/checks/whatIf";
import {
    ADMIN_KEY,
    EMERGENCY_KEY,
    EXTRA_IDS,
    FAILING_TENANTS,
    FAILING_TOGETHER,
    GOOD_TENANT_NOW,
    GRAPH_CHECKS,
    IDS,
    LAST_DRILL,
    PASSWORD_ROTATED,
    STRAY_LICENSE,
    TENANT_DOMAIN,
    WARNING_TENANTS,
    daysBeforeNow,
    judge,
    judgeAll,
    startGoodTenant,
    type GoodTenant,
} from "../helpers/verifyTenants";

let running: GoodTenant | undefined;
afterEach(async () => {
    await running?.fake.close();
    running = undefined;
});

async function goodTenant(options?: Parameters<typeof startGoodTenant>[0]): Promise<GoodTenant> {
    running = await startGoodTenant(options);
    return running;
}

/** The one check with this id. */
function check(id: string) {
    const found = GRAPH_CHECKS.find((candidate) => candidate.id === id);
    assert.ok(found, `no check ${id}`);
    return found;
}

/** Runs one check on a fresh context of the tenant. */
async function run(tenant: GoodTenant, id: string, now?: Date) {
    return judge(check(id), tenant.context(now));
}

/** The evidence of a status, without the facts (asserted separately where they matter). */
function withStatus(evidence: readonly Evidence[], status: string): Omit<Evidence, "facts">[] {
    return evidence
        .filter((item) => item.status === status)
        .map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => key !== "facts")) as Omit<Evidence, "facts">);
}

const UPN1 = `breakglass-1@${TENANT_DOMAIN}`;
const UPN2 = `breakglass-2@${TENANT_DOMAIN}`;
const UPN_LIMITED = `breakglass-limited@${TENANT_DOMAIN}`;

describe("the good tenant", () => {
    test("every check of accounts, roles, Conditional Access, What-If, credentials, drills and protection passes, each read made once", async () => {
        const tenant = await goodTenant();
        const results = await judgeAll(tenant.context());
        for (const [id, result] of Object.entries(results)) {
            assert.equal(result.status, "PASS", `${id}: ${result.error ?? JSON.stringify(result.evidence.filter((item) => item.status !== "PASS"))}`);
        }
        assert.deepEqual(Object.keys(results), [
            "accounts-exist",
            "accounts-count",
            "role-permanent-global-administrator",
            "role-limited-account",
            "role-global-administrator-count",
            "conditional-access-exclusions",
            "conditional-access-what-if",
            "credentials-phishing-resistant",
            "credentials-rotated-after-use",
            "credentials-keys-distinct",
            "drill-recency",
            "protection-group",
            "protection-administrative-unit",
        ]);
        // Shared reads: one state per account, one sign-in activity each, one policy list, one listing of the
        // Global Administrators, one of the limited account's roles.
        const gets = (path: string) => tenant.fake.requestsTo(path, "GET").length;
        for (const id of [IDS.account1, IDS.account2, IDS.limited]) {
            assert.equal(tenant.fake.requestsTo(`/v1.0/users/${id}?$select=id,userPrincipalName,accountEnabled`, "GET").length, 1, id);
            assert.equal(tenant.fake.requestsTo(`/v1.0/users/${id}?$select=id,signInActivity`, "GET").length, 1, id);
            assert.equal(gets(`/v1.0/users/${id}/authentication/methods`), 1, id);
            assert.equal(gets(`/v1.0/users/${id}/authentication/fido2Methods`), 1, id);
        }
        assert.equal(gets("/v1.0/identity/conditionalAccess/policies"), 1);
        assert.equal(gets("roleAssignmentScheduleInstances"), 2);
        assert.equal(tenant.fake.requestsTo("/v1.0/identity/conditionalAccess/evaluate", "POST").length, 3 * DEFAULT_WHAT_IF_MATRIX.length);
        assert.ok(tenant.fake.requests.every((request) => request.method === "GET" || /\/evaluate$|\/getByIds$/.test(request.path)), "verify writes nothing");
    });

    test("the evidence of a passing tenant names the accounts, the standing Global Administrators and the policies", async () => {
        const tenant = await goodTenant();
        const count = await run(tenant, "role-global-administrator-count");
        assert.deepEqual(
            count.evidence.map((item) => [item.subject, item.id, item.detail]),
            [
                ["standing Global Administrators", undefined, "3 standing Global Administrator(s): within 2 to 4."],
                [UPN1, IDS.account1, `user ${UPN1} (emergency account): permanent.`],
                [UPN2, IDS.account2, `user ${UPN2} (emergency account): permanent.`],
                [`ada.admin@${TENANT_DOMAIN}`, IDS.admin, `user ada.admin@${TENANT_DOMAIN}: permanent.`],
            ],
        );
        const exclusions = await run(tenant, "conditional-access-exclusions");
        assert.deepEqual(
            exclusions.evidence.map((item) => [item.subject, item.status, item.detail]),
            [
                ["Conditional Access policies", "PASS", "3 user-scoped policies checked (of 4), in every state: each excludes every account and the group directly."],
                [
                    "Block risky workload identities",
                    "PASS",
                    "Not user-scoped: targets workload identities (service principals) only; Graph accepts no user or group exclusions there.",
                ],
            ],
        );
        const drill = await run(tenant, "drill-recency");
        assert.deepEqual(drill.evidence[0], {
            subject: UPN1,
            id: IDS.account1,
            status: "PASS",
            detail: `Last successful sign-in ${LAST_DRILL}, 20 days ago: next due by 2027-02-04 (last password change ${PASSWORD_ROTATED}, newest key registered 2026-01-05T09:00:00Z).`,
            facts: {
                lastSuccessfulSignInDateTime: LAST_DRILL,
                lastPasswordChangeDateTime: PASSWORD_ROTATED,
                newestKeyRegisteredDateTime: "2026-01-05T09:00:00Z",
                nextDrillDue: "2027-02-04T12:00:00.000Z",
                days: 20,
            },
        });
        const unit = await run(tenant, "protection-administrative-unit");
        assert.equal(unit.evidence[0].detail, "Restricted, and holds the 3 account(s) and the group.");
        assert.equal(tenant.fake.requestsTo("/directory/administrativeUnits?$filter=displayName eq 'Emergency Access (restricted management)'", "GET").length, 1);
    });

    test("without a limited account, role-limited-account says so and passes", async () => {
        const tenant = await goodTenant({ limited: false });
        const result = await run(tenant, "role-limited-account");
        assert.deepEqual(result.evidence, [{ subject: "limited account", status: "PASS", detail: "No limited account declared." }]);
        assert.equal(tenant.fake.requestsTo("roleAssignmentScheduleInstances").length, 0);
    });
});

describe("each failing tenant fails its own check, and only the checks that must fail with it", () => {
    for (const [id, mutate] of Object.entries(FAILING_TENANTS)) {
        test(id, async () => {
            const tenant = await goodTenant();
            mutate(tenant.fake, tenant);
            const results = await judgeAll(tenant.context());
            const failing = Object.entries(results)
                .filter(([, result]) => result.status !== "PASS" && result.status !== "WARN")
                .map(([checkId]) => checkId);
            assert.deepEqual(failing.sort(), [id, ...(FAILING_TOGETHER[id] ?? [])].sort());
            assert.equal(results[id].status, "FAIL");
        });
    }

    test("every check that can fail has a failing tenant", () => {
        const warnOnly = ["credentials-keys-distinct"];
        assert.deepEqual(
            Object.keys(FAILING_TENANTS).sort(),
            GRAPH_CHECKS.map((definition) => definition.id).filter((checkId) => !warnOnly.includes(checkId)).sort(),
        );
    });
});

describe("the evidence of each failure", () => {
    test("accounts-exist: a license names its skuId; a disabled, synchronized guest on a custom domain names each problem", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["accounts-exist"](tenant.fake, tenant);
        tenant.fake.editUser(IDS.account2, (user) => {
            user.accountEnabled = false;
            user.onPremisesSyncEnabled = true;
            user.userType = "Guest";
        });
        const result = await run(tenant, "accounts-exist");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            { subject: UPN1, id: IDS.account1, status: "FAIL", detail: `It holds 1 license(s) (skuId ${STRAY_LICENSE}).` },
            {
                subject: UPN2,
                id: IDS.account2,
                status: "FAIL",
                detail:
                    "It is disabled (accountEnabled false); it is synchronized from on-premises (onPremisesSyncEnabled true), not cloud-only; " +
                    "it is not a member (userType Guest).",
            },
        ]);
        assert.deepEqual(withStatus(result.evidence, "PASS").map((item) => item.subject), [UPN_LIMITED]);
    });

    test("accounts-exist: a deleted account is named with its id", async () => {
        const tenant = await goodTenant();
        tenant.fake.inject(IDS.account2, { kind: "status", status: 404, times: 1, pathIncludes: "$select=id,userPrincipalName" });
        const result = await run(tenant, "accounts-exist");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            { subject: UPN2, id: IDS.account2, status: "FAIL", detail: `Not found: Graph answered 404 for user ${IDS.account2}.` },
        ]);
    });

    test("accounts-count: an undeclared breakglass-3 holding Global Administrator fails, named with its id", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["accounts-count"](tenant.fake, tenant);
        const result = await run(tenant, "accounts-count");
        assert.deepEqual(result.evidence[0], {
            subject: "Global Administrator emergency accounts",
            status: "FAIL",
            detail: `3 found, 2 declared; undeclared and holding Global Administrator: breakglass-3@${TENANT_DOMAIN} (${EXTRA_IDS.forgotten}).`,
            facts: { declared: 2, found: 3, accounts: [UPN1, UPN2, `breakglass-3@${TENANT_DOMAIN}`] },
        });
        // The likely names were looked up: breakglass-3 to -6 (the limited account is declared).
        for (const n of [3, 4, 5, 6]) assert.equal(tenant.fake.requestsTo(`/v1.0/users/breakglass-${n}@${TENANT_DOMAIN}`, "GET").length, 1, `breakglass-${n}`);
        assert.equal(tenant.fake.requestsTo(`/v1.0/users/breakglass-7@`).length, 0);
    });

    test("role-permanent-global-administrator: an expiring assignment names its end; the limited account holding the role fails", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["role-permanent-global-administrator"](tenant.fake, tenant);
        tenant.fake.addRoleAssignment({ principalId: IDS.limited, roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10", assignmentType: "Activated", endDateTime: "2026-11-26T20:00:00Z" });
        const result = await run(tenant, "role-permanent-global-administrator");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            {
                subject: UPN2,
                id: IDS.account2,
                status: "FAIL",
                detail: "Holds Global Administrator only as Assigned, Direct, at /, until 2027-01-31T00:00:00Z; it must be Assigned, Direct, at /, permanent.",
            },
            {
                subject: UPN_LIMITED,
                id: IDS.limited,
                status: "FAIL",
                detail: "The limited account holds Global Administrator (Activated, Direct, at /, until 2026-11-26T20:00:00Z); it must never.",
            },
        ]);
    });

    test("role-limited-account: the missing role is named with its template id", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["role-limited-account"](tenant.fake, tenant);
        const result = await run(tenant, "role-limited-account");
        assert.deepEqual(
            result.evidence.map((item) => [item.subject, item.status, item.detail]),
            [
                [UPN_LIMITED, "PASS", "Holds Conditional Access Administrator active, permanent, at /, directly."],
                [UPN_LIMITED, "FAIL", "Does not hold Authentication Policy Administrator (0526716b-113d-4c15-b2c8-68e3c22b9f80)."],
            ],
        );
    });

    test("role-global-administrator-count: one standing Global Administrator fails", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["role-global-administrator-count"](tenant.fake, tenant);
        const result = await run(tenant, "role-global-administrator-count");
        assert.deepEqual(result.evidence.map((item) => [item.subject, item.status, item.detail]), [
            ["standing Global Administrators", "FAIL", "1 standing Global Administrator(s): fewer than 2: one lost account locks the tenant out."],
            [UPN1, "PASS", `user ${UPN1} (emergency account): permanent.`],
        ]);
    });

    test("conditional-access-exclusions: the policy, its state and the missing id", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["conditional-access-exclusions"](tenant.fake, tenant);
        const result = await run(tenant, "conditional-access-exclusions");
        assert.deepEqual(result.evidence.filter((item) => item.status === "FAIL"), [
            {
                subject: "Conditional Access policies",
                status: "FAIL",
                detail: "3 user-scoped policies checked (of 4), in every state: 1 miss an exclusion.",
                facts: { policies: 4, userScoped: 3, failing: 1 },
            },
            {
                subject: "Block legacy authentication",
                id: IDS.policyLegacy,
                status: "FAIL",
                detail: `State enabled: does not exclude directly user ${IDS.account2}.`,
                facts: { state: "enabled", missingUserIds: [IDS.account2], missingGroupIds: [] },
            },
        ]);
    });

    test("conditional-access-what-if: each account and sign-in the new policy applies to, with the policy named", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["conditional-access-what-if"](tenant.fake, tenant);
        const result = await run(tenant, "conditional-access-what-if");
        const failing = result.evidence.filter((item) => item.status === "FAIL");
        assert.equal(failing.length, 3 * DEFAULT_WHAT_IF_MATRIX.length);
        assert.deepEqual(failing[0], {
            subject: UPN1,
            id: IDS.account1,
            status: "FAIL",
            detail: `Azure portal and ARM, browser: would apply: "Block sign-ins from outside Europe" (${EXTRA_IDS.policyNew}).`,
            facts: { application: "797f4846-ba00-4fd7-ba43-dac1f8f63013", clientAppType: "browser", policyIds: [EXTRA_IDS.policyNew] },
        });
        // The request Graph documents: a user sign-in, an application context, the client type, applied policies only.
        assert.deepEqual(tenant.fake.requestsTo("/evaluate", "POST")[0].body, {
            signInIdentity: { "@odata.type": "#microsoft.graph.userSignIn", userId: IDS.account1 },
            signInContext: { "@odata.type": "#microsoft.graph.applicationContext", includeApplications: ["797f4846-ba00-4fd7-ba43-dac1f8f63013"] },
            signInConditions: { clientAppType: "browser" },
            appliedPoliciesOnly: true,
        });
    });

    test("credentials-phishing-resistant: a leftover phone method and a Temporary Access Pass are named; too few keys are counted", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["credentials-phishing-resistant"](tenant.fake, tenant);
        const pass = tenant.fake.addTemporaryAccessPass(IDS.account2, { lifetimeInMinutes: 60 });
        const key = tenant.fake.fido2Methods(IDS.limited)[0];
        tenant.fake.removeFido2Method(IDS.limited, key.id);
        const result = await run(tenant, "credentials-phishing-resistant");
        const failing = withStatus(result.evidence, "FAIL");
        assert.equal(failing.length, 3);
        assert.match(failing[0].detail, new RegExp(`^other methods registered: phoneAuthenticationMethod \\([0-9a-f-]{36}\\)\\.$`));
        assert.deepEqual(failing[1], {
            subject: UPN2,
            id: IDS.account2,
            status: "FAIL",
            detail: `other methods registered: temporaryAccessPassAuthenticationMethod (${pass.id}).`,
        });
        assert.deepEqual(failing[2], { subject: UPN_LIMITED, id: IDS.limited, status: "FAIL", detail: "1 device-bound FIDO2 key(s), 2 required." });
        for (const issued of tenant.fake.issuedTemporaryAccessPasses()) assert.ok(!JSON.stringify(result).includes(issued), "no pass in the evidence");
    });

    test("credentials-rotated-after-use: a sign-in after the last password change names both dates", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["credentials-rotated-after-use"](tenant.fake, tenant);
        const result = await run(tenant, "credentials-rotated-after-use");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            {
                subject: UPN1,
                id: IDS.account1,
                status: "FAIL",
                detail: `Signed in at ${LAST_DRILL}, after the last password change at ${daysBeforeNow(40)}: rotate the sealed password (Microsoft: after each use).`,
            },
        ]);
        assert.equal(withStatus(result.evidence, "PASS")[0].detail, `Password changed at ${PASSWORD_ROTATED}, after the last sign-in at ${LAST_DRILL}.`);
    });

    test("credentials-rotated-after-use: passkey mode passes without reading anything", async () => {
        const tenant = await goodTenant();
        const result = await run(tenant, "credentials-rotated-after-use");
        assert.deepEqual(result.evidence, [{ subject: "passwords", status: "PASS", detail: "Passkey mode: nobody holds the password, so there is none to rotate." }]);
        assert.equal(tenant.fake.requests.length, 0);
    });

    test("drill-recency: 120 days ago fails; never signed in fails as never", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["drill-recency"](tenant.fake, tenant);
        tenant.fake.editUser(IDS.limited, (user) => {
            user.signInActivity = null;
        });
        const result = await run(tenant, "drill-recency");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            {
                subject: UPN2,
                id: IDS.account2,
                status: "FAIL",
                detail: `Last successful sign-in ${daysBeforeNow(120)}, 120 days ago: overdue: more than 90 days (last password change ${PASSWORD_ROTATED}, newest key registered 2026-01-05T09:00:00Z).`,
            },
            {
                subject: UPN_LIMITED,
                id: IDS.limited,
                status: "FAIL",
                detail: `Never signed in successfully: no drill on record (last password change ${PASSWORD_ROTATED}, newest key registered 2026-01-05T09:00:00Z).`,
            },
        ]);
    });

    test("protection-group: an owner, an extra member and a missing one are named", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["protection-group"](tenant.fake, tenant);
        tenant.fake.editGroup(IDS.group, (group) => {
            group.memberIds = [IDS.account1, IDS.limited, EXTRA_IDS.owner];
            group.visibility = "Public";
        });
        const result = await run(tenant, "protection-group");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            {
                subject: "Emergency Access Accounts",
                id: IDS.group,
                status: "FAIL",
                detail: `its visibility is Public, not Private; it has owners (${IDS.admin}), who can change its members.`,
            },
            {
                subject: "Emergency Access Accounts",
                id: IDS.group,
                status: "FAIL",
                detail: `missing member(s): ${UPN2} (${IDS.account2}); member(s) that are not emergency accounts: ${EXTRA_IDS.owner}.`,
            },
        ]);
    });

    test("protection-administrative-unit: the unit not holding the group fails; not declared passes", async () => {
        const tenant = await goodTenant();
        FAILING_TENANTS["protection-administrative-unit"](tenant.fake, tenant);
        const result = await run(tenant, "protection-administrative-unit");
        assert.deepEqual(withStatus(result.evidence, "FAIL"), [
            {
                subject: "Emergency Access (restricted management)",
                id: IDS.unit,
                status: "FAIL",
                detail: `it does not hold ${IDS.group}.`,
            },
        ]);
        tenant.declare({ restrictedManagement: false });
        assert.deepEqual((await run(tenant, "protection-administrative-unit")).evidence, [
            { subject: "restricted-management administrative unit", status: "PASS", detail: "Not declared (restrictedManagement is false)." },
        ]);
    });
});

describe("warnings", () => {
    test("every check that can warn has a warning tenant, and each warns", async () => {
        assert.deepEqual(Object.keys(WARNING_TENANTS).sort(), [
            "accounts-count",
            "conditional-access-what-if",
            "credentials-keys-distinct",
            "drill-recency",
            "role-global-administrator-count",
        ]);
    });

    test("drill-recency: 80 days ago warns with the due date", async () => {
        const tenant = await goodTenant();
        WARNING_TENANTS["drill-recency"](tenant.fake, tenant);
        const result = await run(tenant, "drill-recency");
        assert.equal(result.status, "WARN");
        assert.deepEqual(withStatus(result.evidence, "WARN"), [
            {
                subject: UPN1,
                id: IDS.account1,
                status: "WARN",
                detail: `Last successful sign-in ${daysBeforeNow(80)}, 80 days ago: due by 2026-12-06 (last password change ${PASSWORD_ROTATED}, newest key registered 2026-01-05T09:00:00Z).`,
            },
        ]);
    });

    test("drill-recency: the thresholds are judged against the run's now, not the wall clock", async () => {
        const tenant = await goodTenant();
        const later = new Date(GOOD_TENANT_NOW.getTime() + 71 * 86_400_000);
        assert.equal((await run(tenant, "drill-recency", later)).status, "FAIL");
        const soon = new Date(GOOD_TENANT_NOW.getTime() + 55 * 86_400_000);
        assert.equal((await run(tenant, "drill-recency", soon)).status, "WARN");
    });

    test("role-global-administrator-count: five standing Global Administrators warn, each listed (permanent or until when)", async () => {
        const tenant = await goodTenant();
        WARNING_TENANTS["role-global-administrator-count"](tenant.fake, tenant);
        const result = await run(tenant, "role-global-administrator-count");
        assert.equal(result.status, "WARN");
        assert.deepEqual(result.evidence.map((item) => item.detail), [
            "5 standing Global Administrator(s): more than 4: CIS 1.1.3 wants 2 to 4 and ZTA 21816 fewer (ScubaGear allows up to 8).",
            `user ${UPN1} (emergency account): permanent.`,
            `user ${UPN2} (emergency account): permanent.`,
            `user ada.admin@${TENANT_DOMAIN}: permanent.`,
            `user bob.admin@${TENANT_DOMAIN}: permanent.`,
            `user cleo.admin@${TENANT_DOMAIN}: until 2027-06-30T00:00:00Z.`,
        ]);
        assert.deepEqual(tenant.fake.requestsTo("/v1.0/directoryObjects/getByIds", "POST").length, 1);
    });

    test("conditional-access-what-if: a report-only policy that would apply warns, named", async () => {
        const tenant = await goodTenant();
        WARNING_TENANTS["conditional-access-what-if"](tenant.fake, tenant);
        const result = await run(tenant, "conditional-access-what-if");
        assert.equal(result.status, "WARN");
        const warnings = withStatus(result.evidence, "WARN");
        assert.equal(warnings.length, 3 * DEFAULT_WHAT_IF_MATRIX.length);
        assert.equal(
            warnings.at(-1)?.detail,
            `Exchange Online, Exchange ActiveSync: report-only, would apply but not block: "Require compliant device (report-only)" (${IDS.policyReportOnly}).`,
        );
    });

    test("credentials-keys-distinct: the emergency key model registered to another Global Administrator warns; a non-admin holding it does not", async () => {
        const tenant = await goodTenant();
        WARNING_TENANTS["credentials-keys-distinct"](tenant.fake, tenant);
        const result = await run(tenant, "credentials-keys-distinct");
        assert.equal(result.status, "WARN");
        assert.deepEqual(
            result.evidence.map((item) => [item.subject, item.detail]),
            [UPN1, UPN2, UPN_LIMITED].map((subject) => [
                subject,
                `Key model ${EMERGENCY_KEY.model} (AAGUID ${EMERGENCY_KEY.aaGuid}) is also registered to ada.admin@${TENANT_DOMAIN} (${IDS.admin}): Microsoft asks for a credential different from your other admins'.`,
            ]),
        );
        assert.ok(!JSON.stringify(result).includes(ADMIN_KEY.aaGuid));
        // The helpdesk user holds the same model but no Global Administrator role: its keys are never read.
        assert.equal(tenant.fake.requestsTo(`/v1.0/users/${IDS.helpdesk}`).length, 0);
    });

    test("accounts-count: an undeclared breakglass-3 without a role warns as a forgotten account", async () => {
        const tenant = await goodTenant();
        WARNING_TENANTS["accounts-count"](tenant.fake, tenant);
        const result = await run(tenant, "accounts-count");
        assert.equal(result.status, "WARN");
        assert.deepEqual(withStatus(result.evidence, "WARN"), [
            {
                subject: `breakglass-3@${TENANT_DOMAIN}`,
                id: EXTRA_IDS.forgotten,
                status: "WARN",
                detail: "Exists but is not declared: a forgotten emergency account? Delete it or declare it (created 2025-03-01T08:00:00Z).",
            },
        ]);
    });
});
