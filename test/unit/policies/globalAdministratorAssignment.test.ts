import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { globalAdministratorAssignment as policy } from "../../../policies/rules/globalAdministratorAssignment";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    test("refuses another role template", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "roleId", "e8611ab8-c189-46e8-94e1-60213ab1f814"); // Privileged Role Administrator
        assert.deepEqual((await validateResource(policy, assignment)).violations, [
            "emergency-access-global-administrator-1 assigns role e8611ab8-c189-46e8-94e1-60213ab1f814, not Global Administrator (62e90394-69f5-4237-9190-012177145e10).",
        ]);
    });

    test("refuses a narrower scope", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "directoryScopeId", "/administrativeUnits/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assert.deepEqual((await validateResource(policy, assignment)).violations, [
            'emergency-access-global-administrator-1 is scoped to /administrativeUnits/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0; emergency access needs the whole directory ("/").',
        ]);
    });

    test("refuses an app scope", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "directoryScopeId", undefined);
        setProp(assignment, "appScopeId", "/");
        assert.equal((await validateResource(policy, assignment)).violations.length, 1);
    });
});
