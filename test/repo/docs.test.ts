// The README, runbook and architecture describe what the code does: every policy, output, plan option,
// npm script and file they name must exist, so the documents cannot drift from the code silently.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { STACK_OUTPUTS } from "../../policies/contract/constants";
import { policies } from "../../policies/policies";
import { PROJECT_DIR, TYPESCRIPT_LOADER } from "../helpers/fixtures";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
const README = read("README.md");
const RUNBOOK = read("docs/runbook.md");
const ARCHITECTURE = read("docs/architecture.md");
const DOCS: Array<[string, string]> = [
    ["README.md", README],
    ["docs/runbook.md", RUNBOOK],
    ["docs/architecture.md", ARCHITECTURE],
];

describe("documentation matches the code", () => {
    test("the README shows the two commands of a fresh clone", () => {
        assert.match(README, /npm ci && npm run plan/);
        assert.match(README, /^npm test\b/m);
    });

    test("README and architecture list every policy, and only policies that exist", () => {
        const names = policies.map((p) => p.name);
        for (const [file, text] of [["README.md", README], ["docs/architecture.md", ARCHITECTURE]]) {
            for (const name of names) assert.ok(text.includes(`\`${name}\``), `${file} does not list ${name}`);
            const listed = [...text.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]).filter((n) => n.includes("require") || n.includes("disallow"));
            for (const name of listed) assert.ok(names.includes(name), `${file} lists unknown policy ${name}`);
        }
    });

    test("the README's outputs table lists exactly the stack outputs", () => {
        const section = README.slice(README.indexOf("## Outputs"), README.indexOf("## Deploying"));
        // First column of each row: `a` or `a`, `b`.
        const documented = [...section.matchAll(/^\| (`[A-Za-z]+`(?:, `[A-Za-z]+`)*) \|/gm)].flatMap((m) =>
            [...m[1].matchAll(/`([A-Za-z]+)`/g)].map((n) => n[1]),
        );
        for (const output of Object.values(STACK_OUTPUTS)) assert.ok(documented.includes(output), `output ${output} is not documented`);
        for (const name of documented) {
            assert.ok((Object.values(STACK_OUTPUTS) as string[]).includes(name), `README documents unknown output ${name}`);
        }
    });

    test("every npm script the documents run exists", () => {
        const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
        for (const [file, text] of DOCS) {
            for (const [, script] of text.matchAll(/npm run (?:-s )?([a-z:]+)/g)) {
                assert.ok(scripts.includes(script), `${file} runs npm run ${script}, which does not exist`);
            }
        }
    });

    test("every plan option in the README is one the plan accepts", () => {
        const help = spawnSync(process.execPath, [...TYPESCRIPT_LOADER, "plan/cli.ts", "--help"], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(help.status, 0);
        const options = new Set([...README.matchAll(/npm run (?:-s )?plan -- ([^`\n|]*)/g)].flatMap((m) => m[1].match(/--[a-z-]+/g) ?? []));
        const table = README.slice(README.indexOf("`npm run plan` runs"), README.indexOf("Exit codes:"));
        for (const m of table.matchAll(/`(--[a-z-]+)/g)) options.add(m[1]);
        assert.ok(options.size >= 5);
        for (const option of options) assert.ok(help.stdout.includes(option), `the plan does not accept ${option}`);
    });

    test("every file and folder the documents name exists", () => {
        for (const [file, text] of DOCS) {
            // common/ is listed although it is gone, so a document still naming it fails here.
            const topLevel = /^(components|common|config|graph|program|plan|policies|test|docs|bench|ci|\.github|\.ci)\//;
            const paths = [...text.matchAll(/`((?:[a-z.]+\/)+[A-Za-z.-]*)`/g)].map((m) => m[1]).filter((p) => topLevel.test(p));
            assert.ok(paths.length > 0 || file === "docs/runbook.md", `${file} names no file at all?`);
            for (const p of paths) {
                assert.ok(fs.existsSync(path.join(PROJECT_DIR, p)), `${file} names ${p}, which does not exist`);
            }
        }
    });

    test("documents link to each other and the README links both", () => {
        assert.match(README, /\(docs\/runbook\.md\)/);
        assert.match(README, /\(docs\/architecture\.md\)/);
    });

    test("the runbook covers first deployment, the quarterly test, a real emergency and drift", () => {
        for (const heading of ["## First deployment", "## Quarterly test", "## Using an account in a real emergency", "## When the drift check fires"]) {
            assert.ok(RUNBOOK.includes(heading), heading);
        }
        assert.ok(!RUNBOOK.includes("--show-secrets"), "no step reads a secret output: none carries a password");
        assert.ok(RUNBOOK.includes(`pulumi stack output --stack prod --json ${STACK_OUTPUTS.passwordEnvelopes}`));
        assert.match(RUNBOOK, /Temporary Access Pass/);
        assert.match(RUNBOOK, /FIDO2/);
        assert.match(RUNBOOK, /pulumi config set entra-emergency-access:passwordRotation/);
    });

    test("the runbook describes both custody modes step by step, and the migration", () => {
        for (const heading of ["## Passkey mode", "## Sealed-password mode", "## Migrating an existing stack"]) {
            assert.ok(RUNBOOK.includes(heading), heading);
        }
        const sealed = RUNBOOK.slice(RUNBOOK.indexOf("## Sealed-password mode"), RUNBOOK.indexOf("## Migrating an existing stack"));
        for (const step of ["age-keygen", "mode: sealed-password", "threshold:", "recipientFingerprint", "age -d -i", "npm run custody -- combine", "passwordRotation"]) {
            assert.ok(sealed.includes(step), `the sealed-password steps mention ${step}`);
        }
        assert.match(RUNBOOK, /no password at all/i);
        const migration = RUNBOOK.slice(RUNBOOK.indexOf("## Migrating an existing stack"));
        assert.match(migration, /emergencyAccountPasswords/);
        assert.match(migration, /replaces every password/);
        assert.match(README, /Privileged Authentication Administrator/);
        assert.match(README, /Privileged Role Administrator/);
        assert.match(README, /Application\.Read\.All/);
    });

    test("the README names each identity with its Graph permissions: Conditional Access writes need all three", () => {
        const row = (identity: string) => README.split("\n").find((line) => line.startsWith(`| ${identity}`)) ?? "";
        const permissions = (line: string) => [...(line.split("|")[3] ?? "").matchAll(/`([A-Za-z.]+)`/g)].map((m) => m[1]);
        const caWrite = ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", "Application.Read.All"];
        assert.deepEqual(permissions(row("reconcile")), caWrite, "reconcile: exactly the three");
        for (const permission of caWrite) assert.ok(permissions(row("deploy")).includes(permission), `deploy lacks ${permission}`);
        assert.ok(permissions(row("read-only")).includes("Policy.Read.All"));
        assert.ok(!permissions(row("read-only")).some((p) => p.includes("ReadWrite")), "the read-only identity writes nothing");
        assert.match(RUNBOOK, /## When the reconcile job fails/);
        assert.match(README, /### Two paths: `pulumi up` is the source of truth, reconcile is the fast guard/);
        assert.match(README, /\*\*The exposure window\*\*/);
    });

    test("the architecture says what the program cannot see", () => {
        assert.match(ARCHITECTURE, /## What the program cannot see/);
        assert.match(ARCHITECTURE, /password reset in the portal|reset in the portal/i);
    });
});
