// The protected group of the emergency accounts, used for Conditional Access exclusions by group. Its inputs are
// the contract's declaration (policies/contract/declaration/identity.ts), which the policy pack judges by.
import * as azuread from "@pulumi/azuread";
import type * as pulumi from "@pulumi/pulumi";
import { EMERGENCY_RESOURCE_OPTIONS, emergencyGroupInputs } from "../policies/contract/declaration/identity";

export function declareEmergencyGroup(
    name: string,
    displayName: string,
    users: readonly azuread.User[],
    parent: pulumi.Resource,
): azuread.Group {
    const { members, ...settings } = emergencyGroupInputs(displayName, users.map((user) => user.objectId));
    return new azuread.Group(`${name}-group`, { ...settings, members: [...members] }, { parent, ...EMERGENCY_RESOURCE_OPTIONS });
}
