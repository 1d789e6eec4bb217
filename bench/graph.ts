// The Graph half of `npm run bench` (alone: `npm run bench -- --graph`): what a converged refresh and a converged
// reconcile cost against a fake Graph that allows one request per second (Graph's documented limit for Conditional
// Access, per tenant, all apps), with 429 without Retry-After above it. The refresh is the real dynamic-provider
// host driven as `pulumi up --refresh` drives it (every exclusion's Read at once, configure first); the reconcile is
// the real `npm run reconcile` process. Both get their token from a fake `az` and never leave 127.0.0.1.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { exclusionProviderSource, exclusionUrn, startDynamicProviderHost } from "../test/helpers/dynamicProviderHost";
import { installFakeAzureCli } from "../test/helpers/fakeAzureCli";
import { FakeGraph } from "../test/helpers/fakeGraph";
import { FIXTURE_CONFIG_FILE, FIXTURE_DIR, TYPESCRIPT_LOADER } from "../test/helpers/fixtures";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../test/helpers/ids";
import { generatedPolicies, listPages } from "../test/helpers/tenants";
import { CONDITIONAL_ACCESS_CONFIG_KEY } from "../components/conditionalAccessExclusion";
import { DEFAULTS } from "../policies/contract/constants";

const ROOT = path.resolve(__dirname, "..");
export const GRAPH_SIZES = [10, 100, 195];

/** One measured operation. */
export interface GraphSample {
    readonly requests: number;
    readonly throttled: number;
    readonly tokens: number;
    readonly seconds: number;
}

async function refresh(count: number): Promise<GraphSample> {
    const provider = await exclusionProviderSource();
    const az = installFakeAzureCli();
    const policies = generatedPolicies(count);
    const fake = await FakeGraph.start({ policies, requestsPerSecond: DEFAULTS.graphRequestsPerSecond });
    const host = await startDynamicProviderHost({ env: az.env });
    try {
        await host.configure({ [CONDITIONAL_ACCESS_CONFIG_KEY]: JSON.stringify({ excludeFrom: "all", skip: [] }) });
        const started = process.hrtime.bigint();
        await Promise.all(
            policies.map((p) => {
                const state = { __provider: provider, policyId: p.id, userIds: FIXTURE_USER_IDS, groupIds: [FIXTURE_GROUP_ID], graphEndpoint: fake.endpoint };
                return host.read(p.id, exclusionUrn(p.id), { ...state, policyDisplayName: "" }, state);
            }),
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        return { requests: fake.requests.length, throttled: fake.requests.filter((r) => r.status === 429).length, tokens: az.invocations(), seconds };
    } finally {
        await host.close();
        await fake.close();
        az.remove();
    }
}

async function reconcile(count: number): Promise<GraphSample> {
    const az = installFakeAzureCli();
    const fake = await FakeGraph.start({ policies: generatedPolicies(count), requestsPerSecond: DEFAULTS.graphRequestsPerSecond });
    try {
        const args = [
            ...TYPESCRIPT_LOADER, "commands/reconcile/cli.ts", "--json",
            "--config-file", FIXTURE_CONFIG_FILE,
            "--ids-file", path.join(FIXTURE_DIR, "emergency-ids.fixture.json"),
            "--graph-endpoint", fake.endpoint,
        ];
        const started = process.hrtime.bigint();
        const code = await new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, args, { cwd: ROOT, env: az.env, stdio: "ignore" });
            child.on("close", resolve);
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (code !== 0) throw new Error(`reconcile exited ${code}`);
        return { requests: fake.requests.length, throttled: fake.requests.filter((r) => r.status === 429).length, tokens: az.invocations(), seconds };
    } finally {
        await fake.close();
        az.remove();
    }
}

/** Runs both at every size and returns the markdown table. */
export async function graphBench(log: (line: string) => void): Promise<string> {
    const rows: string[] = [];
    for (const count of GRAPH_SIZES) {
        const pages = listPages(count);
        const floor = `${pages} / 1 / ${(pages - 1).toFixed(2)}`;
        const r = await refresh(count);
        log(`bench: refresh of ${count}: ${r.requests} requests, ${r.tokens} token(s), ${r.seconds.toFixed(2)} s`);
        const c = await reconcile(count);
        log(`bench: reconcile of ${count}: ${c.requests} requests, ${c.tokens} token(s), ${c.seconds.toFixed(2)} s`);
        const met = (s: GraphSample) => (s.requests <= pages + 2 && s.tokens === 1 && s.throttled === 0 ? "met" : "NOT met");
        rows.push(
            `| ${count} | ${floor} | ${r.requests} / ${r.tokens} / ${r.seconds.toFixed(2)} | ${met(r)} | ${c.requests} / ${c.tokens} / ${c.seconds.toFixed(2)} | ${met(c)} |`,
        );
    }
    return [
        `Converged tenants against a fake Graph throttled at ${DEFAULTS.graphRequestsPerSecond} request per second (429 without Retry-After ` +
            "above it), 100 policies per page, one run each. Cells: Graph requests / tokens / wall seconds. The refresh is every " +
            "exclusion's Read sent at once to the real dynamic-provider host after Configure (host start-up not counted); the " +
            "reconcile is the whole `npm run reconcile` process (Node and tsx start-up included). The floor is one paged " +
            "listing and one token, its pages one second apart. Target: at most ceil(N/100) + 2 requests, one token, no 429.",
        "",
        "| policies | floor | refresh (host) | target | reconcile | target |",
        "|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}
