// `npm run custody -- combine` as a custodian runs it: under a pseudo-terminal (util-linux `script`), k decrypted
// shares print the password once; with stdout a pipe it refuses before reading anything; k−1 shares, or shares of
// different rotations, print nothing. Share files are written to a temporary folder and checked for leaks.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { generatePassword } from "../../components/passwordGenerator";
import { sealPassword } from "../../components/passwordSealing";
import { assertNoFragments, openEnvelope, testCustodians } from "../helpers/custody";
import { PROJECT_DIR, TYPESCRIPT_LOADER } from "../helpers/fixtures";

const CLI = path.join(PROJECT_DIR, "commands", "custody", "cli.ts");
const ACCOUNT = "breakglass-2@contoso.onmicrosoft.com";

/** Runs the command with stdout on a pseudo-terminal; returns what the terminal showed. */
function inTerminal(args: readonly string[]) {
    const command = [process.execPath, ...TYPESCRIPT_LOADER, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const result = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: PROJECT_DIR, encoding: "utf8" });
    return { code: result.status, output: result.stdout.replace(/\r\n/g, "\n") };
}

describe("npm run custody -- combine", () => {
    let dir: string;
    let password: string;
    let files: string[];
    let otherRotation: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "custody-shares-"));
        const { custodians, identities } = await testCustodians(3);
        const bytes = generatePassword(48);
        password = new TextDecoder().decode(bytes);
        const envelopes = await sealPassword(bytes, custodians, { account: ACCOUNT, rotation: "2026-Q4", threshold: 2 });
        files = await Promise.all(
            envelopes.map(async (envelope, i) => {
                const file = path.join(dir, `share-${i + 1}.txt`);
                fs.writeFileSync(file, await openEnvelope(envelope.armored, identities[i]), { mode: 0o600 });
                return file;
            }),
        );
        const other = await sealPassword(generatePassword(48), custodians, { account: ACCOUNT, rotation: "2027-Q1", threshold: 2 });
        otherRotation = path.join(dir, "other-rotation.txt");
        fs.writeFileSync(otherRotation, await openEnvelope(other[0].armored, identities[0]), { mode: 0o600 });
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("the shares the test wrote hold no part of the password", () => {
        for (const file of [...files, otherRotation]) assertNoFragments(fs.readFileSync(file, "utf8"), [password], path.basename(file));
    });

    test("k shares on a terminal: the password, exactly once, with the account and rotation", () => {
        const { code, output } = inTerminal(["combine", files[0], files[2]]);
        assert.equal(code, 0, output);
        assert.equal(output.split(password).length - 1, 1, "printed exactly once");
        assert.match(output, new RegExp(`^Password of ${ACCOUNT.replace(/\./g, "\\.")} \\(rotation 2026-Q4\\), shown once:\\n\\n`));
    });

    test("stdout not a terminal: refused before any share is read", () => {
        const result = spawnSync(process.execPath, [...TYPESCRIPT_LOADER, CLI, "combine", files[0], files[1], "/no/such/file"], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(result.status, 2);
        assert.equal(result.stdout, "");
        assert.match(result.stderr, /standard output is not a terminal; refusing to print an emergency password/);
    });

    test("k−1 shares, or shares of two rotations, print no password", () => {
        const few = inTerminal(["combine", files[1]]);
        assert.equal(few.code, 2);
        assert.match(few.output, new RegExp(`1 share\\(s\\) given; the password of ${ACCOUNT.replace(/\./g, "\\.")} needs 2`));
        const mixed = inTerminal(["combine", files[0], otherRotation]);
        assert.equal(mixed.code, 2);
        assert.match(mixed.output, /the shares belong to different passwords: rotation "2026-Q4" and "2027-Q1"/);
        for (const output of [few.output, mixed.output]) assertNoFragments(output, [password], "a refused combine");
    });

    test("usage errors name the command", () => {
        const result = spawnSync(process.execPath, [...TYPESCRIPT_LOADER, CLI, "split"], { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(result.status, 2);
        assert.match(result.stderr, /^Usage: npm run custody -- combine/);
    });
});
