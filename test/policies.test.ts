// One process for every policy's own test file (test/policies/<policy>.test.ts): they share one run of
// the prod stack instead of paying the Pulumi runtime's start-up fifteen times. Each file also runs alone:
// node --import tsx --test test/policies/<policy>.test.ts
import * as fs from "node:fs";
import * as path from "node:path";

const folder = path.join(__dirname, "policies");
for (const file of fs.readdirSync(folder).filter((f) => f.endsWith(".test.ts")).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(folder, file));
}
