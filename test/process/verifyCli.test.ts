// `npm run verify` end to end, as an operator or the drift job runs it: the real CLI in its own process, signed in
// through a fake Azure CLI (no other credential, no traffic beyond 127.0.0.1), against a fake Graph holding a good
// tenant and a fake ARM / Log Analytics holding its alert pipeline. The JSON validates against the committed schema,
// the JUnit parses, the Markdown has a row per check; a failing check exits 1, a permission missing for one check
// leaves it NOT_RUN while every other runs (exit 2), and the auditors' configs come from the same ids.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { stringify as toYaml } from "yaml";
import { VERIFY_CHECKS } from "../../commands/verify/checks";
import { STACK_OUTPUTS } from "../../policies/contract/constants";
import { FakeArm, goodPipelineState } from "../helpers/fakeArm";
import { installFakeAzureCli } from "../helpers/fakeAzureCli";
import { FAKE_GRAPH_TOKEN, fakeAccessToken } from "../helpers/fakeGraph";
import { PROJECT_DIR, TYPESCRIPT_LOADER } from "../helpers/fixtures";
import { FAILING_TENANTS, IDS, startGoodTenant, type GoodTenant } from "../helpers/verifyTenants";

const CLI = path.join(PROJECT_DIR, "commands", "verify", "cli.ts");
const SCHEMA = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "commands", "verify", "report.schema.json"), "utf8"));
const SUBSCRIPTION = "a8fa7fd6-0893-511a-8990-7b5545ccf9c4";
const CUSTOMER_ID = "5d1a4c2e-8b7f-4e3d-9a6c-0f1e2d3c4b5a";
const ACCOUNT_IDS = [IDS.account1, IDS.account2, IDS.limited];
const DAY = 86_400_000;

/** Every Graph permission the checks need, as an application would hold them. */
const ALL_PERMISSIONS = [...new Set(VERIFY_CHECKS.flatMap((check) => check.permissions.map((p) => p.application)))];

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

function runVerify(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...TYPESCRIPT_LOADER, CLI, ...args], { cwd: PROJECT_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** A good tenant and pipeline, dated from the wall clock (the CLI judges recency against it), and their files. */
async function setUp(token?: string) {
    const tenant: GoodTenant = await startGoodTenant({ token });
    // The fake Azure CLI hands out one token for every audience: the fake ARM accepts it too.
    // The CLI's clock is the wall clock: the drill was 20 days before it.
    const drill = new Date(Date.now() - 20 * DAY).toISOString().replace(/\.\d+Z$/, "Z");
    for (const id of ACCOUNT_IDS) {
        tenant.fake.editUser(id, (user) => {
            user.signInActivity = { lastSuccessfulSignInDateTime: drill, lastSignInDateTime: drill };
            user.lastPasswordChangeDateTime = new Date(Date.now() - 20 * DAY + 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
        });
    }
    const webhook = `https://contoso.webhook.office.com/${crypto.randomUUID()}`;
    const arm = await FakeArm.start(
        goodPipelineState({
            subscriptionId: SUBSCRIPTION,
            resourceGroupName: "rg-security-staging",
            workspaceName: "law-sentinel-staging",
            customerId: CUSTOMER_ID,
            accountIds: ACCOUNT_IDS,
            groupId: IDS.group,
            queryFrequency: "PT5M",
            emails: ["soc@contoso.com", "ciso@contoso.com"],
            sms: [{ countryCode: "1", phoneNumber: "4255550100" }],
            webhooks: 1,
            lastSignInLog: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        }),
        { token: token ?? FAKE_GRAPH_TOKEN },
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-cli-"));
    const stackFile = path.join(dir, "Pulumi.staging.yaml");
    const ns = "entra-emergency-access";
    fs.writeFileSync(
        stackFile,
        toYaml({
            config: {
                [`${ns}:tenantDomain`]: "contoso.onmicrosoft.com",
                [`${ns}:accountCount`]: 2,
                [`${ns}:accountPrefix`]: "breakglass",
                [`${ns}:limitedAccount`]: true,
                [`${ns}:restrictedManagement`]: true,
                [`${ns}:credential`]: { mode: "passkey", method: "passkey", requiredPasskeys: 2 },
                [`${ns}:sentinel`]: { resourceGroupName: "rg-security-staging", workspaceName: "law-sentinel-staging", queryFrequency: "PT5M" },
                // The webhook is a secret in a real stack: verify never reads it, only counts it.
                [`${ns}:alerts`]: { emails: ["soc@contoso.com", "ciso@contoso.com"], sms: [{ countryCode: "1", phoneNumber: "4255550100" }], webhooks: [{ secure: "v1:ciphertext" }] },
            },
        }),
    );
    const outputsFile = path.join(dir, "outputs.json");
    fs.writeFileSync(
        outputsFile,
        JSON.stringify({
            [STACK_OUTPUTS.accountObjectIds]: ACCOUNT_IDS,
            [STACK_OUTPUTS.groupObjectId]: IDS.group,
            [STACK_OUTPUTS.administrativeUnitId]: IDS.unit,
            [STACK_OUTPUTS.credentialMode]: "passkey",
        }),
    );
    const az = installFakeAzureCli(token ? { token } : {});
    const args = (...more: string[]) => [
        "--stack", "staging", "--config-file", stackFile, "--outputs", outputsFile,
        "--graph-endpoint", tenant.fake.endpoint, "--arm-endpoint", arm.endpoint, "--log-analytics-endpoint", arm.endpoint,
        "--subscription", SUBSCRIPTION, "--requests-per-second", "20", ...more,
    ];
    return {
        tenant,
        arm,
        az,
        dir,
        webhook,
        args,
        async close() {
            await tenant.fake.close();
            await arm.close();
            az.remove();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

describe("npm run verify, end to end", () => {
    let world: Awaited<ReturnType<typeof setUp>>;
    before(async () => {
        world = await setUp();
    });
    after(async () => world.close());

    test("a good tenant: exit 0, every check PASS, the JSON valid against the schema, the JUnit and the Markdown written", async () => {
        const junit = path.join(world.dir, "verify.xml");
        const markdown = path.join(world.dir, "verify.md");
        const run = await runVerify(world.args("--json", "--junit", junit, "--markdown", markdown), world.az.env);
        assert.equal(run.code, 0, run.stderr + run.stdout.slice(0, 4000));
        const report = JSON.parse(run.stdout);
        const validate = new Ajv2020({ strict: false, allErrors: true }).compile(SCHEMA);
        assert.ok(validate(JSON.parse(run.stdout)), JSON.stringify(validate.errors));
        assert.deepEqual(report.checks.map((c: any) => [c.id, c.status]), VERIFY_CHECKS.map((c) => [c.id, "PASS"]));
        assert.deepEqual(report.summary, { pass: VERIFY_CHECKS.length, warn: 0, fail: 0, notRun: 0, exitCode: 0 });
        assert.equal(report.stack, "staging");

        const xml = fs.readFileSync(junit, "utf8");
        assert.equal(XMLValidator.validate(xml), true);
        const cases = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml).testsuites.testsuite.testcase;
        assert.equal(cases.length, VERIFY_CHECKS.length);
        assert.ok(cases.every((c: any) => c.failure === undefined && c.error === undefined));
        const rows = fs.readFileSync(markdown, "utf8").split("\n").filter((line) => line.startsWith("| ✅ PASS |"));
        assert.equal(rows.length, VERIFY_CHECKS.length);

        // One token per audience (Graph, ARM, Log Analytics), nothing but loopback, and nothing written to either fake.
        assert.ok(world.az.invocations() <= 3, `az ran ${world.az.invocations()} times`);
        assert.deepEqual(world.az.blockedConnections(), []);
        const writes = world.tenant.fake.requests.filter((r) => r.method !== "GET" && !/\/(evaluate|getByIds)$/.test(r.path.split("?")[0]));
        assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), []);
        assert.ok(!run.stdout.includes(world.webhook) && !fs.readFileSync(markdown, "utf8").includes("v1:ciphertext"));
    });

    test("the table on a terminal, and a failing check: exit 1 naming the account and the date", async () => {
        FAILING_TENANTS["drill-recency"](world.tenant.fake, world.tenant);
        const run = await runVerify(world.args(), world.az.env);
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stdout, /^FAIL {5}drill-recency/m);
        assert.match(run.stdout, /FAIL breakglass-\d@contoso\.onmicrosoft\.com/);
        assert.match(run.stdout, /\d+ failed, 0 not run, \d+ warnings, \d+ passed\./);
    });
});

describe("npm run verify: a permission missing for one check", () => {
    test("the preflight reports what to grant for the checks it stops, and every other check runs (exit 2)", async () => {
        const token = fakeAccessToken({ kind: "application", permissions: ALL_PERMISSIONS.filter((p) => p !== "AuditLog.Read.All") });
        const world = await setUp(token);
        try {
            const run = await runVerify(world.args("--json"), world.az.env);
            assert.equal(run.code, 2, run.stderr);
            const report = JSON.parse(run.stdout);
            const notRun = report.checks.filter((c: any) => c.status === "NOT_RUN");
            assert.deepEqual(notRun.map((c: any) => c.id).sort(), ["credentials-rotated-after-use", "drill-recency"]);
            for (const check of notRun) assert.ok(check.missing.includes("AuditLog.Read.All (Microsoft Graph application permission)"), check.id);
            assert.ok(report.checks.filter((c: any) => c.status !== "NOT_RUN").every((c: any) => c.status === "PASS"));
            assert.equal(report.identity.kind, "application");
            assert.equal(world.tenant.fake.requests.filter((r) => r.path.includes("signInActivity")).length, 0, "the stopped checks read nothing");
        } finally {
            await world.close();
        }
    });
});

describe("npm run verify: options", () => {
    test("--help documents every option the parser accepts", async () => {
        const run = await runVerify(["--help"], process.env);
        assert.equal(run.code, 0);
        const source = fs.readFileSync(CLI, "utf8");
        const options = [...source.slice(source.indexOf("options: {"), source.indexOf("strict: true")).matchAll(/^\s+"?([a-z-]+)"?: \{ type:/gm)].map((m) => m[1]);
        assert.ok(options.length >= 18, options.join(","));
        for (const option of options) assert.match(run.stdout, new RegExp(`--${option}\\b`), option);
        assert.match(run.stdout, /Exit codes: 0 every check passed/);
    });

    test("--list names every check with its sources and permissions", async () => {
        const run = await runVerify(["--list"], process.env);
        assert.equal(run.code, 0);
        for (const check of VERIFY_CHECKS) assert.match(run.stdout, new RegExp(`^${check.id} \\[${check.severity}\\]$`, "m"));
    });

    const refusals: Array<[string, string[], RegExp]> = [
        ["an unknown check", ["--only", "accounts-exist,no-such-check"], /--only: unknown check no-such-check/],
        ["both id sources", ["--outputs", "a.json", "--ids-file", "b.json"], /--outputs and --ids-file are exclusive/],
        ["an unknown option", ["--colour"], /Unknown option '--colour'/],
        ["a subscription that is not a GUID", ["--subscription", "prod", "--config-file", path.join(PROJECT_DIR, "test", "fixtures", "Pulumi.fixture.yaml"), "--group-id", IDS.group], /--subscription must be a subscription id/],
        ["no group id anywhere", ["--config-file", path.join(PROJECT_DIR, "test", "fixtures", "Pulumi.fixture.yaml"), "--ids-file", path.join(os.tmpdir(), "no-such-ids.json")], /no-such-ids\.json/],
    ];
    for (const [what, args, message] of refusals) {
        test(`exit 2 for ${what}, before any request`, async () => {
            const az = installFakeAzureCli();
            try {
                const run = await runVerify(args, az.env);
                assert.equal(run.code, 2, run.stdout);
                assert.match(run.stderr, message);
                assert.equal(az.invocations(), 0);
            } finally {
                az.remove();
            }
        });
    }

    test("--export-auditor-configs writes Maester's, the Zero Trust Assessment's and ScubaGear's files from the outputs' ids, with no request", async () => {
        const world = await setUp();
        try {
            const out = path.join(world.dir, "auditors");
            const run = await runVerify(world.args("--export-auditor-configs", out), world.az.env);
            assert.equal(run.code, 0, run.stderr);
            assert.deepEqual(fs.readdirSync(out).sort(), ["maester-config.json", "scubagear-config.yaml", "zt-config.json"]);
            const maester = JSON.parse(fs.readFileSync(path.join(out, "maester-config.json"), "utf8"));
            assert.deepEqual(
                maester.GlobalSettings.EmergencyAccessAccounts.map((a: any) => a.Id),
                [...ACCOUNT_IDS, IDS.group],
            );
            assert.match(fs.readFileSync(path.join(out, "scubagear-config.yaml"), "utf8"), new RegExp(IDS.limited));
            assert.equal(world.tenant.fake.requests.length, 0);
        } finally {
            await world.close();
        }
    });
});
