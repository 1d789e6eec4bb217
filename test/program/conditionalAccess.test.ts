// Conditional Access in the program, under the mock runtime with the snapshot fixture: one exclusion per
// user-scoped policy, skips with reasons, names that survive a rename, and the in-program helper.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { excludeFromConditionalAccess } from "../../components/conditionalAccessExclusions";
import { ConfigError } from "../../config/schema";
import { NOT_USER_SCOPED_REASONS, type ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { EMERGENCY_ACCESS_TYPE, STACK_OUTPUTS, TYPES } from "../../policies/contract/constants";
import { fixturePolicies as SNAPSHOT } from "../helpers/caSnapshot";
import { plain, recordFixture, runFixture } from "../helpers/program";
import { all, byType, first, one } from "../helpers/select";

/** The snapshot's policies that target workload identities only (written out here, not asked of the model). */
const WORKLOAD_ONLY = SNAPSHOT.filter(
    (p) =>
        (p.conditions?.clientApplications?.includeServicePrincipals ?? []).length > 0 &&
        (p.conditions?.users?.includeUsers ?? []).every((id) => id === "None"),
);

function run(policies: readonly ConditionalAccessPolicy[], conditionalAccess?: unknown) {
    return runFixture(conditionalAccess ? { conditionalAccess } : {}, { conditionalAccessPolicies: policies });
}

describe("Conditional Access exclusions in the program", () => {
    test("one exclusion per user-scoped policy, covering every account and the group", async () => {
        const result = await run(SNAPSHOT);
        const exclusions = all(result, byType(TYPES.conditionalAccessExclusion));
        const userScoped = SNAPSHOT.filter((p) => !WORKLOAD_ONLY.includes(p));
        assert.ok(WORKLOAD_ONLY.length > 0 && userScoped.length >= 6);
        assert.deepEqual(exclusions.map((e) => plain(e.inputs).policyId).sort(), userScoped.map((p) => p.id).sort());
        const userIds = all(result, byType(TYPES.user)).map((u) => u.id);
        const groupId = one(result, byType(TYPES.group)).id;
        for (const exclusion of exclusions) {
            const inputs = plain(exclusion.inputs);
            assert.deepEqual(inputs.userIds, userIds, exclusion.urn);
            assert.deepEqual(inputs.groupIds, [groupId], exclusion.urn);
            assert.equal(inputs.graphEndpoint, "https://graph.microsoft.com");
            assert.equal(exclusion.parent, one(result, byType(EMERGENCY_ACCESS_TYPE)).urn);
        }
    });

    test("workload-identity policies are skipped and reported with the reason", async () => {
        const result = await run(SNAPSHOT);
        const stack = one(result, byType(TYPES.stack));
        assert.deepEqual(
            plain(stack.outputs[STACK_OUTPUTS.skippedPolicies]).map((s: any) => s.policyId),
            WORKLOAD_ONLY.map((p) => p.id),
        );
        for (const skipped of plain(stack.outputs[STACK_OUTPUTS.skippedPolicies])) {
            assert.equal(skipped.reason, NOT_USER_SCOPED_REASONS.workloadIdentities);
        }
        assert.equal(plain(stack.outputs[STACK_OUTPUTS.excludedPolicyIds]).length, SNAPSHOT.length - WORKLOAD_ONLY.length);
    });

    test("a policy that includes no user is skipped with its reason; one for users and service principals alike is excluded", async () => {
        const [noUsers, mixed] = SNAPSHOT.filter((p) => !WORKLOAD_ONLY.includes(p));
        const edited = SNAPSHOT.map((p) => {
            const copy = structuredClone(p) as ConditionalAccessPolicy & { conditions: any };
            if (p.id === noUsers.id) copy.conditions.users = { ...copy.conditions.users, includeUsers: ["None"], includeGroups: [], includeRoles: [] };
            if (p.id === mixed.id) copy.conditions.clientApplications = { includeServicePrincipals: ["ServicePrincipalsInMyTenant"] };
            return copy;
        });
        const result = await run(edited);
        const excluded = all(result, byType(TYPES.conditionalAccessExclusion)).map((e) => plain(e.inputs).policyId);
        assert.ok(!excluded.includes(noUsers.id));
        assert.ok(excluded.includes(mixed.id));
        const skipped = plain(one(result, byType(TYPES.stack)).outputs[STACK_OUTPUTS.skippedPolicies]);
        assert.deepEqual(
            skipped.find((s: any) => s.policyId === noUsers.id),
            { policyId: noUsers.id, displayName: noUsers.displayName, reason: NOT_USER_SCOPED_REASONS.noUsers },
        );
    });

    test("a configured skip keeps its reason and leaves every other policy excluded", async () => {
        const skipped = SNAPSHOT.find((p) => p.state === "disabled")!;
        const result = await run(SNAPSHOT, { skip: [{ policyId: skipped.id, reason: "retired policy, kept for audit" }] });
        const ids = all(result, byType(TYPES.conditionalAccessExclusion)).map((e) => plain(e.inputs).policyId);
        assert.ok(!ids.includes(skipped.id));
        assert.equal(ids.length, SNAPSHOT.length - WORKLOAD_ONLY.length - 1);
        const outputs = one(result, byType(TYPES.stack)).outputs;
        assert.ok(plain(outputs[STACK_OUTPUTS.skippedPolicies]).some((s: any) => s.policyId === skipped.id && s.reason === "retired policy, kept for audit"));
    });

    test("excludeFrom a list narrows the exclusions to those policies", async () => {
        const chosen = SNAPSHOT.filter((p) => !WORKLOAD_ONLY.includes(p)).slice(0, 2).map((p) => p.id);
        const result = await run(SNAPSHOT, { excludeFrom: chosen });
        assert.deepEqual(all(result, byType(TYPES.conditionalAccessExclusion)).map((e) => plain(e.inputs).policyId).sort(), [...chosen].sort());
    });

    test("a policy id in config that the tenant does not have stops the program before anything is declared", async () => {
        const result = await recordFixture(
            { conditionalAccess: { excludeFrom: ["00000000-0000-0000-0000-00000000abcd"] } },
            { conditionalAccessPolicies: SNAPSHOT },
        );
        assert.ok(result.error instanceof ConfigError, String(result.error));
        assert.match(result.error.message, /conditionalAccess.*00000000-0000-0000-0000-00000000abcd/);
        assert.deepEqual(result.resources.map((r) => r.type), [TYPES.stack]);
    });

    test("names come from policy ids, so renaming a policy in the portal replaces nothing", async () => {
        const renamed = SNAPSHOT.map((p) => ({ ...p, displayName: `${p.displayName} (renamed)` }));
        const before = all(await run(SNAPSHOT), byType(TYPES.conditionalAccessExclusion)).map((e) => e.urn);
        const after = all(await run(renamed), byType(TYPES.conditionalAccessExclusion)).map((e) => e.urn);
        assert.deepEqual(after, before);
        for (const urn of before) assert.match(urn, /::emergency-access-ca-exclusion-[0-9a-f-]{36}$/);
    });

    test("the serialized provider is kept out of the recorded names but present as the engine sees it", async () => {
        const exclusion = first(await run(SNAPSHOT), byType(TYPES.conditionalAccessExclusion));
        assert.equal(typeof exclusion.inputs.__provider, "string");
    });
});

describe("excludeFromConditionalAccess (CA policies declared in the same program)", () => {
    const userIds = ["e2fb0405-ab36-5f6d-bb04-f604c1d9480a", "1fb1e91c-895e-56e6-8dc9-370fba8ac6cc"];
    const groupId = "c83b34df-ac37-571e-8a4a-44dad8cc4f17";

    function resolve<T>(output: pulumi.Input<T>): Promise<T> {
        return new Promise((ok) => pulumi.output(output).apply((value) => ok(value as T)));
    }

    test("adds every account and the group to the exclusions and keeps the rest of the args", async () => {
        const args = {
            displayName: "Require MFA for everyone",
            state: "enabled",
            conditions: {
                clientAppTypes: ["all"],
                applications: { includedApplications: ["All"] },
                users: { includedUsers: ["All"], excludedUsers: ["11111111-2222-3333-4444-555555555555"] },
            },
            grantControls: { operator: "OR", builtInControls: ["mfa"] },
        };
        const merged = excludeFromConditionalAccess(args, userIds, groupId);
        assert.equal(merged.displayName, args.displayName);
        assert.deepEqual(merged.grantControls, args.grantControls);
        assert.deepEqual(await resolve(merged.conditions), {
            ...args.conditions,
            users: {
                includedUsers: ["All"],
                excludedUsers: ["11111111-2222-3333-4444-555555555555", ...userIds],
                excludedGroups: [groupId],
            },
        });
    });

    test("is idempotent: ids already excluded are not repeated", async () => {
        const args = {
            state: "enabled",
            displayName: "Block legacy authentication",
            conditions: { clientAppTypes: ["other"], applications: { includedApplications: ["All"] }, users: { includedUsers: ["All"], excludedUsers: userIds, excludedGroups: [groupId] } },
            grantControls: { operator: "OR", builtInControls: ["block"] },
        };
        const conditions = await resolve(excludeFromConditionalAccess(args, userIds, groupId).conditions);
        assert.deepEqual(conditions.users, args.conditions.users);
    });
});
