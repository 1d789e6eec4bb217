// Before any check reads the tenant: what the running identity may read, from its own Graph access token (no
// request), and, per check, what it lacks. A check whose permissions are missing is reported NOT_RUN with exactly
// what to grant, instead of a 403 in the middle of the run. When the token says nothing (not a JWT), every check runs
// and a 403 is turned into the same report afterwards.
import type { TokenGrants } from "../../graph/token";
import type { CheckDefinition, Permission } from "./model";

/** Role template ids that grant every read verify makes, for a person: Global Reader and Global Administrator. */
export const READ_EVERYTHING_ROLES: Readonly<Record<string, string>> = {
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
};

/**
 * Permissions that include another one: a ReadWrite grant includes its Read, and Directory.Read.All includes the reads
 * of directory objects (users, groups, their members, administrative units, role assignments).
 */
function grantsInclude(granted: ReadonlySet<string>, needed: string): boolean {
    if (granted.has(needed)) return true;
    if (granted.has(needed.replace(".Read.", ".ReadWrite."))) return true;
    const directoryReads = ["User.Read.All", "Group.Read.All", "GroupMember.Read.All", "AdministrativeUnit.Read.All", "RoleManagement.Read.Directory"];
    return directoryReads.includes(needed) && (granted.has("Directory.Read.All") || granted.has("Directory.ReadWrite.All"));
}

/** The identity as the report shows it. */
export interface IdentitySummary {
    readonly kind: "application" | "delegated" | "unknown";
    readonly appId?: string;
    readonly objectId?: string;
    /** Application permissions or delegated scopes. */
    readonly permissions: readonly string[];
    /** Directory roles by name where known, else template id. */
    readonly roles: readonly string[];
}

/** What the report says of the identity; `unknown` when the token could not be read. */
export function identitySummary(grants: TokenGrants | undefined): IdentitySummary {
    if (!grants) return { kind: "unknown", permissions: [], roles: [] };
    return {
        kind: grants.kind,
        appId: grants.appId,
        objectId: grants.objectId,
        permissions: [...grants.permissions].sort(),
        roles: grants.roleTemplateIds.map((id) => READ_EVERYTHING_ROLES[id] ?? id),
    };
}

/** How a missing permission reads in the report: `Policy.Read.All (application permission)`. */
function describe(permission: Permission, kind: "application" | "delegated"): string {
    if (kind === "application") return `${permission.application} (Microsoft Graph application permission)`;
    return `${permission.delegated} (delegated scope)`;
}

/**
 * What `check` needs that `grants` does not give: nothing when the token could not be read (the run finds out). An
 * application needs each application permission. A person needs each delegated scope (Directory.AccessAsUser.All
 * stands for all of them) and a directory role that allows the read: Global Reader or Global Administrator, or the
 * role the permission names.
 */
export function missingFor(check: Pick<CheckDefinition, "permissions">, grants: TokenGrants | undefined, roleNames: Readonly<Record<string, string>> = {}): string[] {
    if (!grants) return [];
    const granted = new Set(grants.permissions);
    const missing: string[] = [];
    for (const permission of check.permissions) {
        if (grants.kind === "application") {
            if (!grantsInclude(granted, permission.application)) missing.push(describe(permission, "application"));
            continue;
        }
        if (!granted.has("Directory.AccessAsUser.All") && !grantsInclude(granted, permission.delegated)) {
            missing.push(describe(permission, "delegated"));
        }
        const roles = grants.roleTemplateIds;
        const readsAll = roles.some((id) => id in READ_EVERYTHING_ROLES);
        const hasNamedRole = permission.role !== undefined && roles.some((id) => roleNames[id] === permission.role);
        if (!readsAll && !hasNamedRole) {
            missing.push(`a directory role that may read it: Global Reader${permission.role ? ` or ${permission.role}` : ""}`);
        }
    }
    return [...new Set(missing)];
}
