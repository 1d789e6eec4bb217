// The workflows hold what keeps the emergency accounts safe: each job has only the permissions it needs, Azure
// is reached by OpenID Connect alone with no stored credential, and the scripts cannot be injected into.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import {
    FILES,
    SOURCES,
    WORKFLOWS,
    allJobs,
    allSteps,
    jobsOf,
    pulumiInvocations,
    usesAction,
    type FileName,
} from "../helpers/workflows";

describe("permissions", () => {
    // Exactly what each job needs; a new job must be added here, with its reason.
    const EXPECTED: Record<FileName, Record<string, Record<string, string>>> = {
        "pull-request.yml": {
            // Reads the history to diff the pull request against its merge base; writes nothing.
            "separation-of-duties": { contents: "read" },
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
        "drill.yml": {
            // issues: write to open, comment on and close the one issue when a drill is due.
            drill: { contents: "read", "id-token": "write", issues: "write" },
        },
        "reconcile.yml": {
            // issues: write to open and close the one issue when the exclusions cannot be kept.
            reconcile: { contents: "read", "id-token": "write", issues: "write" },
        },
        "policy-publish.yml": {
            // Publishing talks to Pulumi Cloud with the environment's token: nothing of GitHub to write.
            publish: { contents: "read" },
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

    test("issues: write only in the drift, drill and reconcile workflows, pull-requests: write only where the preview is posted", () => {
        for (const [file, id, job] of allJobs()) {
            const perms = job.permissions as Record<string, string>;
            if (perms.issues !== undefined) assert.ok(["drift.yml", "drill.yml", "reconcile.yml"].includes(file), `${file} job ${id} touches issues`);
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
        assert.equal(logins.length, 6, "pull request preview, deploy, drift (twice: preview, then verify), drill and reconcile sign in");
        for (const [file, id, step] of logins) {
            // Verify's own app, federated for main only: no pull request job holds its reads (sign-in activity, methods).
            const verify = step.name === "Log in to Azure as the verify identity (OIDC)";
            if (verify) assert.ok(["drift.yml", "drill.yml"].includes(file), `${file}: the verify identity signs in only for verify`);
            assert.deepEqual(
                step.with,
                {
                    "client-id": verify ? "${{ vars.AZURE_VERIFY_CLIENT_ID }}" : "${{ vars.AZURE_CLIENT_ID }}",
                    "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
                    "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
                    "allow-no-subscriptions": true,
                },
                `${file} job ${id}`,
            );
        }
    });

    test("the providers are told to use OIDC with the same ids, and Graph calls take the azure/login session only", () => {
        for (const [file, id, job] of allJobs()) {
            if (!job.steps.some((s) => usesAction(s, "azure/login"))) continue;
            // AzureCliCredential only: DefaultAzureCredential would otherwise probe for a managed identity first.
            const graphOnly = { AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" };
            const runsPulumi = job.steps.some((s) => pulumiInvocations(s.run ?? "").length > 0);
            assert.deepEqual(
                job.env,
                runsPulumi
                    ? {
                          ARM_USE_OIDC: "true",
                          ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
                          ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
                          ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
                          ...graphOnly,
                      }
                    : graphOnly,
                `${file} job ${id}`,
            );
        }
    });

    test("the policy-publish environment's token reaches only the publish job, main only, and it runs nothing but publish", () => {
        const job = WORKFLOWS["policy-publish.yml"].jobs.publish;
        assert.equal(job.environment, "policy-publish");
        assert.equal(job.if, "github.ref == 'refs/heads/main'");
        for (const [file, id, other] of allJobs()) {
            if (file !== "policy-publish.yml") assert.notEqual(other.environment, "policy-publish", `${file} job ${id}`);
        }
        // (The reader cuts each command at its first redirection: `2>&1` leaves the 2.)
        const commands = job.steps.flatMap((s) => pulumiInvocations(s.run ?? ""));
        assert.deepEqual(commands, [["policy", "publish", '"$PULUMI_ORG"', "--non-interactive", "2"]]);
        for (const [file, id, step] of allSteps()) {
            const publishes = pulumiInvocations(step.run ?? "").some((argv) => argv[0] === "policy");
            if (publishes) assert.deepEqual([file, id], ["policy-publish.yml", "publish"]);
        }
    });

    test("the reconcile job signs in as its own identity: the reconcile environment's AZURE_CLIENT_ID, main only", () => {
        const job = WORKFLOWS["reconcile.yml"].jobs.reconcile;
        assert.equal(job.environment, "reconcile");
        assert.equal(job.if, "github.ref == 'refs/heads/main'");
        assert.match(SOURCES["reconcile.yml"], /ONLY the Microsoft Graph application permissions\n# Policy\.Read\.All, Policy\.ReadWrite\.ConditionalAccess and Application\.Read\.All/);
        assert.match(SOURCES["reconcile.yml"], /subject repo:<owner>\/<repo>:environment:reconcile/);
        for (const [file, id, other] of allJobs()) {
            if (file !== "reconcile.yml") assert.notEqual(other.environment, "reconcile", `${file} job ${id}`);
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
            // reconcile and drill read the committed ids file, never the stack: no backend credential at all.
            assert.deepEqual([...used], file === "reconcile.yml" || file === "drill.yml" ? [] : ["PULUMI_ACCESS_TOKEN"]);
        });
    }

    test("the Pulumi access token reaches only the steps that run the Pulumi CLI", () => {
        for (const file of FILES) {
            const wf = WORKFLOWS[file];
            assert.ok(!JSON.stringify(wf.env ?? {}).includes("secrets."), `${file}: workflow env`);
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
        assert.deepEqual([...pins.keys()].sort(), ["actions/checkout", "actions/setup-node", "actions/upload-artifact", "azure/login", "pulumi/actions"]);
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
