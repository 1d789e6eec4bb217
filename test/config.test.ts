// The config schema: every rule and every message, tested without the Pulumi runtime; and the two
// documents that must agree with it (Pulumi.yaml's declarations, the README's configuration table).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, ConfigError, parseStackConfig, type PulumiConfigType } from "../config/schema";
import { PROJECT_DIR } from "./helpers/program";

const VALID = { tenantDomain: "contoso.onmicrosoft.com" };

function problemsOf(raw: Record<string, unknown>): readonly string[] {
    try {
        parseStackConfig(raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("expected the config to be refused");
}

describe("stack config", () => {
    test("the minimal config gets every documented default", () => {
        assert.deepEqual(parseStackConfig(VALID), {
            tenantDomain: "contoso.onmicrosoft.com",
            accountCount: 2,
            accountPrefix: "breakglass",
            passwordLength: 32,
            passwordRotation: "initial",
        });
    });

    test("values arrive as strings from Pulumi and are typed", () => {
        const config = parseStackConfig({
            tenantDomain: "Contoso.OnMicrosoft.com",
            accountCount: "3",
            passwordLength: "48",
            passwordRotation: "2026",
            usageLocation: "DE",
        });
        assert.equal(config.tenantDomain, "contoso.onmicrosoft.com");
        assert.equal(config.accountCount, 3);
        assert.equal(config.passwordLength, 48);
        assert.equal(config.passwordRotation, "2026");
        assert.equal(config.usageLocation, "DE");
    });

    const NS = "entra-emergency-access";
    const cases: Array<[string, Record<string, unknown>, string]> = [
        [
            "a missing tenantDomain",
            {},
            `${NS}:tenantDomain: is required but not set. Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "a custom tenantDomain",
            { tenantDomain: "contoso.com" },
            `${NS}:tenantDomain: is not a *.onmicrosoft.com domain (got "contoso.com"). Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "a look-alike tenantDomain",
            { tenantDomain: "contoso.onmicrosoft.com.evil.com" },
            `${NS}:tenantDomain: is not a *.onmicrosoft.com domain (got "contoso.onmicrosoft.com.evil.com"). Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "a tenantDomain of the wrong type",
            { tenantDomain: 42 },
            `${NS}:tenantDomain: must be a string (got 42). Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "one account",
            { ...VALID, accountCount: "1" },
            `${NS}:accountCount: must be at least 2 (got 1). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "five accounts",
            { ...VALID, accountCount: "5" },
            `${NS}:accountCount: must be at most 4 (got 5). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "an accountCount that is not a number",
            { ...VALID, accountCount: "two" },
            `${NS}:accountCount: must be a whole number (got "two"). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "a fractional accountCount",
            { ...VALID, accountCount: 2.5 },
            `${NS}:accountCount: must be a whole number (got 2.5). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "a 16-character password",
            { ...VALID, passwordLength: "16" },
            `${NS}:passwordLength: must be at least 24 (got 16). Accepted: a whole number from 24 to 256.`,
        ],
        [
            "a 23-character password",
            { ...VALID, passwordLength: 23 },
            `${NS}:passwordLength: must be at least 24 (got 23). Accepted: a whole number from 24 to 256.`,
        ],
        [
            "a 257-character password",
            { ...VALID, passwordLength: "257" },
            `${NS}:passwordLength: must be at most 256 (got 257). Accepted: a whole number from 24 to 256.`,
        ],
        [
            "an empty rotation label",
            { ...VALID, passwordRotation: "  " },
            `${NS}:passwordRotation: must not be empty (got "  "). Accepted: a non-empty label of at most 64 characters, such as 2026-Q4.`,
        ],
        [
            "an account prefix with a space",
            { ...VALID, accountPrefix: "break glass" },
            `${NS}:accountPrefix: is not a valid user name prefix (got "break glass"). Accepted: 2 to 48 lower-case letters, digits, '.', '_' or '-', starting with a letter.`,
        ],
        [
            "a usage location that is not a country",
            { ...VALID, usageLocation: "EU" },
            `${NS}:usageLocation: is not an ISO 3166-1 alpha-2 country code (got "EU"). Accepted: an ISO 3166-1 alpha-2 country code in capitals, such as US or DE.`,
        ],
        [
            "a lower-case usage location",
            { ...VALID, usageLocation: "us" },
            `${NS}:usageLocation: is not an ISO 3166-1 alpha-2 country code (got "us"). Accepted: an ISO 3166-1 alpha-2 country code in capitals, such as US or DE.`,
        ],
        [
            "an unknown key",
            { ...VALID, passwordLenght: "32" },
            `${NS}:passwordLenght: is not a known key. Accepted keys: ${Object.keys(CONFIG_KEYS).join(", ")}.`,
        ],
    ];
    for (const [what, raw, message] of cases) {
        test(`refuses ${what}, naming the key, the problem and what is accepted`, () => {
            assert.deepEqual(problemsOf(raw), [message]);
        });
    }

    test("every bad key is reported at once, each in its own line", () => {
        const problems = problemsOf({ tenantDomain: "contoso.com", passwordLength: "16", colour: "red" });
        assert.equal(problems.length, 3);
        assert.match(problems.join("\n"), /tenantDomain/);
        assert.match(problems.join("\n"), /passwordLength/);
        assert.match(problems.join("\n"), /colour: is not a known key/);
    });
});

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
            assert.ok(declared[key].description, `${key} has no description`);
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

    test("Pulumi.prod.yaml is a complete, valid stack for contoso.onmicrosoft.com", () => {
        const prod = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8"));
        const raw = Object.fromEntries(
            Object.entries(prod.config).map(([key, value]) => [
                key.replace("entra-emergency-access:", ""),
                typeof value === "string" ? value : JSON.stringify(value),
            ]),
        );
        assert.equal(parseStackConfig(raw).tenantDomain, "contoso.onmicrosoft.com");
        assert.ok(!JSON.stringify(prod).includes("secure"), "the example stack holds no secret");
    });

    test("the README's configuration table lists every key with its default", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\``));
            assert.ok(row, `README has no row for ${key}`);
            if ("default" in spec && spec.default !== "") {
                assert.ok(row.includes(`\`${JSON.stringify(spec.default).replace(/^"|"$/g, "")}\``), `${key} default`);
            }
        }
    });
});
