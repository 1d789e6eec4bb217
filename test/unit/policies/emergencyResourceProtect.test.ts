import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyResourceProtect as policy } from "../../../policies/rules/emergencyResourceProtect";
import { fixtureStack, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    for (const type of [TYPES.user, TYPES.group, TYPES.directoryRole, TYPES.directoryRoleAssignment, TYPES.scheduledAlertRule, TYPES.actionGroup, TYPES.passwordCustody]) {
        test(`refuses an unprotected ${type.split(":").pop()}`, async () => {
            const resource = first(await fixtureStack(), byType(type));
            resource.protect = false;
            assert.deepEqual((await validateResource(policy, resource)).violations, [
                `${resource.name} is not protected; set protect: true.`,
            ]);
        });
    }

    test("does not ask bootstrap passwords to be protected (they protect nothing once replaced)", async () => {
        const password = first(await fixtureStack(), byType(TYPES.randomPassword));
        assert.equal(password.protect, false);
        assert.deepEqual((await validateResource(policy, password)).violations, []);
    });
});
