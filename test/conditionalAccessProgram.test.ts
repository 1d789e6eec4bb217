// Conditional Access in the program, under the mock runtime with the snapshot fixture: one exclusion per
// user-scoped policy, skips with reasons, names that survive a rename, and the in-program helper.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { STACK_OUTPUTS, TYPES } from "../policies/contract/constants";
import { readPolicySnapshot } from "../components/conditionalAccess/discovery";
import { CONDITIONAL_ACCESS_EXCLUSION_TYPE } from "../components/conditionalAccess/exclusionProvider";
import type { ConditionalAccessPolicy } from "../components/conditionalAccess/policies";
import { excludeFromConditionalAccess } from "../components/conditionalAccessExclusions";
import { ConfigError } from "../config/schema";
import { recordProgram, runProgram } from "../plan/runProgram";
import { ofType, plain, PROJECT_DIR } from "./helpers/program";

const SNAPSHOT = readPolicySnapshot(path.join(PROJECT_DIR, "test", "fixtures", "ca-policies.json"));
const WORKLOAD_ONLY = SNAPSHOT.filter((p) => (p.conditions?.clientApplications?.includeServicePrincipals ?? []).length > 0);

function run(policies: readonly ConditionalAccessPolicy[], conditionalAccess?: unknown) {
    return runProgram({
        projectDir: PROJECT_DIR,
        stack: "prod",
        configOverrides: conditionalAccess ? { "entra-emergency-access:conditionalAccess": JSON.stringify(conditionalAccess) } : {},
        programOptions: { conditionalAccessPolicies: policies },
    });
}

describe("Conditional Access exclusions in the program", () => {
    test("the exclusion type token is the one the policy pack looks for", () => {
        assert.equal(CONDITIONAL_ACCESS_EXCLUSION_TYPE, TYPES.conditionalAccessExclusion);
    });

    test("one exclusion per user-scoped policy, covering every account and the group", async () => {
        const result = await run(SNAPSHOT);
        const exclusions = ofType(result, TYPES.conditionalAccessExclusion);
        const userScoped = SNAPSHOT.filter((p) => !WORKLOAD_ONLY.includes(p));
        assert.ok(WORKLOAD_ONLY.length > 0 && userScoped.length >= 6);
        assert.deepEqual(exclusions.map((e) => plain(e.inputs).policyId).sort(), userScoped.map((p) => p.id).sort());
        const userIds = ofType(result, TYPES.user).map((u) => u.id);
        const groupId = ofType(result, TYPES.group)[0].id;
        for (const exclusion of exclusions) {
            const inputs = plain(exclusion.inputs);
            assert.deepEqual(inputs.userIds, userIds, exclusion.urn);
            assert.deepEqual(inputs.groupIds, [groupId], exclusion.urn);
            assert.equal(inputs.graphEndpoint, "https://graph.microsoft.com");
            assert.equal(exclusion.parent, ofType(result, "entra-emergency-access:index:EmergencyAccess")[0].urn);
        }
    });

    test("workload-identity policies are skipped and reported with the reason", async () => {
        const result = await run(SNAPSHOT);
        const stack = ofType(result, TYPES.stack)[0];
        assert.deepEqual(
            plain(stack.outputs[STACK_OUTPUTS.skippedPolicies]).map((s: any) => s.policyId),
            WORKLOAD_ONLY.map((p) => p.id),
        );
        for (const skipped of plain(stack.outputs[STACK_OUTPUTS.skippedPolicies])) assert.match(skipped.reason, /workload identities/);
        assert.equal(plain(stack.outputs[STACK_OUTPUTS.excludedPolicyIds]).length, SNAPSHOT.length - WORKLOAD_ONLY.length);
    });

    test("a configured skip keeps its reason and leaves every other policy excluded", async () => {
        const skipped = SNAPSHOT.find((p) => p.state === "disabled")!;
        const result = await run(SNAPSHOT, { skip: [{ policyId: skipped.id, reason: "retired policy, kept for audit" }] });
        const ids = ofType(result, TYPES.conditionalAccessExclusion).map((e) => plain(e.inputs).policyId);
        assert.ok(!ids.includes(skipped.id));
        assert.equal(ids.length, SNAPSHOT.length - WORKLOAD_ONLY.length - 1);
        const outputs = ofType(result, TYPES.stack)[0].outputs;
        assert.ok(plain(outputs[STACK_OUTPUTS.skippedPolicies]).some((s: any) => s.policyId === skipped.id && s.reason === "retired policy, kept for audit"));
    });

    test("excludeFrom a list narrows the exclusions to those policies", async () => {
        const chosen = SNAPSHOT.filter((p) => !WORKLOAD_ONLY.includes(p)).slice(0, 2).map((p) => p.id);
        const result = await run(SNAPSHOT, { excludeFrom: chosen });
        assert.deepEqual(ofType(result, TYPES.conditionalAccessExclusion).map((e) => plain(e.inputs).policyId).sort(), [...chosen].sort());
    });

    test("a policy id in config that the tenant does not have stops the program before anything is declared", async () => {
        const result = await recordProgram({
            projectDir: PROJECT_DIR,
            stack: "prod",
            configOverrides: {
                "entra-emergency-access:conditionalAccess": JSON.stringify({ excludeFrom: ["00000000-0000-0000-0000-00000000abcd"] }),
            },
            programOptions: { conditionalAccessPolicies: SNAPSHOT },
        });
        assert.ok(result.error instanceof ConfigError, String(result.error));
        assert.match(result.error.message, /conditionalAccess.*00000000-0000-0000-0000-00000000abcd/);
        assert.deepEqual(result.resources.map((r) => r.type), [TYPES.stack]);
    });

    test("names come from policy ids, so renaming a policy in the portal replaces nothing", async () => {
        const renamed = SNAPSHOT.map((p) => ({ ...p, displayName: `${p.displayName} (renamed)` }));
        const before = ofType(await run(SNAPSHOT), TYPES.conditionalAccessExclusion).map((e) => e.urn);
        const after = ofType(await run(renamed), TYPES.conditionalAccessExclusion).map((e) => e.urn);
        assert.deepEqual(after, before);
        for (const urn of before) assert.match(urn, /::emergency-access-ca-exclusion-[0-9a-f-]{36}$/);
    });

    test("the serialized provider is kept out of the recorded names but present as the engine sees it", async () => {
        const exclusion = ofType(await run(SNAPSHOT), TYPES.conditionalAccessExclusion)[0];
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
