import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EMERGENCY_ACCESS_TYPE, TYPES } from "../../../policies/contract/constants";
import { emergencyResourceOptions as policy } from "../../../policies/rules/emergencyResourceOptions";
import { fixtureStack, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byName, byType, first, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    test("refuses an unprotected emergency resource of every declared kind", async () => {
        const stack = await fixtureStack();
        for (const type of [TYPES.user, TYPES.group, TYPES.directoryRoleAssignment, TYPES.scheduledAlertRule, TYPES.passwordCustody, TYPES.randomPassword]) {
            const resource = first(stack, byType(type));
            resource.protect = false;
            assert.deepEqual((await validateResource(policy, resource)).violations, [
                `${resource.name} is not protected; the declaration sets protect: true.`,
            ], type);
        }
    });

    test("refuses ignoreChanges on a security field, and a user that stops ignoring only its password", async () => {
        const stack = await fixtureStack();
        const user = first(stack, byType(TYPES.user));
        user.ignoreChanges = ["password", "accountEnabled"];
        assert.match((await validateResource(policy, user)).violations[0], /ignores changes to \["accountEnabled","password"\]/);
        const group = one(stack, byType(TYPES.group));
        group.ignoreChanges = ["members"];
        assert.equal((await validateResource(policy, group)).violations.length, 1);
    });

    test("refuses aliases and deleteBeforeReplace", async () => {
        const rule = one(await fixtureStack(), byName("-sign-in-rule"));
        rule.aliases = ["urn:pulumi:fixture::entra-emergency-access::azure-native:securityinsights:ScheduledAlertRule::old"];
        rule.deleteBeforeReplace = true;
        assert.equal((await validateResource(policy, rule)).violations.length, 2);
    });

    test("leaves resources outside the declaration alone", async () => {
        const stack = await fixtureStack();
        const outside = structuredClone(first(stack, byType(TYPES.group)));
        outside.urn = outside.urn.replace(`${EMERGENCY_ACCESS_TYPE}$`, "");
        outside.protect = false;
        assert.deepEqual((await validateResource(policy, outside)).violations, []);
    });
});
