// The workflows' shell scripts run for real (as `shell: bash` runs them) against fake `pulumi`, `gh` and `npm`,
// so their exit-code handling, the pull request comment and the drift issue are tested rather than read.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { CONTEXT, stepRunner } from "../helpers/workflowRunner";
import { flagValue, stepNamed } from "../helpers/workflows";

const { newJob, runStep } = stepRunner();

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
