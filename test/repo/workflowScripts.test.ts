// The workflows' shell scripts run for real (as `shell: bash` runs them) against fake `pulumi`, `gh` and `npm`,
// so their exit-code handling, the pull request comment and the drift issue are tested rather than read.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { PROJECT_DIR } from "../helpers/fixtures";
import { CONTEXT, stepRunner } from "../helpers/workflowRunner";
import { flagValue, stepNamed } from "../helpers/workflows";

const { newJob, runStep } = stepRunner();

describe("offline plan: the base branch's gate decides", () => {
    const step = stepNamed("pull-request.yml", "test-and-plan", "Offline plan");
    const HEADLINES: Record<number, RegExp> = {
        0: /Declared cleanly/,
        1: /\*\*Mandatory policy violation\*\* \(exit 1\)/,
        2: /failed with exit code 2 \(2: a config or usage error, 3: the program failed\)/,
        3: /failed with exit code 3 \(2: a config or usage error, 3: the program failed\)/,
    };
    /** A job whose checkout has the base branch under base/, as the two checkout steps leave it. */
    function jobWithBase(): string {
        const job = newJob();
        fs.mkdirSync(path.join(job, "base"));
        return job;
    }
    const context = (gateChanged: boolean) => ({ ...CONTEXT, "steps.gate.outputs.changed": String(gateChanged) });
    const trustedArgs = (job: string, json: boolean) => [
        "node",
        "--import",
        "tsx",
        "plan/cli.ts",
        "--project-dir",
        job,
        "--policy-pack",
        "policies",
        "--policy-config",
        "policies/policy-config.json",
        ...(json ? ["--json"] : []),
        `cwd=${path.join(job, "base")}`,
    ];

    for (const exit of [0, 1, 2, 3]) {
        test(`gate unchanged, trusted plan exit ${exit}: the step exits ${exit}; the summary labels the base-branch gate`, () => {
            const job = jobWithBase();
            const run = runStep(job, step, context(false), { FAKE_PLAN_EXIT: String(exit) });
            assert.equal(run.status, exit, run.output);
            const headline = new RegExp(`^### base-branch gate \\(trusted\\): .*${HEADLINES[exit].source}`, "m");
            assert.match(run.summary, headline);
            assert.match(run.summary, /at aaaabbbbccccdddd\njudged this pull request's program; this verdict decides the check\./);
            assert.match(
                run.summary,
                /```text\nTYPE {2}NAME {2}SETTINGS\nazuread:index\/user:User {2}breakglass-account-1 {2}enabled\n```/,
            );
            assert.match(run.summary, /```json\n\{"stack": "prod", "resources": \[\], "gate": "base"\}\n/);
            assert.doesNotMatch(run.summary, /this pull request's gate/);
            // The base branch's harness, pack and pack config, run from base/ against this checkout's program.
            assert.deepEqual(run.calls, [trustedArgs(job, false), trustedArgs(job, true)]);
        });
    }

    const BOTH: Array<{ base: number; pr: number }> = [
        { base: 0, pr: 1 },
        { base: 1, pr: 0 },
        { base: 0, pr: 2 },
    ];
    for (const c of BOTH) {
        test(`gate changed, base exit ${c.base}, the pull request's own gate exit ${c.pr}: only the base decides`, () => {
            const job = jobWithBase();
            const run = runStep(job, step, context(true), { FAKE_PLAN_EXIT: String(c.base), FAKE_PR_PLAN_EXIT: String(c.pr) });
            assert.equal(run.status, c.base, run.output);
            assert.match(run.summary, new RegExp(`^### base-branch gate \\(trusted\\): .*${HEADLINES[c.base].source}`, "m"));
            assert.match(
                run.summary,
                new RegExp(`^### this pull request's gate \\(untrusted, informational\\): .*${HEADLINES[c.pr].source}`, "m"),
            );
            assert.ok(
                run.summary.indexOf("base-branch gate (trusted)") < run.summary.indexOf("this pull request's gate"),
                "the verdict comes first",
            );
            assert.match(run.summary, /they decide nothing until the change is merged through its own review/);
            assert.match(run.summary, /enabled \(pull request's gate\)\n```/);
            assert.deepEqual(run.calls, [
                trustedArgs(job, false),
                trustedArgs(job, true),
                ["npm", "--prefix", "policies", "run", "build", "--if-present"],
                ["npm", "run", "-s", "plan", "--", "--policy-config", "policies/policy-config.json"],
            ]);
        });
    }

    test("gate changed and the pull request's pack does not build: reported, the base verdict still decides", () => {
        const job = jobWithBase();
        const run = runStep(job, step, context(true), { FAKE_PLAN_EXIT: "0", FAKE_BUILD_EXIT: "1" });
        assert.equal(run.status, 0, run.output);
        assert.match(run.summary, /^### this pull request's gate \(untrusted, informational\): :x: The pack does not build/m);
        assert.ok(!run.calls.some((call) => call[0] === "npm" && call.includes("plan")), "no plan without a built pack");
    });
});

describe("does this pull request change the gate", () => {
    const steps = [
        stepNamed("pull-request.yml", "test-and-plan", "Does this pull request change the gate"),
        stepNamed("pull-request.yml", "preview", "Does this pull request change the gate"),
    ];

    test("the same step in the plan job and the preview job", () => {
        assert.equal(steps[0].run, steps[1].run);
        assert.equal(steps[0].id, "gate");
        assert.equal(steps[1].id, "gate");
    });

    /** A checkout (the job directory) with the base branch under base/, both holding the same gate. */
    function checkouts(): string {
        const job = newJob();
        for (const root of [job, path.join(job, "base")]) {
            for (const [file, text] of [
                ["policies/index.ts", "pack\n"],
                ["policies/policy-config.json", "{}\n"],
                ["plan/cli.ts", "harness\n"],
                ["package.json", "{}\n"],
                ["package-lock.json", "{}\n"],
                ["components/user.ts", "program\n"],
            ]) {
                fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
                fs.writeFileSync(path.join(root, file), text);
            }
        }
        return job;
    }
    const changed = (job: string) => {
        const run = runStep(job, steps[0], CONTEXT);
        assert.equal(run.status, 0, run.output);
        return run.outputs.changed;
    };

    test("the same gate, a changed program: unchanged", () => {
        const job = checkouts();
        fs.writeFileSync(path.join(job, "components/user.ts"), "weaker program\n");
        assert.equal(changed(job), "false");
    });

    test("installed packages and a built bundle are not the gate's source: unchanged", () => {
        const job = checkouts();
        fs.mkdirSync(path.join(job, "base/policies/node_modules/x"), { recursive: true });
        fs.mkdirSync(path.join(job, "policies/dist"), { recursive: true });
        fs.writeFileSync(path.join(job, "policies/dist/index.js"), "bundle\n");
        assert.equal(changed(job), "false");
    });

    const CHANGES: Array<[string, (job: string) => void]> = [
        ["the pack's code", (job) => fs.writeFileSync(path.join(job, "policies/index.ts"), "weaker pack\n")],
        ["the trusted pack config", (job) => fs.writeFileSync(path.join(job, "policies/policy-config.json"), '{"x": 1}\n')],
        ["a new file in the pack", (job) => fs.writeFileSync(path.join(job, "policies/extra.ts"), "x\n")],
        ["a file removed from the pack", (job) => fs.rmSync(path.join(job, "policies/policy-config.json"))],
        ["the harness", (job) => fs.writeFileSync(path.join(job, "plan/cli.ts"), "process.exitCode = 0\n")],
        ["package.json", (job) => fs.writeFileSync(path.join(job, "package.json"), '{"x": 1}\n')],
        ["package-lock.json", (job) => fs.writeFileSync(path.join(job, "package-lock.json"), '{"x": 1}\n')],
    ];
    for (const [what, change] of CHANGES) {
        test(`${what} changed: changed`, () => {
            const job = checkouts();
            change(job);
            assert.equal(changed(job), "true");
        });
    }
});

describe("the pack's version moves with the pack", () => {
    const step = stepNamed("pull-request.yml", "test-and-plan", "The pack's version moves with the pack");

    /** The two checkouts with policies/ at the given versions; `changed` edits the pull request's pack. */
    function checkouts(baseVersion: string, version: string, changed: boolean): string {
        const job = newJob();
        for (const [root, v] of [[path.join(job, "base"), baseVersion], [job, version]]) {
            fs.mkdirSync(path.join(root, "policies"), { recursive: true });
            fs.writeFileSync(path.join(root, "policies", "package.json"), JSON.stringify({ name: "pack", version: v }));
            fs.writeFileSync(path.join(root, "policies", "index.ts"), "pack\n");
        }
        if (changed) fs.writeFileSync(path.join(job, "policies", "index.ts"), "changed pack\n");
        return job;
    }

    test("the pack unchanged: passes, whatever the version", () => {
        const run = runStep(checkouts("0.1.0", "0.1.0", false), step, CONTEXT);
        assert.equal(run.status, 0, run.output);
        assert.match(run.output, /policies\/ is unchanged/);
    });

    test("the pack changed and its version raised: passes", () => {
        const run = runStep(checkouts("0.1.0", "0.2.0", true), step, CONTEXT);
        assert.equal(run.status, 0, run.output);
        assert.match(run.output, /its version moves from 0\.1\.0 to 0\.2\.0/);
    });

    test("the pack changed and its version kept: fails, naming the file and the version", () => {
        const run = runStep(checkouts("0.1.0", "0.1.0", true), step, CONTEXT);
        assert.equal(run.status, 1, run.output);
        assert.match(run.output, /::error file=policies\/package\.json::this pull request changes the policy pack but keeps its version 0\.1\.0/);
    });

    test("it runs whatever the plan found, and the tests run whatever it found", () => {
        assert.equal(step.if, "!cancelled() && steps.gate.outcome == 'success'");
        assert.equal(stepNamed("pull-request.yml", "test-and-plan", "Test").if, "!cancelled() && steps.install.outcome == 'success'");
    });
});

describe("the plan job runs the tests after the verdict, without the base checkout", () => {
    const step = stepNamed("pull-request.yml", "test-and-plan", "Test");

    test("base/ is removed (it is not this project), then npm test runs; a failing test fails the step", () => {
        for (const exit of [0, 1]) {
            const job = newJob();
            fs.mkdirSync(path.join(job, "base", "plan"), { recursive: true });
            const run = runStep(job, step, CONTEXT, { FAKE_TEST_EXIT: String(exit) });
            assert.equal(run.status, exit, run.output);
            assert.match(run.output, /fake npm test/);
            assert.equal(fs.existsSync(path.join(job, "base")), false);
            assert.deepEqual(run.calls, [["npm", "test"]]);
        }
    });
});

describe("separation of duties, run for real against a git repository", () => {
    const step = stepNamed("pull-request.yml", "separation-of-duties", "Separation of duties");
    const git = (cwd: string, ...args: string[]) => {
        const run = spawnSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], {
            cwd,
            encoding: "utf8",
            env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
        });
        assert.equal(run.status, 0, run.stderr);
        return run.stdout.trim();
    };
    const write = (root: string, file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    };

    /**
     * The job directory as the two checkouts leave it: the pull request's history (a base commit, then one commit
     * with `files`), and base/ standing for the base branch's checkout with its dependencies installed. `withClassifier`
     * false: a base branch from before the check existed.
     */
    function pullRequest(files: string[], withClassifier = true): { job: string; context: Record<string, string> } {
        const job = newJob();
        git(job, "init", "-q");
        write(job, "policies/index.ts", "pack\n");
        write(job, "components/user.ts", "program\n");
        write(job, "ci/separationOfDuties.ts", fs.readFileSync(path.join(PROJECT_DIR, "ci", "separationOfDuties.ts"), "utf8"));
        git(job, "add", "policies", "components", "ci");
        git(job, "commit", "-q", "-m", "base");
        const base = git(job, "rev-parse", "HEAD");
        for (const file of files) write(job, file, "changed\n");
        git(job, "add", ...files);
        git(job, "commit", "-q", "-m", "pull request");
        const head = git(job, "rev-parse", "HEAD");
        if (withClassifier) {
            fs.symlinkSync(PROJECT_DIR, path.join(job, "base"));
        } else {
            fs.mkdirSync(path.join(job, "base"));
            fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(job, "base", "node_modules"));
        }
        return {
            job,
            context: { ...CONTEXT, "github.event.pull_request.base.sha": base, "github.event.pull_request.head.sha": head },
        };
    }

    test("the gate and the gated changed together: the step fails and the summary lists both sides", () => {
        const { job, context } = pullRequest(["policies/index.ts", "Pulumi.staging.yaml", "README.md"]);
        const run = runStep(job, step, context);
        assert.equal(run.status, 1, run.output);
        assert.match(run.summary, /^## Separation of duties: exit 1$/m);
        assert.match(run.summary, /changes both the gate and what the gate judges/);
        assert.match(run.summary, /\n {2}policies\/index\.ts\n/);
        assert.match(run.summary, /\n {2}Pulumi\.staging\.yaml\n/);
        assert.match(run.output, /::error::this pull request changes both the gate and what it gates/);
        assert.doesNotMatch(run.output, /::warning::/);
    });

    test("one side only: the step passes", () => {
        for (const files of [["components/user.ts", "docs/x.md"], [".github/workflows/x.yml"]]) {
            const { job, context } = pullRequest(files);
            const run = runStep(job, step, context);
            assert.equal(run.status, 0, run.output);
            assert.match(run.summary, /^## Separation of duties: exit 0$/m);
            assert.doesNotMatch(run.output, /::error::/);
        }
    });

    test("a base branch without the classifier yet: the pull request's copy runs, with a warning", () => {
        const { job, context } = pullRequest(["ci/other.ts", "index.ts"], false);
        const run = runStep(job, step, context);
        assert.equal(run.status, 1, run.output);
        assert.match(run.output, /::warning::the base branch has no ci\/separationOfDuties\.ts yet/);
    });
});

describe("pull request preview comment", () => {
    const preview = stepNamed("pull-request.yml", "preview", "pulumi preview");
    const prGate = stepNamed("pull-request.yml", "preview", "pulumi preview with this pull request's gate");
    const comment = stepNamed("pull-request.yml", "preview", "Comment on the pull request");
    const NEW = ["POST", "repos/contoso/entra-emergency-access/issues/42/comments"];
    const EDIT = ["PATCH", "repos/contoso/entra-emergency-access/issues/comments/991"];
    const commentContext = (status: string, prGateStatus = "") => ({
        ...CONTEXT,
        "steps.preview.outputs.status": status,
        "steps.pr-gate-preview.outputs.status": prGateStatus,
    });
    const cases: Array<{ exit: number; existing: string; call: string[]; headline: RegExp }> = [
        { exit: 0, existing: "", call: NEW, headline: /passed the policy pack/ },
        { exit: 5, existing: "", call: NEW, headline: /\*\*mandatory policy violation\*\* \(exit 5\)/ },
        { exit: 0, existing: "991", call: EDIT, headline: /passed the policy pack/ },
        { exit: 5, existing: "991", call: EDIT, headline: /\*\*mandatory policy violation\*\* \(exit 5\)/ },
        { exit: 255, existing: "991", call: EDIT, headline: /failed \(exit 255\)/ },
    ];
    for (const c of cases) {
        const verb = c.existing ? "edits the one comment" : "posts the first comment";
        test(`preview exit ${c.exit} ${verb}, with the output and the base-branch gate's verdict`, () => {
            const job = newJob();
            const ran = runStep(job, preview, CONTEXT, { FAKE_PULUMI_EXIT: String(c.exit) });
            assert.equal(ran.status, 0, "the preview step records the exit code instead of failing");
            assert.deepEqual(ran.outputs, { status: String(c.exit) });
            assert.match(ran.output, /breakglass-account-1 update/, "the output is in the log too");
            const argv = ran.calls[0].slice(1);
            assert.equal(flagValue(argv, "--policy-pack"), "base/policies");
            assert.equal(flagValue(argv, "--policy-pack-config"), "base/policies/policy-config.json");

            const posted = runStep(job, comment, commentContext(String(c.exit)), { FAKE_COMMENT_ID: c.existing });
            assert.equal(posted.status, 0, posted.output);
            const writes = posted.calls.filter((call) => call.includes("--method"));
            assert.deepEqual(
                writes.map((call) => [call[call.indexOf("--method") + 1], call[call.indexOf("--method") + 2]]),
                [c.call],
                "exactly one write: a new comment, or an edit of the marked one",
            );
            assert.ok(posted.body.startsWith("<!-- entra-emergency-access: pulumi preview prod -->\n"));
            assert.match(posted.body, new RegExp(`^### base-branch gate \\(trusted\\): .*${c.headline.source}`, "m"));
            assert.match(posted.body, /Commit 0123456789abcdef/);
            assert.match(posted.body, /of the base branch at aaaabbbbccccdddd, which decide this check/);
            assert.match(posted.body, /```diff\nPreviewing update \(prod\):\n.*breakglass-account-1 update/);
            assert.match(posted.body, new RegExp(`fake output for exit ${c.exit}\\n\`\`\`\\n</details>`));
            assert.doesNotMatch(posted.body, /this pull request's gate/, "no second result when the gate is unchanged");
        });
    }

    for (const [base, pr] of [[0, 5], [5, 0]]) {
        test(`gate changed, base preview exit ${base}, this pull request's gate exit ${pr}: both labelled, the base decides`, () => {
            const job = newJob();
            const ran = runStep(job, preview, CONTEXT, { FAKE_PULUMI_EXIT: String(base) });
            const informational = runStep(job, prGate, CONTEXT, { FAKE_PULUMI_EXIT: String(pr) });
            assert.equal(informational.status, 0, "the informational step never fails the job");
            assert.deepEqual(informational.outputs, { status: String(pr) });
            assert.deepEqual(informational.calls[0], ["npm", "--prefix", "policies", "run", "build", "--if-present"]);
            const argv = informational.calls[1].slice(1);
            assert.equal(argv[0], "preview");
            assert.equal(flagValue(argv, "--policy-pack"), "policies");
            assert.equal(flagValue(argv, "--policy-pack-config"), "policies/policy-config.json");

            const posted = runStep(job, comment, commentContext(ran.outputs.status, informational.outputs.status));
            assert.equal(posted.status, 0, posted.output);
            const headline = (exit: number) => (exit === 0 ? "passed the policy pack" : "\\*\\*mandatory policy violation\\*\\* \\(exit 5\\)");
            assert.match(posted.body, new RegExp(`^### base-branch gate \\(trusted\\): .*${headline(base)}`, "m"));
            assert.match(posted.body, new RegExp(`^### this pull request's gate \\(untrusted, informational\\): .*${headline(pr)}`, "m"));
            assert.ok(posted.body.indexOf("(trusted)") < posted.body.indexOf("(untrusted, informational)"), "the verdict first");
            assert.match(posted.body, /It decides nothing\./);
            assert.match(posted.body, new RegExp(`fake output for exit ${pr}\\n\`\`\`\\n</details>\\n$`));
            assert.ok(posted.body.length < 65_536);
        });
    }

    test("the pull request's pack does not build: no preview with it, and its status says so", () => {
        const ran = runStep(newJob(), prGate, CONTEXT, { FAKE_PULUMI_EXIT: "0", FAKE_BUILD_EXIT: "1" });
        assert.equal(ran.status, 0, ran.output);
        assert.deepEqual(ran.outputs, { status: "1" });
        assert.deepEqual(ran.calls.map((call) => call[0]), ["npm"]);
    });

    test("the informational preview runs only when the gate changed, and the job fails on the base verdict alone", () => {
        assert.equal(prGate.if, "always() && steps.gate.outputs.changed == 'true' && steps.preview.outputs.status != ''");
        const fail = stepNamed("pull-request.yml", "preview", "Fail on a failed preview");
        assert.equal(fail.if, "steps.preview.outputs.status != '0'");
        assert.doesNotMatch(JSON.stringify(fail), /pr-gate/);
    });

    test("the search for the existing comment looks for the marker on this pull request", () => {
        const job = newJob();
        fs.writeFileSync(path.join(job, "preview.txt"), "Previewing update (prod):\n");
        const listing = runStep(job, comment, commentContext("0")).calls[0];
        assert.deepEqual(listing.slice(0, 4), ["gh", "api", "--paginate", "repos/contoso/entra-emergency-access/issues/42/comments"]);
        assert.ok(listing.includes('.[] | select(.body | startswith("<!-- entra-emergency-access: pulumi preview prod -->")) | .id'));
    });

    test("a huge preview is cut from the front, keeping the policy results at the end", () => {
        const job = newJob();
        fs.writeFileSync(path.join(job, "preview.txt"), `${"x".repeat(100_000)}\nPolicies:\n    mandatory: end\n`);
        const posted = runStep(job, comment, commentContext("5"));
        assert.ok(posted.body.length < 65_536, `${posted.body.length} characters`);
        assert.match(posted.body, /Policies:\n {4}mandatory: end\n```/);
    });

    test("two huge previews still fit in one comment, each keeping its end", () => {
        const job = newJob();
        fs.writeFileSync(path.join(job, "preview.txt"), `${"x".repeat(100_000)}\nPolicies:\n    base: end\n`);
        fs.writeFileSync(path.join(job, "preview-pr-gate.txt"), `${"y".repeat(100_000)}\nPolicies:\n    pr: end\n`);
        const posted = runStep(job, comment, commentContext("5", "0"));
        assert.ok(posted.body.length < 65_536, `${posted.body.length} characters`);
        assert.match(posted.body, /Policies:\n {4}base: end\n```/);
        assert.match(posted.body, /Policies:\n {4}pr: end\n```/);
    });
});

describe("deploy", () => {
    const preview = stepNamed("deploy.yml", "deploy", "pulumi preview (the policy verdict before any change)");
    const up = stepNamed("deploy.yml", "deploy", "pulumi up");
    const summary = stepNamed("deploy.yml", "deploy", "Summary");
    for (const exit of [0, 5, 255]) {
        test(`the preview before up, exit ${exit}: the step ${exit === 0 ? "succeeds" : "fails, so up never starts"}`, () => {
            const ran = runStep(newJob(), preview, CONTEXT, { FAKE_PULUMI_EXIT: String(exit) });
            assert.equal(ran.status, exit, ran.output);
            assert.equal(ran.calls.length, 1);
            const argv = ran.calls[0].slice(1);
            assert.deepEqual(argv.slice(0, 3), ["preview", "--stack", "prod"]);
            assert.equal(flagValue(argv, "--policy-pack"), "policies");
            assert.equal(flagValue(argv, "--policy-pack-config"), "policies/policy-config.json");
        });
        test(`pulumi up exit ${exit}: the step ${exit === 0 ? "succeeds" : "fails"} (tee must not hide it)`, () => {
            const ran = runStep(newJob(), up, CONTEXT, { FAKE_PULUMI_EXIT: String(exit) });
            assert.equal(ran.status, exit, ran.output);
            assert.equal(ran.calls.length, 1);
            assert.deepEqual(ran.calls[0].slice(0, 4), ["pulumi", "up", "--stack", "prod"]);
            assert.equal(flagValue(ran.calls[0], "--policy-pack-config"), "policies/policy-config.json");
        });
    }

    test("the summary shows the preview when it stopped the deployment, else the update", () => {
        const job = newJob();
        fs.writeFileSync(path.join(job, "preview.txt"), "Policies:\n    mandatory: the preview's verdict\n");
        fs.writeFileSync(path.join(job, "up.txt"), "Resources:\n    the update\n");
        const stopped = runStep(job, summary, { ...CONTEXT, "steps.preview.outcome": "failure", "steps.up.outcome": "skipped" });
        assert.equal(stopped.status, 0, stopped.output);
        assert.match(stopped.summary, /^## `pulumi preview` on `prod`: failure, so `pulumi up` did not run$/m);
        assert.match(stopped.summary, /the preview's verdict/);
        assert.doesNotMatch(stopped.summary, /the update/);
        const applied = runStep(job, summary, { ...CONTEXT, "steps.preview.outcome": "success", "steps.up.outcome": "success" });
        assert.match(applied.summary, /^## `pulumi up` on `prod`: success$/m);
        assert.match(applied.summary, /the update/);
        assert.equal(summary.if, "always() && steps.preview.outcome != 'skipped'");
    });
});

describe("drift", () => {
    const look = stepNamed("drift.yml", "drift", "Look for drift");
    const report = stepNamed("drift.yml", "drift", "Report");
    const CLOSE_TEXT = /^The tenant is back in line with main: .*every `npm run verify` check passed \(\[run\]\(https:\/\/github\.com\/contoso\/entra-emergency-access\/actions\/runs\/4242\)\)\.$/;

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
            assert.equal(flagValue(argv, "--policy-pack-config"), "policies/policy-config.json");

            const reported = runStep(job, report, { ...CONTEXT, "steps.preview.outputs.status": String(c.exit), "steps.verify.outputs.status": "0" }, {
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

    describe("npm run verify after the preview", () => {
        const outputs = stepNamed("drift.yml", "drift", "Stack outputs for verify");
        const verify = stepNamed("drift.yml", "drift", "Verify the live tenant");

        test("verify takes the stack's outputs, writes JUnit and Markdown, and the Markdown goes to the job summary", () => {
            const job = newJob();
            const read = runStep(job, outputs, CONTEXT, { FAKE_PULUMI_EXIT: "0" });
            assert.equal(read.status, 0, read.output);
            assert.deepEqual(read.calls[0].slice(0, 5), ["pulumi", "stack", "output", "--stack", "prod"]);
            const ran = runStep(job, verify, CONTEXT, { FAKE_VERIFY_EXIT: "1", FAKE_VERIFY_ROW: "FAIL" });
            assert.equal(ran.status, 0, "the step never fails: the report decides");
            assert.deepEqual(ran.outputs, { status: "1" });
            const argv = ran.calls[0];
            assert.deepEqual(argv.slice(0, 6), ["npm", "run", "-s", "verify", "--", "--stack"]);
            assert.equal(flagValue(argv, "--outputs"), path.join(job, "outputs.json"));
            assert.equal(flagValue(argv, "--junit"), path.join(job, "verify-junit.xml"));
            assert.equal(flagValue(argv, "--markdown"), path.join(job, "verify.md"));
            assert.match(ran.summary, /\| FAIL \| drill-recency \|/);
            assert.equal(verify.env?.GH_TOKEN, undefined);
            assert.equal(verify.env?.PULUMI_ACCESS_TOKEN, undefined, "verify never holds the backend credential");
        });

        test("without the stack's outputs, verify runs on the committed ids file (no --outputs)", () => {
            const job = newJob();
            const read = runStep(job, outputs, CONTEXT, { FAKE_PULUMI_EXIT: "255" });
            assert.equal(read.status, 0, read.output);
            assert.match(read.output, /::warning::pulumi stack output failed/);
            fs.writeFileSync(path.join(job, "outputs.json"), "");
            const ran = runStep(job, verify, CONTEXT, { FAKE_VERIFY_EXIT: "0" });
            assert.equal(flagValue(ran.calls[0], "--outputs"), undefined);
        });

        const reportWith = (preview: number, verified: number, open = "") => {
            const job = newJob();
            runStep(job, look, CONTEXT, { FAKE_PULUMI_EXIT: String(preview) });
            runStep(job, verify, CONTEXT, { FAKE_VERIFY_EXIT: String(verified), FAKE_VERIFY_ROW: verified === 0 ? "PASS" : "FAIL" });
            return runStep(job, report, { ...CONTEXT, "steps.preview.outputs.status": String(preview), "steps.verify.outputs.status": String(verified) }, {
                FAKE_OPEN_ISSUES: open,
            });
        };
        const writes = (run: ReturnType<typeof reportWith>) => run.calls.filter((call) => !(call[1] === "issue" && call[2] === "list"));

        test("no drift but a failing check: the drift issue is opened with verify's failing rows", () => {
            const run = reportWith(0, 1);
            assert.equal(run.status, 0, run.output);
            assert.deepEqual(writes(run).map((c) => c.slice(0, 3)), [["gh", "label", "create"], ["gh", "issue", "create"]]);
            assert.match(run.body, /The live tenant fails `npm run verify` \(the preview found no difference\)/);
            assert.match(run.body, /\| FAIL \| drill-recency \|/);
            assert.doesNotMatch(run.body, /Preview output/);
        });

        test("no drift but a failing check, with an open issue: a comment, and the issue stays open", () => {
            const run = reportWith(0, 1, "12");
            assert.deepEqual(writes(run).map((c) => c.slice(0, 4)), [["gh", "issue", "comment", "12"]]);
        });

        test("drift and a failing check: one report with both", () => {
            const run = reportWith(7, 1);
            assert.match(run.body, /exit 7/);
            assert.match(run.body, /\| FAIL \| drill-recency \|/);
            assert.match(run.body, /```diff\nPreviewing update \(prod\):\n/);
        });

        test("a check that could not run (exit 2) fails the job, and never closes the drift issue", () => {
            const run = reportWith(0, 2, "12");
            assert.notEqual(run.status, 0);
            assert.match(run.output, /::error::npm run verify exited 2: a check could not run/);
            assert.deepEqual(writes(run), []);
        });

        test("drift and a check that could not run: the drift is reported, then the job fails", () => {
            const run = reportWith(7, 2);
            assert.notEqual(run.status, 0);
            assert.deepEqual(writes(run).map((c) => c.slice(0, 3)), [["gh", "label", "create"], ["gh", "issue", "create"]]);
        });
    });
});

describe("drill: the monthly reminder", () => {
    const check = stepNamed("drill.yml", "drill", "When was each account last tested");
    const remind = stepNamed("drill.yml", "drill", "Remind");
    const CONTEXT_DRILL = { ...CONTEXT, "github.repository": "contoso/entra-emergency-access" };

    /** A verify --json report whose drill-recency check has `status` and these evidence rows. */
    function report(job: string, status: string, evidence: Array<{ status: string; subject: string; detail: string }>): string {
        const file = path.join(job, "fake-report.json");
        fs.writeFileSync(file, JSON.stringify({ checks: [{ id: "drill-recency", status, evidence }] }));
        return file;
    }

    const run = (status: string, evidence: Array<{ status: string; subject: string; detail: string }>, exit = 0, open = "") => {
        const job = newJob();
        const checked = runStep(job, check, CONTEXT_DRILL, { FAKE_VERIFY_JSON: report(job, status, evidence), FAKE_VERIFY_EXIT: String(exit) });
        assert.equal(checked.status, 0, checked.output);
        assert.deepEqual(checked.calls[0].slice(0, 8), ["npm", "run", "-s", "verify", "--", "--stack", "prod", "--only"]);
        assert.equal(flagValue(checked.calls[0], "--only"), "drill-recency");
        return runStep(job, remind, { ...CONTEXT_DRILL, "steps.drill.outputs.status": checked.outputs.status }, { FAKE_OPEN_ISSUES: open });
    };
    const writes = (ran: ReturnType<typeof run>) => ran.calls.filter((call) => !(call[1] === "issue" && call[2] === "list"));

    test("every account tested recently: the open drill issue is closed", () => {
        const ran = run("PASS", [{ status: "PASS", subject: "breakglass-1@contoso.onmicrosoft.com", detail: "tested 12 days ago" }], 0, "31");
        assert.equal(ran.status, 0, ran.output);
        assert.deepEqual(writes(ran).map((c) => c.slice(0, 4)), [["gh", "issue", "close", "31"]]);
    });

    test("a drill due soon (WARN, exit 0): one issue naming the account and the date", () => {
        const ran = run("WARN", [
            { status: "WARN", subject: "breakglass-2@contoso.onmicrosoft.com", detail: "last tested 2026-09-01, 86 days ago; due 2026-11-30" },
            { status: "PASS", subject: "breakglass-1@contoso.onmicrosoft.com", detail: "tested 12 days ago" },
        ]);
        assert.equal(ran.status, 0, ran.output);
        assert.deepEqual(writes(ran).map((c) => c.slice(0, 3)), [["gh", "label", "create"], ["gh", "issue", "create"]]);
        assert.match(ran.body, /- \*\*WARN\*\* breakglass-2@contoso\.onmicrosoft\.com: last tested 2026-09-01, 86 days ago; due 2026-11-30/);
        assert.doesNotMatch(ran.body, /breakglass-1/);
    });

    test("an overdue drill (FAIL, exit 1) with an open issue: a comment on it", () => {
        const ran = run("FAIL", [{ status: "FAIL", subject: "breakglass-1@contoso.onmicrosoft.com", detail: "never signed in" }], 1, "31");
        assert.equal(ran.status, 0, ran.output);
        assert.deepEqual(writes(ran).map((c) => c.slice(0, 4)), [["gh", "issue", "comment", "31"]]);
        assert.match(ran.body, /never signed in/);
    });

    test("a check that could not run fails the job and touches no issue", () => {
        const ran = run("NOT_RUN", [], 2, "31");
        assert.notEqual(ran.status, 0);
        assert.match(ran.output, /::error::npm run verify exited 2/);
        assert.deepEqual(writes(ran), []);
    });
});

describe("deploy: the emergency ids for the reconcile job", () => {
    const step = stepNamed("deploy.yml", "deploy", "Emergency ids for the reconcile job");
    const IDS = '{"emergencyAccountObjectIds": ["e2fb0405-ab36-5f6d-bb04-f604c1d9480a"], "emergencyAccessGroupObjectId": "c83b34df-ac37-571e-8a4a-44dad8cc4f17"}';

    test("ids unchanged: the step passes and says nothing", () => {
        const ran = runStep(newJob(), step, CONTEXT, { FAKE_PULUMI_EXIT: "0", FAKE_RECONCILE_EXIT: "0" });
        assert.equal(ran.status, 0, ran.output);
        assert.deepEqual(ran.calls.map((c) => c.slice(0, 4)), [["pulumi", "stack", "output", "--stack"], ["npm", "run", "-s", "reconcile"]]);
        assert.ok(ran.calls[1].includes("--refresh-ids"));
        assert.equal(ran.summary, "");
    });

    test("ids changed (exit 3): the job fails, and the summary holds the file to commit", () => {
        const ran = runStep(newJob(), step, CONTEXT, { FAKE_PULUMI_EXIT: "0", FAKE_RECONCILE_EXIT: "3", FAKE_IDS_CONTENT: IDS });
        assert.equal(ran.status, 3, ran.output);
        assert.match(ran.summary, /^## `emergency-ids\/prod\.json` is stale$/m);
        assert.ok(ran.summary.includes(`\`\`\`json\n${IDS}\n\`\`\``));
        assert.match(ran.output, /::error file=emergency-ids\/prod\.json::the committed emergency ids differ/);
    });

    test("outputs without the ids (exit 2) fail the step", () => {
        assert.equal(runStep(newJob(), step, CONTEXT, { FAKE_PULUMI_EXIT: "0", FAKE_RECONCILE_EXIT: "2" }).status, 2);
    });
});

describe("reconcile", () => {
    const reconcileStep = stepNamed("reconcile.yml", "reconcile", "Reconcile");
    const report = stepNamed("reconcile.yml", "reconcile", "Report");
    const POLICY_ID = "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47";
    const REPORT = (outcome: string, detail?: string) =>
        JSON.stringify({
            graphEndpoint: "https://graph.microsoft.com",
            dryRun: false,
            policyCount: 2,
            policies: [
                { policyId: POLICY_ID, displayName: "CA001: Require MFA | all users", state: "enabled", outcome, userIds: outcome === "added" ? ["e2fb0405-ab36-5f6d-bb04-f604c1d9480a"] : [], groupIds: [], detail },
                { policyId: "5c0b8e2d-1f94-4d3a-87c6-e9a2b4f07d18", displayName: "CA006", state: "enabled", outcome: "skipped", userIds: [], groupIds: [], detail: "targets workload identities" },
            ],
            writes: outcome === "added" ? 1 : 0,
            notes: [],
            counts: { failed: outcome === "failed" ? 1 : 0, added: outcome === "added" ? 1 : 0, skipped: 1 },
        });

    /** Runs the Reconcile step with the fake npm answering `report` and `exit`, then the Report step. */
    function run(exit: number | "", reportJson: string | undefined, openIssues: string, stderr = "") {
        const job = newJob();
        let status = String(exit);
        if (exit !== "") {
            const file = path.join(job, "fake-report.json");
            if (reportJson !== undefined) fs.writeFileSync(file, reportJson);
            const ran = runStep(job, reconcileStep, CONTEXT, {
                FAKE_RECONCILE_EXIT: String(exit),
                FAKE_RECONCILE_REPORT: reportJson !== undefined ? file : "",
                FAKE_RECONCILE_STDERR: stderr,
            });
            assert.equal(ran.status, 0, "the Reconcile step records the exit code instead of failing");
            assert.deepEqual(ran.calls, [["npm", "run", "-s", "reconcile", "--", "--stack", "prod", "--json"]]);
            status = ran.outputs.status;
            assert.equal(status, String(exit));
            if (stderr) assert.ok(ran.output.includes(stderr), "errors stay in the log");
        }
        const reported = runStep(job, report, { ...CONTEXT, "steps.reconcile.outputs.status": status }, { FAKE_OPEN_ISSUES: openIssues });
        const writes = reported.calls.filter((call) => !(call[1] === "issue" && call[2] === "list"));
        for (const list of reported.calls.filter((call) => call[1] === "issue" && call[2] === "list")) {
            assert.equal(flagValue(list, "--label"), "reconcile");
        }
        return { reported, writes };
    }

    test("exit 0 with a policy added: the summary lists it, the open issue is closed, the job passes", () => {
        const { reported, writes } = run(0, REPORT("added"), "31");
        assert.equal(reported.status, 0, reported.output);
        assert.match(reported.summary, /^## Reconcile: exit 0$/m);
        assert.match(reported.summary, /^2 policies: 1 added, 1 skipped; 1 write\(s\)\.$/m);
        assert.ok(reported.summary.includes(`| \`${POLICY_ID}\` | CA001: Require MFA   all users | enabled | user \`e2fb0405-ab36-5f6d-bb04-f604c1d9480a\`  |`));
        assert.deepEqual(writes.map((c) => c.slice(0, 5)), [["gh", "issue", "close", "31", "--comment"]]);
        assert.match(writes[0][5], /excludes the emergency accounts again \(\[run\]\(https:\/\/github\.com\/contoso\/entra-emergency-access\/actions\/runs\/4242\)\)/);
    });

    test("exit 0 and no open issue: nothing to write", () => {
        const { reported, writes } = run(0, REPORT("excluded"), "");
        assert.equal(reported.status, 0, reported.output);
        assert.deepEqual(writes, []);
    });

    test("exit 1 (a write refused): the job fails and one labelled issue names the policy and Graph's answer", () => {
        const { reported, writes } = run(1, REPORT("failed", "PATCH to add the emergency exclusions failed with HTTP 403 Authorization_RequestDenied"), "");
        assert.equal(reported.status, 1, reported.output);
        assert.match(reported.output, /::error::reconcile exited 1: the emergency exclusions are not guaranteed/);
        assert.deepEqual(writes.map((c) => c.slice(0, 3)), [["gh", "label", "create"], ["gh", "issue", "create"]]);
        assert.equal(flagValue(writes[1], "--label"), "reconcile");
        assert.match(reported.body, /could not keep the emergency exclusions \(exit 1\)/);
        assert.ok(reported.body.includes(`| \`${POLICY_ID}\` |`));
        assert.match(reported.body, /HTTP 403 Authorization_RequestDenied/);
        assert.match(reported.body, /Policy\.Read\.All, Policy\.ReadWrite\.ConditionalAccess,\nApplication\.Read\.All/);
    });

    test("a failure while the issue is already open adds no comment every 15 minutes, but still fails the job", () => {
        const { reported, writes } = run(1, REPORT("failed", "HTTP 403"), "31");
        assert.equal(reported.status, 1);
        assert.deepEqual(writes, []);
    });

    test("exit 2 (no ids file): no report, the error goes into the issue", () => {
        const stderr = "reconcile: /home/runner/work/x/emergency-ids/prod.json: no such file. After the first deployment, commit the ids";
        const { reported, writes } = run(2, undefined, "", stderr);
        assert.equal(reported.status, 1);
        assert.deepEqual(writes.map((c) => c.slice(0, 3)), [["gh", "label", "create"], ["gh", "issue", "create"]]);
        assert.ok(reported.body.includes(stderr), reported.body);
        assert.ok(reported.summary.includes(stderr), reported.summary);
    });

    test("the Reconcile step never ran (install or sign-in failed): the Report step still opens the issue", () => {
        assert.equal(report.if, "!cancelled()");
        const { reported, writes } = run("", undefined, "");
        assert.equal(reported.status, 1);
        assert.match(reported.output, /::error::reconcile exited without a status/);
        assert.equal(writes.length, 2);
    });
});

describe("policy publish", () => {
    const publish = stepNamed("policy-publish.yml", "publish", "pulumi policy publish");

    test("publishes the pack from policies/ to the organization of the PULUMI_ORG variable, with a summary", () => {
        const job = newJob();
        fs.mkdirSync(path.join(job, "policies"));
        const ran = runStep(job, publish, CONTEXT, { FAKE_PULUMI_EXIT: "0" });
        assert.equal(ran.status, 0, ran.output);
        assert.deepEqual(ran.calls, [["pulumi", "policy", "publish", "contoso", "--non-interactive"]]);
        assert.match(ran.summary, /^## Policy pack published to `contoso`$/m);
        assert.match(ran.summary, /Commit fedcba9876543210/);
    });

    test("a failed publish fails the step", () => {
        const job = newJob();
        fs.mkdirSync(path.join(job, "policies"));
        assert.equal(runStep(job, publish, CONTEXT, { FAKE_PULUMI_EXIT: "255" }).status, 255);
    });

    test("without the PULUMI_ORG variable: a clear error, nothing published", () => {
        const job = newJob();
        fs.mkdirSync(path.join(job, "policies"));
        const ran = runStep(job, publish, { ...CONTEXT, "vars.PULUMI_ORG": "" });
        assert.equal(ran.status, 2);
        assert.match(ran.output, /::error::set the repository variable PULUMI_ORG/);
        assert.deepEqual(ran.calls, []);
    });
});
