// The exclusion provider's pure decisions (components/conditionalAccessExclusion.ts): how refreshed state is
// compared with the program's inputs (diff), and which inputs are refused before any request (check).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkExclusionInputs, diffExclusion, type ExclusionInputs, type ExclusionOutputs } from "../../components/conditionalAccessExclusion";
import { DEFAULTS, UNKNOWN_VALUE } from "../../policies/contract/constants";
import { POLICY } from "../helpers/caSnapshot";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";

const USER_IDS = FIXTURE_USER_IDS;
const GROUP_IDS = [FIXTURE_GROUP_ID];

describe("diff", () => {
    const olds: ExclusionOutputs = {
        policyId: POLICY.mfaAllUsers,
        userIds: USER_IDS,
        groupIds: GROUP_IDS,
        graphEndpoint: DEFAULTS.graphEndpoint,
        policyDisplayName: "CA001",
    };
    const news: ExclusionInputs = {
        policyId: POLICY.mfaAllUsers,
        userIds: USER_IDS,
        groupIds: GROUP_IDS,
        graphEndpoint: DEFAULTS.graphEndpoint,
    };

    test("no change when state holds every desired id", () => {
        assert.deepEqual(diffExclusion(olds, news), { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.equal(diffExclusion(olds, { ...news, userIds: [...USER_IDS].reverse() }).changes, false);
    });

    test("ids compare without regard to case: the same ids in another case are no change", () => {
        assert.equal(diffExclusion(olds, { ...news, userIds: USER_IDS.map((id) => id.toUpperCase()) }).changes, false);
        assert.equal(diffExclusion({ ...olds, groupIds: GROUP_IDS.map((id) => id.toUpperCase()) }, news).changes, false);
    });

    test("a missing id or another endpoint is an update; another policy is a replacement", () => {
        assert.equal(diffExclusion({ ...olds, groupIds: [] }, news).changes, true);
        assert.equal(diffExclusion({ ...olds, userIds: [USER_IDS[0]] }, news).changes, true);
        const moved = diffExclusion(olds, { ...news, graphEndpoint: "https://graph.microsoft.us" });
        assert.deepEqual([moved.changes, moved.replaces], [true, []]);
        const replaced = diffExclusion(olds, { ...news, policyId: POLICY.guests });
        assert.deepEqual([replaced.changes, replaced.replaces], [true, ["policyId"]]);
    });

    test("state naming an id the program no longer wants is rewritten (the exclusion itself stays in Graph)", () => {
        const fewer = diffExclusion(olds, { ...news, userIds: [USER_IDS[0]] });
        assert.deepEqual([fewer.changes, fewer.replaces], [true, []]);
    });

    test("unknown ids during preview count as changes", () => {
        assert.equal(diffExclusion(olds, { ...news, userIds: UNKNOWN_VALUE as unknown as string[] }).changes, true);
        assert.equal(diffExclusion(olds, { ...news, userIds: [UNKNOWN_VALUE, USER_IDS[1]] }).changes, true);
    });
});

describe("check", () => {
    const valid: ExclusionInputs = { policyId: POLICY.mfaAllUsers, userIds: USER_IDS, groupIds: GROUP_IDS, graphEndpoint: DEFAULTS.graphEndpoint };
    const failures = (inputs: Partial<ExclusionInputs>) => checkExclusionInputs(inputs).map((f) => [f.property, f.reason]);

    test("valid inputs, and unknown values during preview, are not refused", () => {
        assert.deepEqual(failures(valid), []);
        const unknown = UNKNOWN_VALUE as unknown as string[];
        assert.deepEqual(failures({ ...valid, policyId: UNKNOWN_VALUE, userIds: unknown, groupIds: unknown, graphEndpoint: UNKNOWN_VALUE }), []);
    });

    test("refuses a missing policy id, lists that are not lists of ids, and nothing to exclude", () => {
        assert.deepEqual(failures({ ...valid, policyId: " " }), [["policyId", "policyId must be the id of a Conditional Access policy"]]);
        assert.deepEqual(failures({ ...valid, userIds: [USER_IDS[0], ""] }), [["userIds", "userIds must be a list of object ids"]]);
        assert.deepEqual(failures({ ...valid, groupIds: "x" as unknown as string[] }), [["groupIds", "groupIds must be a list of object ids"]]);
        assert.deepEqual(failures({ ...valid, userIds: [], groupIds: [] }), [
            ["userIds", "userIds and groupIds are both empty: there is nothing to exclude"],
        ]);
    });

    test("refuses an endpoint that is not a Microsoft Graph cloud, with the endpoint rule's own message", () => {
        const [failure] = checkExclusionInputs({ ...valid, graphEndpoint: "https://graph.contoso.com" });
        assert.equal(failure.property, "graphEndpoint");
        assert.match(failure.reason, /^Graph endpoint "https:\/\/graph\.contoso\.com" must be one of https:\/\/graph\.microsoft\.com, /);
    });
});
