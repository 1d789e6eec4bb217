// The offline plan, as a function: run the program in its own process under the mock runtime (./programHost.ts),
// feed what it declared to the real policy pack over the Analyzer protocol, and build the result the CLI prints.
// This process holds the analyzer client and the verdict; it loads no program code.
import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_OUTPUTS, TYPES, UNKNOWN_VALUE } from "../policies/contract/constants";
import { POLICY_PACK_DIR, startPolicyPack, type StartedPack } from "./packProcess";
import { checkSameRuntime, recordProgramInProcess, type ProcessRun } from "./programHost";
import { ENCRYPTED_STAND_IN, UsageError, resolveProgramConfig } from "./project";
import { readPolicyConfigFile } from "./policyConfigFile";
import type { RecordedResource } from "./recordingMonitor";
import type { PlanResult } from "./render";
import { readPolicySnapshot } from "./snapshot";

/** The trusted pack config that ships with a pack, used when no --policy-config is given. */
export const PACK_CONFIG_FILE = "policy-config.json";

export interface PlanOptions {
    /** Folder with Pulumi.yaml, the stack files and index.ts. */
    readonly projectDir: string;
    readonly stack: string;
    /** The stack config file to read instead of Pulumi.<stack>.yaml (the CLI's --config-file). */
    readonly configFile?: string;
    /** `namespace:key` -> value, over the stack file (the CLI's --config). */
    readonly configOverrides?: Record<string, string>;
    /** A Conditional Access snapshot in Graph's list format; without one, no exclusion is planned. */
    readonly caSnapshot?: string;
    /** The policy pack's folder; policies/ of this checkout by default. */
    readonly packDir?: string;
    /** The pack, already starting from `packDir` (see packProcess.ts); started here when absent. */
    readonly pack?: StartedPack;
    /**
     * A policy config file (levels and parameters per policy). Undefined: the pack's own policy-config.json when it
     * has one, else none. Null: none.
     */
    readonly policyConfigFile?: string | null;
}

/** The pack config file a plan uses: the one given, else the pack's own trusted one when it exists. */
export function policyConfigFileFor(packDir: string, given: string | null | undefined): string | undefined {
    if (given === null) return undefined;
    if (given !== undefined) return path.resolve(given);
    const shipped = path.join(packDir, PACK_CONFIG_FILE);
    return fs.existsSync(shipped) ? shipped : undefined;
}

/** A pack folder is one `pulumi preview --policy-pack` accepts: a folder with PulumiPolicy.yaml. */
export function checkPackDir(packDir: string): void {
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
        throw new UsageError(`--policy-pack: ${packDir} is not a policy pack folder (it has no PulumiPolicy.yaml)`);
    }
}

/**
 * `value` as the pack should judge it: every string holding the encrypted-value stand-in becomes the engine's
 * unknown value, as `pulumi preview` sends a value it cannot know, so the pack defers those checks instead of
 * judging an address that is not the real one.
 */
export function withStandInsUnknown(value: unknown): unknown {
    if (typeof value === "string") return value.includes(ENCRYPTED_STAND_IN) ? UNKNOWN_VALUE : value;
    if (Array.isArray(value)) return value.map(withStandInsUnknown);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withStandInsUnknown(v)]));
    }
    return value;
}

function forPack(resource: RecordedResource): RecordedResource {
    return {
        ...resource,
        inputs: withStandInsUnknown(resource.inputs) as RecordedResource["inputs"],
        outputs: withStandInsUnknown(resource.outputs) as RecordedResource["outputs"],
    };
}

function readSnapshot(file: string) {
    try {
        return readPolicySnapshot(file);
    } catch (err) {
        throw new UsageError(`--ca-snapshot: ${(err as Error).message}`);
    }
}

/** Throws the run's error: a ProgramError (config and usage: exit 2; the program's own: exit 3). */
function declared(run: ProcessRun): ProcessRun {
    if (run.error) throw run.error;
    return run;
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
    const packDir = path.resolve(options.packDir ?? POLICY_PACK_DIR);
    if (!options.pack) checkPackDir(packDir);
    // The pack loads its SDK in its own process while the program runs in another: both take about a second.
    const started = options.pack ?? startPolicyPack(packDir);
    started.port.catch(() => undefined);
    let packClient: Promise<import("./policyPack").PolicyPackProcess> | undefined;
    // Ends the program's process if the plan stops early; harmless once it has ended.
    const stopProgram = new AbortController();
    try {
        const { project, config } = resolveProgramConfig(options);
        checkSameRuntime(options.projectDir);
        const conditionalAccessPolicies = options.caSnapshot ? readSnapshot(options.caSnapshot) : [];
        const configFile = policyConfigFileFor(packDir, options.policyConfigFile);
        const policyConfig = configFile ? readPolicyConfigFile(configFile) : {};
        const programRun = recordProgramInProcess({
            projectDir: options.projectDir,
            project,
            stack: options.stack,
            config,
            programOptions: { conditionalAccessPolicies },
            signal: stopProgram.signal,
        });
        // Loaded while the program runs: the Analyzer client and the readers of serialized values.
        const { PolicyPackProcess, evaluatePolicies } = await import("./policyPack");
        const { buildPlanResult } = await import("./render");
        const { undeclaredOptionViolations } = await import("./declaredOptions");
        const { toPlainValue } = await import("./serialized");
        packClient = PolicyPackProcess.start(started);
        packClient.catch(() => undefined);

        const notes: string[] = [];
        if (!options.caSnapshot) {
            notes.push(
                "no --ca-snapshot given, so no Conditional Access exclusion is planned; `pulumi up` lists the " +
                    "tenant's policies through Microsoft Graph.",
            );
        } else {
            notes.push(`Conditional Access policies read from ${path.relative(process.cwd(), options.caSnapshot) || options.caSnapshot}.`);
        }
        const run = declared(await programRun);
        const pack = await packClient;
        const info = await pack.info();
        await pack.configure(policyConfig, info);
        const { violations, remediations } = await evaluatePolicies(pack, run.resources.map(forPack));
        // What no analyzer sees (retainOnDelete, replaceOnChanges): judged here, from the recorded registrations.
        violations.push(...undeclaredOptionViolations(run.resources, info.name));
        const stack = run.resources.find((r) => r.type === TYPES.stack);
        const skipped = toPlainValue(stack?.outputs[STACK_OUTPUTS.skippedPolicies]);
        if (Array.isArray(skipped)) {
            for (const s of skipped) notes.push(`Conditional Access policy "${s.displayName}" (${s.policyId}) is skipped: ${s.reason}.`);
        }
        if (run.resources.some((r) => JSON.stringify(toPlainValue(r.inputs)).includes(ENCRYPTED_STAND_IN))) {
            notes.push(
                `encrypted config values (such as webhook URLs) cannot be read offline; the plan stands in ${ENCRYPTED_STAND_IN} ` +
                    "for each, and the policy pack judges them as values not known until deployment (as `pulumi preview` " +
                    "does for a value it cannot know). `pulumi preview` uses the real values.",
            );
        }
        for (const fix of remediations) notes.push(`policy ${fix.policy} remediated ${fix.urn}: ${fix.description}`);
        return buildPlanResult(run, violations, notes, { dir: packDir, config: configFile ?? null });
    } finally {
        stopProgram.abort();
        const client = await packClient?.catch(() => undefined);
        if (client) client.close();
        else started.child.kill();
    }
}
