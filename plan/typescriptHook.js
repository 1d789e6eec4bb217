// The offline plan's TypeScript loader: `node --require ./plan/typescriptHook.js plan/cli.ts` (`npm run plan`).
// It is JavaScript because it is what makes TypeScript loadable. tsx, the project's general loader, hooks every
// module Node loads, JavaScript included, and runs an ESM loader thread: under it, loading @pulumi/pulumi alone
// takes about twice as long (measured: 0.7 s bare, 1.5 s under tsx), which made the plan's own start-up most of
// its time. This hook transpiles only `.ts` files, each with esbuild's transform (no type check: `npm test`
// type-checks), as CommonJS for Node 20 under the nearest tsconfig.json, and turns `import()` into `require()`,
// since no ESM loader is hooked. JavaScript and JSON load as Node loads them. Each output is kept under
// node_modules/.cache/plan-typescript/, named by the SHA-256 of everything it depends on (esbuild's version, the
// options, the file's path and text), so a changed file is always transpiled again and never read stale.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
const { transformSync, version: esbuildVersion } = require("esbuild");

const CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "plan-typescript");

/** tsconfig.json contents by folder (undefined: none up to the root, or not plain JSON). */
const tsconfigs = new Map();

/** The nearest tsconfig.json's compiler options: esbuild reads the class-field and import semantics from it. */
function compilerOptionsFor(dir) {
    if (tsconfigs.has(dir)) return tsconfigs.get(dir);
    let options;
    const file = path.join(dir, "tsconfig.json");
    if (fs.existsSync(file)) {
        try {
            options = { compilerOptions: JSON.parse(fs.readFileSync(file, "utf8")).compilerOptions ?? {} };
        } catch {
            options = undefined;
        }
    } else if (path.dirname(dir) !== dir) {
        options = compilerOptionsFor(path.dirname(dir));
    }
    tsconfigs.set(dir, options);
    return options;
}

/** The JavaScript for one TypeScript file: from the cache when its key matches, else transpiled and cached. */
function transpile(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const options = {
        loader: "ts",
        format: "cjs",
        platform: "node",
        target: "node20",
        sourcefile: filename,
        // Used only when source maps are enabled (NODE_OPTIONS=--enable-source-maps): stack traces then name .ts lines.
        sourcemap: "inline",
        tsconfigRaw: compilerOptionsFor(path.dirname(filename)),
        supported: { "dynamic-import": false },
    };
    const key = crypto.createHash("sha256").update(JSON.stringify([esbuildVersion, options, source])).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not cached yet.
    }
    const { code } = transformSync(source, options);
    try {
        // Written aside and renamed, so a plan running meanwhile never reads half a file.
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const partial = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(partial, code);
        fs.renameSync(partial, cached);
    } catch {
        // A read-only node_modules: transpile every time.
    }
    return code;
}

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(transpile(filename), filename);
};
