// The protected group of the emergency accounts, used for Conditional Access exclusions by group.
import * as azuread from "@pulumi/azuread";
import type * as pulumi from "@pulumi/pulumi";

export function declareEmergencyGroup(
    name: string,
    displayName: string,
    users: readonly azuread.User[],
    parent: pulumi.Resource,
): azuread.Group {
    return new azuread.Group(
        `${name}-group`,
        {
            displayName,
            description:
                "Emergency access (break glass) accounts, managed by the entra-emergency-access Pulumi program. " +
                "Excluded from every Conditional Access policy. Change only through the program.",
            securityEnabled: true,
            mailEnabled: false,
            // Only Global and Privileged Role Administrators can change a role-assignable group's members,
            // so a Groups or User Administrator cannot add themselves to the exclusion group.
            assignableToRole: true,
            visibility: "Private",
            preventDuplicateNames: true,
            members: users.map((user) => user.objectId),
        },
        { parent, protect: true, retainOnDelete: true },
    );
}
