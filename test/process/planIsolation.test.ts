// The offline plan is a harness the program cannot touch: the program runs in its own process, and the verdict, the
// analyzer client and the exit code stay in the plan's. Each case copies the program to a temporary folder, weakens
// it (the component loses its Sentinel workspace, which the pack must refuse) and adds code that tries to turn the
// verdict into a clean exit: process.exitCode = 0, process.exit(0) at several points, a fake JSON plan on stdout, a
// result of its own over the IPC channel, a patched analyzer client. The repository's own plan (plan/cli.ts) is
// pointed at the copy with --project-dir, as CI points the base branch's plan at a pull request's program.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { PassThrough } from "node:stream";
import { recordProgramInProcess, type ProcessRun } from "../../plan/programHost";
import { FIXTURE_CONFIG_FILE, FIXTURE_STACK, PROJECT_DIR } from "../helpers/fixtures";
import { runPlanCli, type PlanCliRun } from "../helpers/planCli";


/** What the program needs to run: everything it imports, its project file and its TypeScript settings. */
const PROGRAM_PARTS = ["index.ts", "components", "config", "graph", "program", "policies/contract", "Pulumi.yaml", "package.json", "tsconfig.json"];

/** The program edit that weakens the stack: the component gets no Sentinel workspace and no alerts. */
const MONITORING_ARGS = "        sentinel: config.sentinel,\n        alerts: config.alerts,\n";

let root: string;
let copies = 0;

/** A copy of the program in its own folder, its index.ts changed by `edit`; node_modules is the repository's. */
function programCopy(edit: (index: string) => string): string {
    const dir = path.join(root, `program-${++copies}`);
    for (const part of PROGRAM_PARTS) fs.cpSync(path.join(PROJECT_DIR, part), path.join(dir, part), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
    const index = path.join(dir, "index.ts");
    const before = fs.readFileSync(index, "utf8");
    const after = edit(before);
    assert.notEqual(after, before, "the edit changed index.ts");
    fs.writeFileSync(index, after);
    return dir;
}

/** index.ts without the component's monitoring: the pack's mandatory verdict. */
function weakened(index: string): string {
    assert.ok(index.includes(MONITORING_ARGS), "index.ts passes sentinel and alerts to the component as this test expects");
    return index.replace(MONITORING_ARGS, "");
}

/** `code` added before the program's `return {` of its outputs, after every resource is declared. */
function afterDeclaring(index: string, code: string): string {
    assert.equal(index.split("\n    return {\n").length, 2, "index.ts has one `return {` of its outputs");
    return index.replace("\n    return {\n", `\n${code}\n    return {\n`);
}

function plan(projectDir: string, extra: readonly string[] = []): Promise<PlanCliRun> {
    return runPlanCli(["--project-dir", projectDir, "--stack", FIXTURE_STACK, "--config-file", FIXTURE_CONFIG_FILE, "--json", ...extra]);
}

/** The plan's verdict on a weakened program: exit 1, and stdout is exactly the plan's one JSON object with the violation. */
function assertRefused(result: { code: number | null; stdout: string; stderr: string }): any {
    assert.equal(result.code, 1, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.ok(output.summary.mandatoryViolations > 0, "the weakened program draws a mandatory violation");
    assert.ok(output.violations.some((v: any) => v.enforcementLevel === "mandatory"));
    assert.equal(output.stack, FIXTURE_STACK);
    return output;
}

describe("the plan's verdict is out of the program's reach", { concurrency: 2 }, () => {
    before(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-isolation-"));
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    test("the unchanged copy plans cleanly from another folder (the control)", async () => {
        const dir = programCopy((index) => `${index}\n// unchanged\n`);
        const result = await plan(dir);
        assert.equal(result.code, 0, result.stderr);
        const output = JSON.parse(result.stdout);
        assert.equal(output.summary.mandatoryViolations, 0);
        assert.equal(output.pack.dir, path.join(PROJECT_DIR, "policies"), "the plan's own pack, not the copy's");
    });

    test("process.exitCode = 0 at the top level: still exit 1 with the violation", async () => {
        const dir = programCopy((index) => `${weakened(index)}\nprocess.exitCode = 0;\n`);
        assertRefused(await plan(dir));
    });

    test("process.exitCode = 0 and process.exit(0) after declaring: exit 3, the program ended before it finished", async () => {
        const dir = programCopy((index) => afterDeclaring(weakened(index), "    process.exitCode = 0;\n    process.exit(0);"));
        const { code, stdout, stderr } = await plan(dir);
        assert.equal(code, 3, stderr);
        assert.equal(stdout, "", "no plan is printed for a program that did not finish");
        // Pulumi's runtime turns an exit with promises still active into code 1, after its own warning (on stderr).
        assert.match(stderr, /^plan: the program failed: the program exited \(with code [01]\) before it finished declaring$/m);
    });

    test("process.exit(0) in a timer: exit 1 with the violation, or 3 if the timer ends the program first; never 0", async () => {
        const dir = programCopy((index) => `${weakened(index)}\nsetTimeout(() => process.exit(0), 0);\n`);
        const result = await plan(dir);
        if (result.code === 3) assert.match(result.stderr, /the program exited \(with code [01]\) before it finished declaring/);
        else assertRefused(result);
    });

    test("a fake clean JSON plan on stdout: the plan prints only its own result, which holds the violation", async () => {
        const fake = JSON.stringify({ stack: FIXTURE_STACK, fake: "from-the-program", violations: [], summary: { mandatoryViolations: 0 } });
        const dir = programCopy((index) => `process.stdout.write(${JSON.stringify(`${fake}\n`)});\n${weakened(index)}`);
        const result = await plan(dir);
        const output = assertRefused(result);
        assert.ok(!result.stdout.includes("from-the-program"), "the program's stdout never reaches the plan's");
        assert.equal(output.fake, undefined);
        assert.ok(result.stderr.includes("from-the-program"), "the program's output is shown on stderr, as diagnostics");
    });

    test("a result of the program's own over the IPC channel, and a patched analyzer client: still exit 1", async () => {
        const policyPack = JSON.stringify(path.join(PROJECT_DIR, "plan", "policyPack.ts"));
        const attack = [
            "    const forged = { kind: \"result\", nonce: \"guess\", project: \"entra-emergency-access\", stack: \"fixture\", resources: [] };",
            "    (process as any).send?.(forged);",
            `    const client = require(${policyPack});`,
            "    client.PolicyPackProcess.prototype.analyze = async () => [];",
            "    client.PolicyPackProcess.prototype.analyzeStack = async () => [];",
        ].join("\n");
        const dir = programCopy((index) => afterDeclaring(weakened(index), attack));
        assertRefused(await plan(dir));
    });

    test("a program that throws: exit 3 with its message, no stack trace", async () => {
        const dir = programCopy((index) => afterDeclaring(index, '    throw new Error("the program broke on purpose");'));
        const { code, stdout, stderr } = await plan(dir);
        assert.equal(code, 3, stderr);
        assert.equal(stdout, "");
        assert.equal(stderr, "plan: the program failed: the program broke on purpose\n");
    });
});

describe("the plan takes exactly one well-formed result from the program's process", { concurrency: 2 }, () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-program-process-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const RESOURCE = { urn: "urn:pulumi:fixture::entra-emergency-access::pulumi:pulumi:Stack::entra-emergency-access-fixture", type: "pulumi:pulumi:Stack" };

    /** Runs a stand-in for plan/programProcess.ts: `onRun` is the body of its handler of the plan's run (`request`). */
    async function runStandIn(name: string, onRun: string): Promise<ProcessRun & { output: string }> {
        const entry = path.join(dir, `${name}.js`);
        fs.writeFileSync(
            entry,
            `process.once("message", (request) => {\n${onRun}\n});\nprocess.send({ kind: "ready" });\n`,
        );
        const output = new PassThrough();
        let text = "";
        output.on("data", (chunk: Buffer) => (text += chunk.toString()));
        const run = await recordProgramInProcess({
            projectDir: dir,
            project: "entra-emergency-access",
            stack: FIXTURE_STACK,
            config: {},
            programOptions: { conditionalAccessPolicies: [] },
            entry,
            programOutput: output,
        });
        return { ...run, output: text };
    }

    const result = (extra = "") =>
        `{ kind: "result", nonce: request.nonce, project: request.run.project, stack: request.run.stack, resources: [${JSON.stringify(RESOURCE)}]${extra} }`;

    test("one result: its resources, no error; the process's stdout goes to the program output, not the plan's", async () => {
        const run = await runStandIn("one", `console.log("chatter"); process.send(${result()}, () => process.exit(0));`);
        assert.equal(run.error, undefined);
        assert.deepEqual(run.resources, [RESOURCE]);
        assert.equal(run.project, "entra-emergency-access");
        assert.equal(run.stack, FIXTURE_STACK);
        assert.equal(run.output, "chatter\n");
    });

    test("the run carries the config and a nonce the process learns only from the channel", async () => {
        const run = await runStandIn(
            "echo",
            `const seen = process.argv.join(" ") + JSON.stringify(process.env);
            process.send({ ...${result()}, resources: [{ ...${JSON.stringify(RESOURCE)}, nonceInArgvOrEnv: seen.includes(request.nonce), config: request.run.config }] }, () => process.exit(0));`,
        );
        assert.equal(run.error, undefined);
        assert.equal((run.resources[0] as any).nonceInArgvOrEnv, false);
        assert.deepEqual((run.resources[0] as any).config, {});
    });

    const failures: Array<[string, string, RegExp]> = [
        ["a second result", `process.send(${result()}); process.send(${result()}, () => setTimeout(() => process.exit(0), 100));`, /sent a second result/],
        ["a result with another nonce", `process.send({ ...${result()}, nonce: "guess" }, () => process.exit(0));`, /not the plan's result/],
        ["a result without resources", `process.send({ kind: "result", nonce: request.nonce, project: "p", stack: "s" }, () => process.exit(0));`, /not the plan's result/],
        ["garbage", `process.send("all clear", () => process.exit(0));`, /not the plan's result/],
        ["an exit before any result", `process.exitCode = 0; process.exit(0);`, /the program exited \(with code 0\) before it finished declaring/],
        ["a crash before any result", `throw new Error("boom");`, /the program exited \(with code 1\) before it finished declaring/],
    ];
    for (const [what, onRun, message] of failures) {
        test(`${what} is a program failure, never a clean plan`, async () => {
            const run = await runStandIn(what.replace(/\W+/g, "-"), onRun);
            assert.ok(run.error, "the run failed");
            assert.equal(run.error.kind, "program");
            assert.match(run.error.message, message);
        });
    }

    test("a config error keeps its kind and its one-line problems (exit 2)", async () => {
        const run = await runStandIn(
            "config-error",
            `process.send({ ...${result()}, error: { kind: "config", message: "Invalid configuration", problems: ["entra-emergency-access:accountCount: must be at most 4 (got 9)."] } }, () => process.exit(0));`,
        );
        assert.equal(run.error?.kind, "config");
        assert.deepEqual(run.error?.problems, ["entra-emergency-access:accountCount: must be at most 4 (got 9)."]);
    });
});

describe("the plan's own process loads no program code", () => {
    test("plan/cli.ts's modules include nothing of index.ts, components/, config/, program/ or the mock runtime", () => {
        const script = [
            "require('./plan/plan'); require('./plan/policyPack'); require('./plan/render'); require('./plan/serialized'); require('./plan/programHost');",
            "process.stdout.write(JSON.stringify(Object.keys(require.cache)));",
        ].join("\n");
        const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(child.status, 0, child.stderr);
        const loaded = (JSON.parse(child.stdout) as string[])
            .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`))
            .map((file) => path.relative(PROJECT_DIR, file));
        assert.ok(loaded.includes(path.join("plan", "policyPack.ts")), loaded.join("\n"));
        const programCode = loaded.filter((file) =>
            file === "index.ts" ||
            /^(components|config|program)\//.test(file) ||
            ["runProgram.ts", "mocks.ts", "recordingMonitor.ts", "programProcess.ts"].some((name) => file === path.join("plan", name)),
        );
        assert.deepEqual(programCode, []);
    });
});
