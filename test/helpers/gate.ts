// The gate as the attack-matrix tests drive it: the real policy pack in its own process over the Analyzer
// protocol, configured with the trusted pack config (policies/policy-config.json) unless a test passes another,
// and the fixture stack's recorded resources to mutate. Mutations are plain functions over the recorded
// resources (./mutations.ts); `stoppedBy` says whether a verdict holds a mandatory violation of a policy.
import * as fs from "node:fs";
import * as path from "node:path";
import { POLICY_PACK_DIR, PolicyPackProcess, evaluatePolicies, type PackInfo, type PolicyConfigFile } from "../../plan/policyPack";
import type { RecordedResource } from "../../plan/recordingMonitor";
import type { PlanViolation } from "../../plan/render";
import { fixturePolicies } from "./caSnapshot";
import { runFixture } from "./program";

/** The trusted pack config the repository ships (what CI passes from the base branch). */
export const TRUSTED_POLICY_CONFIG_FILE = path.join(POLICY_PACK_DIR, "policy-config.json");

export function trustedPolicyConfig(): PolicyConfigFile {
    return fs.existsSync(TRUSTED_POLICY_CONFIG_FILE) ? JSON.parse(fs.readFileSync(TRUSTED_POLICY_CONFIG_FILE, "utf8")) : {};
}

export interface Gate {
    readonly info: PackInfo;
    /** A fresh deep copy of the fixture stack's recorded resources (with the fixture Conditional Access policies). */
    fixture(): RecordedResource[];
    /** Every violation the pack reports for these resources (analyze per resource, then analyzeStack). */
    evaluate(resources: RecordedResource[]): Promise<PlanViolation[]>;
    /** Re-configures the pack (levels and parameters); `undefined` restores the trusted config. */
    configure(config?: PolicyConfigFile): Promise<void>;
    close(): void;
}

let recorded: Promise<RecordedResource[]> | undefined;

/** Starts the in-repo pack (or the pack in `packDir`), configured with the trusted config. */
export async function startGate(packDir = POLICY_PACK_DIR): Promise<Gate> {
    recorded ??= runFixture({}, { conditionalAccessPolicies: fixturePolicies }).then((run) => run.resources);
    const [pack, resources] = await Promise.all([PolicyPackProcess.start(packDir), recorded]);
    const info = await pack.info();
    const configure = (config: PolicyConfigFile = trustedPolicyConfig()) => pack.configure(config, info);
    await configure();
    return {
        info,
        fixture: () => structuredClone(resources),
        evaluate: async (changed) => (await evaluatePolicies(pack, changed)).violations,
        configure,
        close: () => pack.close(),
    };
}

/** The mandatory violations of `policy` among `violations`. */
export function mandatoryOf(violations: readonly PlanViolation[], policy: string): PlanViolation[] {
    return violations.filter((v) => v.policy === policy && v.enforcementLevel === "mandatory");
}

/** A readable list of violations for assertion messages. */
export function describeViolations(violations: readonly PlanViolation[]): string {
    return violations.map((v) => `${v.enforcementLevel} ${v.policy}: ${v.message.replace(/\s+/g, " ")}`).join("\n") || "(none)";
}
