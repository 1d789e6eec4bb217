// What each workflow runs, and when: its triggers, the Pulumi commands with the policy pack, the pull request
// workflow's offline plan and preview, and deployments that wait for the production environment, one at a time.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULTS } from "../../policies/contract/constants";
import {
    PULUMI_FILES,
    cronMinutes,
    reconcileScheduleMinutes,
    SOURCES,
    WORKFLOWS,
    allJobs,
    allSteps,
    flagValue,
    pulumiInvocations,
    stepNamed,
    stepNames,
    usesAction,
    type FileName,
} from "../helpers/workflows";

describe("triggers", () => {
    const cases: Array<[FileName, string[]]> = [
        ["pull-request.yml", ["merge_group", "pull_request"]],
        ["deploy.yml", ["push", "workflow_dispatch"]],
        ["drift.yml", ["schedule", "workflow_dispatch"]],
        ["drill.yml", ["schedule", "workflow_dispatch"]],
        ["reconcile.yml", ["schedule", "workflow_dispatch"]],
        ["policy-publish.yml", ["push", "workflow_dispatch"]],
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

    test("the pack is published from main, whenever a push there changes policies/", () => {
        assert.deepEqual(WORKFLOWS["policy-publish.yml"].on.push, { branches: ["main"], paths: ["policies/**"] });
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
        assert.equal(WORKFLOWS["reconcile.yml"].jobs.reconcile.if, "github.ref == 'refs/heads/main'");
        assert.equal(WORKFLOWS["policy-publish.yml"].jobs.publish.if, "github.ref == 'refs/heads/main'");
    });

    test(`reconcile runs every ${DEFAULTS.reconcileIntervalMinutes} minutes, off the quarter hour, one run at a time`, () => {
        const schedule = WORKFLOWS["reconcile.yml"].on.schedule as unknown as Array<{ cron: string }>;
        assert.equal(schedule.length, 1);
        const minutes = cronMinutes(schedule[0].cron);
        const gaps = minutes.map((minute, i) => (minutes[(i + 1) % minutes.length] - minute + 60) % 60 || 60);
        assert.deepEqual(new Set(gaps), new Set([DEFAULTS.reconcileIntervalMinutes]), `runs at ${minutes.join(", ")}`);
        assert.notEqual(minutes[0], 0, "off the quarter hour");
        assert.deepEqual(reconcileScheduleMinutes(), minutes);
        assert.deepEqual(WORKFLOWS["reconcile.yml"].jobs.reconcile["timeout-minutes"], 10);
        const concurrency = (WORKFLOWS["reconcile.yml"] as unknown as { concurrency: unknown }).concurrency;
        assert.deepEqual(concurrency, { group: "reconcile-prod", "cancel-in-progress": false });
    });
});

describe("Pulumi commands", () => {
    // Every Pulumi CLI call of every workflow, by step, with the pack and the pack config it runs. The pack and its
    // config always travel together, and on pull requests they are the base branch's (base/) for the verdict.
    const EXPECTED: Array<{ file: FileName; job: string; step: string; command: string; pack?: string; flags: string[] }> = [
        { file: "pull-request.yml", job: "preview", step: "pulumi preview", command: "preview", pack: "base/policies", flags: ["--diff", "--refresh"] },
        {
            file: "pull-request.yml",
            job: "preview",
            step: "pulumi preview with this pull request's gate",
            command: "preview",
            pack: "policies",
            flags: ["--diff", "--refresh"],
        },
        {
            file: "deploy.yml",
            job: "deploy",
            step: "pulumi preview (the policy verdict before any change)",
            command: "preview",
            pack: "policies",
            flags: ["--refresh", "--diff"],
        },
        { file: "deploy.yml", job: "deploy", step: "pulumi up", command: "up", pack: "policies", flags: ["--yes", "--refresh"] },
        // After `up`, the deploy job reads the two id outputs for the reconcile job's ids file.
        { file: "deploy.yml", job: "deploy", step: "Emergency ids for the reconcile job", command: "stack", flags: [] },
        { file: "drift.yml", job: "drift", step: "Look for drift", command: "preview", pack: "policies", flags: ["--refresh", "--expect-no-changes", "--diff"] },
        // Then the non-secret outputs for verify's ids.
        { file: "drift.yml", job: "drift", step: "Stack outputs for verify", command: "stack", flags: [] },
        { file: "policy-publish.yml", job: "publish", step: "pulumi policy publish", command: "policy", flags: [] },
    ];

    test("each workflow runs exactly the expected Pulumi commands, in these steps", () => {
        const found = allJobs().flatMap(([file, job, { steps }]) =>
            steps.flatMap((step) => pulumiInvocations(step.run ?? "").map((argv) => [file, job, step.name, argv[0]])),
        );
        assert.deepEqual(found, EXPECTED.map((e) => [e.file, e.job, e.step, e.command]));
        const ids = stepNamed("deploy.yml", "deploy", "Emergency ids for the reconcile job").run ?? "";
        assert.deepEqual(pulumiInvocations(ids), [["stack", "output", "--stack", "prod", "--json"]], "no --show-secrets");
    });

    for (const e of EXPECTED.filter((x) => x.pack !== undefined)) {
        test(`${e.file} "${e.step}": pulumi ${e.command} on prod with ${e.pack} and its config, and ${e.flags.join(" ")}`, () => {
            const runs = pulumiInvocations(stepNamed(e.file, e.job, e.step).run ?? "");
            assert.equal(runs.length, 1);
            const argv = runs[0];
            assert.equal(argv[0], e.command);
            assert.equal(flagValue(argv, "--stack"), "prod");
            assert.equal(flagValue(argv, "--policy-pack"), e.pack);
            assert.equal(flagValue(argv, "--policy-pack-config"), `${e.pack}/policy-config.json`);
            for (const flag of [...e.flags, "--non-interactive"]) assert.ok(argv.includes(flag), `${flag} in ${argv.join(" ")}`);
        });
    }

    test("every Pulumi command that runs the program runs the pack with its trusted config", () => {
        for (const [file, id, step] of allSteps()) {
            for (const argv of pulumiInvocations(step.run ?? "")) {
                if (argv[0] !== "preview" && argv[0] !== "up") continue;
                const pack = flagValue(argv, "--policy-pack");
                assert.ok(pack === "policies" || pack === "base/policies", `${file} job ${id}: ${argv.join(" ")}`);
                assert.equal(flagValue(argv, "--policy-pack-config"), `${pack}/policy-config.json`, `${file} job ${id}`);
            }
        }
    });

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
        assert.equal(installs.length, 4);
        for (const [file, id, step] of installs) {
            // With a command it would run Pulumi without the flags checked above and copy stack outputs,
            // the passwords included, into step outputs.
            assert.deepEqual(step.with, { "pulumi-version": "^3.226.1" }, `${file} job ${id}`);
        }
    });

    test("the state backend is chosen in one place, the same in every workflow that runs Pulumi", () => {
        const envs = PULUMI_FILES.map((file) => WORKFLOWS[file].env);
        for (const env of envs) {
            assert.deepEqual(env, {
                PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL || 'https://api.pulumi.com' }}",
                AZURE_KEYVAULT_AUTH_VIA_CLI: "true",
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            });
        }
        for (const file of PULUMI_FILES) {
            assert.equal(SOURCES[file].match(/PULUMI_BACKEND_URL:/g)?.length, 1, `${file} sets the backend once`);
            assert.doesNotMatch(SOURCES[file], /cloud-url|pulumi login/, file);
        }
        assert.equal(WORKFLOWS["reconcile.yml"].env, undefined, "reconcile needs no state backend");
        assert.doesNotMatch(SOURCES["reconcile.yml"], /PULUMI_|pulumi\/actions/);
    });
});

describe("pull request workflow", () => {
    const wf = WORKFLOWS["pull-request.yml"];

    test("the job that forks also run plans offline with the base branch's gate, then tests, without cloud access", () => {
        const job = wf.jobs["test-and-plan"];
        assert.equal(job.if, undefined);
        assert.deepEqual(stepNames("pull-request.yml", "test-and-plan"), [
            "Check out",
            "Check out the base branch",
            "Set up Node.js 20",
            "Install",
            "Install the base branch's gate",
            "Does this pull request change the gate",
            "Offline plan",
            "The pack's version moves with the pack",
            "Test",
        ]);
        assert.equal(stepNamed("pull-request.yml", "test-and-plan", "Install").run, "npm ci --no-audit --no-fund");
        const plan = stepNamed("pull-request.yml", "test-and-plan", "Offline plan").run ?? "";
        // The trusted verdict: the base branch's harness, run from base/, with its pack and pack config.
        assert.match(plan, /\(cd base && node --import tsx plan\/cli\.ts --project-dir "\$GITHUB_WORKSPACE" --policy-pack policies \\\n\s+--policy-config policies\/policy-config\.json "\$@"\)/);
        assert.match(plan, /trusted_plan --json >/);
        assert.match(plan, /npm run -s plan -- --policy-config policies\/policy-config\.json/);
        assert.match(plan, /GITHUB_STEP_SUMMARY/);
        // The tests run after the verdict (no test code of the pull request runs before it), without base/.
        const tests = stepNamed("pull-request.yml", "test-and-plan", "Test");
        assert.equal(tests.run, "rm -rf base\nnpm test\n");
        assert.equal(tests.if, "!cancelled() && steps.install.outcome == 'success'");
        assert.ok(!JSON.stringify(job).match(/secrets\.|vars\.AZURE|azure\/login/), "no credentials");
    });

    test("every job that judges a pull request checks the base branch out separately, at the base SHA, under base/", () => {
        const BASE_SHA = "${{ github.event.pull_request.base.sha }}";
        const EXPECTED: Record<string, string> = {
            "separation-of-duties": BASE_SHA,
            // The merge queue has no pull request: its base is the queue's.
            "test-and-plan": "${{ github.event.pull_request.base.sha || github.event.merge_group.base_sha }}",
            preview: BASE_SHA,
        };
        assert.deepEqual(Object.keys(wf.jobs).sort(), Object.keys(EXPECTED).sort());
        for (const [id, ref] of Object.entries(EXPECTED)) {
            const checkouts = wf.jobs[id].steps.filter((step) => usesAction(step, "actions/checkout"));
            assert.equal(checkouts.length, 2, id);
            assert.equal(checkouts[0].name, "Check out");
            assert.equal(checkouts[0].with?.ref, undefined, `${id}: the first checkout is the pull request's`);
            assert.deepEqual(checkouts[1].with, { ref, path: "base", "persist-credentials": false }, id);
            assert.equal(checkouts[1].name, "Check out the base branch");
        }
        for (const [file, id, step] of allSteps()) {
            if (file !== "pull-request.yml" && usesAction(step, "actions/checkout")) assert.equal(step.with?.ref, undefined, `${file} job ${id}`);
        }
    });

    test("the base branch's gate is installed and built the same way where it judges", () => {
        const plan = stepNamed("pull-request.yml", "test-and-plan", "Install the base branch's gate").run ?? "";
        assert.equal(stepNamed("pull-request.yml", "preview", "Install the base branch's gate").run, plan);
        const lines = plan.split("\n").filter((line) => line.trim() && !line.trim().startsWith("#"));
        assert.deepEqual(lines, [
            'ln -s "$GITHUB_WORKSPACE/node_modules" base/node_modules',
            "npm --prefix base/policies run build --if-present",
        ]);
        const previewSteps = stepNames("pull-request.yml", "preview");
        assert.ok(previewSteps.indexOf("Install the base branch's gate") < previewSteps.indexOf("pulumi preview"));
        assert.ok(previewSteps.indexOf("Does this pull request change the gate") < previewSteps.indexOf("pulumi preview"));
    });

    test("separation of duties: a job of its own on pull requests, with the whole history, running the base branch's classifier", () => {
        const job = wf.jobs["separation-of-duties"];
        assert.equal(job.name, "separation of duties");
        assert.equal(job.if, "github.event_name == 'pull_request'");
        assert.equal(job.steps[0].with?.["fetch-depth"], 0);
        const run = stepNamed("pull-request.yml", "separation-of-duties", "Separation of duties");
        assert.deepEqual(run.env, {
            BASE_SHA: "${{ github.event.pull_request.base.sha }}",
            HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
        });
        assert.match(run.run ?? "", /\(cd base && node --import tsx "\$classifier" --repo "\$GITHUB_WORKSPACE" "\$BASE_SHA" "\$HEAD_SHA"\)/);
        assert.equal(stepNamed("pull-request.yml", "separation-of-duties", "Install the base branch's dependencies").run, "npm --prefix base ci --no-audit --no-fund");
    });

    test("the required checks the README names are the jobs' names", () => {
        const names = Object.values(wf.jobs).map((job) => job.name);
        assert.deepEqual(names, ["separation of duties", "test and offline plan", "pulumi preview (prod)"]);
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

    test("a required preview with the pack and its config gives the policy verdict before pulumi up changes anything", () => {
        const names = stepNames("deploy.yml", "deploy");
        const build = names.indexOf("Build the policy pack");
        const preview = names.indexOf("pulumi preview (the policy verdict before any change)");
        const up = names.indexOf("pulumi up");
        assert.ok(build >= 0 && build < preview && preview < up, names.join(", "));
        assert.equal(stepNamed("deploy.yml", "deploy", "Build the policy pack").run, "npm --prefix policies run build --if-present");
        const previewStep = wf.jobs.deploy.steps[preview];
        // Required: no condition lets up run after a failed preview, and the preview step fails with the CLI.
        assert.equal(previewStep.if, undefined);
        assert.equal(wf.jobs.deploy.steps[up].if, undefined);
        assert.doesNotMatch(previewStep.run ?? "", /\|\| status=/);
        assert.equal((previewStep as { "continue-on-error"?: unknown })["continue-on-error"], undefined);
    });

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

describe("policy publish workflow", () => {
    const wf = WORKFLOWS["policy-publish.yml"];

    test("installs, builds the pack if it has a build script, installs the CLI, then publishes from main", () => {
        assert.deepEqual(stepNames("policy-publish.yml", "publish"), [
            "Check out",
            "Set up Node.js 20",
            "Install",
            "Install the Pulumi CLI",
            "pulumi policy publish",
        ]);
        const install = stepNamed("policy-publish.yml", "publish", "Install").run ?? "";
        assert.match(install, /^npm ci --no-audit --no-fund$/m);
        assert.match(install, /^npm --prefix policies run build --if-present$/m);
        const publish = stepNamed("policy-publish.yml", "publish", "pulumi policy publish");
        assert.deepEqual(publish.env, {
            PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
            PULUMI_ORG: "${{ vars.PULUMI_ORG }}",
        });
        assert.match(publish.run ?? "", /^cd policies\npulumi policy publish "\$PULUMI_ORG"/m);
    });

    test("its own environment, one publish at a time, never cancelled midway, and no state backend", () => {
        const job = wf.jobs.publish;
        assert.equal(job.environment, "policy-publish");
        assert.deepEqual(job.concurrency, { group: "policy-publish", "cancel-in-progress": false });
        assert.deepEqual(wf.env, { PULUMI_SKIP_UPDATE_CHECK: "true" });
        assert.doesNotMatch(SOURCES["policy-publish.yml"], /PULUMI_BACKEND_URL:|azure\/login|id-token/);
    });
});
