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
    usesAction,
    type FileName,
} from "../helpers/workflows";

describe("triggers", () => {
    const cases: Array<[FileName, string[]]> = [
        ["pull-request.yml", ["merge_group", "pull_request"]],
        ["deploy.yml", ["push", "workflow_dispatch"]],
        ["drift.yml", ["schedule", "workflow_dispatch"]],
        ["reconcile.yml", ["schedule", "workflow_dispatch"]],
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
        assert.equal(WORKFLOWS["reconcile.yml"].jobs.reconcile.if, "github.ref == 'refs/heads/main'");
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
    const EXPECTED: Array<[FileName, string, string, string[]]> = [
        ["pull-request.yml", "preview", "preview", ["--diff", "--refresh"]],
        ["deploy.yml", "deploy", "up", ["--yes", "--refresh"]],
        ["drift.yml", "drift", "preview", ["--refresh", "--expect-no-changes", "--diff"]],
    ];

    test("each workflow runs exactly the expected Pulumi commands", () => {
        const found = allSteps().flatMap(([file, job, step]) =>
            pulumiInvocations(step.run ?? "").map((argv): [FileName, string, string] => [file, job, argv[0]]),
        );
        // After `up`, the deploy job reads the two id outputs for the reconcile job's ids file.
        const expected = EXPECTED.flatMap(([file, job, command]): Array<[FileName, string, string]> =>
            command === "up" ? [[file, job, command], [file, job, "stack"]] : [[file, job, command]],
        );
        assert.deepEqual(found, expected);
        const ids = stepNamed("deploy.yml", "deploy", "Emergency ids for the reconcile job").run ?? "";
        assert.deepEqual(pulumiInvocations(ids), [["stack", "output", "--stack", "prod", "--json"]], "no --show-secrets");
    });

    for (const [file, jobId, command, flags] of EXPECTED) {
        test(`${file}: pulumi ${command} on prod with the policy pack and ${flags.join(" ")}`, () => {
            const runs = WORKFLOWS[file].jobs[jobId].steps.flatMap((s) => pulumiInvocations(s.run ?? "")).filter((argv) => argv[0] === command);
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
