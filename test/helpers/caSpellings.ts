// The two spellings of a Conditional Access policy's conditions, written out independently of the model under
// test (policies/contract/conditionalAccess.ts): Microsoft Graph's JSON and the azuread provider's inputs. The
// azuread key names are checked against the provider's own input types by the compiler.
import type * as azuread from "@pulumi/azuread";
import { AZUREAD_SPELLING, GRAPH_SPELLING, type Spelling } from "../../policies/contract/conditionalAccess";

/** One spelling as this test knows it: the key names, and how it writes a guests condition. */
export interface Keys {
    readonly name: string;
    readonly spelling: Spelling;
    readonly includeUsers: string;
    readonly excludeUsers: string;
    readonly includeGroups: string;
    readonly excludeGroups: string;
    readonly includeRoles: string;
    readonly includeGuestsOrExternalUsers: string;
    readonly includeServicePrincipals: string;
    /** Absent in the azuread provider (6.9), which has no agent identity condition. */
    readonly includeAgentIdServicePrincipals?: string;
    /** A guests condition that names every guest type, as this spelling writes it. */
    readonly allGuests: unknown;
}

type AzureadUsersKey = keyof azuread.types.input.ConditionalAccessPolicyConditionsUsers;
type AzureadAppsKey = keyof azuread.types.input.ConditionalAccessPolicyConditionsClientApplications;
const azureadUsers = <K extends AzureadUsersKey>(key: K): K => key;
const azureadApps = <K extends AzureadAppsKey>(key: K): K => key;

export const GRAPH: Keys = {
    name: "Graph",
    spelling: GRAPH_SPELLING,
    includeUsers: "includeUsers",
    excludeUsers: "excludeUsers",
    includeGroups: "includeGroups",
    excludeGroups: "excludeGroups",
    includeRoles: "includeRoles",
    includeGuestsOrExternalUsers: "includeGuestsOrExternalUsers",
    includeServicePrincipals: "includeServicePrincipals",
    includeAgentIdServicePrincipals: "includeAgentIdServicePrincipals",
    allGuests: {
        guestOrExternalUserTypes: "internalGuest,b2bCollaborationGuest",
        externalTenants: { "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants", membershipKind: "all" },
    },
};

export const AZUREAD: Keys = {
    name: "azuread",
    spelling: AZUREAD_SPELLING,
    includeUsers: azureadUsers("includedUsers"),
    excludeUsers: azureadUsers("excludedUsers"),
    includeGroups: azureadUsers("includedGroups"),
    excludeGroups: azureadUsers("excludedGroups"),
    includeRoles: azureadUsers("includedRoles"),
    includeGuestsOrExternalUsers: azureadUsers("includedGuestsOrExternalUsers"),
    includeServicePrincipals: azureadApps("includedServicePrincipals"),
    allGuests: [{ guestOrExternalUserTypes: ["internalGuest", "b2bCollaborationGuest"], externalTenants: [{ membershipKind: "all" }] }],
};

export const SPELLINGS = [GRAPH, AZUREAD];

/** A users condition in the given spelling, from Graph-named lists; a list not given is left out. */
export function users(keys: Keys, lists: { excludeUsers?: unknown; excludeGroups?: unknown; includeUsers?: unknown }): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if ("includeUsers" in lists) out[keys.includeUsers] = lists.includeUsers;
    if ("excludeUsers" in lists) out[keys.excludeUsers] = lists.excludeUsers;
    if ("excludeGroups" in lists) out[keys.excludeGroups] = lists.excludeGroups;
    return out;
}
