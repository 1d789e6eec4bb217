// `npm run update-shrinkwrap` in policies/: writes policies/npm-shrinkwrap.json, the pack's own lock, cut from the
// project's package-lock.json. `npm pack` ships it, so a production install of the published tarball gets
// exactly the versions the project installs and tests (same integrity), and can be done offline from an npm
// cache filled by the root `npm ci` (the packed-tarball test does that). test/repo/policyPackage.test.ts fails
// when it no longer matches the root lock: run this script after changing either package.json.
import * as fs from "node:fs";
import * as path from "node:path";

/** The fields of package.json that shape a lock file's root entry. */
export interface PackManifest {
    readonly name: string;
    readonly version: string;
    readonly dependencies?: Record<string, string>;
    readonly devDependencies?: Record<string, string>;
    readonly optionalDependencies?: Record<string, string>;
    readonly engines?: Record<string, string>;
    readonly license?: string;
}

/** One entry of a v3 lock file's `packages`, as npm writes it. */
type LockEntry = Record<string, unknown> & {
    version?: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

export interface LockFile {
    readonly name: string;
    readonly version: string;
    readonly lockfileVersion: number;
    readonly requires?: boolean;
    readonly packages: Record<string, LockEntry>;
}

/** The dependency flags npm computes for each lock entry; recomputed for the pack's own tree. */
const FLAGS = ["dev", "optional", "devOptional", "peer"];

interface Edge {
    readonly name: string;
    readonly optional: boolean;
    readonly peer: boolean;
}

/** An optional peer: npm never installs it for that edge, but flags it along the edge when it is installed anyway. */
const isOptionalPeer = (edge: Edge) => edge.optional && edge.peer;

/** The edges of an entry: dependencies, optional dependencies and peers (optional or not). */
function edgesOf(entry: LockEntry): Edge[] {
    const peerMeta = entry.peerDependenciesMeta ?? {};
    return [
        ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false, peer: false })),
        ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true, peer: false })),
        ...Object.keys(entry.peerDependencies ?? {}).map((name) => ({ name, optional: peerMeta[name]?.optional === true, peer: true })),
    ];
}

/**
 * Where Node (and npm's tree) finds `name` required from the package at `location`: its own node_modules,
 * then each enclosing package's, then the root's. Undefined when the lock has no such entry.
 */
function resolveIn(packages: Record<string, LockEntry>, location: string, name: string): string | undefined {
    let from = location;
    for (;;) {
        const candidate = from ? `${from}/node_modules/${name}` : `node_modules/${name}`;
        if (packages[candidate]) return candidate;
        if (!from) return undefined;
        const cut = from.lastIndexOf("/node_modules/");
        from = cut < 0 ? "" : from.slice(0, cut);
    }
}

/**
 * The lock entries reachable from `roots` (the root entry's edges) following `follow`, by location; optional
 * peers only to entries of `installed`. Throws naming the package when a required (non-optional) dependency
 * has no entry: the root lock is then out of date with the pack's package.json.
 */
function reachable(
    packages: Record<string, LockEntry>,
    roots: Edge[],
    follow: (edge: Edge) => boolean,
    installed?: ReadonlySet<string>,
): Set<string> {
    const seen = new Set<string>();
    const visit = (location: string, edges: Edge[]) => {
        for (const edge of edges.filter(follow)) {
            const target = resolveIn(packages, location, edge.name);
            if (target !== undefined && isOptionalPeer(edge) && !installed?.has(target)) continue;
            if (target === undefined) {
                if (edge.optional) continue;
                throw new Error(`package-lock.json has no entry for ${edge.name}, required from ${location || "the pack"}: run npm install at the root`);
            }
            if (seen.has(target)) continue;
            seen.add(target);
            visit(target, edgesOf(packages[target]));
        }
    };
    visit("", roots);
    return seen;
}

/**
 * The pack's npm-shrinkwrap.json: the root lock's entries (version, integrity, everything npm recorded) for
 * the closure of the pack's dependencies and devDependencies, at the same locations (a subset of a valid tree
 * that is closed under resolution is a valid tree), with npm's dev/optional/peer flags recomputed for the
 * pack. Pure: the same inputs give the same document, which is how the test tells it is up to date.
 */
export function packShrinkwrap(pack: PackManifest, rootLock: LockFile): LockFile {
    if (rootLock.lockfileVersion < 2) throw new Error(`package-lock.json: lockfileVersion ${rootLock.lockfileVersion} has no "packages"`);
    const { packages } = rootLock;
    const rootEdges = (deps: Record<string, string> | undefined, optional: boolean): Edge[] =>
        Object.keys(deps ?? {}).map((name) => ({ name, optional, peer: false }));
    const prod = [...rootEdges(pack.dependencies, false), ...rootEdges(pack.optionalDependencies, true)];
    const dev = rootEdges(pack.devDependencies, false);
    const any = () => true;
    const required = (edge: Edge) => !edge.optional;
    // What gets installed: an optional peer only when something else installs it.
    const everything = reachable(packages, [...prod, ...dev], any);
    const prodAll = reachable(packages, prod, any, everything);
    const prodRequired = reachable(packages, prod, required, everything);
    const everythingRequired = reachable(packages, [...prod, ...dev], required, everything);
    const notOnlyPeer = reachable(packages, [...prod, ...dev], (edge) => !edge.peer, everything);

    for (const [name, spec] of Object.entries({ ...pack.dependencies, ...pack.devDependencies })) {
        const locked = packages[`node_modules/${name}`]?.version;
        if (locked !== spec) throw new Error(`policies/package.json pins ${name}@${spec}, package-lock.json has ${locked ?? "nothing"}`);
    }

    const entries: Record<string, LockEntry> = {
        "": {
            name: pack.name,
            version: pack.version,
            ...(pack.license ? { license: pack.license } : {}),
            ...(pack.dependencies ? { dependencies: pack.dependencies } : {}),
            ...(pack.optionalDependencies ? { optionalDependencies: pack.optionalDependencies } : {}),
            ...(pack.devDependencies ? { devDependencies: pack.devDependencies } : {}),
            ...(pack.engines ? { engines: pack.engines } : {}),
        },
    };
    for (const location of [...everything].sort()) {
        const entry = Object.fromEntries(Object.entries(packages[location]).filter(([key]) => !FLAGS.includes(key))) as LockEntry;
        // npm's own rules (arborist's calcDepFlags): dev unless a prod path reaches it, optional unless a path
        // without optional edges does, devOptional when only one of those two kinds of path does.
        const flags: Record<string, true> = {};
        const isDev = !prodAll.has(location);
        const isOptional = !everythingRequired.has(location);
        if (!notOnlyPeer.has(location)) flags.peer = true;
        if (isDev) flags.dev = true;
        if (isOptional) flags.optional = true;
        if (!prodRequired.has(location) && !isDev && !isOptional) flags.devOptional = true;
        const { version, resolved, integrity, ...rest } = entry;
        entries[location] = {
            ...(version !== undefined ? { version } : {}),
            ...(resolved !== undefined ? { resolved } : {}),
            ...(integrity !== undefined ? { integrity } : {}),
            ...flags,
            ...rest,
        };
    }
    return { name: pack.name, version: pack.version, lockfileVersion: rootLock.lockfileVersion, requires: true, packages: entries };
}

/** The shrinkwrap as npm writes a lock file: two-space JSON and a final newline. */
export function formatLock(lock: LockFile): string {
    return `${JSON.stringify(lock, null, 2)}\n`;
}

export const PACK_DIR = path.resolve(__dirname, "..");
export const SHRINKWRAP_FILE = path.join(PACK_DIR, "npm-shrinkwrap.json");

/** The shrinkwrap the current policies/package.json and root package-lock.json call for. */
export function currentShrinkwrap(packDir = PACK_DIR): string {
    const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
    return formatLock(packShrinkwrap(read(path.join(packDir, "package.json")), read(path.join(packDir, "..", "package-lock.json"))));
}

if (require.main === module) {
    try {
        fs.writeFileSync(SHRINKWRAP_FILE, currentShrinkwrap());
        process.stdout.write(`${path.relative(process.cwd(), SHRINKWRAP_FILE) || SHRINKWRAP_FILE} written\n`);
    } catch (err) {
        process.stderr.write(`shrinkwrap: ${(err as Error).message}\n`);
        process.exitCode = 1;
    }
}
