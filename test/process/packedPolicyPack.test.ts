// The published pack, as Pulumi Cloud would run it: `npm pack` in policies/ (what `pulumi policy publish`
// does; prepack builds the bundle), the tarball extracted into an empty folder and given a production install
// there (what the CLI does with a pack it downloads), then started exactly as the CLI's Node policy host starts
// it: `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-address> <pack>` from the pack's
// folder. Over the Analyzer protocol it must serve the same policies as the in-repo pack, find nothing wrong
// with the fixture stack under the trusted pack config, and give every attack of the matrix, and a first preview,
// the very verdict the in-repo pack gives. The in-repo pack here is its TypeScript sources run by tsx, module by
// module, not a bundle: so a fault of the bundling itself (a second copy of a class that @pulumi/policy checks with
// `instanceof`, a lost module or JSON file) shows as a different verdict. The pack as `npm run plan` serves it
// (plan/packProcess.ts: a fresh bundle of the sources, @pulumi/pulumi's root loaded on first use) must agree too.
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
import { TYPES, UNKNOWN_VALUE } from "../../policies/contract/constants";
import { startPolicyPack, type StartedPack } from "../../plan/packProcess";
import { POLICY_PACK_DIR, PolicyPackProcess, evaluatePolicies, type PackInfo, type PolicyConfigFile } from "../../plan/policyPack";
import type { RecordedResource } from "../../plan/recordingMonitor";
import type { PlanViolation } from "../../plan/render";
import { ATTACKS } from "../helpers/attacks";
import { fixturePolicies } from "../helpers/caSnapshot";
import { describeViolations, mandatoryOf, trustedPolicyConfig } from "../helpers/gate";
import { runFixture } from "../helpers/program";
import { byType, one } from "../helpers/select";

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

/** Starts a pack process from its folder with `args`, reading its port from its first line as the CLI does. */
function startPack(args: string[], packDir: string): StartedPack {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PULUMI_")));
    const child = spawn(process.execPath, args, { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
    const stderr: string[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const port = new Promise<string>((resolve, reject) => {
        lines.once("line", (line) => resolve(line.trim()));
        child.once("exit", (code) => reject(new Error(`the pack in ${packDir} exited with ${code} before serving:\n${stderr.join("")}`)));
    });
    port.then(() => lines.on("line", () => undefined), () => undefined);
    return { child, port, stderr };
}

/** Starts the installed pack the way the Pulumi CLI's Node policy host does. */
function startLikePolicyHost(packDir: string): StartedPack {
    return startPack([path.join(packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"), "127.0.0.1:0", packDir], packDir);
}

/** Starts the in-repo pack from its TypeScript sources, unbundled, under tsx. */
function startSourcesUnderTsx(): StartedPack {
    return startPack(["--import", "tsx", "index.ts"], POLICY_PACK_DIR);
}

/** A running pack, configured with the trusted pack config unless told otherwise. */
interface ServedPack {
    readonly info: PackInfo;
    evaluate(resources: RecordedResource[]): Promise<PlanViolation[]>;
    configure(config?: PolicyConfigFile): Promise<void>;
    close(): void;
}

async function connect(started: StartedPack): Promise<ServedPack> {
    const pack = await PolicyPackProcess.start(started);
    const info = await pack.info();
    const configure = (config: PolicyConfigFile = trustedPolicyConfig()) => pack.configure(config, info);
    await configure();
    return { info, evaluate: async (resources) => (await evaluatePolicies(pack, resources)).violations, configure, close: () => pack.close() };
}

/** The verdicts of the in-repo sources, the installed tarball and the plan's pack for the same resources. */
async function verdicts(resources: RecordedResource[]) {
    const [expected, actual, plan] = await Promise.all([
        inRepo.evaluate(structuredClone(resources)),
        installed.evaluate(structuredClone(resources)),
        planServed.evaluate(resources),
    ]);
    return { expected, actual, plan };
}

/** Asserts the three verdicts are one. */
function assertSameVerdict({ expected, actual, plan }: Awaited<ReturnType<typeof verdicts>>) {
    assert.deepEqual(actual, expected, `installed:\n${describeViolations(actual)}\nin-repo:\n${describeViolations(expected)}`);
    assert.deepEqual(plan, expected, `served by the plan:\n${describeViolations(plan)}\nin-repo:\n${describeViolations(expected)}`);
}

let workDir: string;
let packDir: string;
let inRepo: ServedPack;
let installed: ServedPack;
let planServed: ServedPack;
let recorded: RecordedResource[];
/** A fresh deep copy of the fixture stack's recorded resources. */
const fixture = () => structuredClone(recorded);

before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "eea-packed-pack-"));
    packDir = path.join(workDir, "pack");
    // The in-repo pack and the recorded fixture boot while npm packs and installs.
    const reference = connect(startSourcesUnderTsx());
    reference.catch(() => undefined);
    const served = connect(startPolicyPack(POLICY_PACK_DIR));
    served.catch(() => undefined);
    const fixtureRun = runFixture({}, { conditionalAccessPolicies: fixturePolicies });
    fixtureRun.catch(() => undefined);
    await installPack(await packPolicies(workDir), packDir);
    [inRepo, installed, planServed, { resources: recorded }] = await Promise.all([
        reference,
        connect(startLikePolicyHost(packDir)),
        served,
        fixtureRun,
    ]);
});

after(() => {
    inRepo?.close();
    installed?.close();
    planServed?.close();
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
        assert.deepEqual(planServed.info, inRepo.info);
    });

    test("the shipped trusted pack config is the repository's", () => {
        const shipped = JSON.parse(fs.readFileSync(path.join(packDir, "policy-config.json"), "utf8"));
        assert.deepEqual(shipped, trustedPolicyConfig());
    });

    test("the unmodified fixture stack has no violation", async () => {
        const violations = await installed.evaluate(fixture());
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    test("the matrix is not vacuous: the installed pack stops an attack with a mandatory violation", async () => {
        assert.ok(ATTACKS.length > 0);
        const [first] = ATTACKS;
        if (first.policyConfig) await installed.configure(first.policyConfig);
        try {
            const violations = await installed.evaluate(first.mutate(fixture()));
            assert.ok(mandatoryOf(violations, first.policy).length > 0, describeViolations(violations));
        } finally {
            if (first.policyConfig) await installed.configure();
        }
    });

    test("a first preview (the accounts' ids unknown): the same verdict, checks that need the ids deferred as advisory", async () => {
        const stack = fixture();
        for (const user of stack.filter(byType(TYPES.user))) user.outputs.objectId = UNKNOWN_VALUE;
        const group = one(stack, byType(TYPES.group));
        group.inputs.members = [UNKNOWN_VALUE, UNKNOWN_VALUE];
        group.outputs.members = [UNKNOWN_VALUE, UNKNOWN_VALUE];
        const { expected, actual, plan } = await verdicts(stack);
        assertSameVerdict({ expected, actual, plan });
        // Only @pulumi/policy's server writes this, for an UnknownValueError it recognises with `instanceof`.
        const deferred = actual.filter((v) => v.enforcementLevel === "advisory" && /can't run .* during preview/.test(v.message));
        assert.ok(deferred.length > 0, describeViolations(actual));
    });

    test("a resource holding an asset (which loads @pulumi/pulumi's asset classes): the same verdict", async () => {
        const stack = fixture();
        const group = one(stack, byType(TYPES.group));
        // An asset as the engine sends it: the signature key and a text (@pulumi/pulumi/runtime/rpc.js).
        const asset = { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", text: "break glass" };
        group.inputs.description = asset;
        group.outputs.description = asset;
        assertSameVerdict(await verdicts(stack));
    });

    // The matrix runs here once for all three packs (gateAttacks.test.ts holds its shape): each attack draws a mandatory
    // violation from the policy that guards it, and the three packs agree on the whole verdict.
    for (const attack of ATTACKS) {
        test(`${attack.name}: stopped by ${attack.policy}, the same verdict from all three packs`, async () => {
            const packs = [inRepo, installed, planServed];
            if (attack.policyConfig) await Promise.all(packs.map((pack) => pack.configure(attack.policyConfig)));
            try {
                const found = await verdicts(attack.mutate(fixture()));
                const stopping = mandatoryOf(found.expected, attack.policy);
                assert.ok(stopping.length > 0, `expected a mandatory violation of ${attack.policy}; got:\n${describeViolations(found.expected)}`);
                assert.ok(stopping.every((v) => v.urn), "every violation names a resource or the stack");
                assertSameVerdict(found);
            } finally {
                if (attack.policyConfig) await Promise.all(packs.map((pack) => pack.configure()));
            }
        });
    }
});
