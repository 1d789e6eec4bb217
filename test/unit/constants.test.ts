// The type tokens in policies/contract/constants.ts are what the policy pack matches resources by: each must be
// exactly the token its SDK class registers (the dynamic resource's registration is checked in
// test/program/conditionalAccessExclusionResource.test.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as azuread from "@pulumi/azuread";
import * as monitor from "@pulumi/azure-native/monitor";
import * as securityinsights from "@pulumi/azure-native/securityinsights";
import * as random from "@pulumi/random";
import { DYNAMIC_RESOURCE_MODULE, PROJECT_NAME, TYPES } from "../../policies/contract/constants";

const CLASSES: Array<[keyof typeof TYPES, unknown]> = [
    ["randomPassword", random.RandomPassword],
    ["randomString", random.RandomString],
    ["user", azuread.User],
    ["group", azuread.Group],
    ["directoryRole", azuread.DirectoryRole],
    ["directoryRoleAssignment", azuread.DirectoryRoleAssignment],
    ["directoryRoleEligibilityScheduleRequest", azuread.DirectoryRoleEligibilityScheduleRequest],
    ["conditionalAccessPolicy", azuread.ConditionalAccessPolicy],
    ["scheduledAlertRule", securityinsights.ScheduledAlertRule],
    ["actionGroup", monitor.ActionGroup],
    ["scheduledQueryRule", monitor.ScheduledQueryRule],
];

for (const [key, resourceClass] of CLASSES) {
    test(`TYPES.${key} is the token ${(resourceClass as { name: string }).name} registers`, () => {
        assert.equal(TYPES[key], (resourceClass as { __pulumiType: string }).__pulumiType);
    });
}

test("TYPES.conditionalAccessExclusion is a dynamic resource token in the project's own module", () => {
    assert.equal(DYNAMIC_RESOURCE_MODULE, PROJECT_NAME);
    assert.equal(TYPES.conditionalAccessExclusion, "pulumi-nodejs:dynamic/entra-emergency-access:ConditionalAccessExclusion");
});

test("TYPES.passwordCustody is a dynamic resource token in the project's own module", () => {
    assert.equal(TYPES.passwordCustody, "pulumi-nodejs:dynamic/entra-emergency-access:PasswordCustody");
});
