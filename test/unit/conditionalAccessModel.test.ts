// The one Conditional Access model (policies/contract/conditionalAccess.ts), table-driven and in both spellings
// it reads: Microsoft Graph's JSON (the provider, discovery) and the azuread provider's inputs (the in-program
// helper, the pack). Which policies are user-scoped, and what the id functions make of mixed-case ids,
// duplicates, and missing or null lists. The spellings' key names are written out in ../helpers/caSpellings.ts,
// not taken from the module under test; the azuread ones are checked against the provider's input types.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    AZUREAD_SPELLING,
    GRAPH_SPELLING,
    NOT_USER_SCOPED_REASONS,
    accountsNotExcluded,
    classifyPolicy,
    excludedEmergencyIds,
    includesId,
    isConverged,
    missingEmergencyIds,
    sameId,
    withEmergencyExclusions,
    type Spelling,
} from "../../policies/contract/conditionalAccess";
import { POLICY, fixturePolicies, snapshotPolicy } from "../helpers/caSnapshot";
import { AZUREAD, GRAPH, SPELLINGS, users, type Keys } from "../helpers/caSpellings";

const USER = "e2fb0405-ab36-5f6d-bb04-f604c1d9480a";
const USER_2 = "1fb1e91c-895e-56e6-8dc9-370fba8ac6cc";
const GROUP = "c83b34df-ac37-571e-8a4a-44dad8cc4f17";
const OTHER_USER = "3c9a1e57-8d24-4f6b-a0c1-92e7b5d4f168";
const SOME_GROUP = "8f1d6a2b-3e7c-4b59-a6d0-7c2e9b4f1a85";
const GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
const WANTED = { userIds: [USER, USER_2], groupIds: [GROUP] };

describe("the spellings", () => {
    test("the model's spellings use the key names written out here", () => {
        for (const keys of SPELLINGS) {
            for (const key of Object.keys(GRAPH_SPELLING) as Array<keyof Spelling>) {
                const expected = keys[key as keyof Keys];
                if (expected !== undefined) assert.equal(keys.spelling[key], expected, `${keys.name} ${key}`);
            }
        }
    });

    test("the azuread provider has no agent identity condition, so its spelling's key is never an input", () => {
        assert.equal(AZUREAD.includeAgentIdServicePrincipals, undefined);
        const conditions: Record<string, unknown> = { users: { [AZUREAD.includeUsers]: ["None"] } };
        conditions.clientApplications = { [AZUREAD_SPELLING.includeAgentIdServicePrincipals]: ["All"] };
        assert.deepEqual(classifyPolicy(conditions, AZUREAD_SPELLING), { userScoped: false, reason: NOT_USER_SCOPED_REASONS.agentIdentities });
    });
});

/** `userScoped: true`, or the NOT_USER_SCOPED_REASONS key. */
type Expected = true | keyof typeof NOT_USER_SCOPED_REASONS;

/** Each case builds its conditions in the given spelling; `graphOnly` cases need a key azuread does not have. */
const CLASSIFICATION: Array<{ what: string; conditions: (k: Keys) => unknown; expected: Expected; graphOnly?: true }> = [
    { what: "includeUsers All", conditions: (k) => ({ users: { [k.includeUsers]: ["All"] } }), expected: true },
    { what: "a single user", conditions: (k) => ({ users: { [k.includeUsers]: [OTHER_USER] } }), expected: true },
    { what: "guests and external users by includeUsers", conditions: (k) => ({ users: { [k.includeUsers]: ["GuestsOrExternalUsers"] } }), expected: true },
    { what: '["None"] alone', conditions: (k) => ({ users: { [k.includeUsers]: ["None"] } }), expected: "noUsers" },
    {
        what: '["None"] with exclusions only (exclusions target nobody)',
        conditions: (k) => ({ users: { [k.includeUsers]: ["None"], [k.excludeUsers]: [OTHER_USER], [k.excludeGroups]: [SOME_GROUP] } }),
        expected: "noUsers",
    },
    { what: '["None"] plus a group', conditions: (k) => ({ users: { [k.includeUsers]: ["None"], [k.includeGroups]: [SOME_GROUP] } }), expected: true },
    { what: "roles only", conditions: (k) => ({ users: { [k.includeUsers]: [], [k.includeRoles]: [GLOBAL_ADMINISTRATOR] } }), expected: true },
    { what: "guests only", conditions: (k) => ({ users: { [k.includeUsers]: [], [k.includeGuestsOrExternalUsers]: k.allGuests } }), expected: true },
    {
        what: "a guests condition that is an empty list",
        conditions: (k) => ({ users: { [k.includeUsers]: ["None"], [k.includeGuestsOrExternalUsers]: [] } }),
        expected: "noUsers",
    },
    {
        what: "empty lists and a null guests condition",
        conditions: (k) => ({ users: { [k.includeUsers]: [], [k.includeGroups]: [], [k.includeRoles]: [], [k.includeGuestsOrExternalUsers]: null } }),
        expected: "noUsers",
    },
    {
        what: "service principals only",
        conditions: (k) => ({ users: { [k.includeUsers]: ["None"] }, clientApplications: { [k.includeServicePrincipals]: ["ServicePrincipalsInMyTenant"] } }),
        expected: "workloadIdentities",
    },
    {
        what: "service principals only, without a users condition",
        conditions: (k) => ({ clientApplications: { [k.includeServicePrincipals]: [OTHER_USER] } }),
        expected: "workloadIdentities",
    },
    {
        what: 'service principals ["None"] and no user',
        conditions: (k) => ({ users: { [k.includeUsers]: ["None"] }, clientApplications: { [k.includeServicePrincipals]: ["None"] } }),
        expected: "noUsers",
    },
    {
        what: "service principals plus users (user-scoped: it applies to people too)",
        conditions: (k) => ({ users: { [k.includeUsers]: ["All"] }, clientApplications: { [k.includeServicePrincipals]: ["ServicePrincipalsInMyTenant"] } }),
        expected: true,
    },
    {
        what: "service principals plus a role",
        conditions: (k) => ({ users: { [k.includeRoles]: [GLOBAL_ADMINISTRATOR] }, clientApplications: { [k.includeServicePrincipals]: ["ServicePrincipalsInMyTenant"] } }),
        expected: true,
    },
    {
        what: "agent identities only",
        conditions: (k) => ({ users: { [k.includeUsers]: ["None"] }, clientApplications: { [k.includeAgentIdServicePrincipals!]: ["All"] } }),
        expected: "agentIdentities",
        graphOnly: true,
    },
    {
        what: "agent identities plus users",
        conditions: (k) => ({ users: { [k.includeUsers]: ["All"] }, clientApplications: { [k.includeAgentIdServicePrincipals!]: ["All"] } }),
        expected: true,
        graphOnly: true,
    },
    {
        what: "service principals and agent identities (service principals named first)",
        conditions: (k) => ({
            users: { [k.includeUsers]: ["None"] },
            clientApplications: { [k.includeServicePrincipals]: ["ServicePrincipalsInMyTenant"], [k.includeAgentIdServicePrincipals!]: ["All"] },
        }),
        expected: "workloadIdentities",
        graphOnly: true,
    },
    { what: "an empty users condition", conditions: () => ({ users: {} }), expected: "noUsers" },
    { what: "a missing users condition", conditions: () => ({ applications: { includeApplications: ["All"] } }), expected: "noUsers" },
    { what: "a null users condition", conditions: () => ({ users: null, clientApplications: null }), expected: "noUsers" },
    { what: "null conditions", conditions: () => null, expected: "noUsers" },
    { what: "undefined conditions", conditions: () => undefined, expected: "noUsers" },
    { what: "conditions that are not an object", conditions: () => "All", expected: "noUsers" },
    { what: "an includeUsers that is not a list", conditions: (k) => ({ users: { [k.includeUsers]: "All" } }), expected: "noUsers" },
];

describe("classifyPolicy", () => {
    for (const keys of SPELLINGS) {
        for (const row of CLASSIFICATION) {
            if (row.graphOnly && keys !== GRAPH) continue;
            const verdict = row.expected === true ? "user-scoped" : `not user-scoped (${row.expected})`;
            test(`${keys.name} spelling: ${row.what} is ${verdict}`, () => {
                const expected = row.expected === true ? { userScoped: true } : { userScoped: false, reason: NOT_USER_SCOPED_REASONS[row.expected] };
                assert.deepEqual(classifyPolicy(row.conditions(keys), keys.spelling), expected);
            });
        }
    }

    test("Graph's spelling is the default, and the spellings do not read each other's keys", () => {
        assert.deepEqual(classifyPolicy({ users: { includeUsers: ["All"] } }), { userScoped: true });
        assert.equal(classifyPolicy({ users: { includedUsers: ["All"] } }).userScoped, false);
        assert.equal(classifyPolicy({ users: { includeUsers: ["All"] } }, AZUREAD_SPELLING).userScoped, false);
    });

    test("every snapshot policy is user-scoped in any state, except the workload-identity one", () => {
        for (const policy of fixturePolicies) {
            const expected =
                policy.id === POLICY.workloadIdentities
                    ? { userScoped: false, reason: NOT_USER_SCOPED_REASONS.workloadIdentities }
                    : { userScoped: true };
            assert.deepEqual(classifyPolicy(policy.conditions), expected, policy.displayName);
        }
        assert.deepEqual(new Set(fixturePolicies.map((p) => p.state)), new Set(["enabled", "disabled", "enabledForReportingButNotEnforced"]));
    });

    test("the reasons are fixed sentences a report can quote", () => {
        assert.match(NOT_USER_SCOPED_REASONS.workloadIdentities, /^targets workload identities \(service principals\) only; Graph accepts no user or group exclusions there$/);
        assert.match(NOT_USER_SCOPED_REASONS.agentIdentities, /^targets agent identities only;/);
        assert.match(NOT_USER_SCOPED_REASONS.noUsers, /^includes no user \(includeUsers: \["None"\], no group, role or guest\): it applies to nobody$/);
    });
});

/** Each case: the users condition (or none), what it excludes of WANTED, and what it misses. */
const ID_CASES: Array<{ what: string; users: (k: Keys) => unknown; excluded: [string[], string[]]; wanted?: typeof WANTED }> = [
    { what: "nothing excluded", users: (k) => users(k, { includeUsers: ["All"], excludeUsers: [], excludeGroups: [] }), excluded: [[], []] },
    { what: "everything excluded", users: (k) => users(k, { excludeUsers: [USER_2, USER], excludeGroups: [GROUP] }), excluded: [[USER, USER_2], [GROUP]] },
    { what: "the group only", users: (k) => users(k, { excludeUsers: [OTHER_USER], excludeGroups: [GROUP] }), excluded: [[], [GROUP]] },
    {
        what: "mixed-case ids in the policy",
        users: (k) => users(k, { excludeUsers: [USER.toUpperCase()], excludeGroups: [GROUP.toUpperCase()] }),
        excluded: [[USER], [GROUP]],
    },
    {
        what: "mixed-case ids wanted (reported as wanted)",
        users: (k) => users(k, { excludeUsers: [USER, USER_2], excludeGroups: [GROUP] }),
        wanted: { userIds: [USER.toUpperCase(), USER_2], groupIds: [GROUP.toUpperCase()] },
        excluded: [[USER.toUpperCase(), USER_2], [GROUP.toUpperCase()]],
    },
    {
        what: "duplicates wanted, in any case (first occurrence kept)",
        users: (k) => users(k, { excludeUsers: [USER] }),
        wanted: { userIds: [USER, USER.toUpperCase(), USER_2, USER_2], groupIds: [GROUP, GROUP] },
        excluded: [[USER], []],
    },
    { what: "duplicates in the policy", users: (k) => users(k, { excludeUsers: [USER, USER, USER_2], excludeGroups: [GROUP, GROUP] }), excluded: [[USER, USER_2], [GROUP]] },
    { what: "missing lists", users: (k) => users(k, { includeUsers: ["All"] }), excluded: [[], []] },
    { what: "null lists", users: (k) => users(k, { excludeUsers: null, excludeGroups: null }), excluded: [[], []] },
    { what: "lists that are not lists", users: (k) => users(k, { excludeUsers: USER, excludeGroups: { id: GROUP } }), excluded: [[], []] },
    { what: "entries that are not strings", users: (k) => users(k, { excludeUsers: [null, 42, { id: USER }], excludeGroups: [undefined] }), excluded: [[], []] },
    { what: "an empty users condition", users: () => ({}), excluded: [[], []] },
    { what: "a null users condition", users: () => null, excluded: [[], []] },
    { what: "no users condition", users: () => undefined, excluded: [[], []] },
];

/** The ids of `wanted` without repeats in any case, first kept. */
function distinct(ids: readonly string[]): string[] {
    return ids.filter((id, i) => ids.findIndex((other) => other.toLowerCase() === id.toLowerCase()) === i);
}

describe("excludedEmergencyIds, missingEmergencyIds, isConverged, accountsNotExcluded", () => {
    for (const keys of SPELLINGS) {
        for (const row of ID_CASES) {
            test(`${keys.name} spelling: ${row.what}`, () => {
                const wanted = row.wanted ?? WANTED;
                const condition = row.users(keys);
                const before = structuredClone(condition);
                const [userIds, groupIds] = row.excluded;
                const excluded = excludedEmergencyIds(condition, wanted, keys.spelling);
                assert.deepEqual(excluded, { userIds, groupIds });
                const missing = missingEmergencyIds(condition, wanted, keys.spelling);
                const lower = (ids: readonly string[]) => ids.map((id) => id.toLowerCase());
                assert.deepEqual(missing, {
                    userIds: distinct(wanted.userIds).filter((id) => !lower(userIds).includes(id.toLowerCase())),
                    groupIds: distinct(wanted.groupIds).filter((id) => !lower(groupIds).includes(id.toLowerCase())),
                });
                assert.equal(isConverged(missing), missing.userIds.length === 0 && missing.groupIds.length === 0);
                assert.deepEqual(
                    accountsNotExcluded(condition, wanted, keys.spelling),
                    groupIds.length > 0 ? [] : missing.userIds,
                    "an excluded emergency group covers every account",
                );
                assert.deepEqual(condition, before, "the condition is not changed");
            });
        }
    }

    test("Graph's spelling is the default", () => {
        assert.deepEqual(missingEmergencyIds({ excludeUsers: [USER] }, WANTED), { userIds: [USER_2], groupIds: [GROUP] });
        assert.deepEqual(missingEmergencyIds({ excludedUsers: [USER] }, WANTED).userIds, [USER, USER_2]);
    });

    test("on the snapshot: the group-only policy misses the users, the converged one nothing", () => {
        const fixture = { userIds: [USER, USER_2], groupIds: [GROUP] };
        const groupOnly = snapshotPolicy(POLICY.groupOnly).conditions?.users;
        const converged = snapshotPolicy(POLICY.alreadyExcluded).conditions?.users;
        assert.deepEqual(missingEmergencyIds(groupOnly, fixture), { userIds: [USER, USER_2], groupIds: [] });
        assert.deepEqual(excludedEmergencyIds(groupOnly, fixture), { userIds: [], groupIds: [GROUP] });
        assert.ok(isConverged(missingEmergencyIds(converged, fixture)));
        assert.ok(isConverged(missingEmergencyIds(converged, { userIds: fixture.userIds.map((id) => id.toUpperCase()), groupIds: [GROUP] })));
    });
});

describe("withEmergencyExclusions", () => {
    for (const keys of SPELLINGS) {
        test(`${keys.name} spelling: only the missing ids are appended; everything else stays as given, in order`, () => {
            const given = {
                [keys.includeUsers]: ["All"],
                [keys.excludeUsers]: [OTHER_USER, USER.toUpperCase()],
                [keys.includeRoles]: [GLOBAL_ADMINISTRATOR],
                [keys.excludeGroups]: null,
                someFutureKey: { kept: true },
            };
            const before = structuredClone(given);
            const result = withEmergencyExclusions(given, { userIds: [USER, USER_2, USER_2], groupIds: [GROUP, GROUP.toUpperCase()] }, keys.spelling);
            assert.deepEqual(result, {
                ...given,
                [keys.excludeUsers]: [OTHER_USER, USER.toUpperCase(), USER_2],
                [keys.excludeGroups]: [GROUP],
            });
            assert.deepEqual(Object.keys(result), Object.keys(given), "key order as given");
            assert.deepEqual(given, before, "the input is not changed");
        });

        test(`${keys.name} spelling: a converged condition comes back equal`, () => {
            const given = users(keys, { includeUsers: ["All"], excludeUsers: [USER, USER_2], excludeGroups: [GROUP] });
            assert.deepEqual(withEmergencyExclusions(given, WANTED, keys.spelling), given);
        });

        test(`${keys.name} spelling: a missing or null condition gets just the exclusions`, () => {
            const expected = { [keys.excludeUsers]: [USER, USER_2], [keys.excludeGroups]: [GROUP] };
            assert.deepEqual(withEmergencyExclusions(null, WANTED, keys.spelling), expected);
            assert.deepEqual(withEmergencyExclusions(undefined, WANTED, keys.spelling), expected);
            assert.deepEqual(withEmergencyExclusions({}, WANTED, keys.spelling), expected);
        });
    }

    test("on the snapshot: a whole Graph users object, only the missing ids appended", () => {
        const given = snapshotPolicy(POLICY.blockLegacyAuth).conditions!.users!;
        const result = withEmergencyExclusions(given, { userIds: [USER, USER_2, USER], groupIds: [GROUP] });
        assert.deepEqual(result, { ...given, excludeUsers: [OTHER_USER, USER, USER_2], excludeGroups: [GROUP] });
        assert.deepEqual(Object.keys(result), Object.keys(given), "key order as read");
        assert.deepEqual(given.excludeUsers, [OTHER_USER], "input untouched");
    });
});

describe("sameId and includesId", () => {
    const cases: Array<[string, () => boolean, boolean]> = [
        ["the same id", () => sameId(USER, USER), true],
        ["another letter case", () => sameId(USER, USER.toUpperCase()), true],
        ["another id", () => sameId(USER, USER_2), false],
        ["a list holding it in another case", () => includesId([OTHER_USER, USER.toUpperCase()], USER), true],
        ["a list without it", () => includesId([OTHER_USER], USER), false],
        ["an empty list", () => includesId([], USER), false],
        ["a null list", () => includesId(null, USER), false],
        ["a missing list", () => includesId(undefined, USER), false],
        ["a list of non-strings", () => includesId([null, 1, { id: USER }], USER), false],
    ];
    for (const [what, run, expected] of cases) {
        test(`${what}: ${expected}`, () => assert.equal(run(), expected));
    }
});
