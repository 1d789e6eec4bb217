// Separation of duties (issue 11, D): every rule of the classifier that splits a pull request's paths into the
// gate, the gated and the neutral; its CLI run for real against a throw-away git repository; CODEOWNERS, which
// must protect exactly the gate the classifier defines; and the documents' trust model, which must name it too.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import {
    GATED_PATTERNS,
    GATE_PATTERNS,
    classifyChangedPaths,
    matchesPattern,
    parseArguments,
    separationVerdict,
} from "../../ci/separationOfDuties";
import { PROJECT_DIR } from "../helpers/fixtures";

describe("classifyChangedPaths", () => {
    const GATE_CASES: Array<[string, string]> = [
        ["policies/**", "policies/index.ts"],
        ["policies/** (the contract)", "policies/contract/trust.ts"],
        ["policies/** (the trusted pack config)", "policies/policy-config.json"],
        ["policies/** (its manifest)", "policies/PulumiPolicy.yaml"],
        ["plan/**", "plan/cli.ts"],
        [".github/** (a workflow)", ".github/workflows/pull-request.yml"],
        [".github/** (CODEOWNERS)", ".github/CODEOWNERS"],
        ["ci/**", "ci/separationOfDuties.ts"],
        [".ci/**", ".ci/anything.sh"],
        ["package.json", "package.json"],
        ["package-lock.json", "package-lock.json"],
        [".npmrc", ".npmrc"],
    ];
    for (const [rule, file] of GATE_CASES) {
        test(`the gate: ${rule} (${file})`, () => {
            assert.deepEqual(classifyChangedPaths([file]), { gate: [file], gated: [], neutral: [] });
        });
    }

    const GATED_CASES: Array<[string, string]> = [
        ["index.ts", "index.ts"],
        ["components/**", "components/emergencyAccess.ts"],
        ["program/**", "program/exclusionPlan.ts"],
        ["config/**", "config/schema.ts"],
        ["graph/**", "graph/session.ts"],
        ["commands/**", "commands/reconcile/cli.ts"],
        ["Pulumi.yaml", "Pulumi.yaml"],
        ["Pulumi.*.yaml", "Pulumi.staging.yaml"],
        ["Pulumi.*.yaml (any stack)", "Pulumi.staging-eu.yaml"],
        ["emergency-ids/**", "emergency-ids/prod.json"],
    ];
    for (const [rule, file] of GATED_CASES) {
        test(`the gated: ${rule} (${file})`, () => {
            assert.deepEqual(classifyChangedPaths([file]), { gate: [], gated: [file], neutral: [] });
        });
    }

    const NEUTRAL = [
        "README.md",
        "CHANGELOG.md",
        "docs/architecture.md",
        "docs/runbook.md",
        "test/repo/docs.test.ts",
        "test/helpers/attacks/index.ts",
        "bench/run.ts",
        // Look-alikes of gate and gated names are not them.
        "policies.md",
        "docs/policies/x.md",
        "test/policies/x.test.ts",
        "test/fixtures/Pulumi.fixture.yaml",
        "sub/package.json",
        "planner/x.ts",
        "components.md",
        "Pulumi.yaml.bak",
        "Pulumi.prod/x.yaml",
        "index.ts.orig",
    ];
    test("neutral: docs, README, tests, bench, CHANGELOG, and names that only look like a rule", () => {
        assert.deepEqual(classifyChangedPaths(NEUTRAL), { gate: [], gated: [], neutral: [...NEUTRAL].sort() });
    });

    test("a mixed list is split, each side sorted, duplicates and empty lines dropped, ./ prefixes removed", () => {
        const classified = classifyChangedPaths([
            "components/user.ts",
            "README.md",
            "./policies/index.ts",
            "",
            "policies/index.ts",
            "Pulumi.staging.yaml",
            ".github/CODEOWNERS",
        ]);
        assert.deepEqual(classified, {
            gate: [".github/CODEOWNERS", "policies/index.ts"],
            gated: ["Pulumi.staging.yaml", "components/user.ts"],
            neutral: ["README.md"],
        });
    });

    test("the patterns: no path is both gate and gated, and every pattern is a root file or a folder", () => {
        for (const gate of GATE_PATTERNS) {
            for (const gated of GATED_PATTERNS) {
                const sample = gate.replace("/**", "/x.ts");
                assert.ok(!matchesPattern(sample, gated), `${sample} matches ${gated} too`);
            }
        }
        for (const pattern of [...GATE_PATTERNS, ...GATED_PATTERNS]) {
            assert.match(pattern, /^(\.?[A-Za-z-]+\/\*\*|[A-Za-z.*-]+)$/, pattern);
        }
    });
});

describe("separationVerdict", () => {
    test("both sides: refused, and the message lists both sides and says how to split", () => {
        const verdict = separationVerdict(classifyChangedPaths(["policies/contract/constants.ts", "Pulumi.staging.yaml", "README.md"]));
        assert.equal(verdict.ok, false);
        assert.match(verdict.message, /changes both the gate and what the gate judges/);
        assert.match(verdict.message, /The gate \(1: .*\):\n {2}policies\/contract\/constants\.ts\n/);
        assert.match(verdict.message, /The gated \(1: .*\):\n {2}Pulumi\.staging\.yaml\n/);
        assert.match(verdict.message, /its own pull request, reviewed by its code owners \(\.github\/CODEOWNERS\)/);
        assert.doesNotMatch(verdict.message, /README/);
    });

    const ONE_SIDE: Array<[string, string[], RegExp]> = [
        ["the gate only", ["policies/index.ts", "docs/runbook.md"], /changes the gate only \(1 gate, 0 gated, 1 neutral/],
        ["the gated only", ["components/group.ts"], /changes the gated only \(0 gate, 1 gated, 0 neutral/],
        ["neither side", ["README.md"], /changes neither side \(0 gate, 0 gated, 1 neutral/],
        ["nothing at all", [], /changes neither side \(0 gate, 0 gated, 0 neutral/],
    ];
    for (const [title, paths, message] of ONE_SIDE) {
        test(`${title}: allowed`, () => {
            const verdict = separationVerdict(classifyChangedPaths(paths));
            assert.equal(verdict.ok, true);
            assert.match(verdict.message, message);
        });
    }
});

describe("parseArguments", () => {
    test("two revisions, and --repo", () => {
        assert.deepEqual(parseArguments(["abc123", "def456"]), { repo: ".", base: "abc123", head: "def456" });
        assert.deepEqual(parseArguments(["--repo", "/tmp/r", "main", "HEAD~1"]), { repo: "/tmp/r", base: "main", head: "HEAD~1" });
    });

    const BAD: Array<[string[], RegExp]> = [
        [[], /expected <base-sha> and <head-sha>, got 0 argument/],
        [["abc"], /got 1 argument/],
        [["a", "b", "c"], /got 3 argument/],
        [["--repo"], /--repo needs a directory/],
        [["--verbose", "a", "b"], /unknown option --verbose/],
        [["a;rm", "b"], /<base-sha> is not a git revision: "a;rm"/],
        [["a", "b c"], /<head-sha> is not a git revision: "b c"/],
    ];
    for (const [argv, message] of BAD) {
        test(`refuses ${JSON.stringify(argv)}`, () => {
            assert.throws(() => parseArguments(argv), message);
        });
    }
});

describe("the CLI against a git repository", () => {
    let repo: string;
    const git = (...args: string[]) => {
        const run = spawnSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], {
            cwd: repo,
            encoding: "utf8",
            env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
        });
        assert.equal(run.status, 0, run.stderr);
        return run.stdout.trim();
    };
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), text);
    };
    /** A branch from the base commit, with `change` applied and committed; returns its head SHA. */
    const branch = (name: string, change: () => void): string => {
        git("checkout", "-q", "-b", name, "base");
        change();
        git("add", "-A");
        git("commit", "-q", "-m", name);
        const head = git("rev-parse", "HEAD");
        git("checkout", "-q", "base");
        return head;
    };
    const cli = (...args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "ci", "separationOfDuties.ts"), ...args], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "separation-of-duties-"));
        git("init", "-q");
        git("checkout", "-q", "-b", "base");
        write("policies/index.ts", "export {};\n");
        write("components/user.ts", "export {};\n");
        write("README.md", "# x\n");
        git("add", "-A");
        git("commit", "-q", "-m", "base");
    });

    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    test("a pull request changing the gate and the gated exits 1, listing both sides", () => {
        const head = branch("both", () => {
            write("policies/index.ts", "export const weaker = true;\n");
            write("Pulumi.staging.yaml", "config: {}\n");
        });
        const run = cli("--repo", repo, "base", head);
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /changes both the gate and what the gate judges/);
        assert.match(run.stderr, /\n {2}policies\/index\.ts\n/);
        assert.match(run.stderr, /\n {2}Pulumi\.staging\.yaml\n/);
    });

    test("a rename from the gate into the gated counts as both paths, and exits 1", () => {
        const head = branch("rename", () => git("mv", "policies/index.ts", "components/index.ts"));
        const run = cli("--repo", repo, "base", head);
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /\n {2}policies\/index\.ts\n/);
        assert.match(run.stderr, /\n {2}components\/index\.ts\n/);
    });

    test("a change of one side only (with docs) exits 0", () => {
        const gateOnly = branch("gate-only", () => {
            write("policies/index.ts", "export const stricter = true;\n");
            write("README.md", "# y\n");
        });
        const gatedOnly = branch("gated-only", () => write("components/user.ts", "export const x = 1;\n"));
        const gateRun = cli("--repo", repo, "base", gateOnly);
        assert.equal(gateRun.status, 0, gateRun.stderr);
        assert.match(gateRun.stdout, /changes the gate only \(1 gate, 0 gated, 1 neutral/);
        const gatedRun = cli("--repo", repo, "base", gatedOnly);
        assert.equal(gatedRun.status, 0, gatedRun.stderr);
        assert.match(gatedRun.stdout, /changes the gated only/);
    });

    test("only the pull request's own changes count: a newer base commit on the other side is not its change", () => {
        const head = branch("after-base-moved", () => write("components/user.ts", "export const y = 2;\n"));
        git("checkout", "-q", "base");
        write("policies/later.ts", "export {};\n");
        git("add", "-A");
        git("commit", "-q", "-m", "the base moved on");
        const run = cli("--repo", repo, "base", head);
        assert.equal(run.status, 0, run.stderr);
    });

    test("usage and git errors exit 2 with a message", () => {
        const usage = cli("only-one");
        assert.equal(usage.status, 2);
        assert.match(usage.stderr, /expected <base-sha> and <head-sha>, got 1 argument\(s\)\nUsage: /);
        const unknown = cli("--repo", repo, "base", "0000000000000000000000000000000000000000");
        assert.equal(unknown.status, 2);
        assert.match(unknown.stderr, /git diff base\.\.\.0{40} failed: /);
    });
});

describe("CODEOWNERS", () => {
    const text = fs.readFileSync(path.join(PROJECT_DIR, ".github", "CODEOWNERS"), "utf8");
    const rules = text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => line.split(/\s+/));

    /** The CODEOWNERS path that covers one classifier pattern: a folder `/dir/`, a root file `/file`. */
    const ownersPath = (pattern: string) => `/${pattern.endsWith("/**") ? pattern.slice(0, -2) : pattern}`;

    test("covers exactly the gate of the classifier, every path anchored at the root", () => {
        assert.deepEqual(rules.map((rule) => rule[0]).sort(), GATE_PATTERNS.map(ownersPath).sort());
    });

    test("every gate path is owned by the security team placeholder alone, and adopters are told to replace it", () => {
        for (const rule of rules) assert.deepEqual(rule.slice(1), ["@contoso/security-gate"], rule[0]);
        assert.match(text, /ADOPTERS: replace @contoso\/security-gate with your own team/);
    });

    test("no rule owns a gated path: the program is reviewed as usual, the gate by its owners", () => {
        for (const [owned] of rules) {
            const sample = owned.endsWith("/") ? `${owned.slice(1)}x.ts` : owned.slice(1);
            assert.deepEqual(classifyChangedPaths([sample]).gate, [sample], owned);
        }
    });
});

describe("the trust model in the documents", () => {
    const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
    const README = read("README.md");
    const section = (text: string, heading: string) => {
        const start = text.indexOf(`${heading}\n`);
        assert.ok(start >= 0, `no "${heading}"`);
        const level = heading.split(" ")[0];
        const next = text.slice(start + heading.length).search(new RegExp(`\n#{1,${level.length}} `));
        return next < 0 ? text.slice(start) : text.slice(start, start + heading.length + next);
    };
    /** How the README writes a classifier pattern: a folder with its slash, a stack file with <stack>. */
    const written = (pattern: string) => `\`${pattern.replace(/\/\*\*$/, "/").replace("*", "<stack>")}\``;

    test("the README's trust model names exactly the classifier's gate and gated", () => {
        const trust = section(README, "## Trust model");
        const bullet = trust.slice(trust.indexOf("**Separation of duties.**"), trust.indexOf("- **Every verdict before any change.**"));
        const gate = bullet.slice(bullet.indexOf("**the gate**"), bullet.indexOf("**the gated**"));
        const gated = bullet.slice(bullet.indexOf("**the gated**"), bullet.indexOf("`.github/CODEOWNERS`"));
        const named = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => `\`${m[1]}\``);
        assert.deepEqual(named(gate), GATE_PATTERNS.map(written));
        assert.deepEqual(named(gated), GATED_PATTERNS.map(written));
    });

    test("the README says what the gate guarantees and what only review and the live checks can", () => {
        const trust = section(README, "## Trust model");
        for (const fact of [
            "policies/policy-config.json",
            "base-branch gate (trusted)",
            "this pull request's gate (untrusted,\n  informational)",
            "`pulumi preview` with the pack and its config as a required step\n  before `pulumi up`",
            "policy group",
            "cannot be judged against a tenant the pack cannot see",
            "The Analyzer protocol does not send them",
            "`retainOnDelete` and `replaceOnChanges`",
            "Stop direct tenant access",
        ]) {
            assert.ok(trust.includes(fact), `the trust model does not say: ${fact}`);
        }
    });

    test("branch protection: the required checks are the pull request workflow's jobs, with the settings that hold the gate", () => {
        const protection = section(README, "### Branch protection");
        const jobs = (parseYaml(read(".github/workflows/pull-request.yml")) as { jobs: Record<string, { name: string }> }).jobs;
        for (const [id, job] of Object.entries(jobs)) {
            assert.ok(protection.includes(`\`${job.name}\`\n  (\`${id}\`)`) || protection.includes(`\`${job.name}\` (\`${id}\`)`), `${job.name} (${id})`);
        }
        for (const setting of [
            "Require review from Code Owners",
            "Dismiss stale pull request approvals",
            "Require status checks to pass",
            "Restrict who can push",
            "Block force pushes",
            "Require linear history",
            "@contoso/security-gate",
            "policy group",
            "`policies/policy-config.json` as its configuration",
            "`PULUMI_ORG`",
            "`policy-publish`",
        ]) {
            assert.ok(protection.includes(setting), `branch protection does not mention ${setting}`);
        }
    });

    test("the architecture and the runbook carry the trust model too", () => {
        assert.match(section(read("docs/architecture.md"), "## Trust model"), /ci\/separationOfDuties\.ts/);
        const runbook = section(read("docs/runbook.md"), "## When the gate refuses a change");
        assert.match(runbook, /its \*\*own pull request\*\*/);
        assert.match(runbook, /code owners/);
        assert.match(runbook, /`separation of duties` fails/);
    });
});
