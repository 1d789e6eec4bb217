// The README's table of verify checks is the registry's (commands/verify/checks/index.ts): every check, once, with
// its severity, what it proves, the auditors it implements and the permissions it needs. And the registry itself
// holds together: unique stable ids, a source and a permission for each.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { VERIFY_CHECKS, checkPermissions } from "../../commands/verify/checks";
import { PROJECT_DIR } from "../helpers/fixtures";

const README = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");

/** The rows of the table under "## Verify": [id, severity, title, sources, needs]. */
function readmeRows(): string[][] {
    const section = README.slice(README.indexOf("## Verify ("), README.indexOf("### Auditor configs"));
    return section
        .split("\n")
        .filter((line) => /^\| `[a-z-]+` \|/.test(line))
        .map((line) => line.slice(2, -2).split(/ (?<!\\)\| /).map((cell) => cell.replace(/\\\|/g, "|").trim()));
}

describe("verify's checks", () => {
    test("every id is unique, kebab-case with a family prefix, and has a title without a final period, a source and what it needs", () => {
        const ids = VERIFY_CHECKS.map((check) => check.id);
        assert.equal(new Set(ids).size, ids.length);
        for (const check of VERIFY_CHECKS) {
            assert.match(check.id, /^(accounts|role|conditional|credentials|drill|protection|alerts)-[a-z0-9-]+$/);
            assert.ok(check.sources.length > 0, check.id);
            assert.doesNotMatch(check.title, /\.$/, check.id);
            assert.ok(check.permissions.length + (check.azure?.length ?? 0) > 0, check.id);
        }
    });

    test("every source names Microsoft's guidance, the product, or an auditor check the issue lists", () => {
        const known = /^(Microsoft|product|MT\.10(05|34)|ZTA 218(35|16)|ScubaGear MS\.AAD\.7\.\dv1|Prowler|CIS 1\.1\.[1-3])$/;
        for (const check of VERIFY_CHECKS) for (const source of check.sources) assert.match(source, known, `${check.id}: ${source}`);
    });

    test("the README lists every check once, as the registry has it", () => {
        const expected = VERIFY_CHECKS.map((check) => [
            `\`${check.id}\``,
            check.severity,
            check.title,
            check.sources.join(", "),
            checkPermissions(check),
        ]);
        assert.deepEqual(readmeRows(), expected);
    });
});
