// Runs the real Pulumi program under Pulumi's mock runtime and records what it declares.
// No network and no credentials: resource registrations go to a RecordingMonitor, answered by the mocks.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { OfflineProgramOptions } from "../program/options";
import { EmergencyAccessMocks } from "./mocks";
import { resolveProgramConfig, type StackSelection } from "./project";
import { installRecordingMonitor, type RecordedResource } from "./recordingMonitor";

export interface ProgramRunOptions extends StackSelection {
    /** Passed to the program's exported function (the Pulumi CLI passes none): the tenant's policies, never Graph. */
    readonly programOptions: OfflineProgramOptions;
}

/** A program run whose config is already resolved: what the plan's program process receives from the plan. */
export interface ResolvedProgramRun {
    readonly projectDir: string;
    readonly project: string;
    readonly stack: string;
    /** `namespace:key` -> value, as the engine hands config to a program. */
    readonly config: Record<string, string>;
    /** The tenant's policies, given: an offline run never reaches Microsoft Graph. */
    readonly programOptions: OfflineProgramOptions;
}

export interface ProgramRun {
    readonly project: string;
    readonly stack: string;
    /** Every registered resource, the stack first, in registration order. */
    readonly resources: RecordedResource[];
}

/** A run that may have failed: what was registered before the error, and the error. */
export interface RecordedRun extends ProgramRun {
    readonly error?: unknown;
}

/** Runs the program and returns what it declared; throws the program's error, if any. */
export async function runProgram(options: ProgramRunOptions): Promise<ProgramRun> {
    const { error, ...run } = await recordProgram(options);
    if (error !== undefined) throw error;
    return run;
}

/**
 * Runs index.ts as `pulumi up` would (inside a root Stack resource) and waits until every
 * registration, including those made inside `apply`, has reached the monitor. A program error is
 * returned with whatever was registered before it.
 */
export async function recordProgram(options: ProgramRunOptions): Promise<RecordedRun> {
    const { project, config } = resolveProgramConfig(options);
    return recordResolvedProgram({ ...options, project, config });
}

/** recordProgram with the config already read: the program process's entry (./programProcess.ts) calls this. */
export async function recordResolvedProgram(run: ResolvedProgramRun): Promise<RecordedRun> {
    pulumi.runtime.setAllConfig({ ...run.config }, []);
    // As `pulumi up` runs it: the plan's verdicts are the ones an update would get.
    const monitor = installRecordingMonitor(new EmergencyAccessMocks(), run.project, run.stack);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const programModule = require(path.join(run.projectDir, "index.ts"));
    const program: (options: OfflineProgramOptions) => unknown =
        typeof programModule === "function" ? programModule : () => programModule;
    // The error is taken out of the stack's init, as the CLI's language host reports it, so it is
    // rethrown once here instead of also escaping as an unhandled rejection.
    let programError: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        try {
            return (await program(run.programOptions)) as pulumi.Inputs | undefined;
        } catch (err) {
            programError = err;
            return undefined;
        }
    });
    await pulumi.runtime.disconnect();
    return { project: run.project, stack: run.stack, resources: monitor.records, error: programError };
}
