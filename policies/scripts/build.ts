// `npm run build` in policies/ (and `npm pack`'s prepack, so `pulumi policy publish` always ships a fresh
// build): writes the bundle the published pack runs, dist/index.js (see ./bundle.ts for why it exists).
import * as fs from "node:fs";
import * as path from "node:path";
import { PACK_BUNDLE, bundlePack } from "./bundle";

async function main() {
    const packDir = path.resolve(__dirname, "..");
    const bundle = await bundlePack(packDir);
    const outfile = path.join(packDir, PACK_BUNDLE);
    fs.mkdirSync(path.dirname(outfile), { recursive: true });
    // Written aside and renamed, so an `npm pack` running meanwhile never packs a half-written bundle.
    const partial = `${outfile}.${process.pid}.tmp`;
    fs.writeFileSync(partial, bundle.code);
    fs.renameSync(partial, outfile);
    process.stderr.write(`${path.relative(packDir, outfile)}: ${bundle.inputs.length} files, requires ${bundle.externals.join(", ")}\n`);
}

main().catch((err) => {
    process.stderr.write(`build: ${(err as Error).message}\n`);
    process.exitCode = 1;
});
