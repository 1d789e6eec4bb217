// The program's own process, as the engine's language host runs a Pulumi program: the plan (./programHost.ts)
// forks this entry, sends it the run over the IPC channel, and gets back what the program declared. The verdict,
// the analyzer client and the exit code stay in the plan's process, which the program cannot reach: whatever the
// program does here (set process.exitCode, call process.exit, write to stdout, patch modules) changes at most
// this process, and a process that ends without its one result is a program failure, never a clean plan.
import {
    PROVIDER_NOT_SERIALIZED,
    type ProgramProcessReady,
    type ProgramProcessRequest,
    type ProgramProcessResult,
    type SerializedProgramError,
} from "./programHost";
import Module from "node:module";
import { recordResolvedProgram } from "./runProgram";

// Pulumi's runtime captures a stack trace for every promise and resource it creates; with tsx's source maps on,
// each capture is mapped back to TypeScript, which costs a third of a large plan's time. The plan reports errors
// by message, so it keeps stack traces unmapped.
process.setSourceMapsEnabled(false);
// The same captures cost the time of building each stack at all: the plan reports a program's errors by message
// (a failing program is re-run under `npm test` or `pulumi preview` for its trace), so it keeps none.
Error.stackTraceLimit = 0;

// A dynamic resource's provider is serialized into its `__provider` input, about a second of CPU for the two
// providers, and nothing in the plan reads it: the engine never hands `__` inputs to analyzers and the plan's output
// hides them. So this process stands in a marker for the serialized source. The program's own tests run it in
// process with Pulumi's real serializer (test/helpers/program.ts), and the dynamic-provider host tests load real
// serialized providers, so a provider that cannot be serialized still fails the tests.
{
    const serializer = require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure", { paths: [process.cwd()] });
    const stand = new Module(serializer);
    stand.exports = {
        serializeFunction: async () => ({ text: PROVIDER_NOT_SERIALIZED, exportName: "handler", containsSecrets: false }),
    };
    stand.loaded = true;
    require.cache[serializer] = stand;
}

/** The error, as the plan reports it: config and usage errors are the user's (exit 2), anything else the program's. */
function serializeError(err: unknown): SerializedProgramError {
    const name = err instanceof Error ? err.name : undefined;
    const message = err instanceof Error ? err.message : String(err);
    // The program's ConfigError comes from the planned project's own config/ (another checkout with --project-dir),
    // so it is recognised by name, not by class.
    if (name === "ConfigError") {
        const problems = (err as { problems?: unknown }).problems;
        return {
            kind: "config",
            message,
            problems: Array.isArray(problems) && problems.every((p) => typeof p === "string") ? problems : undefined,
        };
    }
    if (name === "UsageError") return { kind: "usage", message };
    return { kind: "program", message };
}

// Taken before any program code runs: the program can neither send a result of its own through `process.send`
// nor keep this process from ending once the result is sent. The run's nonce arrives only over the channel.
const sendToPlan = process.send?.bind(process);
const exitNow = process.exit.bind(process);
if (!sendToPlan) {
    process.stderr.write("plan/programProcess.ts is started by the plan (plan/programHost.ts), over an IPC channel.\n");
    exitNow(2);
}
delete (process as { send?: unknown }).send;

process.once("message", (request: ProgramProcessRequest) => {
    const nonce = request.nonce;
    const reply = (result: Omit<ProgramProcessResult, "kind" | "nonce">) => {
        const message: ProgramProcessResult = { kind: "result", nonce, ...result };
        sendToPlan!(message, undefined, undefined, (err) => exitNow(err ? 1 : 0));
    };
    recordResolvedProgram(request.run).then(
        (recorded) =>
            reply({
                project: recorded.project,
                stack: recorded.stack,
                resources: recorded.resources,
                error: recorded.error === undefined ? undefined : serializeError(recorded.error),
            }),
        (err: unknown) => reply({ project: request.run.project, stack: request.run.stack, resources: [], error: serializeError(err) }),
    );
});
// Only now that the listener is in place: the plan sends the run once it hears this, so the run is never lost.
const ready: ProgramProcessReady = { kind: "ready" };
sendToPlan!(ready);
