// The trusted pack config the repository ships (policies/policy-config.json): what CI passes from the base branch
// and a Pulumi Cloud policy group enforces. It must name only policies the pack serves and parameters they take,
// each valid against its schema, and it must state every trusted parameter a policy reads, so the floors and
// allow-lists a reviewer approves are written down rather than left to defaults. An adopter may loosen them (a
// webhook host, a reviewed skip): no value is pinned here.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { policyConfigShapeProblems, policyParameterProblems } from "../../plan/policyConfigSchema";
import { TRUSTED_DEFAULTS } from "../../policies/contract/trust";
import { policies } from "../../policies/policies";
import { PROJECT_DIR } from "../helpers/fixtures";

const FILE = path.join(PROJECT_DIR, "policies", "policy-config.json");
const config: Record<string, any> = JSON.parse(fs.readFileSync(FILE, "utf8"));

describe("policies/policy-config.json, the trusted pack config", () => {
    test("is a policy config file the CLI accepts", () => {
        assert.deepEqual(policyConfigShapeProblems(config), []);
    });

    test("names only served policies, each parameter valid against the schema the policy serves", () => {
        const byName = new Map(policies.map((p) => [p.name, p]));
        for (const [name, entry] of Object.entries(config)) {
            const policy = byName.get(name);
            assert.ok(policy, `${name} is not a policy of the pack`);
            const parameters = Object.fromEntries(
                Object.entries(typeof entry === "string" ? {} : entry).filter(([key]) => key !== "enforcementLevel"),
            );
            assert.deepEqual(policyParameterProblems(name, parameters, policy.configSchema as any), []);
        }
    });

    test("states every trusted parameter of every policy that reads one", () => {
        const trusted = new Set(Object.keys(TRUSTED_DEFAULTS));
        for (const policy of policies) {
            const read = Object.keys(policy.configSchema?.properties ?? {}).filter((key) => trusted.has(key));
            for (const parameter of read) {
                assert.ok(config[policy.name] && parameter in config[policy.name], `${policy.name}.${parameter} is not stated`);
            }
        }
    });

    test("turns no policy off and lowers no enforcement level", () => {
        for (const [name, entry] of Object.entries(config)) {
            const level = typeof entry === "string" ? entry : entry.enforcementLevel;
            assert.ok(level === undefined || level === "mandatory" || level === "remediate", `${name} is ${level}`);
        }
    });
});
