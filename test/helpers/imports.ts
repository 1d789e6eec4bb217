// The import graph of the project's TypeScript, read with the TypeScript compiler's own pre-processor
// (imports, re-exports, `require(...)` and `import(...)`), for tests that hold the architecture's layering.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import ts from "typescript";

/** One import of one file: the specifier as written and, for a relative one, the file it resolves to. */
export interface ImportEdge {
    readonly from: string;
    readonly specifier: string;
    /** The file a relative specifier resolves to; undefined for a package or a Node built-in. */
    readonly resolved?: string;
}

/** Every specifier a file imports, requires or re-exports. */
export function importSpecifiers(file: string): string[] {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    return info.importedFiles.map((f) => f.fileName);
}

/** The file a relative specifier names, as TypeScript and Node would find it. */
export function resolveRelative(from: string, specifier: string): string {
    const base = path.resolve(path.dirname(from), specifier);
    const candidates = [base, `${base}.ts`, `${base}.json`, path.join(base, "index.ts")];
    const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (!found) throw new Error(`${from}: cannot resolve ${specifier}`);
    return found;
}

/** `true` for a Node built-in module (`fs`, `node:fs`). */
export function isBuiltin(specifier: string): boolean {
    return specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);
}

/** The npm package a bare specifier loads: `@scope/name` or `name`. */
export function packageName(specifier: string): string {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Every import reachable from `entries`, following relative imports; each file is read once. */
export function importGraph(entries: readonly string[]): ImportEdge[] {
    const edges: ImportEdge[] = [];
    const seen = new Set<string>();
    const queue = entries.map((entry) => path.resolve(entry));
    while (queue.length > 0) {
        const file = queue.shift()!;
        if (seen.has(file) || !file.endsWith(".ts")) continue;
        seen.add(file);
        for (const specifier of importSpecifiers(file)) {
            const relative = specifier.startsWith(".");
            const resolved = relative ? resolveRelative(file, specifier) : undefined;
            edges.push({ from: file, specifier, resolved });
            if (resolved) queue.push(resolved);
        }
    }
    return edges;
}

/** Every TypeScript file under `dir` (relative to the repository), node_modules left out. */
export function typeScriptFiles(dir: string): string[] {
    const files: string[] = [];
    const walk = (at: string) => {
        for (const entry of readdirSync(at, { withFileTypes: true })) {
            if (entry.name === "node_modules") continue;
            const full = path.join(at, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".ts")) files.push(full);
        }
    };
    walk(dir);
    return files.sort();
}
