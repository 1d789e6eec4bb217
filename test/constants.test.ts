// The type tokens in common/constants.ts are what the policy pack matches resources by: each must be
// exactly the token its SDK class registers.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as azuread from "@pulumi/azuread";
import * as monitor from "@pulumi/azure-native/monitor";
import * as securityinsights from "@pulumi/azure-native/securityinsights";
import * as random from "@pulumi/random";
import { TYPES } from "../policies/contract/constants";
import { CONDITIONAL_ACCESS_EXCLUSION_TYPE } from "../components/conditionalAccess/exclusionProvider";

const CLASSES: Array<[keyof typeof TYPES, unknown]> = [
    ["randomPassword", random.RandomPassword],
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

test("TYPES.conditionalAccessExclusion is the dynamic resource's token", () => {
    assert.equal(TYPES.conditionalAccessExclusion, CONDITIONAL_ACCESS_EXCLUSION_TYPE);
});
