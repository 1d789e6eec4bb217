// Pull requests that edit the gate itself. In CI a pull request is judged by the BASE branch's plan harness and pack
// (checked out apart, .github/workflows/pull-request.yml), and refused outright when it changes the gate and the
// gated together (ci/separationOfDuties.ts). Here each edit is made to a copy of the repository — the pull request's
// tree — and the copy's program is planned by this checkout's harness and pack, as CI does: every edit still ends in a
// mandatory violation (exit 1), and every edit that also touches the gated side is refused by separation of duties.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { classifyChangedPaths, separationVerdict } from "../../ci/separationOfDuties";
import { PROJECT_DIR } from "../helpers/fixtures";
import { runPlanCli, type PlanCliRun } from "../helpers/planCli";

let copies: string;
before(() => {
    copies = fs.mkdtempSync(path.join(os.tmpdir(), "gate-edits-"));
});
after(() => fs.rmSync(copies, { recursive: true, force: true }));

/** A copy of the repository's tracked files (the pull request's tree) with `edits` applied: path -> (text -> text). */
function pullRequest(name: string, edits: Record<string, (text: string) => string>): string {
    const dir = path.join(copies, name);
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: PROJECT_DIR, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of files) {
        if (!fs.existsSync(path.join(PROJECT_DIR, file))) continue;
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
    for (const [file, edit] of Object.entries(edits)) {
        const target = path.join(dir, file);
        const before = fs.readFileSync(target, "utf8");
        const after = edit(before);
        assert.notEqual(after, before, `the edit of ${file} changed nothing`);
        fs.writeFileSync(target, after);
    }
    return dir;
}

/** Plans the pull request's program with this checkout's (the base branch's) harness and pack. */
function planWithBaseGate(prDir: string): Promise<PlanCliRun> {
    return runPlanCli(
        [
            "--project-dir", prDir,
            "--policy-pack", path.join(PROJECT_DIR, "policies"),
            "--stack", "fixture",
            "--config-file", path.join(prDir, "test", "fixtures", "Pulumi.fixture.yaml"),
            "--json",
        ],
        { cwd: prDir },
    );
}

function mandatoryPolicies(stdout: string): string[] {
    return JSON.parse(stdout).violations.filter((v: any) => v.enforcementLevel === "mandatory").map((v: any) => v.policy);
}

function replaceOnce(from: string | RegExp, to: string) {
    return (text: string) => text.replace(from, to);
}

interface GateEdit {
    readonly name: string;
    readonly edits: Record<string, (text: string) => string>;
    /** The base pack's policy that refuses what the edited program declares. */
    readonly policy: string;
}

const GATE_EDITS: GateEdit[] = [
    {
        name: "the Global Administrator template id changed in the contract",
        edits: {
            "policies/contract/constants.ts": replaceOnce(
                'GLOBAL_ADMINISTRATOR_TEMPLATE_ID = "62e90394-69f5-4237-9190-012177145e10"',
                'GLOBAL_ADMINISTRATOR_TEMPLATE_ID = "e8611ab8-c189-46e8-94e1-60213ab1f814"',
            ),
        },
        policy: "emergency-role-require-global-administrator",
    },
    {
        name: "the password floor lowered in the contract, and a stack of 12 characters",
        edits: {
            "policies/contract/constants.ts": replaceOnce("passwordLength: { min: 24, max: 256 }", "passwordLength: { min: 8, max: 256 }"),
            "test/fixtures/Pulumi.fixture.yaml": replaceOnce(/passwordLength: \d+/, "passwordLength: 12"),
        },
        policy: "emergency-password-require-strength",
    },
    {
        name: "the pack's default enforcement set to advisory, and an account disabled",
        edits: {
            "policies/index.ts": replaceOnce('enforcementLevel: "mandatory"', 'enforcementLevel: "advisory"'),
            "components/accounts.ts": replaceOnce("...inputs,", "...inputs,\n                accountEnabled: false,"),
        },
        policy: "emergency-account-require-canonical-declaration",
    },
    {
        name: "process.exitCode = 0 forced from index.ts during the offline plan, and an account disabled",
        edits: {
            "index.ts": (text) =>
                text.replace("export = async", "process.exitCode = 0;\nsetTimeout(() => { process.exitCode = 0; }, 0);\nexport = async") +
                "\nprocess.on(\"exit\", () => { process.exitCode = 0; });\n",
            "components/accounts.ts": replaceOnce("...inputs,", "...inputs,\n                accountEnabled: false,"),
        },
        policy: "emergency-account-require-canonical-declaration",
    },
    {
        // Not a gate edit, but one no analyzer can see: the base harness judges it from the recorded registration.
        name: "retainOnDelete: false on the group",
        edits: {
            "components/emergencyGroup.ts": replaceOnce(
                "{ parent, ...EMERGENCY_RESOURCE_OPTIONS }",
                "{ parent, ...EMERGENCY_RESOURCE_OPTIONS, retainOnDelete: false }",
            ),
        },
        policy: "emergency-resource-require-canonical-options",
    },
];

describe("gate edits in a pull request, judged by the base branch's gate", { concurrency: 2 }, () => {
    for (const edit of GATE_EDITS) {
        test(`${edit.name}: exit 1 from the base gate (${edit.policy})`, async () => {
            const dir = pullRequest(edit.name.replace(/\W+/g, "-").slice(0, 60), edit.edits);
            const run = await planWithBaseGate(dir);
            assert.equal(run.code, 1, `${run.stderr}\n${run.stdout.slice(0, 3000)}`);
            assert.ok(mandatoryPolicies(run.stdout).includes(edit.policy), run.stdout.slice(0, 3000));
        });
    }

    test("every edit that changes the gate and the gated together is refused by separation of duties", () => {
        assert.ok(GATE_EDITS.filter((edit) => classifyChangedPaths(Object.keys(edit.edits)).gate.length > 0).length >= 3);
        for (const edit of GATE_EDITS) {
            const paths = Object.keys(edit.edits);
            const classified = classifyChangedPaths(paths);
            const touchesBoth = classified.gate.length > 0 && classified.gated.length > 0;
            assert.equal(separationVerdict(classified).ok, !touchesBoth, edit.name);
        }
    });
});
