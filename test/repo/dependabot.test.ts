// Dependabot keeps npm packages and GitHub Actions current, and proposes nothing the supported Node version
// cannot run.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR } from "../helpers/fixtures";

describe("dependabot", () => {
    interface Update {
        "package-ecosystem": string;
        directory: string;
        schedule: { interval: string };
        ignore?: Array<{ "dependency-name": string; versions?: string[] }>;
    }
    const config = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, ".github", "dependabot.yml"), "utf8")) as {
        updates: Update[];
    };

    test("npm and GitHub Actions are updated weekly", () => {
        assert.deepEqual(
            config.updates.map((u) => [u["package-ecosystem"], u.directory, u.schedule.interval]),
            [
                ["npm", "/", "weekly"],
                ["github-actions", "/", "weekly"],
            ],
        );
    });

    test("no update that needs Node 22 is proposed while the project supports Node 20", () => {
        const npm = config.updates.find((u) => u["package-ecosystem"] === "npm");
        const ignored = Object.fromEntries((npm?.ignore ?? []).map((rule) => [rule["dependency-name"], rule.versions]));
        assert.deepEqual(ignored["@pulumi/pulumi"], [">= 3.249.0"]);
        assert.deepEqual(ignored["@azure/identity"], [">= 4.13.2"]);
    });
});
