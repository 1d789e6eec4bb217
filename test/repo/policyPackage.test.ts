// The policy pack ships from its own folder: `pulumi policy publish` runs `npm pack` in policies/, and a
// consumer installs only what policies/package.json declares. The Node policy host cannot compile this pack's
// TypeScript, so the tarball ships one plain JavaScript bundle (dist/index.js, built by prepack) instead of the
// sources. So every file the pack imports must be inside policies/ and in the bundle, every package it loads
// must be a declared dependency, its tsconfig must not reach outside the folder, and its npm-shrinkwrap.json
// must lock exactly what the project's package-lock.json installs. test/process/packedPolicyPack.test.ts
// installs the tarball and runs it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { transformSync } from "esbuild";
import { PACK_BUNDLE, bundlePack, type PackBundle } from "../../policies/scripts/bundle";
import { currentShrinkwrap, SHRINKWRAP_FILE } from "../../policies/scripts/shrinkwrap";
import { importGraph, isBuiltin, packageName } from "../helpers/imports";
import { PROJECT_DIR } from "../helpers/program";

const PACK_DIR = path.join(PROJECT_DIR, "policies");
const packageJson = JSON.parse(readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
const toPosix = (file: string) => file.split(path.sep).join("/");

/** The files `npm pack` puts in the pack's tarball, relative to policies/ (prepack builds the bundle first). */
function packedFiles(): Set<string> {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], {
        cwd: PACK_DIR,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, npm_config_offline: "true", npm_config_update_notifier: "false" },
    });
    const [report] = JSON.parse(out) as [{ files: { path: string }[] }];
    return new Set(report.files.map((file) => file.path));
}

/** True when a module compiles to nothing (types only), so a bundle rightly leaves it out. */
function typesOnly(file: string): boolean {
    return transformSync(readFileSync(file, "utf8"), { loader: "ts" }).code.trim() === "";
}

describe("the policy pack is a self-contained package", () => {
    const edges = importGraph([path.join(PACK_DIR, "index.ts")]);
    let bundle: PackBundle;
    before(async () => {
        bundle = await bundlePack(PACK_DIR);
    });

    test("the import graph was read (the pack's entry reaches every policy and the contract)", () => {
        const files = new Set(edges.map((edge) => path.relative(PACK_DIR, edge.from)));
        assert.ok(files.has("index.ts") && files.has("policies.ts"));
        assert.ok([...files].some((file) => file.startsWith("contract/")), "the contract is reached");
        assert.ok([...files].filter((file) => file.startsWith("rules/")).length >= 15, "every rule is reached");
    });

    test("nothing the pack imports resolves outside policies/", () => {
        const local = edges.filter((edge) => edge.resolved !== undefined);
        assert.ok(local.length > 0);
        for (const edge of local) {
            const relative = path.relative(PACK_DIR, edge.resolved!);
            assert.ok(
                !relative.startsWith("..") && !path.isAbsolute(relative),
                `${path.relative(PROJECT_DIR, edge.from)} imports ${edge.specifier}, outside policies/`,
            );
        }
    });

    test("the bundle holds every module the pack imports, and only files of policies/", () => {
        const inputs = new Set(bundle.inputs);
        assert.ok(inputs.has("index.ts") && inputs.has("contract/kql/tables.json"), "the entry and the KQL table schemas are bundled");
        for (const edge of edges.filter((e) => e.resolved !== undefined)) {
            const relative = toPosix(path.relative(PACK_DIR, edge.resolved!));
            assert.ok(inputs.has(relative) || typesOnly(edge.resolved!), `the bundle lacks ${relative} (imported by ${path.relative(PACK_DIR, edge.from)})`);
        }
        for (const input of inputs) {
            assert.ok(!input.startsWith("..") && !path.isAbsolute(input) && !input.includes("node_modules"), `the bundle holds ${input}`);
        }
    });

    test("the bundle requires only Node built-ins and declared dependencies, @pulumi/policy's own modules among them", () => {
        const declared = new Set(Object.keys(packageJson.dependencies ?? {}));
        for (const specifier of bundle.externals) {
            assert.ok(isBuiltin(specifier) || declared.has(packageName(specifier)), `the bundle requires ${specifier}, not a dependency`);
        }
        // The server checks `instanceof` against @pulumi/policy/proxy's UnknownValueError: a bundled copy would differ.
        assert.ok(bundle.externals.includes("@pulumi/policy") && bundle.externals.includes("@pulumi/policy/proxy"));
        assert.ok(bundle.externals.some((s) => s.startsWith("@kusto/language-service-next/")), "Kusto stays an installed package");
    });

    test("npm pack ships the bundle, the pack's files and its shrinkwrap, and no TypeScript source", () => {
        const packed = packedFiles();
        assert.equal(packageJson.main, toPosix(PACK_BUNDLE));
        assert.deepEqual(
            [...packed].sort(),
            ["PulumiPolicy.yaml", "dist/index.js", "npm-shrinkwrap.json", "package.json", "policy-config.json"],
        );
        assert.match(packageJson.scripts?.prepack ?? "", /npm run build/, "npm pack (and pulumi policy publish) builds the bundle first");
    });

    test("every package the pack loads is a declared dependency of policies/package.json", () => {
        const declared = new Set(Object.keys(packageJson.dependencies ?? {}));
        const packages = new Set(
            edges.filter((edge) => edge.resolved === undefined && !isBuiltin(edge.specifier)).map((edge) => packageName(edge.specifier)),
        );
        assert.ok(packages.has("@pulumi/policy") && packages.has("@kusto/language-service-next"));
        for (const name of packages) assert.ok(declared.has(name), `the pack loads ${name} but policies/package.json does not declare it`);
        // The Node policy host, which the published pack runs in, is a module of @pulumi/pulumi.
        assert.ok(declared.has("@pulumi/pulumi"));
    });

    test("the declared versions are the ones the project installs and tests", () => {
        const root = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        const all = { ...root.dependencies, ...root.devDependencies };
        assert.ok(packageJson.devDependencies?.esbuild, "the bundler is a declared devDependency");
        for (const [name, version] of Object.entries({ ...packageJson.dependencies, ...packageJson.devDependencies })) {
            assert.equal(version, all[name], `policies/package.json pins ${name}@${String(version)}, the project ${all[name]}`);
        }
    });

    test("npm-shrinkwrap.json is the root lock's entries for the pack's packages (npm run update-shrinkwrap in policies/)", () => {
        const committed = readFileSync(SHRINKWRAP_FILE, "utf8");
        assert.equal(committed, currentShrinkwrap(PACK_DIR), "npm-shrinkwrap.json is out of date: run `npm run update-shrinkwrap` in policies/");
        const shrinkwrap = JSON.parse(committed);
        const rootLock = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8"));
        for (const name of Object.keys(packageJson.dependencies)) assert.ok(shrinkwrap.packages[`node_modules/${name}`], `${name} is locked`);
        for (const [location, entry] of Object.entries<any>(shrinkwrap.packages)) {
            if (location === "") continue;
            assert.equal(entry.integrity, rootLock.packages[location]?.integrity, `${location}: integrity differs from package-lock.json`);
            assert.equal(entry.version, rootLock.packages[location]?.version, `${location}: version differs from package-lock.json`);
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
