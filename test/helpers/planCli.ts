// Runs the plan CLI (`plan/cli.ts`, as `npm run plan` does) as a child process and collects what it printed. Every
// suite that drives the CLI uses it; asynchronous, so independent cases can run side by side.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR, TYPESCRIPT_LOADER } from "./fixtures";

/** What a plan run ended with. */
export interface PlanCliRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs `plan/cli.ts` of `harnessDir` (this checkout by default) with `args`, in `cwd`. */
export function runPlanCli(args: readonly string[], options: { cwd?: string; harnessDir?: string } = {}): Promise<PlanCliRun> {
    const cli = path.join(options.harnessDir ?? PROJECT_DIR, "plan", "cli.ts");
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...TYPESCRIPT_LOADER, cli, ...args], {
            cwd: options.cwd ?? PROJECT_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
}
