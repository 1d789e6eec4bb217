// The named config attacks of the gate, through the real `npm run plan` CLI on the fixture stack with the fixture
// tenant's Conditional Access policies: each is a pull request that edits only the stack config, and each must end
// in a mandatory violation (exit 1) from the trusted pack, or a refusal (exit 2). That the unmodified stack exits 0
// with the same snapshot is planCli.test.ts's.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CA_SNAPSHOT, FIXTURE_CONFIG_FILE, FIXTURE_STACK } from "../helpers/fixtures";
import { runPlanCli, type PlanCliRun } from "../helpers/planCli";

function plan(config: Record<string, unknown>): Promise<PlanCliRun> {
    return runPlanCli([
        "--stack", FIXTURE_STACK, "--config-file", FIXTURE_CONFIG_FILE, "--ca-snapshot", CA_SNAPSHOT, "--json",
        ...Object.entries(config).flatMap(([key, value]) => ["--config", `${key}=${JSON.stringify(value)}`]),
    ]);
}

/** The mandatory violations of `policy` in a plan's JSON output. */
function mandatory(run: PlanCliRun, policy: string): string[] {
    const output = JSON.parse(run.stdout);
    return output.violations
        .filter((v: any) => v.policy === policy && v.enforcementLevel === "mandatory")
        .map((v: any) => v.message as string);
}

const EVERY_POLICY = [
    "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47",
    "0b8d4f6e-2a17-4c93-b5e8-61f0d2a9c3b4",
    "a41c7d3e-95b2-4e08-8f6a-2b7c9e0d1f53",
    "d92f05b8-6c41-4a7e-9e3d-8b1a4c6f2e90",
    "2e6a9c0f-d873-4b15-a249-5f8e3b7d0c61",
    "5c0b8e2d-1f94-4d3a-87c6-e9a2b4f07d18",
    "b7e41f09-3a6d-4c82-9d5b-0e8f2a1c7b36",
    "f16c3a85-0d2e-47b9-b3f1-9a5e7c2d8b04",
];
const PLAUSIBLE_REASONS = [
    "Break-glass sign-in is covered by the SOC runbook",
    "Legacy auth is blocked at the network edge",
    "Report-only; reviewed quarterly",
    "Pilot policy, disabled",
    "Azure management is reached through PIM",
    "Workload identities only",
    "Admins use phishing-resistant keys anyway",
    "Guests only",
];

describe("config attacks through npm run plan, judged by the trusted pack", () => {
    test("skipping every Conditional Access policy, each with a plausible reason, is a mandatory violation", async () => {
        const skip = EVERY_POLICY.map((policyId, i) => ({ policyId, reason: PLAUSIBLE_REASONS[i] }));
        const run = await plan({ conditionalAccess: { excludeFrom: "all", skip } });
        assert.equal(run.code, 1, run.stderr);
        const messages = mandatory(run, "conditional-access-require-trusted-scope");
        assert.equal(messages.length, EVERY_POLICY.length, messages.join("\n"));
        for (const id of EVERY_POLICY) assert.ok(messages.some((m) => m.includes(id)), id);
    });

    test("narrowing excludeFrom to one policy id is a mandatory violation", async () => {
        const run = await plan({ conditionalAccess: { excludeFrom: [EVERY_POLICY[0]], skip: [] } });
        assert.equal(run.code, 1, run.stderr);
        assert.match(mandatory(run, "conditional-access-require-trusted-scope").join("\n"), /excludeFrom lists .* instead of "all"/);
    });

    test("replacing the receivers with one unmonitored mailbox is a mandatory violation", async () => {
        const run = await plan({ alerts: { emails: ["noreply@contoso.com"] } });
        assert.equal(run.code, 1, run.stderr);
        const output = JSON.parse(run.stdout);
        assert.ok(
            output.violations.some((v: any) => v.enforcementLevel === "mandatory" && /receiver/i.test(v.message)),
            JSON.stringify(output.violations, null, 1),
        );
    });

    test("alerting only through a webhook to an unknown host is a mandatory violation", async () => {
        const run = await plan({ alerts: { webhooks: ["https://hooks.attacker.example/notify"] } });
        assert.equal(run.code, 1, run.stderr);
        const output = JSON.parse(run.stdout);
        const messages = output.violations.filter((v: any) => v.enforcementLevel === "mandatory").map((v: any) => v.message).join("\n");
        assert.match(messages, /hooks\.attacker\.example/);
    });
});
