// The plan's side of the program's process (./programProcess.ts): forks it, as the engine's language host runs a
// program apart from the engine, sends it the run and takes back exactly one result over a dedicated IPC channel.
// The program's stdout and stderr never reach the plan's stdout (they go to stderr, as the engine shows a
// program's output as diagnostics), so nothing the program prints can pass for the plan's result. This module
// loads no Pulumi, no program code and no config/ code: only Node built-ins.
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { OfflineProgramOptions } from "../program/options";
import type { RecordedResource } from "./recordingMonitor";
import type { ProgramRun, ResolvedProgramRun } from "./runProgram";

/** How a program run failed: `config` and `usage` are the user's to fix (exit 2), `program` is the program's (exit 3). */
export type ProgramErrorKind = "config" | "usage" | "program";

export interface SerializedProgramError {
    readonly kind: ProgramErrorKind;
    readonly message: string;
    /** For a config error: each bad key's one-line problem. */
    readonly problems?: readonly string[];
}

/** The program process's first message: it listens for the run, which the plan sends only then. */
export interface ProgramProcessReady {
    readonly kind: "ready";
}

/** The plan's one message to the program's process. The nonce travels only over the channel, never argv or env. */
export interface ProgramProcessRequest {
    readonly kind: "run";
    readonly nonce: string;
    readonly run: ResolvedProgramRun;
}

/** The program process's one message back. */
export interface ProgramProcessResult {
    readonly kind: "result";
    readonly nonce: string;
    readonly project: string;
    readonly stack: string;
    readonly resources: RecordedResource[];
    readonly error?: SerializedProgramError;
}

/** A failed program run, as the plan reports it. */
export class ProgramError extends Error {
    override name = "ProgramError";
    constructor(
        readonly kind: ProgramErrorKind,
        message: string,
        readonly problems: readonly string[] = [],
    ) {
        super(message);
    }
}

/** What the program process sent, or the failure that stands for it. */
export interface ProcessRun extends ProgramRun {
    readonly error?: ProgramError;
}

export interface ProgramProcessOptions {
    readonly projectDir: string;
    readonly project: string;
    readonly stack: string;
    readonly config: Record<string, string>;
    /** The tenant's policies, given: an offline run never reaches Microsoft Graph. */
    readonly programOptions: OfflineProgramOptions;
    /** Stops the program's process (its run then fails); the plan aborts it when it stops early. */
    readonly signal?: AbortSignal;
    /** Where the program's own stdout and stderr go; the plan's stderr by default. */
    readonly programOutput?: NodeJS.WritableStream;
    /** The process's entry: ./programProcess.ts; tests give stand-ins that misbehave. */
    readonly entry?: string;
}

/** How long a program process may take to end once its result arrived, before it is killed. */
const EXIT_GRACE_MS = 5_000;

const PROGRAM_ENTRY = path.join(__dirname, "programProcess.ts");

/** What the program process stands in for a dynamic provider's serialized source (see ./programProcess.ts). */
export const PROVIDER_NOT_SERIALIZED = "/* the offline plan does not serialize dynamic providers */";

/**
 * The plan's own TypeScript loader (./typescriptHook.js), from the plan's folder, so the program process loads
 * TypeScript wherever it runs: it transpiles only `.ts` files, where tsx hooks every module and doubles the cost of
 * loading @pulumi/pulumi and the providers.
 */
const TYPESCRIPT_HOOK = path.join(__dirname, "typescriptHook.js");

function realPath(file: string): string {
    try {
        return fs.realpathSync(file);
    } catch {
        return file;
    }
}

/**
 * The planned project must load the @pulumi/pulumi the program process's mock runtime is installed in (the
 * runtime is a module-level singleton): the same package, once the paths are resolved. A separate checkout
 * with its own node_modules would declare into a runtime nobody records.
 */
export function checkSameRuntime(projectDir: string): void {
    let programRuntime: string;
    try {
        programRuntime = require.resolve("@pulumi/pulumi", { paths: [projectDir] });
    } catch {
        throw new ProgramError("usage", `--project-dir: ${projectDir} cannot load @pulumi/pulumi; run npm ci there, or next to it`);
    }
    const planRuntime = require.resolve("@pulumi/pulumi");
    if (realPath(programRuntime) !== realPath(planRuntime)) {
        throw new ProgramError(
            "usage",
            `--project-dir: the program loads @pulumi/pulumi from ${path.dirname(realPath(programRuntime))} and the plan from ` +
                `${path.dirname(realPath(planRuntime))}; the plan records only its own runtime. Run both from one node_modules ` +
                "(install the dependencies in one checkout only).",
        );
    }
}

/** True when `message` is a result of this run, with the shape the plan reads. */
function isResult(message: unknown, nonce: string): message is ProgramProcessResult {
    if (message === null || typeof message !== "object") return false;
    const m = message as Partial<ProgramProcessResult>;
    return (
        m.kind === "result" &&
        m.nonce === nonce &&
        typeof m.project === "string" &&
        typeof m.stack === "string" &&
        Array.isArray(m.resources) &&
        m.resources.every((r) => r !== null && typeof r === "object" && typeof r.urn === "string" && typeof r.type === "string") &&
        (m.error === undefined ||
            (typeof m.error === "object" &&
                ["config", "usage", "program"].includes(m.error.kind) &&
                typeof m.error.message === "string"))
    );
}

/**
 * Runs the program in its own process and returns what it declared. Never throws for the program's sake: a
 * program error, a process that ends without its result, or a garbled or second result comes back as `error`.
 */
export function recordProgramInProcess(options: ProgramProcessOptions): Promise<ProcessRun> {
    const output = options.programOutput ?? process.stderr;
    const nonce = randomUUID();
    const child = fork(options.entry ?? PROGRAM_ENTRY, [], {
        cwd: options.projectDir,
        execArgv: ["--require", TYPESCRIPT_HOOK],
        serialization: "advanced",
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        signal: options.signal,
        killSignal: "SIGKILL",
    });
    child.stdout!.on("data", (chunk: Buffer) => output.write(chunk));
    child.stderr!.on("data", (chunk: Buffer) => output.write(chunk));
    const killChild = () => child.kill("SIGKILL");
    process.once("exit", killChild);

    return new Promise<ProcessRun>((resolve) => {
        let result: ProgramProcessResult | undefined;
        let failure: ProgramError | undefined;
        let graceTimer: NodeJS.Timeout | undefined;
        // A failure is final: the process is stopped, and its end settles the run.
        const fail = (message: string) => {
            failure ??= new ProgramError("program", message);
            child.kill("SIGKILL");
        };
        const request: ProgramProcessRequest = {
            kind: "run",
            nonce,
            run: {
                projectDir: options.projectDir,
                project: options.project,
                stack: options.stack,
                config: options.config,
                programOptions: options.programOptions,
            },
        };
        let requested = false;
        child.on("message", (message: unknown) => {
            if (!requested) {
                if ((message as Partial<ProgramProcessReady> | null)?.kind !== "ready") {
                    return fail("the program's process sent something before it was ready");
                }
                requested = true;
                return child.send(request, (err) => {
                    if (err) fail(`the program's process could not receive the run: ${err.message}`);
                });
            }
            if (result !== undefined) return fail("the program's process sent a second result; a plan takes exactly one");
            if (!isResult(message, nonce)) return fail("the program's process sent something that is not the plan's result");
            result = message;
            graceTimer = setTimeout(() => {
                fail(`the program's process did not end within ${EXIT_GRACE_MS / 1000} s of sending its result`);
            }, EXIT_GRACE_MS);
        });
        child.once("error", (err) => {
            fail(`the program's process could not run: ${err.message}`);
            settle(true);
        });
        // Every message is in once the channel is closed, and the process is gone once it exited: the verdict
        // waits for both, so a second result sent on the way out is still seen.
        let exited: string | undefined;
        let disconnected = !child.connected;
        child.once("exit", (code, signal) => {
            exited = signal ? `on signal ${signal}` : `with code ${code}`;
            settle();
        });
        child.once("disconnect", () => {
            disconnected = true;
            settle();
        });
        let settled = false;
        function settle(now = false) {
            if (settled || (!now && (exited === undefined || (!disconnected && failure === undefined)))) return;
            settled = true;
            clearTimeout(graceTimer);
            process.removeListener("exit", killChild);
            const base = { project: options.project, stack: options.stack };
            if (failure) return resolve({ ...base, resources: result?.resources ?? [], error: failure });
            if (!result) {
                return resolve({
                    ...base,
                    resources: [],
                    error: new ProgramError("program", `the program exited (${exited}) before it finished declaring`),
                });
            }
            const error = result.error && new ProgramError(result.error.kind, result.error.message, result.error.problems ?? []);
            resolve({ ...base, resources: result.resources, error });
        }
    });
}
