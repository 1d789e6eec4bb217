// The policy pack ships from its own folder: `pulumi policy publish` runs `npm pack` in policies/, and a
// consumer installs only what policies/package.json declares. So every file the pack imports must be inside
// policies/ and in the tarball, every package it loads must be a declared dependency, and its tsconfig must
// not reach outside the folder.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { importGraph, isBuiltin, packageName } from "../helpers/imports";
import { PROJECT_DIR } from "../helpers/program";

const PACK_DIR = path.join(PROJECT_DIR, "policies");
const packageJson = JSON.parse(readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));

/** The files `npm pack` would put in the pack's tarball, relative to policies/. */
function packedFiles(): Set<string> {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: PACK_DIR,
        encoding: "utf8",
        env: { ...process.env, npm_config_offline: "true", npm_config_update_notifier: "false" },
    });
    const [report] = JSON.parse(out) as [{ files: { path: string }[] }];
    return new Set(report.files.map((file) => file.path));
}

describe("the policy pack is a self-contained package", () => {
    const edges = importGraph([path.join(PACK_DIR, "index.ts")]);

    test("the import graph was read (the pack's entry reaches every policy and the contract)", () => {
        const files = new Set(edges.map((edge) => path.relative(PACK_DIR, edge.from)));
        assert.ok(files.has("index.ts") && files.has("policies.ts"));
        assert.ok([...files].some((file) => file.startsWith("contract/")), "the contract is reached");
        assert.ok([...files].filter((file) => file.startsWith("rules/")).length >= 15, "every rule is reached");
    });

    test("nothing the pack imports resolves outside policies/, and npm pack ships every file it imports", () => {
        const packed = packedFiles();
        const local = edges.filter((edge) => edge.resolved !== undefined);
        assert.ok(local.length > 0);
        for (const edge of local) {
            const relative = path.relative(PACK_DIR, edge.resolved!);
            assert.ok(
                !relative.startsWith("..") && !path.isAbsolute(relative),
                `${path.relative(PROJECT_DIR, edge.from)} imports ${edge.specifier}, outside policies/`,
            );
            assert.ok(packed.has(relative.split(path.sep).join("/")), `npm pack does not ship ${relative}`);
        }
        assert.ok(packed.has("index.ts") && packed.has("package.json") && packed.has("PulumiPolicy.yaml"));
    });

    test("every package the pack loads is a declared dependency of policies/package.json", () => {
        const declared = new Set(Object.keys(packageJson.dependencies ?? {}));
        const packages = new Set(
            edges.filter((edge) => edge.resolved === undefined && !isBuiltin(edge.specifier)).map((edge) => packageName(edge.specifier)),
        );
        assert.ok(packages.has("@pulumi/policy") && packages.has("@kusto/language-service-next"));
        for (const name of packages) assert.ok(declared.has(name), `the pack loads ${name} but policies/package.json does not declare it`);
    });

    test("the declared versions are the ones the project installs and tests", () => {
        const root = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        const all = { ...root.dependencies, ...root.devDependencies };
        for (const [name, version] of Object.entries({ ...packageJson.dependencies, ...packageJson.devDependencies })) {
            assert.equal(version, all[name], `policies/package.json pins ${name}@${String(version)}, the project ${all[name]}`);
        }
    });

    test("policies/tsconfig.json stands alone", () => {
        const tsconfig = JSON.parse(readFileSync(path.join(PACK_DIR, "tsconfig.json"), "utf8"));
        assert.equal(tsconfig.extends, undefined);
        for (const pattern of [...(tsconfig.include ?? []), ...(tsconfig.files ?? [])]) {
            assert.ok(!String(pattern).startsWith(".."), `tsconfig includes ${pattern}, outside policies/`);
        }
    });
});
