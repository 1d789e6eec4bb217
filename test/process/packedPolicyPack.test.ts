// The published pack, as Pulumi Cloud would run it: `npm pack` in policies/ (what `pulumi policy publish`
// does; prepack builds the bundle), the tarball extracted into an empty folder and given a production install
// there (what the CLI does with a pack it downloads), then started exactly as the CLI's Node policy host starts
// it: `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-address> <pack>` from the pack's
// folder. Over the Analyzer protocol it must serve the same policies as the in-repo pack, find nothing wrong
// with the fixture stack under the trusted pack config, and give every attack of the matrix the very verdict
// the in-repo pack gives.
//
// Offline by construction: the install reads every package from the npm cache that the root `npm ci` filled,
// by the integrity the pack's npm-shrinkwrap.json copies from package-lock.json (npm_config_offline; no
// registry). The host drops the engine address from its arguments (the SDK only dials PULUMI_NODEJS_ENGINE,
// removed from the child's environment), so a loopback address nobody listens on is passed.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import type { StartedPack } from "../../plan/packProcess";
import { POLICY_PACK_DIR, PolicyPackProcess, evaluatePolicies, type PackInfo, type PolicyConfigFile } from "../../plan/policyPack";
import type { PlanViolation } from "../../plan/render";
import { ATTACKS } from "../helpers/attacks";
import { describeViolations, mandatoryOf, startGate, trustedPolicyConfig, type Gate } from "../helpers/gate";

const run = promisify(execFile);

/** npm, offline and quiet: only the cache, no audit, no funding or update notices. */
async function npm(args: string[], cwd: string): Promise<string> {
    try {
        const { stdout } = await run("npm", [...args, "--offline", "--no-audit", "--no-fund", "--loglevel=error"], {
            cwd,
            encoding: "utf8",
            env: { ...process.env, npm_config_offline: "true", npm_config_update_notifier: "false" },
        });
        return stdout;
    } catch (err) {
        const { stderr } = err as { stderr?: string };
        throw new Error(`npm ${args.join(" ")} in ${cwd} failed (is the npm cache filled by the root npm ci?):\n${stderr ?? err}`);
    }
}

/** `npm pack` in policies/, to `destination`; returns the tarball's path. */
async function packPolicies(destination: string): Promise<string> {
    const [report] = JSON.parse(await npm(["pack", "--json", "--pack-destination", destination], POLICY_PACK_DIR)) as [{ filename: string }];
    return path.join(destination, report.filename);
}

/** The tarball's `package/` folder extracted into `dir`, then its production dependencies installed there. */
async function installPack(tarball: string, dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1"]);
    await npm(["install", "--omit=dev"], dir);
}

/** Starts the installed pack the way the Pulumi CLI's Node policy host does. */
function startLikePolicyHost(packDir: string): StartedPack {
    const host = path.join(packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PULUMI_")));
    const child = spawn(process.execPath, [host, "127.0.0.1:0", packDir], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
    const stderr: string[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const port = new Promise<string>((resolve, reject) => {
        lines.once("line", (line) => resolve(line.trim()));
        child.once("exit", (code) => reject(new Error(`the installed pack exited with ${code} before serving:\n${stderr.join("")}`)));
    });
    port.then(() => lines.on("line", () => undefined), () => undefined);
    return { child, port, stderr };
}

/** The installed pack behind the same interface as the in-repo gate. */
interface InstalledPack {
    readonly info: PackInfo;
    evaluate(resources: Parameters<Gate["evaluate"]>[0]): Promise<PlanViolation[]>;
    configure(config?: PolicyConfigFile): Promise<void>;
    close(): void;
}

async function connect(started: StartedPack): Promise<InstalledPack> {
    const pack = await PolicyPackProcess.start(started);
    const info = await pack.info();
    const configure = (config: PolicyConfigFile = trustedPolicyConfig()) => pack.configure(config, info);
    await configure();
    return { info, evaluate: async (resources) => (await evaluatePolicies(pack, resources)).violations, configure, close: () => pack.close() };
}

let workDir: string;
let packDir: string;
let inRepo: Gate;
let installed: InstalledPack;

before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "eea-packed-pack-"));
    packDir = path.join(workDir, "pack");
    // The in-repo pack and the recorded fixture boot while npm packs and installs.
    const gate = startGate();
    gate.catch(() => undefined);
    await installPack(await packPolicies(workDir), packDir);
    [inRepo, installed] = await Promise.all([gate, connect(startLikePolicyHost(packDir))]);
});

after(() => {
    inRepo?.close();
    installed?.close();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the packed tarball, installed and served by the Node policy host", () => {
    test("the install is the bundle and production packages only: no TypeScript source of the pack, no bundler", () => {
        const files = fs.readdirSync(packDir, { recursive: true, withFileTypes: false }) as string[];
        const own = files.filter((file) => !file.startsWith("node_modules"));
        assert.ok(own.includes(path.join("dist", "index.js")));
        assert.deepEqual(own.filter((file) => file.endsWith(".ts")), []);
        assert.ok(fs.existsSync(path.join(packDir, "node_modules", "@pulumi", "policy", "package.json")));
        assert.ok(!fs.existsSync(path.join(packDir, "node_modules", "esbuild")), "a devDependency was installed");
    });

    test("serves the same pack as the in-repo one: name, version, every policy with its level and parameter schema", () => {
        assert.ok(inRepo.info.policies.length >= 15);
        assert.deepEqual(installed.info, inRepo.info);
    });

    test("the shipped trusted pack config is the repository's", () => {
        const shipped = JSON.parse(fs.readFileSync(path.join(packDir, "policy-config.json"), "utf8"));
        assert.deepEqual(shipped, trustedPolicyConfig());
    });

    test("the unmodified fixture stack has no violation", async () => {
        const violations = await installed.evaluate(inRepo.fixture());
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    test("the matrix is not vacuous: the installed pack stops an attack with a mandatory violation", async () => {
        assert.ok(ATTACKS.length > 0);
        const [first] = ATTACKS;
        if (first.policyConfig) await installed.configure(first.policyConfig);
        try {
            const violations = await installed.evaluate(first.mutate(inRepo.fixture()));
            assert.ok(mandatoryOf(violations, first.policy).length > 0, describeViolations(violations));
        } finally {
            if (first.policyConfig) await installed.configure();
        }
    });

    for (const attack of ATTACKS) {
        test(`${attack.name}: the same verdict as the in-repo pack`, async () => {
            if (attack.policyConfig) await Promise.all([inRepo.configure(attack.policyConfig), installed.configure(attack.policyConfig)]);
            try {
                const resources = attack.mutate(inRepo.fixture());
                const [expected, actual] = await Promise.all([inRepo.evaluate(structuredClone(resources)), installed.evaluate(resources)]);
                assert.deepEqual(actual, expected, `installed:\n${describeViolations(actual)}\nin-repo:\n${describeViolations(expected)}`);
            } finally {
                if (attack.policyConfig) await Promise.all([inRepo.configure(), installed.configure()]);
            }
        });
    }
});
