// `npm run plan` loads the plan's TypeScript with plan/typescriptHook.js (esbuild's transform, CommonJS) rather
// than tsx, which the tests and workflows use: it starts faster. The two loaders must make the same plan: the same
// stdout, stderr and exit code, for a clean plan and for a refused one.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { PROJECT_DIR } from "../helpers/program";

const PLAN_SCRIPT: string = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts.plan;

interface Outcome {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

function run(nodeArgs: string[], planArgs: string[]): Promise<Outcome> {
    return new Promise((resolve) => {
        const child = execFile(process.execPath, [...nodeArgs, ...planArgs], { cwd: PROJECT_DIR, encoding: "utf8" }, (_err, stdout, stderr) =>
            resolve({ code: child.exitCode, stdout, stderr }),
        );
    });
}

describe("npm run plan's TypeScript hook", () => {
    const [command, ...hookArgs] = PLAN_SCRIPT.split(/\s+/);

    test("npm run plan is node with the hook, on plan/cli.ts", () => {
        assert.equal(command, "node");
        assert.deepEqual(hookArgs, ["--require", "./plan/typescriptHook.js", "plan/cli.ts"]);
    });

    for (const [name, args, code] of [
        ["a clean plan with a Conditional Access snapshot", ["--json", "--ca-snapshot", "test/fixtures/ca-policies.json"], 0],
        ["a config error", ["--json", "-c", "accountCount=[2"], 2],
    ] as const) {
        test(`${name}: the same output and exit code as under tsx`, async () => {
            const [hooked, tsx] = await Promise.all([run(hookArgs, [...args]), run(["--import", "tsx", "plan/cli.ts"], [...args])]);
            assert.equal(hooked.code, code, hooked.stderr);
            assert.deepEqual(hooked, tsx);
        });
    }
});
