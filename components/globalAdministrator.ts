// Permanent, active roles for the emergency accounts: Global Administrator for each numbered account, and Conditional
// Access Administrator plus Authentication Policy Administrator for the limited recovery account. Each assignment waits
// for two things of its account: its custody resource (the bootstrap password in the state is replaced) and its
// passkey requirement (the account can sign in with what is in the safes). So no privileged account ever works with a
// password in the state, or with no phishing-resistant credential at all ("fails closed").
import * as azuread from "@pulumi/azuread";
import type * as pulumi from "@pulumi/pulumi";
import { GLOBAL_ADMINISTRATOR_TEMPLATE_ID, LIMITED_ACCOUNT_KEY } from "../policies/contract/constants";
import {
    EMERGENCY_RESOURCE_OPTIONS,
    GLOBAL_ADMINISTRATOR_SUFFIX,
    LIMITED_ACCOUNT_ROLES,
    directoryRoleAssignmentInputs,
} from "../policies/contract/declaration/identity";
import type { EmergencyAccount } from "./accounts";

/** What an account's role assignments wait for: its custody resource and its passkey requirement. */
export interface AccountGates {
    readonly custody: pulumi.Resource;
    readonly requirement: pulumi.Resource;
}

export interface EmergencyRoleResources {
    /** The directory roles, activated in the tenant (a no-op where they already are): Global Administrator first. */
    readonly roles: azuread.DirectoryRole[];
    /** One permanent assignment per account and role, in account order. */
    readonly assignments: azuread.DirectoryRoleAssignment[];
}

/** The role resource, its assignments' name suffix and template id, for each role an account of this kind holds. */
function rolesOf(account: EmergencyAccount) {
    return account.key === LIMITED_ACCOUNT_KEY
        ? LIMITED_ACCOUNT_ROLES.map((role) => ({ suffix: role.suffix, templateId: role.templateId }))
        : [{ suffix: GLOBAL_ADMINISTRATOR_SUFFIX, templateId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID }];
}

/**
 * The roles and one assignment per account and role. `gates[i]` are the custody resource and passkey requirement of
 * `accounts[i]`: each assignment depends on both.
 */
export function declareEmergencyRoles(
    name: string,
    accounts: readonly EmergencyAccount[],
    gates: readonly AccountGates[],
    parent: pulumi.Resource,
): EmergencyRoleResources {
    if (gates.length !== accounts.length) {
        throw new Error(`declareEmergencyRoles needs one custody resource and passkey requirement per account: ${accounts.length} accounts, ${gates.length} gates`);
    }
    const roles = new Map<string, azuread.DirectoryRole>();
    const role = (suffix: string, templateId: string) => {
        let found = roles.get(suffix);
        if (!found) {
            found = new azuread.DirectoryRole(`${name}${suffix}`, { templateId }, { parent, ...EMERGENCY_RESOURCE_OPTIONS });
            roles.set(suffix, found);
        }
        return found;
    };
    // A direct assignment is active and never expires. A PIM eligibility request would need an activation, which can
    // fail in exactly the outage the accounts exist for.
    const assignments = accounts.flatMap((account, i) =>
        rolesOf(account).map(
            ({ suffix, templateId }) =>
                new azuread.DirectoryRoleAssignment(
                    `${name}${suffix}-${account.key}`,
                    // The role's template id, a constant, rather than role.templateId: known during preview, so the policy
                    // pack can check it before anything is created.
                    directoryRoleAssignmentInputs(templateId, account.user.objectId),
                    { parent, dependsOn: [role(suffix, templateId), gates[i].custody, gates[i].requirement], ...EMERGENCY_RESOURCE_OPTIONS },
                ),
        ),
    );
    return { roles: [...roles.values()], assignments };
}
