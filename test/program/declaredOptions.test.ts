// The options no analyzer sees (retainOnDelete, replaceOnChanges), judged by the offline plan on the fixture
// stack's recorded registrations.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { OPTIONS_POLICY, undeclaredOptionViolations } from "../../plan/declaredOptions";
import type { RecordedResource } from "../../plan/recordingMonitor";
import { fixturePolicies } from "../helpers/caSnapshot";
import { withOptions } from "../helpers/mutations";
import { runFixture } from "../helpers/program";
import { byName, byType } from "../helpers/select";

let fixture: RecordedResource[];
before(async () => {
    fixture = (await runFixture({}, { conditionalAccessPolicies: fixturePolicies })).resources;
});

describe("options the Analyzer protocol does not carry", () => {
    test("the fixture stack declares every emergency resource retainOnDelete and none replaceOnChanges", () => {
        assert.deepEqual(undeclaredOptionViolations(fixture, "pack"), []);
        assert.ok(fixture.some((r) => r.type === TYPES.conditionalAccessExclusion), "exclusions are present and exempt");
    });

    test("retainOnDelete: false on an account is a mandatory violation of the options policy", () => {
        const changed = withOptions(byName("account-1"), { retainOnDelete: false })(structuredClone(fixture));
        const violations = undeclaredOptionViolations(changed, "pack");
        assert.deepEqual(violations.map((v) => [v.policy, v.enforcementLevel, v.urn?.split("::").pop()]), [
            [OPTIONS_POLICY, "mandatory", "emergency-access-account-1"],
        ]);
        assert.match(violations[0].message, /not retainOnDelete.*Analyzer protocol does not carry/);
    });

    test("an unset retainOnDelete counts as false, on every kind of emergency resource", () => {
        for (const type of [TYPES.group, TYPES.scheduledAlertRule, TYPES.actionGroup, TYPES.passwordCustody, TYPES.randomPassword]) {
            const changed = withOptions(byType(type), { retainOnDelete: undefined })(structuredClone(fixture));
            assert.ok(undeclaredOptionViolations(changed, "pack").length >= 1, type);
        }
    });

    test("replaceOnChanges on the group is a mandatory violation", () => {
        const changed = withOptions(byType(TYPES.group), { replaceOnChanges: ["displayName"] })(structuredClone(fixture));
        assert.match(undeclaredOptionViolations(changed, "pack")[0].message, /replaced on changes to \["displayName"\]/);
    });
});
