// Fail-closed onboarding, limited account and restricted management as the offline plan shows them, through the real
// `npm run plan` CLI on the fixture stack: a PasskeyRequirement per account, every role assignment waiting for its
// account's requirement and custody resource (JSON `dependsOn`, table `after=`), the limited account with its two roles,
// and the restricted-management unit holding every account and the group; the trusted pack finds nothing to refuse.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
    AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
    CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    STACK_OUTPUTS,
    TYPES,
} from "../../policies/contract/constants";
import { CA_SNAPSHOT, FIXTURE_CONFIG_FILE, FIXTURE_STACK, PROJECT_DIR } from "../helpers/fixtures";
import { runPlanCli } from "../helpers/planCli";

interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    options: { protect: boolean; retainOnDelete: boolean };
    dependsOn: string[];
}

/**
 * The trusted pack config as a reviewed gate change would leave it to allow this options: the limited account
 * and the certificate method. Written to a temporary file, never to policies/.
 */
function gateChangedPolicyConfig(): string {
    const trusted = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", "policy-config.json"), "utf8"));
    trusted["emergency-account-require-canonical-declaration"].allowLimitedAccount = true;
    trusted["emergency-passkey-requirement-require-declaration"].allowedCredentialMethods = ["passkey", "certificate"];
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-onboarding-")), "policy-config.json");
    fs.writeFileSync(file, JSON.stringify(trusted));
    return file;
}

async function plan(config: Record<string, unknown>, json = true, policyConfig?: string, expectedCode = 0): Promise<{ code: number; stdout: string }> {
    const run = await runPlanCli([
        "--stack", FIXTURE_STACK, "--config-file", FIXTURE_CONFIG_FILE, "--ca-snapshot", CA_SNAPSHOT,
        ...(json ? ["--json"] : []),
        ...(policyConfig ? ["--policy-config", policyConfig] : []),
        ...Object.entries(config).flatMap(([key, value]) => ["--config", `${key}=${JSON.stringify(value)}`]),
    ]);
    assert.equal(run.code, expectedCode, run.stderr);
    return { code: run.code ?? -1, stdout: run.stdout };
}

/** Each distinct plan runs once per file: the CLI is a process (about 3 seconds). */
const runs = new Map<string, Promise<{ code: number; stdout: string }>>();
function planOnce(config: Record<string, unknown>, json = true): Promise<{ code: number; stdout: string }> {
    const key = JSON.stringify([config, json]);
    // This options need a gate change (trusted allowLimitedAccount, allowedCredentialMethods): plan with one.
    if (!runs.has(key)) runs.set(key, plan(config, json, config === EVERYTHING ? gateChangedPolicyConfig() : undefined));
    return runs.get(key)!;
}

/** Every option of this issue at once: the limited account, the unit, the certificate method, three keys. */
const EVERYTHING = {
    limitedAccount: true,
    restrictedManagement: true,
    credential: { mode: "passkey", method: "certificate", requiredPasskeys: 3 },
};

const ofType = (resources: PlannedResource[], type: string) => resources.filter((r) => r.type === type);
const named = (resources: PlannedResource[], name: string) => {
    const found = resources.find((r) => r.name === name);
    assert.ok(found, `the plan has ${name}`);
    return found;
};

/** Every role assignment waits for its account's custody resource and passkey requirement. */
function assertRolesWait(resources: PlannedResource[], keys: readonly string[]): void {
    for (const assignment of ofType(resources, TYPES.directoryRoleAssignment)) {
        const key = /-(\d+|limited)$/.exec(assignment.name)![1];
        assert.ok(keys.includes(key), assignment.name);
        for (const gate of [`emergency-access-passkey-requirement-${key}`, `emergency-access-password-custody-${key}`]) {
            assert.ok(assignment.dependsOn.includes(gate), `${assignment.name} waits for ${gate}`);
        }
    }
}

describe("npm run plan: passkey requirements, the limited account and restricted management", () => {
    test("one protected PasskeyRequirement per account, after everything but the roles, which all wait for it", async () => {
        const output = JSON.parse((await planOnce({})).stdout);
        const resources = output.resources as PlannedResource[];
        assert.deepEqual(output.violations, []);
        const requirements = ofType(resources, TYPES.passkeyRequirement);
        assert.deepEqual(requirements.map((r) => r.name), ["emergency-access-passkey-requirement-1", "emergency-access-passkey-requirement-2"]);
        const group = named(resources, "emergency-access-group");
        for (const [i, requirement] of requirements.entries()) {
            assert.deepEqual(requirement.inputs, {
                userObjectId: output.outputs[STACK_OUTPUTS.accountObjectIds][i],
                userPrincipalName: `breakglass-${i + 1}@contoso.onmicrosoft.com`,
                method: "passkey",
                minimumPasskeys: 2,
                emergencyGroupObjectId: output.outputs[STACK_OUTPUTS.groupObjectId],
                graphEndpoint: "https://graph.microsoft.com",
            });
            assert.deepEqual(requirement.options, { protect: true, retainOnDelete: true });
            // Everything but the roles comes first: the first `pulumi up` stops here with the rest in place.
            for (const before of [group, ...ofType(resources, TYPES.conditionalAccessExclusion), ...ofType(resources, TYPES.scheduledAlertRule)]) {
                assert.ok(requirement.dependsOn.includes(before.name), `${requirement.name} comes after ${before.name}`);
            }
        }
        assert.equal(ofType(resources, TYPES.directoryRoleAssignment).length, 2);
        assertRolesWait(resources, ["1", "2"]);
    });

    test("the table shows what each role assignment waits for", async () => {
        const { stdout } = await planOnce({}, false);
        for (const n of [1, 2]) {
            const row = stdout.split("\n").find((line) => line.includes(`emergency-access-global-administrator-${n} `));
            assert.ok(row?.includes(`after=emergency-access-password-custody-${n},emergency-access-passkey-requirement-${n}`), row);
        }
        assert.match(stdout, /PasskeyRequirement\s+emergency-access-passkey-requirement-1\s+protected\s+userPrincipalName=breakglass-1@contoso.onmicrosoft.com method=passkey minimumPasskeys=2/);
    });

    test("credential.requiredPasskeys and credential.method reach every requirement", async () => {
        const output = JSON.parse((await planOnce(EVERYTHING)).stdout);
        for (const requirement of ofType(output.resources, TYPES.passkeyRequirement)) {
            assert.equal(requirement.inputs.method, "certificate");
            assert.equal(requirement.inputs.minimumPasskeys, 3);
        }
        assert.deepEqual(output.violations, []);
    });

    test("limitedAccount: a third account with Conditional Access and Authentication Policy Administrator, never Global Administrator", async () => {
        const output = JSON.parse((await planOnce(EVERYTHING)).stdout);
        const resources = output.resources as PlannedResource[];
        assert.deepEqual(output.violations, []);
        const limited = named(resources, "emergency-access-account-limited");
        assert.equal(limited.inputs.userPrincipalName, "breakglass-limited@contoso.onmicrosoft.com");
        for (const name of ["password-limited", "password-custody-limited", "passkey-requirement-limited"]) named(resources, `emergency-access-${name}`);
        const limitedId = output.outputs[STACK_OUTPUTS.limitedAccountObjectId];
        assert.equal(output.outputs[STACK_OUTPUTS.accountObjectIds].length, 3);
        assert.equal(output.outputs[STACK_OUTPUTS.accountObjectIds][2], limitedId);
        const roles = ofType(resources, TYPES.directoryRoleAssignment).filter((r) => r.inputs.principalObjectId === limitedId);
        assert.deepEqual(
            roles.map((r) => [r.name, r.inputs.roleId, r.inputs.directoryScopeId]),
            [
                ["emergency-access-conditional-access-administrator-limited", CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID, "/"],
                ["emergency-access-authentication-policy-administrator-limited", AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID, "/"],
            ],
        );
        const globalAdministrators = ofType(resources, TYPES.directoryRoleAssignment).filter((r) => r.inputs.roleId === GLOBAL_ADMINISTRATOR_TEMPLATE_ID);
        assert.equal(globalAdministrators.length, 2, "the limited account adds no Global Administrator");
        assert.deepEqual(ofType(resources, TYPES.directoryRole).map((r) => r.inputs.templateId).sort(), [
            GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
            AUTHENTICATION_POLICY_ADMINISTRATOR_TEMPLATE_ID,
            CONDITIONAL_ACCESS_ADMINISTRATOR_TEMPLATE_ID,
        ].sort());
        assertRolesWait(resources, ["1", "2", "limited"]);
        // The same group, exclusions and alerts as the others.
        assert.equal(named(resources, "emergency-access-group").inputs.members.length, 3);
        for (const exclusion of ofType(resources, TYPES.conditionalAccessExclusion)) assert.ok(exclusion.inputs.userIds.includes(limitedId), exclusion.name);
        for (const rule of ofType(resources, TYPES.scheduledAlertRule)) assert.ok(rule.inputs.query.includes(limitedId), rule.name);
    });

    test("restrictedManagement: the unit, restricted, holding every account and the group, after the custody resources", async () => {
        const output = JSON.parse((await planOnce(EVERYTHING)).stdout);
        const resources = output.resources as PlannedResource[];
        assert.deepEqual(output.violations, []);
        const [unit] = ofType(resources, TYPES.restrictedManagementUnit);
        assert.equal(unit.name, "emergency-access-restricted-management-unit");
        assert.equal(unit.inputs.isMemberManagementRestricted, true);
        assert.equal(unit.inputs.displayName, "Emergency Access (restricted management)");
        assert.deepEqual(unit.inputs.memberIds, [...output.outputs[STACK_OUTPUTS.accountObjectIds], output.outputs[STACK_OUTPUTS.groupObjectId]]);
        assert.deepEqual(unit.options, { protect: true, retainOnDelete: true });
        for (const custody of ofType(resources, TYPES.passwordCustody)) assert.ok(unit.dependsOn.includes(custody.name), custody.name);
        for (const requirement of ofType(resources, TYPES.passkeyRequirement)) assert.ok(requirement.dependsOn.includes(unit.name), requirement.name);
        assert.equal(typeof output.outputs[STACK_OUTPUTS.administrativeUnitId], "string");
    });

    test("without the gate change, the trusted pack refuses the limited account and the certificate method", async () => {
        const { stdout } = await plan(EVERYTHING, true, undefined, 1);
        const violations = JSON.parse(stdout).violations.filter((v: any) => v.enforcementLevel === "mandatory").map((v: any) => v.message);
        assert.ok(violations.some((m: string) => m.includes("the trusted pack config does not allow it (allowLimitedAccount)")), violations.join("\n"));
        assert.equal(
            violations.filter((m: string) => m.includes('method is "certificate"; the trusted pack config allows passkey (allowedCredentialMethods)')).length,
            3,
            "one per account",
        );
    });

    test("restrictedManagement with sealed passwords is refused before anything is declared", async () => {
        const run = await runPlanCli([
            "--stack", FIXTURE_STACK, "--config-file", FIXTURE_CONFIG_FILE, "--ca-snapshot", CA_SNAPSHOT,
            "--config", "restrictedManagement=true",
            "--config", `credential=${JSON.stringify({ mode: "sealed-password", custodians: [{ name: "a", recipient: "age1" + "q".repeat(58) }] })}`,
        ]);
        assert.equal(run.code, 2, run.stdout);
        assert.match(run.stderr, /entra-emergency-access:restrictedManagement: cannot be true with entra-emergency-access:credential\.mode sealed-password/);
    });
});
