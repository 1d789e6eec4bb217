// Starting the policy pack's process, kept apart from the gRPC client so the plan can start it before
// it loads anything heavy: the pack then boots while the program runs.
//
// A pack folder with TypeScript sources (policies/, or a base-branch checkout of it) is served from a bundle
// of those sources made now, in memory, by the same esbuild options that build the published pack
// (policies/scripts/bundle.ts). Bundling takes about 50 ms, and the pack then reaches its port on half the CPU it
// needs under tsx (measured: 0.7 s against 1.5 s), whose hooks slow every module Node loads. Nothing is cached,
// so the bundle is never stale. A folder without sources (an installed tarball) runs its built `main`.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { PACK_SOURCE_ENTRY, bundlePack } from "../policies/scripts/bundle";

export const POLICY_PACK_DIR = path.resolve(__dirname, "..", "policies");

export interface StartedPack {
    readonly child: ChildProcess;
    /** The port the pack prints once it serves; rejects if the pack exits (or its sources fail to build) first. */
    readonly port: Promise<string>;
    /** What the pack wrote to stderr so far. */
    readonly stderr: string[];
}

/**
 * JavaScript run before the bundle in the pack's process. @pulumi/policy requires @pulumi/pulumi's root module, which
 * loads the whole SDK (its automation API included: most of the pack's start-up), for one thing: the asset classes,
 * read only when a resource holds an asset. So the root is put in Node's module cache as a stand-in that loads the
 * real module the first time any of its properties is read: what runs, and so every verdict, is unchanged, and the
 * pack reaches its port on a third of the CPU (measured: 0.37 s against 1.12 s). Should anything here fail (a pack
 * without its packages installed), the bundle loads as it would without it, and reports what is missing itself.
 */
const DEFER_PULUMI_ROOT = `(() => {
    try {
        const Module = require("node:module");
        const path = require("node:path");
        const policyDir = path.dirname(require.resolve("@pulumi/policy", { paths: [process.cwd()] }));
        const rootPath = require.resolve("@pulumi/pulumi", { paths: [policyDir] });
        if (require.cache[rootPath]) return;
        let real;
        const load = () => {
            if (!real) {
                const module = new Module(rootPath, null);
                module.filename = rootPath;
                module.paths = Module._nodeModulePaths(path.dirname(rootPath));
                module.load(rootPath);
                real = module.exports;
            }
            return real;
        };
        const standIn = new Module(rootPath, null);
        standIn.filename = rootPath;
        standIn.loaded = true;
        standIn.exports = new Proxy({}, {
            get: (_, key) => (key === "__esModule" ? true : load()[key]),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const descriptor = Object.getOwnPropertyDescriptor(load(), key);
                return descriptor && { ...descriptor, configurable: true };
            },
        });
        require.cache[rootPath] = standIn;
    } catch {
        // Load everything eagerly, as the published pack does.
    }
})();
`;

/** The built entry point of a pack folder without sources: package.json `main`, as Node resolves a folder. */
function builtEntry(packDir: string): string {
    let main = "index.js";
    try {
        main = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")).main ?? main;
    } catch {
        // No readable package.json: `new PolicyPack` reports that itself, from the child.
    }
    return path.resolve(packDir, main);
}

/**
 * Starts the pack in `packDir` (its own folder, where `new PolicyPack` reads package.json), as
 * `pulumi preview --policy-pack` does. The child is killed with this process.
 */
export function startPolicyPack(packDir = POLICY_PACK_DIR): StartedPack {
    const fromSources = fs.existsSync(path.join(packDir, PACK_SOURCE_ENTRY));
    // `node -` runs the script read from stdin as a CommonJS module of the working directory, so the bundle's
    // `require("@pulumi/policy")` resolves from the pack's folder exactly as its own files' would. Node starts
    // while esbuild bundles.
    const child = spawn(process.execPath, fromSources ? ["-"] : [builtEntry(packDir)], {
        cwd: packDir,
        stdio: [fromSources ? "pipe" : "ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const killChild = () => child.kill();
    process.once("exit", killChild);
    child.once("exit", () => process.removeListener("exit", killChild));
    let buildError: Error | undefined;
    if (fromSources) {
        // A child that dies early closes stdin; the exit handler below reports it, not this pipe.
        child.stdin!.on("error", () => undefined);
        bundlePack(packDir).then(
            (bundle) => child.stdin!.end(`${DEFER_PULUMI_ROOT}\n${bundle.code}`),
            (err: Error) => {
                buildError = err;
                child.kill();
            },
        );
    }
    const lines = createInterface({ input: child.stdout! });
    const port = new Promise<string>((resolve, reject) => {
        lines.once("line", (line) => resolve(line.trim()));
        child.once("exit", (code) =>
            reject(
                buildError
                    ? new Error(`policy pack ${packDir} does not build: ${buildError.message}`)
                    : new Error(`policy pack exited with ${code} before serving:\n${stderr.join("")}`),
            ),
        );
    });
    // Keep draining stdout so a chatty policy never blocks the pack on a full pipe.
    port.then(() => lines.on("line", () => undefined), () => undefined);
    return { child, port, stderr };
}
