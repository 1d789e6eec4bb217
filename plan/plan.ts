// The offline plan, as a function: run the program under the mock runtime, feed what it declared to
// the real policy pack over the Analyzer protocol, and build the result the CLI prints.
import * as path from "node:path";
import { readPolicySnapshot } from "./snapshot";
import type { StartedPack } from "./packProcess";
import { ENCRYPTED_STAND_IN, UsageError } from "./project";
import { POLICY_PACK_DIR, PolicyPackProcess, evaluatePolicies, type PolicyConfigFile } from "./policyPack";
import { buildPlanResult, type PlanResult } from "./render";
import { runProgram, type ProgramRun } from "./runProgram";
import { toPlainValue } from "./serialized";
import { STACK_OUTPUTS, TYPES } from "../policies/contract/constants";

export interface PlanOptions {
    /** Folder with Pulumi.yaml and the stack files. */
    readonly projectDir: string;
    readonly stack: string;
    /** The stack config file to read instead of Pulumi.<stack>.yaml (the CLI's --config-file). */
    readonly configFile?: string;
    /** `namespace:key` -> value, over the stack file (the CLI's --config). */
    readonly configOverrides?: Record<string, string>;
    /** A Conditional Access snapshot in Graph's list format; without one, no exclusion is planned. */
    readonly caSnapshot?: string;
    /** Policy config (levels and parameters), as a policy config file holds it. */
    readonly policyConfig?: PolicyConfigFile;
    /** The policy pack, already starting (see packProcess.ts), or its folder. Defaults to policies/. */
    readonly pack?: StartedPack | string;
}

/** One note per Conditional Access policy left without the exclusion, from the stack output. */
function conditionalAccessSkips(run: ProgramRun): string[] {
    const stack = run.resources.find((r) => r.type === TYPES.stack);
    const skipped = toPlainValue(stack?.outputs[STACK_OUTPUTS.skippedPolicies]);
    return Array.isArray(skipped)
        ? skipped.map((s: any) => `Conditional Access policy "${s.displayName}" (${s.policyId}) is skipped: ${s.reason}.`)
        : [];
}

function readSnapshot(file: string) {
    try {
        return readPolicySnapshot(file);
    } catch (err) {
        throw new UsageError(`--ca-snapshot: ${(err as Error).message}`);
    }
}

export async function runPlan(options: PlanOptions): Promise<PlanResult> {
    // The pack loads its SDK in its own process while the program runs: both take about a second.
    const packStarting = PolicyPackProcess.start(options.pack ?? POLICY_PACK_DIR);
    packStarting.catch(() => undefined);
    try {
        const notes: string[] = [];
        const conditionalAccessPolicies = options.caSnapshot ? readSnapshot(options.caSnapshot) : [];
        if (!options.caSnapshot) {
            notes.push(
                "no --ca-snapshot given, so no Conditional Access exclusion is planned; `pulumi up` lists the " +
                    "tenant's policies through Microsoft Graph.",
            );
        } else {
            notes.push(`Conditional Access policies read from ${path.relative(process.cwd(), options.caSnapshot) || options.caSnapshot}.`);
        }
        const run = await runProgram({
            projectDir: options.projectDir,
            stack: options.stack,
            configFile: options.configFile,
            configOverrides: options.configOverrides,
            programOptions: { conditionalAccessPolicies },
        });
        const pack = await packStarting;
        const info = await pack.info();
        await pack.configure(options.policyConfig ?? {}, info);
        const { violations, remediations } = await evaluatePolicies(pack, run.resources);
        for (const skipped of conditionalAccessSkips(run)) notes.push(skipped);
        if (run.resources.some((r) => JSON.stringify(toPlainValue(r.inputs)).includes(ENCRYPTED_STAND_IN))) {
            notes.push(
                `encrypted config values (such as webhook URLs) cannot be read offline; the plan stands in ${ENCRYPTED_STAND_IN} ` +
                    "for each. `pulumi preview` uses the real values.",
            );
        }
        for (const fix of remediations) notes.push(`policy ${fix.policy} remediated ${fix.urn}: ${fix.description}`);
        return buildPlanResult(run, violations, notes);
    } finally {
        (await packStarting.catch(() => undefined))?.close();
    }
}
