// Separation of duties between the gate and what it gates (issue 11, section D). The policy pack only protects
// the emergency accounts if the people who change the program cannot, in the same pull request, change the
// pack, its trusted config, the plan harness that computes its verdict, the workflows that run it or the
// dependencies it runs on. So a pull request may change one side or the other, never both: a gate change goes
// through its own pull request, reviewed by the gate's code owners (.github/CODEOWNERS, derived from GATE_PATTERNS
// below and checked by test/repo/separationOfDuties.test.ts).
//
// CLI: `node --import tsx ci/separationOfDuties.ts [--repo <dir>] <base-sha> <head-sha>` lists the paths the
// pull request changes (`git diff --no-renames --name-only base...head`: a rename counts as its old and its new
// path) and exits 1 when they touch both sides, 0 otherwise, 2 on a usage or git error.
import { spawnSync } from "node:child_process";

/**
 * THE GATE: the pack with its contract and its trusted config (policies/policy-config.json), the harness that
 * computes the offline verdict, the workflows and CODEOWNERS, CI scripts, and the dependency manifests (a
 * dependency change alters the pack's runtime). `dir/**` is a folder and everything under it; anything else
 * names one file at the repository root.
 */
export const GATE_PATTERNS: readonly string[] = [
    "policies/**",
    "plan/**",
    ".github/**",
    "ci/**",
    ".ci/**",
    "package.json",
    "package-lock.json",
    // npm's own settings choose the registry and install behaviour: the same reach as the lock file.
    ".npmrc",
];

/** THE GATED: the program, its components and helpers, the stack settings and the committed emergency ids. */
export const GATED_PATTERNS: readonly string[] = [
    "index.ts",
    "components/**",
    "program/**",
    "config/**",
    "graph/**",
    "commands/**",
    "Pulumi.yaml",
    "Pulumi.*.yaml",
    "emergency-ids/**",
];

export interface ClassifiedPaths {
    /** Paths of the gate, sorted. */
    gate: string[];
    /** Paths the gate judges, sorted. */
    gated: string[];
    /** Everything else (docs, README, tests, bench, CHANGELOG), sorted. */
    neutral: string[];
}

/** A repository-relative path as git prints it, with any leading `./` removed and `/` separators. */
function normalise(file: string): string {
    return file.trim().replace(/\\/g, "/").replace(/^(\.\/)+/, "");
}

/** Whether `file` matches one pattern: `dir/**` (the folder and below), or a root file name where `*` stays inside it. */
export function matchesPattern(file: string, pattern: string): boolean {
    if (pattern.endsWith("/**")) return file.startsWith(pattern.slice(0, -2));
    if (!pattern.includes("*")) return file === pattern;
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join("[^/]*")}$`).test(file);
}

/** Sorts changed paths into the gate, the gated and the neutral; empty lines are ignored, duplicates kept once. */
export function classifyChangedPaths(paths: string[]): ClassifiedPaths {
    const result: ClassifiedPaths = { gate: [], gated: [], neutral: [] };
    for (const file of [...new Set(paths.map(normalise))].filter(Boolean).sort()) {
        if (GATE_PATTERNS.some((pattern) => matchesPattern(file, pattern))) result.gate.push(file);
        else if (GATED_PATTERNS.some((pattern) => matchesPattern(file, pattern))) result.gated.push(file);
        else result.neutral.push(file);
    }
    return result;
}

/** The verdict for a set of changed paths: whether it may merge, and the message that says why. */
export function separationVerdict(classified: ClassifiedPaths): { ok: boolean; message: string } {
    const list = (files: string[]) => files.map((file) => `  ${file}`).join("\n");
    if (classified.gate.length > 0 && classified.gated.length > 0) {
        return {
            ok: false,
            message: [
                "separation of duties: this pull request changes both the gate and what the gate judges.",
                `The gate (${classified.gate.length}: the policy pack, its config, the plan harness, CI, dependencies):`,
                list(classified.gate),
                `The gated (${classified.gated.length}: the program, its components, the stack config):`,
                list(classified.gated),
                "Split it: change the gate in its own pull request, reviewed by its code owners (.github/CODEOWNERS),",
                "and merge it first; the program change is then judged by the gate as merged.",
            ].join("\n"),
        };
    }
    const side = classified.gate.length > 0 ? "the gate only" : classified.gated.length > 0 ? "the gated only" : "neither side";
    return {
        ok: true,
        message:
            `separation of duties: this pull request changes ${side} ` +
            `(${classified.gate.length} gate, ${classified.gated.length} gated, ${classified.neutral.length} neutral path(s)).`,
    };
}

const USAGE = "Usage: node --import tsx ci/separationOfDuties.ts [--repo <dir>] <base-sha> <head-sha>";
const REVISION = /^[0-9A-Za-z][0-9A-Za-z._/^~-]*$/;

/** Parses the CLI's arguments; throws an Error naming the argument that is wrong. */
export function parseArguments(argv: string[]): { repo: string; base: string; head: string } {
    let repo = ".";
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--repo") {
            const value = argv[++i];
            if (value === undefined || value === "") throw new Error("--repo needs a directory");
            repo = value;
        } else if (argv[i].startsWith("-")) {
            throw new Error(`unknown option ${argv[i]}`);
        } else {
            positional.push(argv[i]);
        }
    }
    if (positional.length !== 2) throw new Error(`expected <base-sha> and <head-sha>, got ${positional.length} argument(s)`);
    const [base, head] = positional;
    for (const [name, value] of [["<base-sha>", base], ["<head-sha>", head]]) {
        if (!REVISION.test(value)) throw new Error(`${name} is not a git revision: ${JSON.stringify(value)}`);
    }
    return { repo, base, head };
}

/** Every path the changes from the merge base of `base` and `head` to `head` touch; a rename gives both paths. */
export function changedPaths(repo: string, base: string, head: string): string[] {
    const git = spawnSync("git", ["-C", repo, "diff", "--no-renames", "--name-only", "-z", `${base}...${head}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (git.error) throw new Error(`cannot run git: ${git.error.message}`);
    if (git.status !== 0) throw new Error(`git diff ${base}...${head} failed: ${git.stderr.trim()}`);
    return git.stdout.split("\0").filter(Boolean);
}

function main(argv: string[]): number {
    let args;
    try {
        args = parseArguments(argv);
    } catch (err) {
        process.stderr.write(`separationOfDuties: ${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    let paths;
    try {
        paths = changedPaths(args.repo, args.base, args.head);
    } catch (err) {
        process.stderr.write(`separationOfDuties: ${(err as Error).message}\n`);
        return 2;
    }
    const verdict = separationVerdict(classifyChangedPaths(paths));
    (verdict.ok ? process.stdout : process.stderr).write(`${verdict.message}\n`);
    return verdict.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
