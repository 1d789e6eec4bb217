// Runs the workflows' shell scripts as GitHub runs them (`shell: bash`, -eo pipefail, GITHUB_OUTPUT and the step
// summary as files) against fake `pulumi`, `gh` and `npm` that log their arguments and exit as told, and a `node`
// that fakes the plan harness (logging its arguments and its working directory) and runs anything else for real.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before } from "node:test";
import type { Step } from "./workflows";

const FAKE_PULUMI = `#!/usr/bin/env bash
{ printf 'pulumi'; printf '\\t%s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
echo "Previewing update (prod):"
echo "~ azuread:index/user:User breakglass-account-1 update [diff: ~accountEnabled]"
echo "fake output for exit $FAKE_PULUMI_EXIT"
exit "$FAKE_PULUMI_EXIT"
`;

const FAKE_GH = `#!/usr/bin/env bash
{ printf 'gh'; printf '\\t%s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
previous=""
for arg in "$@"; do
    case "$arg" in body=@*) cp "\${arg#body=@}" "$FAKE_DIR/body.md" ;; esac
    if [ "$previous" = --body-file ]; then cp "$arg" "$FAKE_DIR/body.md"; fi
    previous="$arg"
done
# What the real --jq filters would print.
case "$1 $2" in
    "issue list") for n in $FAKE_OPEN_ISSUES; do echo "$n"; done ;;
    "api --paginate") if [ -n "$FAKE_COMMENT_ID" ]; then echo "$FAKE_COMMENT_ID"; fi ;;
esac
exit 0
`;

const FAKE_NPM = `#!/usr/bin/env bash
{ printf 'npm'; printf '\\t%s' "$@"; printf '\\n'; } >> "$FAKE_LOG"
if [ "$1 $2 $3" = "run -s verify" ]; then
    # The verify reports it would write (--junit, --markdown), and its exit code.
    previous=""
    for arg in "$@"; do
        case "$previous" in
            --markdown) printf '## Emergency access verify\n\n| status | check |\n|---|---|\n| %s | drill-recency |\n' "\${FAKE_VERIFY_ROW:-PASS}" > "$arg" ;;
            --junit) printf '<testsuites/>\n' > "$arg" ;;
        esac
        previous="$arg"
    done
    # The JSON report on stdout (--json), from a file the test wrote.
    if [ -n "$FAKE_VERIFY_JSON" ]; then cat "$FAKE_VERIFY_JSON"; fi
    exit "\${FAKE_VERIFY_EXIT:-0}"
fi
if [ "$1 $2 $3" = "run -s reconcile" ]; then
    # The reconcile report (a file) on stdout, a message on stderr, the ids file it would write, and the exit code.
    if [ -n "$FAKE_RECONCILE_REPORT" ]; then cat "$FAKE_RECONCILE_REPORT"; fi
    if [ -n "$FAKE_RECONCILE_STDERR" ]; then echo "$FAKE_RECONCILE_STDERR" >&2; fi
    if [ -n "$FAKE_IDS_CONTENT" ]; then mkdir -p emergency-ids && printf '%s\\n' "$FAKE_IDS_CONTENT" > emergency-ids/prod.json; fi
    exit "\${FAKE_RECONCILE_EXIT:-0}"
fi
case "$*" in
    # Installs and the pack's build script: nothing to do.
    "ci "* | *" ci "* | *"run build"*) exit "\${FAKE_BUILD_EXIT:-0}" ;;
    test) echo "fake npm test"; exit "\${FAKE_TEST_EXIT:-0}" ;;
esac
# The plan of this checkout (npm run plan): the pull request's own gate.
case "$*" in
    *--json*) echo '{"stack": "prod", "resources": [], "gate": "pull request"}' ;;
    *)
        echo "TYPE  NAME  SETTINGS"
        echo "azuread:index/user:User  breakglass-account-1  enabled (pull request's gate)"
        ;;
esac
exit "\${FAKE_PR_PLAN_EXIT:-0}"
`;

const FAKE_NODE = `#!/usr/bin/env bash
case "$*" in
    *plan/cli.ts*)
        # The plan harness: logged with the directory it runs in, answered as told.
        { printf 'node'; printf '\\t%s' "$@"; printf '\\tcwd=%s\\n' "$PWD"; } >> "$FAKE_LOG"
        case "$*" in
            *--json*) echo '{"stack": "prod", "resources": [], "gate": "base"}' ;;
            *)
                echo "TYPE  NAME  SETTINGS"
                echo "azuread:index/user:User  breakglass-account-1  enabled"
                ;;
        esac
        exit "\${FAKE_PLAN_EXIT:-0}"
        ;;
esac
exec "$REAL_NODE" "$@"
`;

export interface StepRun {
    status: number | null;
    output: string;
    calls: string[][];
    summary: string;
    outputs: Record<string, string>;
    body: string;
}

/** Values for the `${{ }}` expressions of the steps' env. */
export const CONTEXT: Record<string, string> = {
    "github.token": "ghs_fake",
    "github.repository": "contoso/entra-emergency-access",
    "github.event.pull_request.number": "42",
    "github.event.pull_request.head.sha": "0123456789abcdef",
    "github.event.pull_request.base.sha": "aaaabbbbccccdddd",
    "github.event.pull_request.base.sha || github.event.merge_group.base_sha": "aaaabbbbccccdddd",
    "vars.PULUMI_ORG": "contoso",
    "secrets.PULUMI_ACCESS_TOKEN": "pul-fake",
    "vars.AZURE_SUBSCRIPTION_ID": "a8fa7fd6-0893-511a-8990-7b5545ccf9c4",
};

/** A runner for the steps of one suite: fakes installed before its tests, removed after. */
export function stepRunner(): {
    newJob(): string;
    runStep(job: string, step: Step, context: Record<string, string>, fakes?: Record<string, string>): StepRun;
} {
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-test-"));
        fs.mkdirSync(path.join(dir, "bin"));
        for (const [name, source] of [["pulumi", FAKE_PULUMI], ["gh", FAKE_GH], ["npm", FAKE_NPM], ["node", FAKE_NODE]]) {
            fs.writeFileSync(path.join(dir, "bin", name), source, { mode: 0o755 });
        }
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A job's RUNNER_TEMP, shared by its steps as on a runner. */
    function newJob(): string {
        return fs.mkdtempSync(path.join(dir, "job-"));
    }

    /** Runs one step's script as `shell: bash` does, with its env's expressions resolved from `context`. */
    function runStep(job: string, step: Step, context: Record<string, string>, fakes: Record<string, string> = {}): StepRun {
        const file = (name: string) => path.join(job, `step.${name}`);
        for (const name of ["log", "output", "summary"]) fs.writeFileSync(file(name), "");
        fs.rmSync(path.join(job, "body.md"), { force: true });
        const stepEnv = Object.fromEntries(
            Object.entries(step.env ?? {}).map(([key, value]) => [
                key,
                value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
                    const resolved = context[expr];
                    assert.ok(resolved !== undefined, `no test value for \${{ ${expr} }} in step ${step.name}`);
                    return resolved;
                }),
            ]),
        );
        fs.writeFileSync(file("sh"), step.run ?? "");
        const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file("sh")], {
            cwd: job,
            encoding: "utf8",
            env: {
                PATH: `${path.join(dir, "bin")}:${process.env.PATH ?? ""}`,
                HOME: job,
                RUNNER_TEMP: job,
                GITHUB_OUTPUT: file("output"),
                GITHUB_STEP_SUMMARY: file("summary"),
                GITHUB_SERVER_URL: "https://github.com",
                GITHUB_REPOSITORY: "contoso/entra-emergency-access",
                GITHUB_RUN_ID: "4242",
                GITHUB_SHA: "fedcba9876543210",
                // The job's directory is both the workspace (the checkout) and RUNNER_TEMP, as far as scripts can tell.
                GITHUB_WORKSPACE: job,
                REAL_NODE: process.execPath,
                FAKE_LOG: file("log"),
                FAKE_DIR: job,
                ...fakes,
                ...stepEnv,
            },
        });
        const read = (name: string) => (fs.existsSync(name) ? fs.readFileSync(name, "utf8") : "");
        return {
            status: result.status,
            output: result.stdout + result.stderr,
            calls: read(file("log")).split("\n").filter(Boolean).map((line) => line.split("\t")),
            summary: read(file("summary")),
            outputs: Object.fromEntries(
                read(file("output"))
                    .split("\n")
                    .filter(Boolean)
                    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
            ),
            body: read(path.join(job, "body.md")),
        };
    }

    return { newJob, runStep };
}
