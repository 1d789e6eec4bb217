// The declaration the auditors' configs are written from: every account with its object id. Ids come from the
// outputs or the ids file when they list every account; an account without one is looked up by its user principal
// name (a read), and a declared account the tenant does not have stops the export, since naming a user that does not
// exist would make the auditors guess again.
import type { GraphClient } from "../../graph/client";
import { resolveUser } from "../../graph/users";
import type { EmergencyDeclaration } from "./auditorConfigs";
import type { Declaration } from "./model";

/** Every declared account with its object id, and the group: what the auditors' configs name. */
export async function resolveAuditorDeclaration(graph: GraphClient, declaration: Declaration): Promise<EmergencyDeclaration> {
    const accounts = [];
    for (const account of declaration.accounts) {
        let id = account.id;
        if (!id) {
            const found = await resolveUser(graph, account.userPrincipalName);
            if (!found) throw new Error(`${account.userPrincipalName} is declared but not in the tenant: deploy first, then export the auditors' configs`);
            id = found.id;
        }
        accounts.push({ id, userPrincipalName: account.userPrincipalName, limited: account.limited });
    }
    return { accounts, group: { id: declaration.group.id, displayName: declaration.group.displayName } };
}
