// Where the tests' fixtures live and how a test selects the fixture stack. No Pulumi import, so unit suites
// can read these without loading the runtime.
//
// Every unit, program and process test runs the fixture stack (test/fixtures/Pulumi.fixture.yaml, the contoso
// example tenant) under the stack name "fixture". No Pulumi.fixture.yaml exists at the repository root, so a
// run that forgot the config file fails instead of silently reading the adopter's own stack. Only the stack
// check (test/repo/stacks.test.ts) reads the adopter's stack files.
import * as path from "node:path";

/** The repository root: Pulumi.yaml, index.ts and the adopter's stack files. */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export const FIXTURE_DIR = path.join(PROJECT_DIR, "test", "fixtures");

/** The fixture stack's config file, given to the program and the plan as `configFile` / `--config-file`. */
export const FIXTURE_CONFIG_FILE = path.join(FIXTURE_DIR, "Pulumi.fixture.yaml");

/** The stack name of every fixture run: the stack part of every URN. */
export const FIXTURE_STACK = "fixture";

/** The fixture tenant's Conditional Access policies, in Graph's list format. */
export const CA_SNAPSHOT = path.join(FIXTURE_DIR, "ca-policies.json");

/** The plan CLI's arguments that select the fixture stack (relative to PROJECT_DIR, the CLI's working directory). */
export const FIXTURE_PLAN_ARGS: readonly string[] = [
    "--stack",
    FIXTURE_STACK,
    "--config-file",
    path.relative(PROJECT_DIR, FIXTURE_CONFIG_FILE),
];

/**
 * How the npm scripts load TypeScript (`node --require ./plan/typescriptHook.js <cli>.ts`): tests start the commands
 * the same way, so a test runs what `npm run plan`, `reconcile`, `verify`, `onboard` and `custody` run.
 */
export const TYPESCRIPT_LOADER: readonly string[] = ["--require", path.join(PROJECT_DIR, "plan", "typescriptHook.js")];
