// Runs the real program under the mock runtime (the same path as `npm run plan`) on the fixture stack, and
// reads what it declared. Pick resources out of a run with ./select.ts.
import { CONFIG_NAMESPACE } from "../../config/schema";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { recordProgram, runProgram, type ProgramRun, type ProgramRunOptions, type RecordedRun } from "../../plan/runProgram";
import { isSerializedSecret, toPlainValue } from "../../plan/serialized";
import { FIXTURE_CONFIG_FILE, FIXTURE_STACK, PROJECT_DIR } from "./fixtures";

export { PROJECT_DIR } from "./fixtures";

/** How a test varies a fixture run. */
export interface FixtureRunOptions {
    /** The tenant's Conditional Access policies. None by default: tests never reach Microsoft Graph. */
    readonly conditionalAccessPolicies?: readonly ConditionalAccessPolicy[];
}

/**
 * Runs the fixture stack with config overrides such as `{ accountCount: 4 }` (keys without namespace are the
 * project's; objects are sent as JSON; `undefined` unsets a key of the stack file).
 */
export async function runFixture(overrides: Record<string, unknown> = {}, options: FixtureRunOptions = {}): Promise<ProgramRun> {
    return runProgram(fixtureRunOptions(overrides, options));
}

/** Like runFixture, but returns a failed run (its error and what it registered) instead of throwing. */
export async function recordFixture(overrides: Record<string, unknown> = {}, options: FixtureRunOptions = {}): Promise<RecordedRun> {
    return recordProgram(fixtureRunOptions(overrides, options));
}

/** The runProgram options of a fixture run. */
export function fixtureRunOptions(overrides: Record<string, unknown> = {}, options: FixtureRunOptions = {}): ProgramRunOptions {
    return {
        projectDir: PROJECT_DIR,
        stack: FIXTURE_STACK,
        configFile: FIXTURE_CONFIG_FILE,
        configOverrides: asConfig(overrides),
        programOptions: { conditionalAccessPolicies: options.conditionalAccessPolicies ?? [] },
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
