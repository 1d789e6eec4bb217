// Dynamic providers in the two ways a program is run. The offline plan's program process stands a marker in for a
// provider's serialized source (nothing in the plan reads `__provider`, and serializing costs a second); the tests'
// in-process runs keep Pulumi's real serializer, so a provider that cannot be serialized still fails the suite.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { PROVIDER_NOT_SERIALIZED, recordProgramInProcess } from "../../plan/programHost";
import { resolveProgramConfig } from "../../plan/project";
import { toPlainValue } from "../../plan/serialized";
import { FIXTURE_CONFIG_FILE, FIXTURE_STACK, PROJECT_DIR } from "../helpers/fixtures";
import { runFixture } from "../helpers/program";
import { all, byType } from "../helpers/select";

describe("dynamic providers, serialized or stood in", () => {
    test("the plan's program process stands the marker in for every dynamic provider", async () => {
        const { project, config } = resolveProgramConfig({ projectDir: PROJECT_DIR, stack: FIXTURE_STACK, configFile: FIXTURE_CONFIG_FILE });
        // No tenant: the program must never reach Microsoft Graph (or a credential) from a test.
        const run = await recordProgramInProcess({
            projectDir: PROJECT_DIR,
            project,
            stack: FIXTURE_STACK,
            config,
            programOptions: { conditionalAccessPolicies: [] },
        });
        assert.equal(run.error, undefined);
        const custody = all(run.resources, byType(TYPES.passwordCustody));
        assert.ok(custody.length >= 2);
        for (const resource of custody) assert.equal(toPlainValue(resource.inputs.__provider), PROVIDER_NOT_SERIALIZED);
    });

    test("an in-process run serializes each provider with Pulumi's real serializer", async () => {
        const run = await runFixture();
        for (const resource of all(run, byType(TYPES.passwordCustody))) {
            const source = String(toPlainValue(resource.inputs.__provider));
            assert.notEqual(source, PROVIDER_NOT_SERIALIZED);
            assert.match(source, /exports\.handler/);
            assert.ok(source.length > 1000, `${source.length} characters`);
        }
    });
});
