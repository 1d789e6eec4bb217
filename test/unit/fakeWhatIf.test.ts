// The fake Graph's What-If judge (fakeWhatIfResult) and role assignment filter parser, on their own: other tests
// build tenants on them, so what they decide must be what Graph's documented What-If decides for the conditions the
// fake models (state, users, groups, roles, guests, applications, client app types), with Graph's analysisReasons.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { fakeWhatIfResult, parseRoleAssignmentFilter, type WhatIfFacts } from "../helpers/fakeGraph";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";

const [USER] = ACCOUNTS;
const ROLE = "62e90394-69f5-4237-9190-012177145e10";
const APP = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c";
const FACTS: WhatIfFacts = { userId: USER, groupIds: [GROUP], roleTemplateIds: [ROLE], guest: false, application: APP, clientAppType: "browser" };

/** A policy for everyone, every app, every client, enabled; `users`, `applications` and the rest replace parts of it. */
function policy(changes: { state?: string; users?: Record<string, unknown>; applications?: Record<string, unknown>; clientAppTypes?: string[]; clientApplications?: Record<string, unknown> }): ConditionalAccessPolicy {
    return {
        id: OTHER,
        displayName: "policy",
        state: changes.state ?? "enabled",
        conditions: {
            users: changes.users ?? { includeUsers: ["All"] },
            applications: changes.applications ?? { includeApplications: ["All"] },
            ...(changes.clientAppTypes !== undefined ? { clientAppTypes: changes.clientAppTypes } : { clientAppTypes: ["all"] }),
            ...(changes.clientApplications ? { clientApplications: changes.clientApplications } : {}),
        },
    };
}

const applies = { policyApplies: true, analysisReasons: "notSet" };
const not = (analysisReasons: string) => ({ policyApplies: false, analysisReasons });

describe("fakeWhatIfResult", () => {
    const cases: [string, ConditionalAccessPolicy, Partial<WhatIfFacts>, { policyApplies: boolean; analysisReasons: string }][] = [
        ["enabled, All users", policy({}), {}, applies],
        ["report-only is evaluated like enabled", policy({ state: "enabledForReportingButNotEnforced" }), {}, applies],
        ["disabled", policy({ state: "disabled" }), {}, not("policyNotEnabled")],
        ["disabled wins over an exclusion", policy({ state: "disabled", users: { includeUsers: ["All"], excludeUsers: [USER] } }), {}, not("policyNotEnabled")],
        ["the user by id, in another letter case", policy({ users: { includeUsers: [USER.toUpperCase()] } }), {}, applies],
        ["excluded by id, in another letter case", policy({ users: { includeUsers: ["All"], excludeUsers: [USER.toUpperCase()] } }), {}, not("users")],
        ["excluded through a group", policy({ users: { includeUsers: ["All"], excludeGroups: [GROUP] } }), {}, not("users")],
        ["excluded through a group it is not in", policy({ users: { includeUsers: ["All"], excludeGroups: [OTHER] } }), {}, applies],
        ["included through a group", policy({ users: { includeGroups: [GROUP] } }), {}, applies],
        ["included through a group, excluded by id", policy({ users: { includeGroups: [GROUP], excludeUsers: [USER] } }), {}, not("users")],
        ["included through a role it holds", policy({ users: { includeRoles: [ROLE] } }), {}, applies],
        ["included through a role it does not hold", policy({ users: { includeRoles: [ROLE] } }), { roleTemplateIds: [] }, not("users")],
        ["excluded through a role", policy({ users: { includeUsers: ["All"], excludeRoles: [ROLE] } }), {}, not("users")],
        ["another user only", policy({ users: { includeUsers: [OTHER] } }), {}, not("users")],
        ["guests only, for a member", policy({ users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: "b2bCollaborationGuest" } } }), {}, not("users")],
        ["guests only, for a guest", policy({ users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: "b2bCollaborationGuest" } } }), { guest: true }, applies],
        ["includeUsers None", policy({ users: { includeUsers: ["None"] } }), {}, not("users")],
        ["workload identities only", policy({ users: { includeUsers: ["None"] }, clientApplications: { includeServicePrincipals: ["ServicePrincipalsInMyTenant"] } }), {}, not("workloadIdentities")],
        ["another application", policy({ applications: { includeApplications: ["00000002-0000-0ff1-ce00-000000000000"] } }), {}, not("application")],
        ["the application, in another letter case", policy({ applications: { includeApplications: [APP.toUpperCase()] } }), {}, applies],
        ["the application excluded", policy({ applications: { includeApplications: ["All"], excludeApplications: [APP] } }), {}, not("application")],
        ["user actions only", policy({ applications: { includeApplications: [], includeUserActions: ["urn:user:registersecurityinfo"] } }), {}, not("application")],
        ["a keyword is not expanded", policy({ applications: { includeApplications: ["Office365"] } }), {}, not("application")],
        ["the keyword itself", policy({ applications: { includeApplications: ["Office365"] } }), { application: "Office365" }, applies],
        ["another client type", policy({ clientAppTypes: ["exchangeActiveSync", "other"] }), {}, not("clientApps")],
        ["the client type", policy({ clientAppTypes: ["mobileAppsAndDesktopClients", "browser"] }), {}, applies],
        ["no client types reads as all", policy({ clientAppTypes: [] }), { clientAppType: "exchangeActiveSync" }, applies],
        ["users are judged before applications", policy({ users: { includeUsers: [OTHER] }, applications: { includeApplications: [OTHER] } }), {}, not("users")],
    ];
    for (const [name, judged, facts, expected] of cases) {
        test(name, () => assert.deepEqual(fakeWhatIfResult(judged, { ...FACTS, ...facts }), expected));
    }
});

describe("parseRoleAssignmentFilter", () => {
    test("reads principalId, roleDefinitionId and both, quotes doubled inside a literal", () => {
        assert.deepEqual(parseRoleAssignmentFilter(`principalId eq '${USER}'`), [{ property: "principalId", value: USER }]);
        assert.deepEqual(parseRoleAssignmentFilter(`principalId eq 'a''b' and roleDefinitionId eq '${ROLE}'`), [
            { property: "principalId", value: "a'b" },
            { property: "roleDefinitionId", value: ROLE },
        ]);
    });

    test("refuses any other filter, as a 400 would", () => {
        for (const filter of [`principalId eq ${USER}`, `principalId ne '${USER}'`, `principalId eq 'a' or roleDefinitionId eq 'b'`, `directoryScopeId eq '/'`, "principalId eq 'a'' or 1 eq 1"]) {
            assert.equal(parseRoleAssignmentFilter(filter), undefined, filter);
        }
    });
});
