// Which of the tenant's Conditional Access policies get the exclusions (program/exclusionPlan.ts), over the
// snapshot fixture, and reading a snapshot file (plan/snapshot.ts). Pure apart from temporary snapshot files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { ConfigError } from "../../config/schema";
import { NOT_USER_SCOPED_REASONS, type ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { NOT_LISTED_REASON, conditionalAccessScope, planExclusions } from "../../program/exclusionPlan";
import { readPolicySnapshot } from "../../plan/snapshot";
import { POLICY, fixturePolicies } from "../helpers/caSnapshot";

const ALL = { excludeFrom: "all", skip: [] } as const;
const allTargetIds = () => planExclusions(fixturePolicies, ALL).targets.map((t) => t.policyId);

describe("planExclusions", () => {
    test("targets every user policy sorted by id and skips workload identities with the reason", () => {
        const plan = planExclusions(fixturePolicies, ALL);
        const ids = plan.targets.map((t) => t.policyId);
        assert.deepEqual(ids, [...ids].sort());
        assert.equal(plan.targets.length, 7);
        assert.deepEqual(plan.skipped, [
            {
                policyId: POLICY.workloadIdentities,
                displayName: "CA006: Block high-risk workload identities",
                reason: NOT_USER_SCOPED_REASONS.workloadIdentities,
            },
        ]);
        const reportOnly = plan.targets.find((t) => t.policyId === POLICY.reportOnlyAdmins);
        assert.equal(reportOnly?.state, "enabledForReportingButNotEnforced");
        const disabled = plan.targets.find((t) => t.policyId === POLICY.disabledPilot);
        assert.equal(disabled?.state, "disabled");
    });

    test("a policy that includes no user is skipped with its reason; one for users and service principals is targeted", () => {
        const policies = structuredClone(fixturePolicies) as Array<ConditionalAccessPolicy & { conditions: any }>;
        policies.find((p) => p.id === POLICY.mfaAllUsers)!.conditions.users.includeUsers = ["None"];
        policies.find((p) => p.id === POLICY.blockLegacyAuth)!.conditions.clientApplications = { includeServicePrincipals: ["ServicePrincipalsInMyTenant"] };
        const plan = planExclusions(policies, ALL);
        assert.deepEqual(
            plan.skipped.map((s) => [s.policyId, s.reason]),
            [
                [POLICY.workloadIdentities, NOT_USER_SCOPED_REASONS.workloadIdentities],
                [POLICY.mfaAllUsers, NOT_USER_SCOPED_REASONS.noUsers],
            ].sort(),
        );
        assert.ok(plan.targets.some((t) => t.policyId === POLICY.blockLegacyAuth));
    });

    test("a config skip keeps its reason and leaves the other policies alone", () => {
        const reason = "Owned by the identity team's own pipeline (ticket SEC-1234)";
        const plan = planExclusions(fixturePolicies, { excludeFrom: "all", skip: [{ policyId: POLICY.guests, reason }] });
        assert.deepEqual(
            plan.skipped.map((s) => [s.policyId, s.reason]),
            [
                [POLICY.workloadIdentities, NOT_USER_SCOPED_REASONS.workloadIdentities],
                [POLICY.guests, reason],
            ],
        );
        assert.deepEqual(
            plan.targets.map((t) => t.policyId),
            allTargetIds().filter((id) => id !== POLICY.guests),
        );
    });

    test("a config skip's reason wins over the model's for a policy that is not user-scoped either", () => {
        const plan = planExclusions(fixturePolicies, { excludeFrom: "all", skip: [{ policyId: POLICY.workloadIdentities, reason: "ours" }] });
        assert.deepEqual(plan.skipped.map((s) => [s.policyId, s.reason]), [[POLICY.workloadIdentities, "ours"]]);
    });

    test("an explicit excludeFrom list targets only those policies", () => {
        const plan = planExclusions(fixturePolicies, { excludeFrom: [POLICY.guests, POLICY.mfaAllUsers], skip: [] });
        assert.deepEqual(plan.targets.map((t) => t.policyId), [POLICY.mfaAllUsers, POLICY.guests].sort());
        assert.equal(plan.skipped.filter((s) => s.reason === NOT_LISTED_REASON).length, fixturePolicies.length - 2);
        assert.equal(NOT_LISTED_REASON, "not listed in excludeFrom");
    });

    test("policy ids in config compare without regard to case", () => {
        const upper = (id: string) => id.toUpperCase();
        const listed = planExclusions(fixturePolicies, { excludeFrom: [upper(POLICY.guests)], skip: [] });
        assert.deepEqual(listed.targets.map((t) => t.policyId), [POLICY.guests], "the tenant's spelling of the id is kept");
        const skipped = planExclusions(fixturePolicies, { excludeFrom: "all", skip: [{ policyId: upper(POLICY.guests), reason: "x" }] });
        assert.ok(skipped.skipped.some((s) => s.policyId === POLICY.guests && s.reason === "x"));
        assert.throws(
            () => planExclusions(fixturePolicies, { excludeFrom: [POLICY.guests], skip: [{ policyId: upper(POLICY.guests), reason: "x" }] }),
            /both name/,
        );
    });

    test("an id that does not exist in the tenant is an error naming it", () => {
        const typo = "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c48";
        assert.throws(() => planExclusions(fixturePolicies, { excludeFrom: [typo], skip: [] }), new RegExp(`excludeFrom .*${typo}`));
        assert.throws(
            () => planExclusions(fixturePolicies, { excludeFrom: "all", skip: [{ policyId: typo, reason: "x" }] }),
            new RegExp(`skip .*${typo}`),
        );
        assert.throws(
            () => planExclusions(fixturePolicies, { excludeFrom: [POLICY.guests], skip: [{ policyId: POLICY.guests, reason: "x" }] }),
            /both name/,
        );
    });

    test("conditionalAccessScope reports such a mistake as a config error on the conditionalAccess key", () => {
        const typo = "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c48";
        assert.throws(
            () => conditionalAccessScope(fixturePolicies, { excludeFrom: [typo], skip: [] }),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.equal(error.problems.length, 1);
                assert.match(
                    error.problems[0],
                    new RegExp(`^entra-emergency-access:conditionalAccess: excludeFrom names Conditional Access policies that do not exist in the tenant: ${typo}\\. Accepted: `),
                );
                return true;
            },
        );
        assert.deepEqual(conditionalAccessScope(fixturePolicies, ALL), planExclusions(fixturePolicies, ALL));
    });
});

describe("readPolicySnapshot", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "ca-snapshot-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test("names the file and the index of a bad entry", () => {
        const write = (name: string, content: string) => {
            const file = path.join(dir, name);
            writeFileSync(file, content);
            return file;
        };
        const bad = structuredClone(fixturePolicies) as unknown as Array<Record<string, unknown>>;
        bad[2].state = "on";
        const badFile = write("bad-state.json", JSON.stringify({ value: bad }));
        const escapedFile = badFile.replace(/[.\\/]/g, "\\$&");
        assert.throws(() => readPolicySnapshot(badFile), new RegExp(`${escapedFile}: value\\[2\\] .*state "on"`));
        const duplicate = write("duplicate.json", JSON.stringify({ value: [fixturePolicies[0], fixturePolicies[0]] }));
        assert.throws(() => readPolicySnapshot(duplicate), /value\[1\] repeats the id/);
        assert.throws(() => readPolicySnapshot(write("array.json", "[]")), /array\.json: expected Graph's list format/);
        assert.throws(() => readPolicySnapshot(write("broken.json", "{")), /broken\.json: not valid JSON/);
        assert.throws(() => readPolicySnapshot(path.join(dir, "absent.json")), /absent\.json: cannot read/);
    });
});
