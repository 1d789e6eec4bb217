// Runs the real program under the mock runtime (the same path as `npm run plan`) and helps tests
// read what it declared.
import * as path from "node:path";
import { CONFIG_NAMESPACE } from "../../config/schema";
import type { RecordedResource } from "../../plan/recordingMonitor";
import { recordProgram, runProgram, type ProgramRun, type RecordedRun } from "../../plan/runProgram";
import { isSerializedSecret, toPlainValue } from "../../plan/serialized";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** Config overrides for the prod stack: `{ accountCount: 4 }`; `undefined` unsets a key of the stack file. */
export async function runProd(overrides: Record<string, unknown> = {}, stack = "prod"): Promise<ProgramRun> {
    return runProgram(options(overrides, stack));
}

/** Like runProd, but returns a failed run (its error and what it registered) instead of throwing. */
export async function recordProd(overrides: Record<string, unknown> = {}, stack = "prod"): Promise<RecordedRun> {
    return recordProgram(options(overrides, stack));
}

// Tests never reach Microsoft Graph: the program gets the tenant's Conditional Access policies from
// the test (none here; test/helpers/policyHarness.ts and the plan tests use the fixture snapshot).
function options(overrides: Record<string, unknown>, stack: string) {
    return {
        projectDir: PROJECT_DIR,
        stack,
        configOverrides: asConfig(overrides),
        programOptions: { conditionalAccessPolicies: [] },
    };
}

function asConfig(overrides: Record<string, unknown>): Record<string, string | undefined> {
    return Object.fromEntries(
        Object.entries(overrides).map(([key, value]) => [
            key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`,
            value === undefined || typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

export function only(run: ProgramRun, type: string): RecordedResource {
    const found = ofType(run, type);
    if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
    return found[0];
}

/** The plain value of an input or output (secrets unwrapped). */
export function plain(value: unknown): any {
    return toPlainValue(value);
}

/**
 * Paths at which `needle` occurs in a serialized value outside any secret: each one is a plain-text leak.
 */
export function plainOccurrences(value: unknown, needle: string, at = "$"): string[] {
    if (isSerializedSecret(value)) return [];
    if (typeof value === "string") return value.includes(needle) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plainOccurrences(v, needle, `${at}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => plainOccurrences(v, needle, `${at}.${k}`));
    }
    return [];
}
