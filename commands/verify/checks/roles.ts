// Roles: each Global Administrator emergency account holds the role active, permanent, tenant-wide and directly (a
// PIM-eligible or expiring assignment is no emergency access); the limited account holds its two roles and never
// Global Administrator; and the tenant's standing Global Administrators number 2 to 4 (CIS 1.1.3), listed.
import type { DirectoryObjectSummary } from "../../../graph/directoryObjects";
import type { RoleAssignmentInstance } from "../../../graph/roles";
import { sameId } from "../../../policies/contract/conditionalAccess";
import {
    DIRECTORY_ROOT_SCOPE,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    LIMITS,
} from "../../../policies/contract/constants";
import { LIMITED_ACCOUNT_ROLES } from "../../../policies/contract/declaration/identity";
import type { CheckDefinition, Evidence } from "../model";
import {
    PERMISSIONS,
    readAccounts,
    readDirectoryObjects,
    readGlobalAdministratorInstances,
    readRoleInstancesOf,
    type AccountState,
} from "./reads";

/** ScubaGear MS.AAD.7.1v1 allows up to 8 Global Administrators; CIS 1.1.3 wants 2 to 4 and ZTA 21816 fewer: above 4 warns. */
export const GLOBAL_ADMINISTRATOR_COUNT = { min: LIMITS.accountCount.min, warnAbove: LIMITS.accountCount.max } as const;

/** Graph's assignmentType of a standing (not PIM-activated) assignment. */
const STANDING = "Assigned";

/** `true` for an instance that is the role tenant-wide, standing, permanent and direct. */
export function isPermanentDirectAssignment(instance: RoleAssignmentInstance, roleDefinitionId: string): boolean {
    return (
        sameId(instance.roleDefinitionId, roleDefinitionId) &&
        instance.directoryScopeId === DIRECTORY_ROOT_SCOPE &&
        instance.assignmentType === STANDING &&
        instance.endDateTime === null &&
        (instance.memberType === undefined || instance.memberType === "Direct")
    );
}

/** One instance in words, for evidence: `Assigned, Direct, at /, permanent` or `... until <date>`. */
export function describeInstance(instance: RoleAssignmentInstance): string {
    return (
        `${instance.assignmentType}, ${instance.memberType ?? "Direct"}, at ${instance.directoryScopeId}, ` +
        (instance.endDateTime === null ? "permanent" : `until ${instance.endDateTime}`)
    );
}

/** role-permanent-global-administrator: one evidence per account. `instances`: the tenant's Global Administrator instances. Pure. */
export function judgePermanentGlobalAdministrator(accounts: readonly AccountState[], instances: readonly RoleAssignmentInstance[]): Evidence[] {
    return accounts.map((account): Evidence => {
        const subject = account.declared.userPrincipalName;
        if (!account.state) return { subject, status: "FAIL", detail: "Not found: no role can be judged." };
        const id = account.state.id;
        const own = instances.filter((instance) => sameId(instance.principalId, id) && sameId(instance.roleDefinitionId, GLOBAL_ADMINISTRATOR_TEMPLATE_ID));
        const facts = { assignments: own.map(describeInstance) };
        if (account.declared.limited) {
            return own.length === 0
                ? { subject, id, status: "PASS", detail: "The limited account does not hold Global Administrator, as declared.", facts }
                : { subject, id, status: "FAIL", detail: `The limited account holds Global Administrator (${own.map(describeInstance).join("; ")}); it must never.`, facts };
        }
        if (own.some((instance) => isPermanentDirectAssignment(instance, GLOBAL_ADMINISTRATOR_TEMPLATE_ID))) {
            return { subject, id, status: "PASS", detail: "Holds Global Administrator active, permanent, at /, directly.", facts };
        }
        return {
            subject,
            id,
            status: "FAIL",
            detail:
                own.length === 0
                    ? "Holds no active Global Administrator assignment (an eligible one is not emergency access)."
                    : `Holds Global Administrator only as ${own.map(describeInstance).join("; ")}; it must be Assigned, Direct, at /, permanent.`,
            facts,
        };
    });
}

/** role-limited-account: one evidence per role of the limited account, or one PASS when none is declared. Pure. */
export function judgeLimitedAccount(limited: AccountState | undefined, instances: readonly RoleAssignmentInstance[]): Evidence[] {
    if (!limited) return [{ subject: "limited account", status: "PASS", detail: "No limited account declared." }];
    const subject = limited.declared.userPrincipalName;
    if (!limited.state) return [{ subject, status: "FAIL", detail: "Not found: its roles cannot be judged." }];
    const id = limited.state.id;
    return LIMITED_ACCOUNT_ROLES.map((role): Evidence => {
        const own = instances.filter((instance) => sameId(instance.principalId, id) && sameId(instance.roleDefinitionId, role.templateId));
        const facts = { role: role.displayName, roleDefinitionId: role.templateId, assignments: own.map(describeInstance) };
        if (own.some((instance) => isPermanentDirectAssignment(instance, role.templateId))) {
            return { subject, id, status: "PASS", detail: `Holds ${role.displayName} active, permanent, at /, directly.`, facts };
        }
        return {
            subject,
            id,
            status: "FAIL",
            detail:
                own.length === 0
                    ? `Does not hold ${role.displayName} (${role.templateId}).`
                    : `Holds ${role.displayName} only as ${own.map(describeInstance).join("; ")}; it must be Assigned, Direct, at /, permanent.`,
            facts,
        };
    });
}

/**
 * role-global-administrator-count: one evidence for the count (PASS 2–4, WARN above 4, FAIL below 2) and one per
 * standing Global Administrator (type, name, permanent or until when; emergency accounts marked). Pure.
 */
export function judgeGlobalAdministratorCount(
    instances: readonly RoleAssignmentInstance[],
    objects: readonly DirectoryObjectSummary[],
    emergencyIds: readonly string[],
): Evidence[] {
    const standing = instances.filter((instance) => sameId(instance.roleDefinitionId, GLOBAL_ADMINISTRATOR_TEMPLATE_ID) && instance.assignmentType === STANDING);
    const principals = [...new Map(standing.map((instance) => [instance.principalId.toLowerCase(), instance.principalId])).values()];
    const count = principals.length;
    const status = count < GLOBAL_ADMINISTRATOR_COUNT.min ? "FAIL" : count > GLOBAL_ADMINISTRATOR_COUNT.warnAbove ? "WARN" : "PASS";
    const why =
        status === "FAIL"
            ? `fewer than ${GLOBAL_ADMINISTRATOR_COUNT.min}: one lost account locks the tenant out`
            : status === "WARN"
              ? `more than ${GLOBAL_ADMINISTRATOR_COUNT.warnAbove}: CIS 1.1.3 wants 2 to 4 and ZTA 21816 fewer (ScubaGear allows up to 8)`
              : `within ${GLOBAL_ADMINISTRATOR_COUNT.min} to ${GLOBAL_ADMINISTRATOR_COUNT.warnAbove}`;
    const evidence: Evidence[] = [
        { subject: "standing Global Administrators", status, detail: `${count} standing Global Administrator(s): ${why}.`, facts: { count } },
    ];
    for (const principalId of principals) {
        const object = objects.find((candidate) => sameId(candidate.id, principalId));
        const own = standing.filter((instance) => sameId(instance.principalId, principalId));
        const emergency = emergencyIds.some((id) => sameId(id, principalId));
        const permanent = own.some((instance) => instance.endDateTime === null);
        const until = own.map((instance) => instance.endDateTime).filter((end): end is string => end !== null).sort().at(-1);
        const name = object?.userPrincipalName ?? object?.displayName ?? "(name not resolved)";
        evidence.push({
            subject: name,
            id: principalId,
            status: "PASS",
            detail: `${object?.type ?? "unknown type"} ${name}${emergency ? " (emergency account)" : ""}: ${permanent ? "permanent" : `until ${until}`}.`,
            facts: { type: object?.type ?? null, emergency, permanent, endDateTime: permanent ? null : (until ?? null) },
        });
    }
    return evidence;
}

/** The role checks, in report order. */
export const ROLE_CHECKS: readonly CheckDefinition[] = [
    {
        id: "role-permanent-global-administrator",
        title: "Each Global Administrator emergency account holds the role active, permanent, at / and directly; the limited account never",
        severity: "critical",
        sources: ["Microsoft", "ZTA 21835", "ScubaGear MS.AAD.7.1v1", "CIS 1.1.3"],
        permissions: [PERMISSIONS.users, PERMISSIONS.roles],
        async run(context) {
            const [accounts, instances] = await Promise.all([readAccounts(context), readGlobalAdministratorInstances(context)]);
            return { evidence: judgePermanentGlobalAdministrator(accounts, instances) };
        },
    },
    {
        id: "role-limited-account",
        title: "The limited account holds Conditional Access Administrator and Authentication Policy Administrator, permanent and active at /",
        severity: "high",
        sources: ["Microsoft"],
        permissions: [PERMISSIONS.users, PERMISSIONS.roles],
        async run(context) {
            const limited = (await readAccounts(context)).find((account) => account.declared.limited);
            const instances = limited?.state ? await readRoleInstancesOf(context, limited.state.id) : [];
            return { evidence: judgeLimitedAccount(limited, instances) };
        },
    },
    {
        id: "role-global-administrator-count",
        title: "The tenant has 2 to 4 standing Global Administrators, each listed",
        severity: "medium",
        sources: ["ZTA 21816", "ScubaGear MS.AAD.7.1v1", "CIS 1.1.3"],
        permissions: [PERMISSIONS.users, PERMISSIONS.roles, PERMISSIONS.directoryObjects],
        async run(context) {
            const [accounts, instances] = await Promise.all([readAccounts(context), readGlobalAdministratorInstances(context)]);
            const objects = await readDirectoryObjects(context, instances.map((instance) => instance.principalId));
            const emergencyIds = accounts.map((account) => account.state?.id).filter((id): id is string => id !== undefined);
            return { evidence: judgeGlobalAdministratorCount(instances, objects, emergencyIds) };
        },
    },
];
