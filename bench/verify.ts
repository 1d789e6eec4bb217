// The verify part of `npm run bench` (alone: `npm run bench -- --verify`): what one `npm run verify` costs against a
// good tenant, in Graph requests by kind, tokens, ARM and Log Analytics requests and wall time, at the default pace
// (DEFAULTS.graphRequestsPerSecond) with the fake Graph throttling Conditional Access and What-If at Graph's
// documented one request per second per tenant. The real CLI, signed in through a fake `az`, never leaves 127.0.0.1.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify as toYaml } from "yaml";
import { DEFAULTS, STACK_OUTPUTS } from "../policies/contract/constants";
import { FakeArm, goodPipelineState } from "../test/helpers/fakeArm";
import { installFakeAzureCli } from "../test/helpers/fakeAzureCli";
import { FAKE_GRAPH_TOKEN } from "../test/helpers/fakeGraph";
import { TYPESCRIPT_LOADER } from "../test/helpers/fixtures";
import { IDS, startGoodTenant } from "../test/helpers/verifyTenants";

const ROOT = path.resolve(__dirname, "..");
const SUBSCRIPTION = "a8fa7fd6-0893-511a-8990-7b5545ccf9c4";
const DAY = 86_400_000;

/** What a request is, for counting: the Graph resource it reads. */
function kind(pathAndQuery: string): string {
    const p = pathAndQuery.split("?")[0];
    if (p.endsWith("/evaluate")) return "What-If";
    if (p.endsWith("/getByIds")) return "getByIds";
    if (p.includes("/roleAssignmentScheduleInstances")) return "role instances";
    if (p.includes("/authentication/")) return "methods";
    if (p.includes("/conditionalAccess/policies")) return "CA policies";
    if (p.includes("/administrativeUnits")) return "unit";
    if (p.startsWith("/v1.0/groups")) return "group";
    if (p.startsWith("/v1.0/users")) return pathAndQuery.includes("signInActivity") ? "sign-in activity" : "users";
    return "other";
}

async function once(limited: boolean): Promise<{ row: string; line: string }> {
    const tenant = await startGoodTenant({ limited });
    tenant.fake.throttle(DEFAULTS.graphRequestsPerSecond, ["/identity/conditionalAccess/policies", "/identity/conditionalAccess/evaluate"]);
    const accountIds = limited ? [IDS.account1, IDS.account2, IDS.limited] : [IDS.account1, IDS.account2];
    const drill = new Date(Date.now() - 20 * DAY).toISOString().replace(/\.\d+Z$/, "Z");
    for (const id of accountIds) tenant.fake.editUser(id, (user) => (user.signInActivity = { lastSuccessfulSignInDateTime: drill, lastSignInDateTime: drill }));
    const arm = await FakeArm.start(
        goodPipelineState({
            subscriptionId: SUBSCRIPTION, resourceGroupName: "rg-security", workspaceName: "law-sentinel",
            customerId: "5d1a4c2e-8b7f-4e3d-9a6c-0f1e2d3c4b5a", accountIds, groupId: IDS.group, queryFrequency: "PT5M",
            emails: ["soc@contoso.com", "ciso@contoso.com"], sms: [], webhooks: 0, lastSignInLog: new Date().toISOString(),
        }),
        { token: FAKE_GRAPH_TOKEN },
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eea-bench-verify-"));
    const az = installFakeAzureCli();
    try {
        const ns = "entra-emergency-access";
        const stack = path.join(dir, "Pulumi.bench.yaml");
        fs.writeFileSync(stack, toYaml({ config: {
            [`${ns}:tenantDomain`]: "contoso.onmicrosoft.com", [`${ns}:limitedAccount`]: limited, [`${ns}:restrictedManagement`]: true,
            [`${ns}:sentinel`]: { resourceGroupName: "rg-security", workspaceName: "law-sentinel" },
            [`${ns}:alerts`]: { emails: ["soc@contoso.com", "ciso@contoso.com"] },
        } }));
        const outputs = path.join(dir, "outputs.json");
        fs.writeFileSync(outputs, JSON.stringify({ [STACK_OUTPUTS.accountObjectIds]: accountIds, [STACK_OUTPUTS.groupObjectId]: IDS.group, [STACK_OUTPUTS.administrativeUnitId]: IDS.unit }));
        const args = [
            ...TYPESCRIPT_LOADER, "commands/verify/cli.ts", "--json", "--config-file", stack, "--outputs", outputs,
            "--graph-endpoint", tenant.fake.endpoint, "--arm-endpoint", arm.endpoint, "--log-analytics-endpoint", arm.endpoint, "--subscription", SUBSCRIPTION,
        ];
        const started = process.hrtime.bigint();
        let stdout = "";
        const code = await new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, args, { cwd: ROOT, env: az.env, stdio: ["ignore", "pipe", "ignore"] });
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.on("close", resolve);
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const summary = JSON.parse(stdout).summary as { pass: number; warn: number; fail: number; notRun: number };
        const counts = new Map<string, number>();
        for (const request of tenant.fake.requests) counts.set(kind(request.path), (counts.get(kind(request.path)) ?? 0) + 1);
        const throttled = tenant.fake.requests.filter((r) => r.status === 429).length;
        const byKind = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
        const accounts = accountIds.length;
        return {
            row:
                `| ${accounts} accounts, ${limited ? "with" : "without"} the limited one | ${tenant.fake.requests.length} (${byKind}) | ${throttled} | ` +
                `${arm.requests.length} | ${az.invocations()} | ${seconds.toFixed(1)} | exit ${code}: ${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail, ${summary.notRun} not run |`,
            line: `bench: verify of ${accounts} accounts: ${tenant.fake.requests.length} Graph requests, ${seconds.toFixed(1)} s, exit ${code}`,
        };
    } finally {
        await tenant.fake.close();
        await arm.close();
        az.remove();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** One verify run with and without the limited account; the markdown table. */
export async function verifyBench(log: (line: string) => void): Promise<string> {
    const rows: string[] = [];
    for (const limited of [false, true]) {
        const { row, line } = await once(limited);
        log(line);
        rows.push(row);
    }
    return [
        `One \`npm run verify\` (every check, the default What-If matrix of 9 sign-ins) against a good tenant and alert pipeline, ` +
            `at the default ${DEFAULTS.graphRequestsPerSecond} Graph request per second, the fake Graph throttling Conditional Access and What-If at ` +
            "one request per second (429 without Retry-After). Wall time includes Node's start-up.",
        "",
        "| tenant | Graph requests (by kind) | 429s | ARM and Log Analytics requests | tokens | wall (s) | verdict |",
        "|---|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}
