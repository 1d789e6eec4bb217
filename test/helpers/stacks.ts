// The stack check: a stack config file is deployable when its values pass the program's own config schema and
// the offline plan declares it without a mandatory violation. It pins no value, so it holds for any adopter's
// tenant; test/repo/stacks.test.ts runs it on every Pulumi.<stack>.yaml at the repository root.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE, parseStackConfig, type StackConfig } from "../../config/schema";
import { readProject, readStackConfig } from "../../plan/project";
import { PROJECT_DIR, TYPESCRIPT_LOADER } from "./fixtures";

/** A stack to check: its name, and the file of its values when that is not Pulumi.<stack>.yaml at the root. */
export interface StackUnderCheck {
    readonly stack: string;
    readonly configFile?: string;
}

/** What the check found, for further assertions by the caller. */
export interface StackCheckResult {
    /** The validated config, defaults applied. */
    readonly config: StackConfig;
    /** The plan's JSON (`npm run plan -- --json`). */
    readonly plan: any;
}

/** The names of the stacks that have a Pulumi.<stack>.yaml in `dir`, sorted. */
export function stackFilesIn(dir: string = PROJECT_DIR): string[] {
    return fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/**
 * The stack's config as the program receives it (project defaults from Pulumi.yaml, then the stack's values),
 * keyed without the project's namespace; keys of other namespaces (providers') are left out.
 */
export function stackConfigValues({ stack, configFile }: StackUnderCheck): Record<string, string> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const all = readStackConfig(PROJECT_DIR, readProject(PROJECT_DIR), stack, configFile);
    return Object.fromEntries(
        Object.entries(all)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/** `node --require ./plan/typescriptHook.js plan/cli.ts --stack <stack> [--config-file <file>] --json`, as `npm run plan` runs it. */
export function planStack({ stack, configFile }: StackUnderCheck): { code: number | null; stdout: string; stderr: string } {
    const args = [...TYPESCRIPT_LOADER, path.join(PROJECT_DIR, "plan", "cli.ts"), "--stack", stack];
    if (configFile !== undefined) args.push("--config-file", configFile);
    const result = spawnSync(process.execPath, [...args, "--json"], { cwd: PROJECT_DIR, encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The mandatory violations a plan's JSON lists, one line each, for a failure message. */
function violationsOf(stdout: string): string {
    try {
        const plan = JSON.parse(stdout) as { violations?: Array<{ enforcementLevel: string; policy: string; message: string }> };
        return (plan.violations ?? []).map((v) => `  [${v.enforcementLevel}] ${v.policy}: ${v.message}`).join("\n");
    } catch {
        return stdout;
    }
}

/** Asserts that a stack is deployable: its config validates and its plan exits 0. Pins no value. */
export function checkStack(under: StackUnderCheck): StackCheckResult {
    const file = under.configFile ?? path.join(PROJECT_DIR, `Pulumi.${under.stack}.yaml`);
    let config: StackConfig;
    try {
        config = parseStackConfig(stackConfigValues(under));
    } catch (error) {
        assert.fail(`${file} does not validate:\n${(error as Error).message}`);
    }
    const planned = planStack(under);
    assert.equal(
        planned.code,
        0,
        `npm run plan -- --stack ${under.stack}${under.configFile ? ` --config-file ${under.configFile}` : ""} exited ` +
            `${planned.code}:\n${planned.stderr}${violationsOf(planned.stdout)}`,
    );
    return { config, plan: JSON.parse(planned.stdout) };
}
