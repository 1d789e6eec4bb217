// The change rule's new detection: a Conditional Access policy added or updated so that, as it now stands, it
// applies to users without excluding every emergency account and the group. The KQL is validated against the
// table schemas; its matching logic is evaluated on realistic AuditLogs records in TypeScript with the very same
// regular expressions (../helpers/auditRecords.ts). What this proves and what it cannot: docs/architecture.md.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { validateKql } from "../../policies/contract/kql/validator";
import { CHANGE_DETECTIONS, CHANGE_QUERY_PATTERNS, changeQuery, kqlPattern, queryWindow } from "../../policies/contract/queries";
import { PORTAL_ADMIN, RECONCILE_APP, changeRuleDetections, conditionalAccessAuditRecord, type Encoding } from "../helpers/auditRecords";
import { POLICY, snapshotPolicy } from "../helpers/caSnapshot";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";
import { blockAllPolicy } from "../helpers/reconcileScenarios";

const QUERY = changeQuery(FIXTURE_USER_IDS, FIXTURE_GROUP_ID, queryWindow("PT5M"));
const EMERGENCY = [...FIXTURE_USER_IDS, FIXTURE_GROUP_ID];
const NEW_ID = "3d5e7f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f";

/** The policy with the emergency ids (or some of them) in its exclusions. */
function excluding(policy: Record<string, any>, userIds: readonly string[] = FIXTURE_USER_IDS, groupIds: readonly string[] = [FIXTURE_GROUP_ID]) {
    const copy = structuredClone(policy);
    copy.conditions.users.excludeUsers = [...(copy.conditions.users.excludeUsers ?? []), ...userIds];
    copy.conditions.users.excludeGroups = [...(copy.conditions.users.excludeGroups ?? []), ...groupIds];
    return copy;
}

const detect = (record: ReturnType<typeof conditionalAccessAuditRecord>) => changeRuleDetections(record, FIXTURE_USER_IDS, FIXTURE_GROUP_ID);
const missing = (ids: readonly string[]) => ids.map((id) => ({ detection: CHANGE_DETECTIONS.exclusionMissing, emergencyObjectId: id }));

describe("change rule: the query", () => {
    test("parses and binds against the AuditLogs schema with no diagnostic, within Sentinel's length limit", () => {
        assert.deepEqual(validateKql(QUERY), []);
        assert.ok(QUERY.length < 10_000);
    });

    test("every regular expression in the KQL is one of CHANGE_QUERY_PATTERNS, and each of them is used", () => {
        const literals = [...QUERY.matchAll(/@"([^"]*)"/g)].map((m) => `@"${m[1]}"`);
        const shared = Object.values(CHANGE_QUERY_PATTERNS).map(kqlPattern);
        assert.deepEqual([...new Set(literals)].sort(), [...shared].sort());
    });

    test("the TypeScript evaluation holds no copy of a pattern: it takes them from the contract", () => {
        const oracle = fs.readFileSync(path.join(__dirname, "..", "helpers", "auditRecords.ts"), "utf8");
        // Fragments any copy of the patterns would carry, as a regex literal or as a string.
        for (const fragment of ["W+\\[", "W+\\\\[", "W+\\{", "{8}-[0-9a-f]{4}", "bNone"]) {
            assert.ok(!oracle.includes(fragment), `auditRecords.ts holds a pattern of its own (${fragment})`);
        }
        assert.match(oracle, /CHANGE_QUERY_PATTERNS as P, jsPattern/);
    });

    test("the leg the evaluation mirrors reads the new value of an added or updated policy", () => {
        for (const line of [
            '| where OperationName in~ ("Add conditional access policy", "Update conditional access policy")',
            "| mv-expand Property = Target.modifiedProperties",
            "| extend NewPolicy = tostring(Property.newValue)",
            '| where NewPolicy has "conditions" and targetsUsers(NewPolicy)',
            "| extend Missing = set_difference(emergencyObjectIds, excludedIds(NewPolicy))",
            "| mv-expand EmergencyObjectId = Missing to typeof(string)",
            `| extend Detection = "${CHANGE_DETECTIONS.exclusionMissing}",`,
            "union targeted, initiated, exclusionRemoved, exclusionMissing",
        ]) {
            assert.ok(QUERY.includes(line), line);
        }
    });
});

describe("change rule: realistic audit records", () => {
    for (const encoding of ["json", "doubleEncoded"] as Encoding[]) {
        test(`"Add conditional access policy" without the exclusions matches, for each account and the group (${encoding})`, () => {
            const record = conditionalAccessAuditRecord(blockAllPolicy(NEW_ID), { encoding });
            assert.equal(record.OperationName, "Add conditional access policy");
            assert.deepEqual(detect(record), missing(EMERGENCY));
        });

        test(`"Add conditional access policy" with every exclusion does not match (${encoding})`, () => {
            assert.deepEqual(detect(conditionalAccessAuditRecord(excluding(blockAllPolicy(NEW_ID)), { encoding })), []);
        });
    }

    test("a policy added with the group excluded but not the accounts matches for the accounts", () => {
        assert.deepEqual(detect(conditionalAccessAuditRecord(excluding(blockAllPolicy(NEW_ID), []))), missing(FIXTURE_USER_IDS));
    });

    test("the ids compare without regard to case, as everywhere", () => {
        const upper = excluding(blockAllPolicy(NEW_ID), FIXTURE_USER_IDS.map((id) => id.toUpperCase()), [FIXTURE_GROUP_ID.toUpperCase()]);
        assert.deepEqual(detect(conditionalAccessAuditRecord(upper)), []);
    });

    test("the reconcile job's update (the exclusions added, by its app) raises no alert", () => {
        const created = blockAllPolicy(NEW_ID);
        const record = conditionalAccessAuditRecord(excluding(created), { before: created, initiator: RECONCILE_APP });
        assert.equal(record.OperationName, "Update conditional access policy");
        assert.deepEqual(detect(record), []);
    });

    test("an update that renames a policy still lacking the exclusions matches (the resulting policy counts)", () => {
        const before = snapshotPolicy(POLICY.mfaAllUsers) as Record<string, any>;
        const record = conditionalAccessAuditRecord({ ...before, displayName: "CA001 (renamed)" }, { before });
        assert.deepEqual(detect(record), missing(EMERGENCY));
    });

    test("an update that drops an account is both a removal and a missing exclusion; one alert after summarize", () => {
        const before = excluding(snapshotPolicy(POLICY.mfaAllUsers) as Record<string, any>);
        const after = structuredClone(before);
        after.conditions.users.excludeUsers = after.conditions.users.excludeUsers.filter((id: string) => id !== FIXTURE_USER_IDS[0]);
        const rows = detect(conditionalAccessAuditRecord(after, { before, initiator: PORTAL_ADMIN }));
        assert.deepEqual(rows, [
            { detection: CHANGE_DETECTIONS.exclusionRemoved, emergencyObjectId: FIXTURE_USER_IDS[0] },
            { detection: CHANGE_DETECTIONS.exclusionMissing, emergencyObjectId: FIXTURE_USER_IDS[0] },
        ]);
    });

    const notForUsers: Array<[string, string]> = [
        ["a workload-identity-only policy", POLICY.workloadIdentities],
        ["an already excluded policy", POLICY.alreadyExcluded],
    ];
    for (const [title, id] of notForUsers) {
        test(`${title} added does not match`, () => {
            assert.deepEqual(detect(conditionalAccessAuditRecord(snapshotPolicy(id) as Record<string, any>)), []);
        });
    }

    test('a policy that includes nobody (includeUsers ["None"]) added does not match; one for guests only does', () => {
        const nobody = blockAllPolicy(NEW_ID);
        nobody.conditions.users.includeUsers = ["None"];
        assert.deepEqual(detect(conditionalAccessAuditRecord(nobody)), []);
        assert.deepEqual(detect(conditionalAccessAuditRecord(snapshotPolicy(POLICY.guests) as Record<string, any>)), missing(EMERGENCY));
        const roles = blockAllPolicy(NEW_ID);
        roles.conditions.users.includeUsers = [];
        roles.conditions.users.includeRoles = ["62e90394-69f5-4237-9190-012177145e10"];
        assert.deepEqual(detect(conditionalAccessAuditRecord(roles)), missing(EMERGENCY), "a policy for Global Administrators");
    });

    test("report-only and disabled policies added without the exclusions match (they can be switched on any time)", () => {
        for (const id of [POLICY.reportOnlyAdmins, POLICY.disabledPilot]) {
            const rows = detect(conditionalAccessAuditRecord(snapshotPolicy(id) as Record<string, any>));
            assert.ok(rows.some((row) => row.detection === CHANGE_DETECTIONS.exclusionMissing), id);
        }
    });
});
