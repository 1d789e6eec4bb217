import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { emergencyResourceProtect as policy } from "../../policies/rules/emergencyResourceProtect";
import { byType, find, prodStack, validateEachResource, validateResource } from "../helpers/policyHarness";

describe(policy.name, () => {
    test("passes the prod stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await prodStack())).violations, []);
    });

    for (const type of [TYPES.user, TYPES.group, TYPES.directoryRole, TYPES.directoryRoleAssignment, TYPES.scheduledAlertRule, TYPES.actionGroup]) {
        test(`refuses an unprotected ${type.split(":").pop()}`, async () => {
            const resource = find(await prodStack(), byType(type));
            resource.protect = false;
            assert.deepEqual((await validateResource(policy, resource)).violations, [
                `${resource.name} is not protected; set protect: true.`,
            ]);
        });
    }

    test("does not ask passwords to be protected (rotation replaces them)", async () => {
        const password = find(await prodStack(), byType(TYPES.randomPassword));
        assert.equal(password.protect, false);
        assert.deepEqual((await validateResource(policy, password)).violations, []);
    });
});
