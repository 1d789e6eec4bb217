// A disk cache of the fixture stack's declaration, for the policy unit tests: some thirty test files each need the
// same run of the program under mocks (about 2.5 s of CPU apiece). The first file to need it runs the program and
// stores the result under node_modules/.cache/, keyed by the SHA-256 of every source file the run depends on (the
// program, its components, config, Graph layer, contract and plan harness, the fixtures) and the lock file; any
// change to one of them makes a new key, so a stale declaration is never read. Writes are atomic (rename).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./fixtures";

/** What a fixture run depends on, relative to the project: files, and folders read recursively. */
const INPUTS = ["index.ts", "Pulumi.yaml", "package-lock.json", "components", "config", "graph", "program", "plan", "policies/contract", "test/fixtures"];

const CACHE_DIR = path.join(PROJECT_DIR, "node_modules", ".cache", "fixture-stack");

function filesUnder(relative: string): string[] {
    const absolute = path.join(PROJECT_DIR, relative);
    if (!fs.existsSync(absolute)) return [];
    if (fs.statSync(absolute).isFile()) return [relative];
    return fs
        .readdirSync(absolute, { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .flatMap((entry) => filesUnder(path.join(relative, entry.name)));
}

/** The key of the current sources: a change to any input file changes it. */
export function fixtureSourceKey(label: string): string {
    const hash = createHash("sha256").update(label).update(process.version);
    for (const file of INPUTS.flatMap(filesUnder)) {
        hash.update(file).update("\0").update(fs.readFileSync(path.join(PROJECT_DIR, file))).update("\0");
    }
    return hash.digest("hex");
}

/** The value cached under `label` for the current sources, or `compute()`'s result, stored for the next reader. */
export async function cachedFixture<T>(label: string, compute: () => Promise<T>): Promise<T> {
    const file = path.join(CACHE_DIR, `${fixtureSourceKey(label)}.json`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
        // Not cached yet (or a partial file from a crashed writer, which rename makes impossible): compute it.
    }
    const value = await compute();
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(value));
    fs.renameSync(temporary, file);
    return value;
}
