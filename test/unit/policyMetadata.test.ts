// Every policy carries structured metadata (policies/lib/metadata.ts), as pulumi/compliance-policies does:
// a severity, a rationale and the frameworks and controls it implements, served as severity, framework and tags.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FRAMEWORKS, definePolicy, frameworkTags } from "../../policies/lib/metadata";
import { policies } from "../../policies/policies";

const RULES_DIR = path.join(__dirname, "..", "..", "policies", "rules");

describe("policy metadata", () => {
    test("every policy has a severity, a rationale and at least one known framework", () => {
        assert.equal(policies.length, readdirSync(RULES_DIR).filter((f) => f.endsWith(".ts")).length, "one policy per rule file");
        for (const policy of policies) {
            const { metadata } = policy;
            assert.ok(["low", "medium", "high", "critical"].includes(metadata.severity), policy.name);
            assert.ok(metadata.rationale.length >= 40, `${policy.name}: a rationale that says why`);
            assert.ok(metadata.frameworks.length >= 1, policy.name);
            for (const mapping of metadata.frameworks) assert.ok(mapping.framework in FRAMEWORKS, `${policy.name}: ${mapping.framework}`);
        }
    });

    test("the served fields are derived from the metadata", () => {
        for (const policy of policies) {
            assert.equal(policy.severity, policy.metadata.severity, policy.name);
            assert.deepEqual(policy.tags, frameworkTags(policy.metadata), policy.name);
            assert.equal(policy.framework?.name, FRAMEWORKS[policy.metadata.frameworks[0].framework].name, policy.name);
        }
    });

    test("frameworkTags names each control, or the framework alone", () => {
        const policy = definePolicy<ResourceValidationPolicy>(
            { name: "example", description: "d", validateResource: () => undefined },
            {
                severity: "high",
                rationale: "r",
                frameworks: [{ framework: "maester", controls: ["MT.1005", "MT.1034"] }, { framework: "microsoft" }],
            },
        );
        assert.deepEqual(policy.tags, ["maester:MT.1005", "maester:MT.1034", "microsoft"]);
        assert.deepEqual(policy.framework, { name: "Maester", version: "", reference: FRAMEWORKS.maester.reference, specification: "MT.1005, MT.1034" });
    });

    test("the policies name the auditors' controls the README promises", () => {
        const tags = new Set(policies.flatMap((policy) => policy.tags ?? []));
        for (const tag of ["maester:MT.1005", "zeroTrustAssessment:21835", "scubaGear:MS.AAD.7.3v1", "cis:1.1.2", "prowler:entra_conditional_access_policy_emergency_access_exclusion"]) {
            assert.ok(tags.has(tag), tag);
        }
    });

    test("metadata lives in fields, not in header comments", () => {
        for (const file of readdirSync(RULES_DIR)) {
            assert.doesNotMatch(readFileSync(path.join(RULES_DIR, file), "utf8"), /^\/\/ Severity:/m, file);
        }
    });
});
