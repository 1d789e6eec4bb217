// `npm run plan` as a user runs it: a child process, its JSON, its table and its exit codes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { STACK_OUTPUTS, TYPES } from "../policies/contract/constants";
import { buildPlanResult, renderTable } from "../plan/render";
import { SECRET_PLACEHOLDER } from "../plan/serialized";
import { PROJECT_DIR, ofType, plain, runProd } from "./helpers/program";

const TSX_CLI = ["--import", "tsx", path.join(PROJECT_DIR, "plan", "cli.ts")];

function plan(args: string[]) {
    const result = spawnSync(process.execPath, [...TSX_CLI, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `npm run` prints a banner on stdout before the script's own output; the JSON starts at the first `{` line. */
function jsonFromNpmOutput(stdout: string): any {
    const start = stdout.search(/^\{/m);
    assert.ok(start >= 0, `no JSON in output:\n${stdout}`);
    return JSON.parse(stdout.slice(start));
}

describe("npm run plan -- --json on Pulumi.prod.yaml", () => {
    let output: any;
    let raw: string;
    before(() => {
        const npm = spawnSync("npm", ["run", "plan", "--", "--json"], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(npm.status, 0, npm.stderr);
        raw = npm.stdout;
        output = jsonFromNpmOutput(raw);
    });

    test("is one object with the stack, resources, violations and summary", () => {
        assert.equal(output.stack, "prod");
        assert.ok(Array.isArray(output.resources));
        assert.deepEqual(output.violations, []);
        assert.equal(output.summary.resources, output.resources.length);
        assert.equal(output.summary.mandatoryViolations, 0);
    });

    test("lists 2 users, 2 passwords, 2 role assignments, the role and the group", () => {
        const count = (type: string) => output.resources.filter((r: any) => r.type === type).length;
        assert.equal(count(TYPES.user), 2);
        assert.equal(count(TYPES.randomPassword), 2);
        assert.equal(count(TYPES.directoryRoleAssignment), 2);
        assert.equal(count(TYPES.directoryRole), 1);
        assert.equal(count(TYPES.group), 1);
        assert.equal(output.summary.byType[TYPES.user], 2);
    });

    test("every resource has urn, type, name, parent, inputs and its protect/retainOnDelete options", () => {
        for (const r of output.resources) {
            assert.match(r.urn, /^urn:pulumi:prod::entra-emergency-access::/);
            assert.equal(typeof r.type, "string");
            assert.equal(typeof r.name, "string");
            assert.equal(typeof r.parent, "string");
            assert.equal(typeof r.inputs, "object");
            assert.deepEqual(Object.keys(r.options).sort(), ["protect", "retainOnDelete"]);
        }
        for (const type of [TYPES.user, TYPES.group, TYPES.directoryRole, TYPES.directoryRoleAssignment]) {
            for (const r of output.resources.filter((x: any) => x.type === type)) {
                assert.deepEqual(r.options, { protect: true, retainOnDelete: true }, r.urn);
            }
        }
    });

    test("secrets are shown as [secret]", () => {
        for (const user of output.resources.filter((r: any) => r.type === TYPES.user)) {
            assert.equal(user.inputs.password, SECRET_PLACEHOLDER);
        }
        assert.equal(output.outputs[STACK_OUTPUTS.passwords], SECRET_PLACEHOLDER);
        assert.ok(!raw.includes("__provider"));
    });
});

describe("npm run plan -- --ca-snapshot test/fixtures/ca-policies.json", () => {
    test("lists one exclusion per user-scoped policy and the skipped ones with reasons", () => {
        const { code, stdout } = plan(["--ca-snapshot", "test/fixtures/ca-policies.json", "--json"]);
        assert.equal(code, 0);
        const result = JSON.parse(stdout);
        const snapshot = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "test/fixtures/ca-policies.json"), "utf8")).value;
        const workloadOnly = snapshot.filter((p: any) => (p.conditions.clientApplications?.includeServicePrincipals ?? []).length > 0);
        assert.ok(workloadOnly.length > 0, "the fixture has a workload-identity policy");
        const exclusions = result.resources.filter((r: any) => r.type === TYPES.conditionalAccessExclusion);
        assert.deepEqual(
            exclusions.map((r: any) => r.inputs.policyId).sort(),
            snapshot.filter((p: any) => !workloadOnly.includes(p)).map((p: any) => p.id).sort(),
        );
        for (const exclusion of exclusions) assert.equal(exclusion.name, `emergency-access-ca-exclusion-${exclusion.inputs.policyId}`);
        assert.deepEqual(
            result.outputs.conditionalAccessSkippedPolicies.map((s: any) => s.policyId),
            workloadOnly.map((p: any) => p.id),
        );
        assert.ok(result.outputs.conditionalAccessSkippedPolicies.every((s: any) => s.reason.length > 10));
        assert.ok(result.notes.some((n: string) => /is skipped: targets workload identities/.test(n)));
        assert.deepEqual(result.violations, []);
    });
});

describe("plan output never contains a password", () => {
    test("neither the JSON nor the table holds any generated password", async () => {
        const run = await runProd();
        const passwords = ofType(run, TYPES.randomPassword).map((p) => plain(p.outputs.result) as string);
        assert.equal(passwords.length, 2);
        const result = buildPlanResult(run, []);
        const texts = [JSON.stringify(result), renderTable(result)];
        for (const password of passwords) {
            assert.ok(password.length >= 24);
            for (const text of texts) assert.ok(!text.includes(password), "a password leaked into plan output");
        }
    });
});

describe("plan exit codes", () => {
    const stackFile = path.join(PROJECT_DIR, `Pulumi.test-${process.pid}.yaml`);
    // A valid stack without Sentinel or alerts: the presence policy must stop it.
    const bareStack = `test-bare-${process.pid}`;
    const bareStackFile = path.join(PROJECT_DIR, `Pulumi.${bareStack}.yaml`);
    const policyConfigFile = path.join(os.tmpdir(), `policy-config-${process.pid}.json`);
    before(() => {
        fs.writeFileSync(
            stackFile,
            "config:\n  entra-emergency-access:tenantDomain: contoso.onmicrosoft.com\n  entra-emergency-access:passwordLength: 16\n",
        );
        fs.writeFileSync(bareStackFile, "config:\n  entra-emergency-access:tenantDomain: contoso.onmicrosoft.com\n");
        fs.writeFileSync(policyConfigFile, JSON.stringify({ "emergency-access-require-presence": "advisory" }));
    });
    after(() => {
        for (const file of [stackFile, bareStackFile, policyConfigFile]) fs.rmSync(file, { force: true });
    });

    test("0 when the program declares cleanly", () => {
        const { code, stdout } = plan([]);
        assert.equal(code, 0);
        assert.match(stdout, /0 mandatory and 0 advisory policy violations/);
    });

    test("1 when a mandatory policy is violated, naming the policy, the resource and the message", () => {
        const { code, stdout } = plan(["--stack", bareStack]);
        assert.equal(code, 1);
        assert.match(stdout, /\[mandatory\] emergency-access-require-presence on urn:pulumi:test-bare-\d+::entra-emergency-access::pulumi:pulumi:Stack/);
        assert.match(stdout, /missing: the Sentinel sign-in rule\./);
    });

    test("0 when a policy config file makes that policy advisory, which still reports it", () => {
        const { code, stdout } = plan(["--stack", bareStack, "--policy-config", policyConfigFile, "--json"]);
        assert.equal(code, 0);
        const result = JSON.parse(stdout);
        assert.ok(result.violations.length > 0);
        assert.ok(result.violations.every((v: any) => v.enforcementLevel === "advisory"));
        assert.equal(result.summary.mandatoryViolations, 0);
    });

    test("2 for a policy config naming an unknown policy", () => {
        fs.writeFileSync(policyConfigFile, JSON.stringify({ "no-such-policy": "advisory" }));
        const { code, stderr } = plan(["--policy-config", policyConfigFile]);
        assert.equal(code, 2);
        assert.match(stderr, /unknown policy "no-such-policy"/);
    });

    test("2 naming passwordLength when a stack file sets passwordLength: 16", () => {
        const { code, stdout, stderr } = plan(["--stack", `test-${process.pid}`]);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /entra-emergency-access:passwordLength: must be at least 24 \(got 16\)/);
    });

    test("2 naming tenantDomain when it is contoso.com", () => {
        const { code, stderr } = plan(["--config", "tenantDomain=contoso.com"]);
        assert.equal(code, 2);
        assert.match(stderr, /entra-emergency-access:tenantDomain: is not a \*\.onmicrosoft\.com domain/);
    });

    test("2 for a Conditional Access snapshot that is not Graph's list format", () => {
        fs.writeFileSync(policyConfigFile, JSON.stringify({ policies: [] }));
        const { code, stderr } = plan(["--ca-snapshot", policyConfigFile]);
        assert.equal(code, 2);
        assert.match(stderr, /--ca-snapshot: .*value/);
    });

    test("2 for a stack that has no file", () => {
        const { code, stderr } = plan(["--stack", "nosuchstack"]);
        assert.equal(code, 2);
        assert.match(stderr, /Pulumi\.nosuchstack\.yaml not found/);
    });

    test("2 for an unknown option, with the usage", () => {
        const { code, stderr } = plan(["--stak", "prod"]);
        assert.equal(code, 2);
        assert.match(stderr, /Unknown option '--stak'/);
        assert.match(stderr, /Usage: npm run plan/);
    });
});
