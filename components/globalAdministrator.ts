// Permanent, active Global Administrator for every emergency account, assigned only once the account's
// custody resource has replaced the bootstrap password: no privileged account works with a password in the state.
import * as azuread from "@pulumi/azuread";
import type * as pulumi from "@pulumi/pulumi";
import {
    EMERGENCY_RESOURCE_OPTIONS,
    GLOBAL_ADMINISTRATOR_ROLE_INPUTS,
    globalAdministratorAssignmentInputs,
} from "../policies/contract/declaration/identity";

export interface GlobalAdministratorResources {
    /** The Global Administrator role, activated in the tenant (a no-op where it already is). */
    readonly role: azuread.DirectoryRole;
    /** One permanent assignment per account, in account order. */
    readonly assignments: azuread.DirectoryRoleAssignment[];
}

/**
 * The role and one assignment per account. `custody[i]` is the custody resource of `users[i]`: each
 * assignment depends on it.
 */
export function declareGlobalAdministrator(
    name: string,
    users: readonly azuread.User[],
    custody: readonly pulumi.Resource[],
    parent: pulumi.Resource,
): GlobalAdministratorResources {
    if (custody.length !== users.length) {
        throw new Error(`declareGlobalAdministrator needs one custody resource per account: ${users.length} users, ${custody.length} custody resources`);
    }
    const role = new azuread.DirectoryRole(
        `${name}-global-administrator`,
        GLOBAL_ADMINISTRATOR_ROLE_INPUTS,
        { parent, ...EMERGENCY_RESOURCE_OPTIONS },
    );
    // A direct assignment is active and never expires. A PIM eligibility request would need an
    // activation, which can fail in exactly the outage the accounts exist for.
    const assignments = users.map(
        (user, i) =>
            new azuread.DirectoryRoleAssignment(
                `${name}-global-administrator-${i + 1}`,
                // The role's template id, a constant, rather than role.templateId: known during preview, so the
                // policy pack can check it before anything is created.
                globalAdministratorAssignmentInputs(user.objectId),
                { parent, dependsOn: [role, custody[i]], ...EMERGENCY_RESOURCE_OPTIONS },
            ),
    );
    return { role, assignments };
}
