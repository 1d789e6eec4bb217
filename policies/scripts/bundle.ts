// How the pack becomes one plain JavaScript file, defined once. The CLI's Node policy host compiles TypeScript
// with the pack's own `typescript` or else @pulumi/pulumi's vendored TypeScript 3.8, which cannot compile this
// pack; so the published pack ships `dist/index.js` (scripts/build.ts), and the offline plan serves any pack
// folder from a fresh bundle of its sources (plan/packProcess.ts) rather than from a build that may be stale.
import * as path from "node:path";
import { build, type BuildOptions } from "esbuild";

/** The entry point of a pack's sources, relative to its folder. */
export const PACK_SOURCE_ENTRY = "index.ts";

/** The published entry point, relative to the pack's folder (package.json `main`). */
export const PACK_BUNDLE = path.join("dist", "index.js");

/**
 * Bundle options for the pack in `packDir`: every module of the pack's own (TypeScript, and JSON such as the
 * KQL table schemas) in one CommonJS file for Node 20; every npm package stays an external `require`, so
 * @pulumi/policy's classes (UnknownValueError, checked with `instanceof`) are the very ones its server loads,
 * and the installed dependencies are what runs.
 */
export function packBundleOptions(packDir: string): BuildOptions {
    return {
        absWorkingDir: path.resolve(packDir),
        entryPoints: [PACK_SOURCE_ENTRY],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        packages: "external",
        logLevel: "silent",
        // Policy messages and the host's stack traces name the pack's own files and functions.
        keepNames: true,
    };
}

export interface PackBundle {
    /** The bundle's JavaScript. */
    readonly code: string;
    /** The files bundled, relative to the pack's folder. */
    readonly inputs: string[];
    /** The packages the bundle requires at run time (import specifiers). */
    readonly externals: string[];
}

/** Bundles the pack in `packDir` in memory; rejects with esbuild's messages when the sources do not build. */
export async function bundlePack(packDir: string): Promise<PackBundle> {
    const result = await build({ ...packBundleOptions(packDir), write: false, metafile: true, outfile: PACK_BUNDLE });
    const [output] = result.outputFiles;
    const externals = Object.values(result.metafile.outputs).flatMap((out) => out.imports.filter((i) => i.external).map((i) => i.path));
    return { code: output.text, inputs: Object.keys(result.metafile.inputs), externals: [...new Set(externals)].sort() };
}
