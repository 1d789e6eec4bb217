// The canonical declaration of the restricted-management administrative unit (config restrictedManagement): one unit
// that holds the emergency accounts and their group, created with isMemberManagementRestricted, so that only roles
// assigned at the unit's scope can change them: a tenant-wide User, Groups or Authentication Administrator, and an
// application with tenant-wide Graph permissions, can no longer disable an account, reset its methods or change the
// group's members. Graph sets the flag only at creation. Pure: no Pulumi import.
import { DEFAULTS, GRAPH_ENDPOINTS } from "../constants";
import type { InputDeclaration } from "./inputs";

/** Name suffix of the unit: `<component>-restricted-management-unit`. */
export const RESTRICTED_MANAGEMENT_UNIT_SUFFIX = "-restricted-management-unit";

/** The unit's description, as the tenant's admins read it in the portal. */
export const RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION =
    "Emergency access (break glass) accounts and their group, managed by the entra-emergency-access Pulumi program. " +
    "Restricted management: only roles assigned at this unit's scope can change them.";

/** The inputs of the unit; `memberIds` are the accounts' and the group's object ids. */
export function restrictedManagementUnitInputs<Id>(memberIds: readonly Id[], graphEndpoint: string) {
    return {
        displayName: DEFAULTS.administrativeUnitDisplayName,
        description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION,
        isMemberManagementRestricted: true,
        memberIds: [...memberIds],
        graphEndpoint,
    } as const;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the pack accepts for the unit; who its members are is judged against the accounts and the group by a stack policy. */
export const RESTRICTED_MANAGEMENT_UNIT_DECLARATION: InputDeclaration = {
    displayName: { equals: DEFAULTS.administrativeUnitDisplayName },
    description: { equals: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION },
    isMemberManagementRestricted: { equals: true },
    memberIds: {
        test: (value) =>
            Array.isArray(value) && value.every((id) => typeof id === "string" && GUID.test(id)) ? undefined : "must be a list of object ids.",
    },
    graphEndpoint: {
        test: (value) =>
            (GRAPH_ENDPOINTS as readonly unknown[]).includes(value)
                ? undefined
                : `is ${JSON.stringify(value)}; the provider sends its token there, so it must be one of ${GRAPH_ENDPOINTS.join(", ")}.`,
    },
};
