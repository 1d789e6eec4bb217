import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { globalAdministratorAssignment as policy } from "../../../policies/rules/globalAdministratorAssignment";
import { UNKNOWN, fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    test("refuses another role template", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "roleId", "e8611ab8-c189-46e8-94e1-60213ab1f814"); // Privileged Role Administrator
        assert.deepEqual((await validateResource(policy, assignment)).violations, [
            'emergency-access-global-administrator-1: roleId is "e8611ab8-c189-46e8-94e1-60213ab1f814"; the declaration says "62e90394-69f5-4237-9190-012177145e10".',
        ]);
    });

    test("refuses a narrower scope", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "directoryScopeId", "/administrativeUnits/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assert.deepEqual((await validateResource(policy, assignment)).violations, [
            'emergency-access-global-administrator-1: directoryScopeId is "/administrativeUnits/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"; the declaration says "/".',
        ]);
    });

    test("refuses an app scope: an input the declaration does not know", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "appScopeId", "/");
        assert.deepEqual((await validateResource(policy, assignment)).violations, [
            'emergency-access-global-administrator-1: unexpected input appScopeId ("/"): the gate accepts only the declared inputs.',
        ]);
    });

    test("refuses another directory role for the component", async () => {
        const role = one(await fixtureStack(), byType(TYPES.directoryRole));
        setProp(role, "templateId", "e8611ab8-c189-46e8-94e1-60213ab1f814");
        assert.equal((await validateResource(policy, role)).violations.length, 1);
    });

    test("during preview, judges the role and scope and defers only the unknown principal", async () => {
        const assignment = first(await fixtureStack(), byType(TYPES.directoryRoleAssignment));
        setProp(assignment, "principalObjectId", UNKNOWN);
        setProp(assignment, "directoryScopeId", "/administrativeUnits/x");
        const verdict = await validateResource(policy, assignment);
        assert.equal(verdict.violations.length, 1);
        assert.match(verdict.deferred ?? "", /principalObjectId/);
    });
});
