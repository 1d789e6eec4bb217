// The README's policy table is the reviewer's index of the gate: one row per policy, and its severity and
// "maps to" columns are exactly the policies' structured metadata.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { policies } from "../../policies/policies";
import { PROJECT_DIR } from "../helpers/program";

test("the README lists every policy once, with the severity and frameworks of its metadata", () => {
    const readme = readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (.+) \| (low|medium|high|critical) \| (.*) \|$/gm)].map((m) => ({
        name: m[1],
        severity: m[3],
        tags: [...m[4].matchAll(/`([^`]+)`/g)].map((t) => t[1]),
    }));
    assert.deepEqual(rows.map((row) => row.name).sort(), policies.map((policy) => policy.name).sort());
    for (const policy of policies) {
        const row = rows.find((r) => r.name === policy.name)!;
        assert.equal(row.severity, policy.metadata.severity, policy.name);
        assert.deepEqual(row.tags, policy.tags, policy.name);
    }
});
