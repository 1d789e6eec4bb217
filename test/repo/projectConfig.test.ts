// The documents that must agree with the config schema (config/schema.ts): Pulumi.yaml's declarations and
// defaults, and the README's configuration table.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, parseStackConfig, type PulumiConfigType } from "../../config/schema";
import { PROJECT_DIR } from "../helpers/fixtures";

const VALID = { tenantDomain: "contoso.onmicrosoft.com" };

describe("Pulumi.yaml and the README agree with the schema", () => {
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    const declared: Record<string, { type: string; default?: unknown; description?: string }> = project.config;

    test("the project is entra-emergency-access on the nodejs runtime", () => {
        assert.equal(project.name, "entra-emergency-access");
        assert.equal(project.runtime.name, "nodejs");
    });

    test("every declarable key is declared with its type, a description and its default", () => {
        const declarable = Object.entries(CONFIG_KEYS).filter(([, spec]) => (spec.type as PulumiConfigType) !== "object");
        assert.deepEqual(Object.keys(declared).sort(), declarable.map(([key]) => key).sort());
        for (const [key, spec] of declarable) {
            assert.equal(declared[key].type, spec.type, key);
            // One table drives both: the description says what the key does and what it accepts, as the schema does.
            assert.equal(declared[key].description, `${spec.description} Accepted: ${spec.accepted}.`, key);
            assert.deepEqual(declared[key].default, "default" in spec ? spec.default : undefined, key);
        }
    });

    test("Pulumi.yaml's defaults pass the schema and give the schema's defaults", () => {
        const defaults = Object.fromEntries(
            Object.entries(declared)
                .filter(([, d]) => d.default !== undefined)
                .map(([key, d]) => [key, String(d.default)]),
        );
        // JSON round trip: an unset optional key and one set to undefined mean the same.
        const normalized = (raw: Record<string, unknown>) => JSON.parse(JSON.stringify(parseStackConfig(raw)));
        assert.deepEqual(normalized({ ...defaults, ...VALID }), normalized(VALID));
    });

    test("the README's configuration table lists every key with its default", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\``));
            assert.ok(row, `README has no row for ${key}`);
            if ("required" in spec && spec.required) assert.match(row, /\| required \|/, `${key} is required`);
            if ("default" in spec && spec.default !== "") {
                assert.ok(row.includes(`\`${JSON.stringify(spec.default).replace(/^"|"$/g, "")}\``), `${key} default`);
            }
        }
    });
});
