// `npm run plan` as a user runs it: a child process on the fixture stack (`--config-file`), its JSON, its table
// and its exit codes. Stack files a test needs are written to a temporary folder, never to the working tree.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { NOT_USER_SCOPED_REASONS } from "../../policies/contract/conditionalAccess";
import { STACK_OUTPUTS, TYPES } from "../../policies/contract/constants";
import { PACK_CONFIG_FILE, withStandInsUnknown } from "../../plan/plan";
import { ENCRYPTED_STAND_IN } from "../../plan/project";
import { SECRET_PLACEHOLDER } from "../../plan/serialized";
import { UNKNOWN_VALUE } from "../../policies/contract/constants";
import { policies } from "../../policies/policies";
import { FIXTURE_CONFIG_FILE, FIXTURE_PLAN_ARGS, FIXTURE_STACK, PROJECT_DIR } from "../helpers/fixtures";
import { runPlanCli, type PlanCliRun } from "../helpers/planCli";

/** Runs the plan CLI as a child process; asynchronous, so the independent cases below run side by side. */
function plan(args: readonly string[]): Promise<PlanCliRun> {
    return runPlanCli(args);
}

/** `npm run` prints a banner on stdout before the script's own output; the JSON starts at the first `{` line. */
function jsonFromNpmOutput(stdout: string): any {
    const start = stdout.search(/^\{/m);
    assert.ok(start >= 0, `no JSON in output:\n${stdout}`);
    return JSON.parse(stdout.slice(start));
}

describe("npm run plan -- --json on the fixture stack", () => {
    let output: any;
    let raw: string;
    before(() => {
        const npm = spawnSync("npm", ["run", "plan", "--", "--json", ...FIXTURE_PLAN_ARGS], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(npm.status, 0, npm.stderr);
        raw = npm.stdout;
        output = jsonFromNpmOutput(raw);
    });

    test("is one object with the stack, resources, violations and summary", () => {
        assert.equal(output.stack, FIXTURE_STACK);
        assert.deepEqual(
            output.pack,
            { dir: path.join(PROJECT_DIR, "policies"), config: path.join(PROJECT_DIR, "policies", PACK_CONFIG_FILE) },
            "the repository's pack with its own trusted config, by default",
        );
        assert.ok(Array.isArray(output.resources));
        assert.deepEqual(output.violations, []);
        assert.equal(output.summary.resources, output.resources.length);
        assert.equal(output.summary.mandatoryViolations, 0);
    });

    test("lists 2 users, 2 bootstrap passwords, 2 custody resources, 2 role assignments, the role and the group", () => {
        const count = (type: string) => output.resources.filter((r: any) => r.type === type).length;
        assert.equal(count(TYPES.user), 2);
        assert.equal(count(TYPES.randomPassword), 2);
        assert.equal(count(TYPES.passwordCustody), 2);
        assert.deepEqual(
            output.resources.filter((r: any) => r.type === TYPES.passwordCustody).map((r: any) => [r.inputs.userPrincipalName, r.inputs.mode]),
            [["breakglass-1@contoso.onmicrosoft.com", "passkey"], ["breakglass-2@contoso.onmicrosoft.com", "passkey"]],
        );
        assert.equal(count(TYPES.directoryRoleAssignment), 2);
        assert.equal(count(TYPES.directoryRole), 1);
        assert.equal(count(TYPES.group), 1);
        assert.equal(output.summary.byType[TYPES.user], 2);
        assert.deepEqual(
            output.resources.filter((r: any) => r.type === TYPES.user).map((r: any) => r.inputs.userPrincipalName),
            ["breakglass-1@contoso.onmicrosoft.com", "breakglass-2@contoso.onmicrosoft.com"],
            "the fixture's tenant, read from the --config-file",
        );
    });

    test("every resource has urn, type, name, parent, inputs and its protect/retainOnDelete options", () => {
        for (const r of output.resources) {
            assert.match(r.urn, new RegExp(`^urn:pulumi:${FIXTURE_STACK}::entra-emergency-access::`));
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

    test("secrets are shown as [secret], and no output bears a password in passkey mode", () => {
        for (const user of output.resources.filter((r: any) => r.type === TYPES.user)) {
            assert.equal(user.inputs.password, SECRET_PLACEHOLDER);
        }
        assert.equal(output.outputs[STACK_OUTPUTS.credentialMode], "passkey");
        assert.deepEqual(
            Object.keys(output.outputs).filter((key) => /password/i.test(key) || JSON.stringify(output.outputs[key]).includes(SECRET_PLACEHOLDER)),
            [],
            "no stack output is named after a password or holds a secret",
        );
        assert.ok(!raw.includes("__provider"));
    });
});

describe("npm run plan -- --ca-snapshot test/fixtures/ca-policies.json", () => {
    test("lists one exclusion per user-scoped policy and the skipped ones with reasons", async () => {
        const { code, stdout } = await plan([...FIXTURE_PLAN_ARGS, "--ca-snapshot", "test/fixtures/ca-policies.json", "--json"]);
        assert.equal(code, 0);
        const result = JSON.parse(stdout);
        const snapshot = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "test/fixtures/ca-policies.json"), "utf8")).value;
        const workloadOnly = snapshot.filter((p: any) => (p.conditions.clientApplications?.includeServicePrincipals ?? []).length > 0);
        assert.equal(workloadOnly.length, 1, "the fixture has one workload-identity policy");
        const exclusions = result.resources.filter((r: any) => r.type === TYPES.conditionalAccessExclusion);
        assert.deepEqual(
            exclusions.map((r: any) => r.inputs.policyId).sort(),
            snapshot.filter((p: any) => !workloadOnly.includes(p)).map((p: any) => p.id).sort(),
        );
        for (const exclusion of exclusions) assert.equal(exclusion.name, `emergency-access-ca-exclusion-${exclusion.inputs.policyId}`);
        assert.deepEqual(result.outputs.conditionalAccessSkippedPolicies, [
            { policyId: workloadOnly[0].id, displayName: workloadOnly[0].displayName, reason: NOT_USER_SCOPED_REASONS.workloadIdentities },
        ]);
        assert.ok(
            result.notes.includes(
                `Conditional Access policy "${workloadOnly[0].displayName}" (${workloadOnly[0].id}) is skipped: ${NOT_USER_SCOPED_REASONS.workloadIdentities}.`,
            ),
            result.notes.join("\n"),
        );
        assert.deepEqual(result.violations, []);
    });
});

// Each case is its own process and its own temporary files: they run side by side.
describe("plan exit codes and --config-file", { concurrency: 4 }, () => {
    let dir: string;
    /** A stack config file in the temporary folder. */
    const stackFile = (name: string) => path.join(dir, name);
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
        fs.writeFileSync(
            stackFile("Pulumi.short.yaml"),
            "config:\n  entra-emergency-access:tenantDomain: contoso.onmicrosoft.com\n  entra-emergency-access:passwordLength: 16\n",
        );
        // A valid stack without Sentinel or alerts: the presence policy must stop it.
        fs.writeFileSync(stackFile("Pulumi.bare.yaml"), "config:\n  entra-emergency-access:tenantDomain: contoso.onmicrosoft.com\n");
        fs.writeFileSync(
            stackFile("Pulumi.encrypted.yaml"),
            "config:\n  entra-emergency-access:tenantDomain: contoso.onmicrosoft.com\n  entra-emergency-access:passwordRotation:\n    secure: AAABAKlr2Q==\n",
        );
        fs.writeFileSync(stackFile("advisory.json"), JSON.stringify({ "emergency-access-require-presence": "advisory" }));
        fs.writeFileSync(stackFile("unknown-policy.json"), JSON.stringify({ "no-such-policy": "advisory" }));
        fs.writeFileSync(stackFile("not-a-snapshot.json"), JSON.stringify({ policies: [] }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const bare = () => ["--stack", "bare", "--config-file", stackFile("Pulumi.bare.yaml")];

    test("0 when the program declares cleanly", async () => {
        const { code, stdout } = await plan(FIXTURE_PLAN_ARGS);
        assert.equal(code, 0);
        assert.match(stdout, /0 mandatory and 0 advisory policy violations/);
    });

    test("1 when a mandatory policy is violated, naming the policy, the resource and the message", async () => {
        const { code, stdout } = await plan(bare());
        assert.equal(code, 1);
        assert.match(stdout, /\[mandatory\] emergency-access-require-presence on urn:pulumi:bare::entra-emergency-access::pulumi:pulumi:Stack/);
        assert.match(stdout, /missing: the Sentinel sign-in rule\./);
    });

    test("0 when a policy config file makes that policy advisory, which still reports it", async () => {
        const { code, stdout } = await plan([...bare(), "--policy-config", stackFile("advisory.json"), "--json"]);
        assert.equal(code, 0);
        const result = JSON.parse(stdout);
        assert.equal(result.stack, "bare", "the stack name comes from --stack, the values from --config-file");
        assert.ok(result.violations.length > 0);
        assert.ok(result.violations.every((v: any) => v.enforcementLevel === "advisory"));
        assert.equal(result.summary.mandatoryViolations, 0);
    });

    test("2 for a policy config naming an unknown policy", async () => {
        const { code, stderr } = await plan([...FIXTURE_PLAN_ARGS, "--policy-config", stackFile("unknown-policy.json")]);
        assert.equal(code, 2);
        assert.match(stderr, /unknown policy "no-such-policy"/);
    });

    test("2 naming passwordLength when the config file sets passwordLength: 16", async () => {
        const { code, stdout, stderr } = await plan(["--config-file", stackFile("Pulumi.short.yaml")]);
        assert.equal(code, 2);
        assert.equal(stdout, "");
        assert.match(stderr, /entra-emergency-access:passwordLength: must be at least 24 \(got 16\)/);
    });

    test("2 naming tenantDomain when it is contoso.com", async () => {
        const { code, stderr } = await plan([...FIXTURE_PLAN_ARGS, "--config", "tenantDomain=contoso.com"]);
        assert.equal(code, 2);
        assert.match(stderr, /entra-emergency-access:tenantDomain: is not a \*\.onmicrosoft\.com domain/);
    });

    test("2 for a Conditional Access snapshot that is not Graph's list format", async () => {
        const { code, stderr } = await plan([...FIXTURE_PLAN_ARGS, "--ca-snapshot", stackFile("not-a-snapshot.json")]);
        assert.equal(code, 2);
        assert.match(stderr, /--ca-snapshot: .*value/);
    });

    test("2 for a stack that has no file", async () => {
        const { code, stderr } = await plan(["--stack", "nosuchstack"]);
        assert.equal(code, 2);
        assert.match(stderr, /Pulumi\.nosuchstack\.yaml not found/);
    });

    test("2 for a --config-file that does not exist, naming it", async () => {
        const { code, stderr } = await plan(["--config-file", stackFile("Pulumi.absent.yaml")]);
        assert.equal(code, 2);
        assert.equal(stderr, `plan: Pulumi.absent.yaml not found in ${dir}\n`);
    });

    test("2 for an encrypted value in the --config-file, naming the key and the file", async () => {
        const { code, stderr } = await plan(["--config-file", stackFile("Pulumi.encrypted.yaml")]);
        assert.equal(code, 2);
        assert.match(stderr, /entra-emergency-access:passwordRotation in Pulumi\.encrypted\.yaml is encrypted as a whole; the offline plan cannot decrypt it/);
    });

    /** Exit 2 with exactly one stderr line, matching `line`: no stack trace, no usage text. */
    async function refusedInOneLine(args: readonly string[], line: RegExp) {
        const { code, stdout, stderr } = await plan(args);
        assert.equal(code, 2, stderr);
        assert.equal(stdout, "");
        const lines = stderr.trimEnd().split("\n");
        assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
        assert.match(lines[0], line);
        assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
    }

    test("2 naming the key, in one line, for a --config value that is not YAML", async () => {
        await refusedInOneLine(
            [...FIXTURE_PLAN_ARGS, "--config", "accountCount=[2"],
            /^plan: entra-emergency-access:accountCount: the --config value "\[2" is not valid YAML: /,
        );
    });

    test("2 naming the policy and the parameter for a wrong type in a policy parameter", async () => {
        // Whichever policy the pack serves with an integer parameter (policies are renamed as the pack evolves).
        const [policy, parameter] =
            policies
                .flatMap((p) => Object.entries(p.configSchema?.properties ?? {}).map(([name, schema]) => [p.name, name, schema] as const))
                .find(([, , schema]) => (schema as { type?: string }).type === "integer") ?? assert.fail("no policy takes an integer parameter");
        const file = stackFile("wrong-type.json");
        fs.writeFileSync(file, JSON.stringify({ [policy]: { [parameter]: "long" } }));
        await refusedInOneLine(
            [...FIXTURE_PLAN_ARGS, "--policy-config", file],
            new RegExp(`^plan: policy config: ${policy}: parameter ${parameter}: must be an integer \\(got "long"\\)$`),
        );
    });

    const someLevelledPolicy = () => policies[0].name;
    const badLevels: Array<[string, () => unknown, RegExp]> = [
        ["a numeric level for all", () => ({ all: 1 }), /all: the enforcement level must be one of "advisory", "mandatory", "remediate", "disabled" \(got 1\)$/],
        ["an unknown level name", () => ({ [someLevelledPolicy()]: "strict" }), /: the enforcement level must be one of .* \(got "strict"\)$/],
        ["a numeric enforcementLevel", () => ({ [someLevelledPolicy()]: { enforcementLevel: 0 } }), /\.enforcementLevel: must be one of .* \(got 0\)$/],
    ];
    for (const [what, config, line] of badLevels) {
        test(`2 for ${what} in the policy config`, async () => {
            const file = stackFile(`level-${what.replace(/\W+/g, "-")}.json`);
            fs.writeFileSync(file, JSON.stringify(config()));
            await refusedInOneLine([...FIXTURE_PLAN_ARGS, "--policy-config", file], new RegExp(`^plan: policy config ${path.basename(file)}: .*${line.source}`));
        });
    }

    test("2 suggesting the right key for a key in a misspelled namespace, from --config", async () => {
        await refusedInOneLine(
            [...FIXTURE_PLAN_ARGS, "--config", "entra-emergency-acces:accountCount=3"],
            /^plan: entra-emergency-acces:accountCount: is not in this project's namespace .*; did you mean entra-emergency-access:accountCount\?$/,
        );
    });

    test("2 suggesting the right key for a key in a misspelled namespace, from the stack file", async () => {
        const file = stackFile("Pulumi.typo.yaml");
        fs.writeFileSync(file, `${fs.readFileSync(FIXTURE_CONFIG_FILE, "utf8")}\n  Entra-Emergency-Access:passwordLength: 40\n`);
        await refusedInOneLine(
            ["--stack", "typo", "--config-file", file],
            /^plan: Entra-Emergency-Access:passwordLength: is not in this project's namespace .*; did you mean entra-emergency-access:passwordLength\?$/,
        );
    });

    test("2 explaining the trusted maximum for sentinel.queryFrequency PT1H, which the pack would refuse", async () => {
        await refusedInOneLine(
            [...FIXTURE_PLAN_ARGS, "--config", "sentinel={resourceGroupName: rg-sec, workspaceName: law-sec, queryFrequency: PT1H}"],
            /^plan: entra-emergency-access:sentinel\.queryFrequency: must be at most PT5M: the policy pack's trusted maximum \(got "PT1H"\)/,
        );
    });

    test("2 for a --policy-pack folder that is no pack", async () => {
        await refusedInOneLine([...FIXTURE_PLAN_ARGS, "--policy-pack", dir], /^plan: --policy-pack: .* is not a policy pack folder \(it has no PulumiPolicy\.yaml\)$/);
    });

    test("--policy-pack judges with another pack folder and that folder's own policy-config.json", async () => {
        // A checkout of "the base branch's" pack: a copy, whose trusted config makes the presence policy advisory.
        const checkout = path.join(dir, "base");
        fs.cpSync(path.join(PROJECT_DIR, "policies"), path.join(checkout, "policies"), {
            recursive: true,
            filter: (source) => !source.includes(`${path.sep}node_modules`),
        });
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(checkout, "node_modules"), "dir");
        const packDir = path.join(checkout, "policies");
        fs.writeFileSync(path.join(packDir, PACK_CONFIG_FILE), JSON.stringify({ "emergency-access-require-presence": "advisory" }));
        const { code, stdout, stderr } = await plan([...bare(), "--policy-pack", packDir, "--json"]);
        assert.equal(code, 0, stderr);
        const result = JSON.parse(stdout);
        assert.deepEqual(result.pack, { dir: packDir, config: path.join(packDir, PACK_CONFIG_FILE) });
        assert.ok(result.violations.some((v: any) => v.policy === "emergency-access-require-presence" && v.enforcementLevel === "advisory"));
        assert.equal(result.summary.mandatoryViolations, 0);
        // The table names the pack and its config too.
        const table = await plan([...bare(), "--policy-pack", packDir, "--policy-config", stackFile("advisory.json")]);
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, new RegExp(`^Policy pack: ${packDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
        assert.match(table.stdout, /^Policy config: .*advisory\.json$/m);
    });

    test("2 for an unknown option, with the usage, which documents --config-file", async () => {
        const { code, stderr } = await plan(["--stak", FIXTURE_STACK]);
        assert.equal(code, 2);
        assert.match(stderr, /Unknown option '--stak'/);
        assert.match(stderr, /Usage: npm run plan/);
        assert.match(stderr, /--config-file <file> use the configuration values in the specified file rather than detecting/);
    });
});

describe("the encrypted-value stand-in reaches the pack as a value not known yet", () => {
    test("every string holding the stand-in, in inputs and outputs at any depth, becomes the engine's unknown value", () => {
        const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: ENCRYPTED_STAND_IN };
        assert.deepEqual(
            withStandInsUnknown({ webhookReceivers: [{ name: "hook", serviceUri: secret }], note: `see ${ENCRYPTED_STAND_IN}`, n: 1, ok: "x" }),
            {
                webhookReceivers: [{ name: "hook", serviceUri: { ...secret, value: UNKNOWN_VALUE } }],
                note: UNKNOWN_VALUE,
                n: 1,
                ok: "x",
            },
        );
    });

    test("a stack with an encrypted webhook: the note stays, and no violation judges the stand-in's address", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-standin-"));
        try {
            const file = path.join(dir, "Pulumi.webhook.yaml");
            const fixture = fs.readFileSync(FIXTURE_CONFIG_FILE, "utf8");
            fs.writeFileSync(file, `${fixture.trimEnd()}\n    webhooks:\n      - secure: AAABAKlr2Q==\n`);
            const { code, stdout, stderr } = await plan(["--stack", "webhook", "--config-file", file, "--json"]);
            assert.ok(code === 0 || code === 1, stderr);
            const result = JSON.parse(stdout);
            assert.ok(result.notes.some((n: string) => n.includes(ENCRYPTED_STAND_IN)), result.notes.join("\n"));
            for (const v of result.violations) assert.ok(!v.message.includes("encrypted-value.invalid"), v.message);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
