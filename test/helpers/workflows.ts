// The GitHub Actions workflows as the repo suites read them: parsed once, with the helpers that walk their jobs
// and steps and read the Pulumi commands in their scripts.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR } from "./fixtures";

export const WORKFLOW_DIR = path.join(PROJECT_DIR, ".github", "workflows");

export interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

export interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    "timeout-minutes"?: number;
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: string | Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}

export interface Workflow {
    name: string;
    on: Record<string, Record<string, unknown> | null>;
    permissions?: string | Record<string, string>;
    env?: Record<string, string>;
    defaults?: { run?: { shell?: string } };
    jobs: Record<string, Job>;
}

export const FILES = ["pull-request.yml", "deploy.yml", "drift.yml", "drill.yml", "reconcile.yml", "policy-publish.yml"] as const;

/**
 * The workflows that run the Pulumi CLI against the prod stack's state backend; reconcile.yml runs no Pulumi, and
 * policy-publish.yml talks to Pulumi Cloud's policy service only (a self-managed backend has no policy packs).
 */
export const PULUMI_FILES = ["pull-request.yml", "deploy.yml", "drift.yml"] as const;
export type FileName = (typeof FILES)[number];

export const SOURCES = Object.fromEntries(
    FILES.map((file) => [file, fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8")]),
) as Record<FileName, string>;
export const WORKFLOWS = Object.fromEntries(
    FILES.map((file) => [file, parseYaml(SOURCES[file]) as Workflow]),
) as Record<FileName, Workflow>;

export function jobsOf(file: FileName): Array<[string, Job]> {
    return Object.entries(WORKFLOWS[file].jobs);
}

export function allJobs(): Array<[FileName, string, Job]> {
    return FILES.flatMap((file) => jobsOf(file).map(([id, job]): [FileName, string, Job] => [file, id, job]));
}

export function allSteps(): Array<[FileName, string, Step]> {
    return allJobs().flatMap(([file, id, job]) => job.steps.map((step): [FileName, string, Step] => [file, id, step]));
}

export function stepNamed(file: FileName, jobId: string, name: string): Step {
    const step = WORKFLOWS[file].jobs[jobId].steps.find((s) => s.name === name);
    assert.ok(step, `${file}: job ${jobId} has no step named "${name}"`);
    return step;
}

export function usesAction(step: Step, action: string): boolean {
    return step.uses !== undefined && step.uses.split("@")[0].toLowerCase() === action;
}

/** Each `pulumi ...` command line of a script (continuations joined), cut at the first redirection or pipe. */
export function pulumiInvocations(script: string): string[][] {
    return script
        .replace(/\\\n/g, " ")
        .split("\n")
        .map((line) => /^\s*pulumi\s+([^|&;>]*)/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[1].trim().split(/\s+/));
}

export function flagValue(argv: string[], flag: string): string | undefined {
    const at = argv.indexOf(flag);
    return at < 0 ? undefined : argv[at + 1];
}

/**
 * The minutes of the hour at which a cron schedule of the form `<minutes> * * * *` runs, sorted. Knows the forms
 * GitHub schedules use here: `m`, `a-b/s`, `*\/s` and comma lists of those.
 */
export function cronMinutes(cron: string): number[] {
    const [field, ...rest] = cron.trim().split(/\s+/);
    assert.deepEqual(rest, ["*", "*", "*", "*"], `${cron}: only the minute field may be set`);
    const minutes = field.split(",").flatMap((part) => {
        const match = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
        assert.ok(match, `${cron}: cannot read ${part}`);
        const start = match[1] === "*" ? 0 : Number(match[1]);
        const end = match[2] !== undefined ? Number(match[2]) : match[1] === "*" || match[3] ? 59 : start;
        const step = match[3] !== undefined ? Number(match[3]) : 1;
        const out: number[] = [];
        for (let minute = start; minute <= end; minute += step) out.push(minute);
        return out;
    });
    return [...new Set(minutes)].sort((a, b) => a - b);
}

/** The reconcile workflow's run minutes within an hour. */
export function reconcileScheduleMinutes(): number[] {
    const schedule = WORKFLOWS["reconcile.yml"].on.schedule as unknown as Array<{ cron: string }>;
    return cronMinutes(schedule[0].cron);
}

/** The steps of a job in order, by name: the order in which a runner runs them. */
export function stepNames(file: FileName, jobId: string): string[] {
    return WORKFLOWS[file].jobs[jobId].steps.map((step) => step.name ?? step.uses ?? "");
}
