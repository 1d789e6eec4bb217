// The plan's rendering (plan/render.ts) of a program run under the mock runtime: no generated password may
// reach the JSON or the table.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { buildPlanResult, renderTable } from "../../plan/render";
import { plain, runFixture } from "../helpers/program";
import { all, byType } from "../helpers/select";

describe("plan output never contains a password", () => {
    test("neither the JSON nor the table holds any generated password", async () => {
        const run = await runFixture();
        const passwords = all(run, byType(TYPES.randomPassword)).map((p) => plain(p.outputs.result) as string);
        assert.equal(passwords.length, 2);
        const result = buildPlanResult(run, []);
        const texts = [JSON.stringify(result), renderTable(result)];
        for (const password of passwords) {
            assert.ok(password.length >= 24);
            for (const text of texts) assert.ok(!text.includes(password), "a password leaked into plan output");
        }
    });
});
