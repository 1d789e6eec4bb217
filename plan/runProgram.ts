// Runs the real Pulumi program under Pulumi's mock runtime and records what it declares.
// No network and no credentials: resource registrations go to a RecordingMonitor, answered by the mocks.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ProgramOptions } from "../program/options";
import { EmergencyAccessMocks } from "./mocks";
import { readProject, readStackConfig } from "./project";
import { installRecordingMonitor, type RecordedResource } from "./recordingMonitor";

export interface ProgramRunOptions {
    /** Folder holding Pulumi.yaml, the stack files and index.ts. */
    readonly projectDir: string;
    /** Stack name: reads Pulumi.<stack>.yaml unless `configFile` is given; also the stack of every URN. */
    readonly stack: string;
    /**
     * The stack config file to read instead of Pulumi.<stack>.yaml, like `pulumi preview --config-file`;
     * relative to `projectDir`.
     */
    readonly configFile?: string;
    /** Extra or replacement config values (`namespace:key` -> string), applied over the stack file; undefined unsets. */
    readonly configOverrides?: Record<string, string | undefined>;
    /** Passed to the program's exported function; the Pulumi CLI passes none. */
    readonly programOptions?: ProgramOptions;
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
    const project = readProject(options.projectDir);
    const config: Record<string, string | undefined> = {
        ...readStackConfig(options.projectDir, project, options.stack, options.configFile),
        ...options.configOverrides,
    };
    for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
    pulumi.runtime.setAllConfig(config as Record<string, string>, []);
    // As `pulumi up` runs it: the plan's verdicts are the ones an update would get.
    const monitor = installRecordingMonitor(new EmergencyAccessMocks(), project.name, options.stack);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const programModule = require(path.join(options.projectDir, "index.ts"));
    const program: (options?: ProgramOptions) => unknown =
        typeof programModule === "function" ? programModule : () => programModule;
    // The error is taken out of the stack's init, as the CLI's language host reports it, so it is
    // rethrown once here instead of also escaping as an unhandled rejection.
    let programError: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        try {
            return (await program(options.programOptions)) as pulumi.Inputs | undefined;
        } catch (err) {
            programError = err;
            return undefined;
        }
    });
    await pulumi.runtime.disconnect();
    return { project: project.name, stack: options.stack, resources: monitor.records, error: programError };
}
