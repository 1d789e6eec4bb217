// `npm run reconcile` as the workflow runs it: its own process, DefaultAzureCredential narrowed to the Azure CLI
// (a fake `az`, counted), the fixture stack's config and ids file, the fake Graph on 127.0.0.1. The table, the JSON,
// the exit codes its --help promises, and the errors that name the file and key at fault.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { credentialChainWalks, installFakeAzureCli } from "../helpers/fakeAzureCli";
import { FakeGraph } from "../helpers/fakeGraph";
import { POLICY, USER_IDS, fakeGraphPerTest } from "../helpers/exclusionScenarios";
import { FIXTURE_CONFIG_FILE, FIXTURE_DIR, PROJECT_DIR, TYPESCRIPT_LOADER } from "../helpers/fixtures";
import { assertReconciled, policiesMissingAnId } from "../helpers/reconcileScenarios";

const IDS_FILE = path.join(FIXTURE_DIR, "emergency-ids.fixture.json");
const az = installFakeAzureCli({ logCredentialChain: true });
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "reconcile-cli-"));
after(() => {
    az.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
});
const fakes = fakeGraphPerTest();

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs the CLI as `npm run reconcile --` does (without npm's banner), asynchronously so the fake can answer. */
function reconcile(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...TYPESCRIPT_LOADER, "commands/reconcile/cli.ts", ...args], { cwd: PROJECT_DIR, env: az.env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

const fixtureArgs = (fake: FakeGraph) => [
    "--config-file",
    FIXTURE_CONFIG_FILE,
    "--ids-file",
    IDS_FILE,
    "--graph-endpoint",
    fake.endpoint,
    "--requests-per-second",
    "20",
];

describe("npm run reconcile", () => {
    test("adds what is missing, prints the table, exits 0; one token from the Azure CLI for the run", async () => {
        const fake = await fakes.start();
        const before = fake.policies();
        const callsBefore = az.invocations();
        const run = await reconcile(fixtureArgs(fake));
        assert.equal(run.status, 0, run.stderr);
        assertReconciled(fake, before);
        assert.equal(fake.requestsFor("PATCH").length, policiesMissingAnId(before).length);
        assert.match(run.stdout, /^OUTCOME +POLICY +STATE +NAME +IDS \/ DETAIL$/m);
        assert.match(run.stdout, new RegExp(`^added +${POLICY.mfaAllUsers} +enabled +CA001: .*user ${USER_IDS[0]}`, "m"));
        assert.match(run.stdout, new RegExp(`^skipped +${POLICY.workloadIdentities} .*targets workload identities`, "m"));
        assert.match(run.stdout, /^8 Conditional Access policies at http:\/\/127\.0\.0\.1:\d+: 6 added, 1 already excluded, 1 skipped; 6 write\(s\)\.$/m);
        assert.equal(az.invocations() - callsBefore, 1);
        assert.equal(credentialChainWalks(run.stderr), 1);
        assert.deepEqual(az.blockedConnections(), []);
    });

    test("--json prints one object; a converged tenant exits 0 with no write", async () => {
        const fake = await fakes.start();
        assert.equal((await reconcile(fixtureArgs(fake))).status, 0);
        const run = await reconcile([...fixtureArgs(fake), "--json"]);
        assert.equal(run.status, 0, run.stderr);
        const report = JSON.parse(run.stdout) as { writes: number; counts: Record<string, number>; policies: unknown[] };
        assert.equal(report.writes, 0);
        assert.deepEqual(report.counts, { failed: 0, added: 0, missing: 0, deleted: 0, excluded: 7, skipped: 1 });
        assert.equal(report.policies.length, 8);
    });

    test("exits 1 when Graph refuses a write, naming the policy; the other policies still converge", async () => {
        const fake = await fakes.start();
        fake.inject(POLICY.guests, { kind: "status", status: 403, times: 10, method: "PATCH" });
        const before = fake.policies();
        const run = await reconcile(fixtureArgs(fake));
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stdout, new RegExp(`^FAILED +${POLICY.guests} .*HTTP 403`, "m"));
        assertReconciled(fake, before.filter((p) => p.id !== POLICY.guests));
    });

    test("exits 1 when the listing itself fails (no write possible), with Graph's answer", async () => {
        const fake = await fakes.start();
        fake.inject("<list>", { kind: "status", status: 403, times: 10 });
        const run = await reconcile(fixtureArgs(fake));
        assert.equal(run.status, 1);
        assert.match(run.stderr, /^reconcile: .*HTTP 403/m);
        assert.equal(fake.requestsFor("PATCH").length, 0);
    });

    const write = (name: string, content: string) => {
        const file = path.join(scratch, name);
        fs.writeFileSync(file, content);
        return file;
    };
    const usageCases: Array<[string, () => string[], RegExp]> = [
        ["a missing ids file", () => ["--ids-file", path.join(scratch, "none.json")], /none\.json: no such file\. After the first deployment, commit/],
        [
            "an account id that is not a GUID",
            () => ["--ids-file", write("bad-account.json", JSON.stringify({ emergencyAccountObjectIds: [USER_IDS[0], "breakglass-2"], emergencyAccessGroupObjectId: USER_IDS[1] }))],
            /bad-account\.json: emergencyAccountObjectIds\[1\] is not a GUID \(got "breakglass-2"\)/,
        ],
        [
            "a group id that is missing",
            () => ["--ids-file", write("no-group.json", JSON.stringify({ emergencyAccountObjectIds: USER_IDS }))],
            /no-group\.json: emergencyAccessGroupObjectId is not a GUID \(got undefined\)/,
        ],
        [
            "a misspelled key",
            () => ["--ids-file", write("typo.json", JSON.stringify({ emergencyAccountObjectId: USER_IDS, emergencyAccessGroupObjectId: USER_IDS[0] }))],
            /typo\.json: emergencyAccountObjectId is not a known key; expected emergencyAccountObjectIds and emergencyAccessGroupObjectId/,
        ],
        [
            "a bad conditionalAccess config",
            () => ["--config-file", write("Pulumi.bad.yaml", "config:\n  entra-emergency-access:conditionalAccess:\n    requestsPerSecond: 100\n")],
            /entra-emergency-access:conditionalAccess\.requestsPerSecond: must be at most 20 \(got 100\)/,
        ],
        ["a rate outside the limits", () => ["--requests-per-second", "0"], /--requests-per-second must be a number from 0\.1 to 20/],
        ["a Graph endpoint that is not Graph", () => ["--graph-endpoint", "https://graph.contoso.com"], /Graph endpoint "https:\/\/graph\.contoso\.com" must be one of/],
        ["an unknown option", () => ["--stak", "prod"], /Unknown option '--stak'/],
    ];
    for (const [title, args, message] of usageCases) {
        test(`exits 2 on ${title}, naming it, before any request`, async () => {
            const fake = await fakes.start();
            const given = args();
            // The case's own option replaces the fixture's.
            const base = fixtureArgs(fake).filter((arg, i, all) => !given.includes(arg) && !given.includes(all[i - 1]));
            const run = await reconcile([...base, ...given]);
            assert.equal(run.status, 2, run.stdout + run.stderr);
            assert.match(run.stderr, message);
            assert.equal(fake.requests.length, 0);
        });
    }

    test("--help documents the options and the exit codes", async () => {
        const run = await reconcile(["--help"]);
        assert.equal(run.status, 0);
        for (const option of ["--stack", "--config-file", "--ids-file", "--graph-endpoint", "--requests-per-second", "--dry-run", "--json"]) {
            assert.ok(run.stdout.includes(option), option);
        }
        assert.match(run.stdout, /Exit codes: 0 every targeted policy excludes the emergency ids/);
        assert.match(run.stdout, /^1 some policy could not be read or written/m);
        assert.match(run.stdout, /^2 a usage, config or ids file error/m);
        assert.match(run.stdout, /Policy\.Read\.All, Policy\.ReadWrite\.ConditionalAccess and Application\.Read\.All/);
    });
});
