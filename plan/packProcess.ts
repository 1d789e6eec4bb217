// Starting the policy pack's process, kept apart from the gRPC client so the plan can start it before
// it loads anything heavy: the pack then boots while the program runs.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { createInterface } from "node:readline";

export const POLICY_PACK_DIR = path.resolve(__dirname, "..", "policies");

export interface StartedPack {
    readonly child: ChildProcess;
    /** The port the pack prints once it serves; rejects if the pack exits first. */
    readonly port: Promise<string>;
    /** What the pack wrote to stderr so far. */
    readonly stderr: string[];
}

/**
 * Starts the pack in `packDir` (its own folder, where `new PolicyPack` reads package.json), as
 * `pulumi preview --policy-pack` does. The child is killed with this process.
 */
export function startPolicyPack(packDir = POLICY_PACK_DIR): StartedPack {
    const child = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
        cwd: packDir,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const killChild = () => child.kill();
    process.once("exit", killChild);
    child.once("exit", () => process.removeListener("exit", killChild));
    const lines = createInterface({ input: child.stdout! });
    const port = new Promise<string>((resolve, reject) => {
        lines.once("line", (line) => resolve(line.trim()));
        child.once("exit", (code) => reject(new Error(`policy pack exited with ${code} before serving:\n${stderr.join("")}`)));
    });
    // Keep draining stdout so a chatty policy never blocks the pack on a full pipe.
    port.then(() => lines.on("line", () => undefined), () => undefined);
    return { child, port, stderr };
}
