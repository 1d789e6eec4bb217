// The fixture tenant's Conditional Access policies (test/fixtures/ca-policies.json), read once, and the ids of
// the ones the scenarios name by role. Pure: no Pulumi, no network.
import assert from "node:assert/strict";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { readPolicySnapshot } from "../../plan/snapshot";
import { CA_SNAPSHOT } from "./fixtures";

/** Snapshot policies by role in the scenarios. */
export const POLICY = {
    mfaAllUsers: "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47",
    blockLegacyAuth: "0b8d4f6e-2a17-4c93-b5e8-61f0d2a9c3b4",
    reportOnlyAdmins: "a41c7d3e-95b2-4e08-8f6a-2b7c9e0d1f53",
    disabledPilot: "d92f05b8-6c41-4a7e-9e3d-8b1a4c6f2e90",
    alreadyExcluded: "2e6a9c0f-d873-4b15-a249-5f8e3b7d0c61",
    workloadIdentities: "5c0b8e2d-1f94-4d3a-87c6-e9a2b4f07d18",
    groupOnly: "b7e41f09-3a6d-4c82-9d5b-0e8f2a1c7b36",
    guests: "f16c3a85-0d2e-47b9-b3f1-9a5e7c2d8b04",
} as const;

/** The snapshot's policies (test/fixtures/ca-policies.json), in list order. */
export const fixturePolicies: readonly ConditionalAccessPolicy[] = readPolicySnapshot(CA_SNAPSHOT);

/** One snapshot policy by id. */
export function snapshotPolicy(id: string): ConditionalAccessPolicy {
    const policy = fixturePolicies.find((p) => p.id === id);
    assert.ok(policy, `no policy ${id} in the snapshot`);
    return policy;
}
