// `npm run bench`: wall time and peak memory of the offline plan against a floor measured in the same
// run, on the prod stack and on Conditional Access snapshots of 10, 100, 195 (Entra's maximum) and 1,000
// policies; the policy pack's start-up and its evaluation alone; the type-check; whether the targets of issue 11
// are met; and the Graph cost of a converged refresh and reconcile (./graph.ts).
// `npm run bench -- --graph` runs the Graph part alone (about a minute; the whole bench takes several), and
// `npm run bench -- --verify` one `npm run verify` against a good tenant (./verify.ts).
// Prints markdown tables, writes them to bench/results.md and into the README between its bench markers.
// Never part of `npm test`: timings belong here, not in assertions.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readPolicySnapshot } from "../plan/snapshot";
import { classifyPolicy, type ConditionalAccessPolicy } from "../policies/contract/conditionalAccess";
import { startPolicyPack } from "../plan/packProcess";
import { POLICY_PACK_DIR, PolicyPackProcess, evaluatePolicies, readPolicyConfigFile } from "../plan/policyPack";
import { runProgram } from "../plan/runProgram";
import { graphBench } from "./graph";
import { verifyBench } from "./verify";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** What `npm run plan` runs (package.json), without npm itself: node's arguments. */
const PLAN_SCRIPT: string = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.plan;
const PLAN_COMMAND = (() => {
    const [command, ...args] = PLAN_SCRIPT.split(/\s+/);
    if (command !== "node") throw new Error(`bench: package.json's plan script does not start with node: ${PLAN_SCRIPT}`);
    return args;
})();

/** Entra ID's maximum number of Conditional Access policies in a tenant. */
const TENANT_MAXIMUM = 195;
const SIZES = [10, 100, TENANT_MAXIMUM, 1000];

/** Issue 11's targets: wall time over the floor, and the largest process's peak memory at the tenant maximum. */
const TARGETS = { prodRatio: 2.5, maximumRatio: 3, maximumProcessMb: 400 };

/** The floor: a bare node that only requires the SDK and provider modules the plan loads. */
const FLOOR_SCRIPT = [
    "@pulumi/pulumi",
    "@pulumi/azuread",
    "@pulumi/random",
    "@pulumi/azure-native/securityinsights",
    "@pulumi/azure-native/monitor",
    "@pulumi/azure-native/operationalinsights",
    "@pulumi/policy",
]
    .map((m) => `require(${JSON.stringify(m)});`)
    .join("");

interface Sample {
    readonly seconds: number;
    /** Peak of the summed resident memory of the process and its children (the policy pack), in MB. */
    readonly peakMb: number;
    /** Peak resident memory of the largest single process, in MB. */
    readonly peakProcessMb: number;
    readonly code: number | null;
}

/** Resident memory of a process and each of its descendants, in kB. */
function treeRssKb(pid: number): number[] {
    const sizes: number[] = [];
    const pending = [pid];
    while (pending.length) {
        const current = pending.pop()!;
        try {
            const status = fs.readFileSync(`/proc/${current}/status`, "utf8");
            sizes.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
            const children = fs.readFileSync(`/proc/${current}/task/${current}/children`, "utf8").trim();
            if (children) pending.push(...children.split(/\s+/).map(Number));
        } catch {
            // The process ended between two reads.
        }
    }
    return sizes;
}

/** Runs a command once, sampling its process tree's memory every 5 ms. */
function measure(command: string, args: string[]): Promise<Sample> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk));
        let peakKb = 0;
        let peakProcessKb = 0;
        const timer = setInterval(() => {
            const sizes = treeRssKb(child.pid!);
            peakKb = Math.max(peakKb, sizes.reduce((a, b) => a + b, 0));
            peakProcessKb = Math.max(peakProcessKb, ...sizes);
        }, 5);
        child.on("error", reject);
        child.on("exit", (code) => {
            clearInterval(timer);
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            if (code !== 0 && code !== 1) reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}`));
            else resolve({ seconds, peakMb: peakKb / 1024, peakProcessMb: peakProcessKb / 1024, code });
        });
    });
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs the plan and the floor alternately, RUNS times each: the load of a shared machine changes within a run of
 * the bench, so each plan run is divided by the floor run next to it, and the ratio is the median of those.
 */
async function repeatBesideFloor(args: string[]): Promise<Omit<Sample, "code"> & { ratio: number; floorSeconds: number[] }> {
    const plans: Sample[] = [];
    const floors: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        floors.push((await measure(process.execPath, ["-e", FLOOR_SCRIPT])).seconds);
        plans.push(await measure(process.execPath, args));
    }
    return {
        seconds: median(plans.map((s) => s.seconds)),
        peakMb: median(plans.map((s) => s.peakMb)),
        peakProcessMb: median(plans.map((s) => s.peakProcessMb)),
        ratio: median(plans.map((s, i) => s.seconds / floors[i])),
        floorSeconds: floors,
    };
}

async function repeat(command: string, args: string[]): Promise<Omit<Sample, "code">> {
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await measure(command, args));
    return {
        seconds: median(samples.map((s) => s.seconds)),
        peakMb: median(samples.map((s) => s.peakMb)),
        peakProcessMb: median(samples.map((s) => s.peakProcessMb)),
    };
}

/** A snapshot of `size` user-scoped policies in Graph's format, built from the fixture's policies. */
function writeSnapshot(dir: string, size: number): string {
    const templates = readPolicySnapshot(path.join(ROOT, "test", "fixtures", "ca-policies.json")).filter(
        (p) => classifyPolicy(p.conditions).userScoped,
    );
    const value: ConditionalAccessPolicy[] = Array.from({ length: size }, (_, i) => {
        const hex = createHash("sha256").update(`bench-policy-${i}`).digest("hex");
        const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
        return { ...structuredClone(templates[i % templates.length]), id, displayName: `Bench policy ${i + 1}` };
    });
    const file = path.join(dir, `ca-${size}.json`);
    fs.writeFileSync(file, JSON.stringify({ value }));
    return file;
}

/** Median time of the policy evaluation alone (analyze per resource + analyzeStack), pack already warm. */
async function evaluationSeconds(snapshot?: string): Promise<number> {
    const run = await runProgram({
        projectDir: ROOT,
        stack: "prod",
        programOptions: { conditionalAccessPolicies: snapshot ? readPolicySnapshot(snapshot) : [] },
    });
    const pack = await PolicyPackProcess.start();
    try {
        // The trusted pack config, as the plan sends it by default.
        await pack.configure(readPolicyConfigFile(path.join(POLICY_PACK_DIR, "policy-config.json")));
        await evaluatePolicies(pack, run.resources);
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
            const started = process.hrtime.bigint();
            await evaluatePolicies(pack, run.resources);
            times.push(Number(process.hrtime.bigint() - started) / 1e9);
        }
        return median(times);
    } finally {
        pack.close();
    }
}

/** Median seconds from starting the pack (policies/, bundled from its sources) to its port: its share of every plan. */
async function packStartSeconds(): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        const started = process.hrtime.bigint();
        const pack = startPolicyPack();
        await pack.port;
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        pack.child.kill();
        await new Promise((resolve) => pack.child.once("exit", resolve));
    }
    return median(times);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const loadAverage = () => os.loadavg().map((n) => n.toFixed(2)).join(", ");

const GRAPH_BLOCK = /(<!-- bench:graph:start -->\n)[\s\S]*?(\n<!-- bench:graph:end -->)/;

/** The Graph table between its own markers, so `--graph` can replace it alone. */
const graphBlock = (table: string) => `<!-- bench:graph:start -->\n${table}\n<!-- bench:graph:end -->`;

const VERIFY_BLOCK = /(<!-- bench:verify:start -->\n)[\s\S]*?(\n<!-- bench:verify:end -->)/;

/** The verify table between its own markers, so `--verify` can replace it alone. */
const verifyBlock = (table: string) => `<!-- bench:verify:start -->\n${table}\n<!-- bench:verify:end -->`;

/** One part alone (`--graph`, `--verify`), written over its previous table in bench/results.md and the README. */
async function partOnly(name: string, block: RegExp, measure: (log: (line: string) => void) => Promise<string>) {
    const table = await measure((line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${table}\n`);
    for (const file of [path.join(ROOT, "README.md"), path.join(__dirname, "results.md")]) {
        const text = fs.readFileSync(file, "utf8");
        if (block.test(text)) fs.writeFileSync(file, text.replace(block, `$1${table}$2`));
        else process.stderr.write(`bench: ${path.relative(ROOT, file)} has no ${name} table yet; run the whole bench once\n`);
    }
}

async function main() {
    if (process.argv.includes("--graph")) return partOnly("Graph", GRAPH_BLOCK, graphBench);
    if (process.argv.includes("--verify")) return partOnly("verify", VERIFY_BLOCK, verifyBench);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eea-bench-"));
    const plan = (snapshot?: string) => [...PLAN_COMMAND, "--json", ...(snapshot ? ["--ca-snapshot", snapshot] : [])];
    try {
        const loadBefore = loadAverage();
        process.stderr.write(`bench: ${RUNS} runs each, node ${process.version}, ${os.cpus().length} CPUs, load average ${loadBefore}\n`);
        const floor = await repeat(process.execPath, ["-e", FLOOR_SCRIPT]);
        process.stderr.write(`bench: floor ${fmt(floor.seconds)} s\n`);
        const scenarios: Array<{ name: string; snapshot?: string; policies: number }> = [
            { name: "prod (no snapshot)", policies: 0 },
            ...SIZES.map((size) => ({ name: `${size} CA policies`, snapshot: writeSnapshot(dir, size), policies: size })),
        ];
        const rows: string[] = [];
        const planSeconds: Record<number, number> = {};
        const planRatio: Record<number, number> = {};
        const floorSamples: number[] = [];
        const planProcessMb: Record<number, number> = {};
        for (const scenario of scenarios) {
            const result = await repeatBesideFloor(plan(scenario.snapshot));
            planRatio[scenario.policies] = result.ratio;
            floorSamples.push(...result.floorSeconds);
            const evaluation = await evaluationSeconds(scenario.snapshot);
            planSeconds[scenario.policies] = result.seconds;
            planProcessMb[scenario.policies] = result.peakProcessMb;
            rows.push(
                `| plan: ${scenario.name} | ${fmt(result.seconds)} | ${fmt(result.peakMb, 0)} | ${fmt(result.peakProcessMb, 0)} | ${fmt(result.ratio, 1)}x | ${fmt(evaluation, 3)} |`,
            );
            process.stderr.write(`bench: ${scenario.name} ${fmt(result.seconds)} s\n`);
        }
        // The floor's wall time: every run of it, taken beside the plans.
        const floorSeconds = median(floorSamples);
        const packStart = await packStartSeconds();
        const tsc = await repeat(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit"]);
        // Cost per policy between 10 and 100, and between 100 and 1,000: equal when the cost is linear.
        const perPolicy = (a: number, b: number) => ((planSeconds[b] - planSeconds[a]) / (b - a)) * 1000;
        const small = perPolicy(10, 100);
        const large = perPolicy(100, 1000);
        const linear = large <= small * 2;
        const prodRatio = planRatio[0];
        const maximumRatio = planRatio[TENANT_MAXIMUM];
        const met = (ok: boolean) => (ok ? "met" : "**not met**");
        const loadAfter = loadAverage();
        const graph = await graphBench((line) => process.stderr.write(`${line}\n`));
        const verify = await verifyBench((line) => process.stderr.write(`${line}\n`));
        const table = [
            `Medians of ${RUNS} runs, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, node ${process.version}, ` +
                `${os.cpus().length} CPUs, load average (1, 5, 15 min) ${loadBefore} before and ${loadAfter} after. ` +
                `The plan is \`npm run plan -- --json\` without npm itself (\`${PLAN_SCRIPT}\`); its peak RSS ` +
                "is the plan, program and policy pack processes together, and the largest of them alone. Each plan run " +
                "alternates with a floor run, and \"/ floor\" is the median of each plan run's time over the floor run's beside it.",
            "",
            "| what | wall (s) | peak RSS, all (MB) | peak RSS, largest process (MB) | / floor | policy evaluation alone (s) |",
            "|---|---|---|---|---|---|",
            `| floor: bare node requiring the SDK and provider modules | ${fmt(floorSeconds)} | ${fmt(floor.peakMb, 0)} | ${fmt(floor.peakProcessMb, 0)} | 1.0x | |`,
            ...rows,
            `| policy pack start-up alone: policies/ bundled from its sources, to its port | ${fmt(packStart)} | | | ${fmt(packStart / floorSeconds, 1)}x | |`,
            `| tsc --noEmit | ${fmt(tsc.seconds)} | ${fmt(tsc.peakMb, 0)} | ${fmt(tsc.peakProcessMb, 0)} | | |`,
            "",
            `Cost per Conditional Access policy: ${fmt(small, 2)} ms between 10 and 100 policies, ${fmt(large, 2)} ms ` +
                `between 100 and 1,000 (${linear ? "linear" : "worse than linear"}).`,
            "",
            "| target (issue 11) | measured | |",
            "|---|---|---|",
            `| prod plan ≤ ${TARGETS.prodRatio}x the floor | ${fmt(prodRatio, 1)}x | ${met(prodRatio <= TARGETS.prodRatio)} |`,
            `| ${TENANT_MAXIMUM} policies ≤ ${TARGETS.maximumRatio}x the floor | ${fmt(maximumRatio, 1)}x | ${met(maximumRatio <= TARGETS.maximumRatio)} |`,
            `| ${TENANT_MAXIMUM} policies: largest process ≤ ${TARGETS.maximumProcessMb} MB | ${fmt(planProcessMb[TENANT_MAXIMUM], 0)} MB | ` +
                `${met(planProcessMb[TENANT_MAXIMUM] <= TARGETS.maximumProcessMb)} |`,
            `| cost linear in policies | ${fmt(small, 2)} / ${fmt(large, 2)} ms per policy | ${met(linear)} |`,
            "",
            graphBlock(graph),
            "",
            verifyBlock(verify),
        ].join("\n");
        process.stdout.write(`${table}\n`);
        fs.writeFileSync(path.join(__dirname, "results.md"), `# Benchmark\n\n${table}\n`);
        const readmePath = path.join(ROOT, "README.md");
        const readme = fs.readFileSync(readmePath, "utf8");
        const marked = /(<!-- bench:start -->\n)[\s\S]*?(\n<!-- bench:end -->)/;
        if (marked.test(readme)) fs.writeFileSync(readmePath, readme.replace(marked, `$1${table}$2`));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
});
