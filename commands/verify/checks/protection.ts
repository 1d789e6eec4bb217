// Protection (CIS 1.1.2): the exclusion group cannot be used to slip someone past Conditional Access (role-assignable,
// so only a Privileged Role Administrator changes it; private; security-only; no owners; members exactly the accounts),
// and, when declared, the restricted-management administrative unit holds the accounts and the group.
import type { GroupState } from "../../../graph/groups";
import { sameId } from "../../../policies/contract/conditionalAccess";
import type { CheckDefinition, Declaration, Evidence } from "../model";
import { PERMISSIONS, readAccounts, readRestrictedUnit, readEmergencyGroup, type AccountState, type GroupFacts, type UnitFacts } from "./reads";

/** What is wrong with the group's own settings, one sentence each. Pure. */
export function groupSettingProblems(group: GroupState): string[] {
    const problems: string[] = [];
    if (group.isAssignableToRole !== true) problems.push("it is not role-assignable (isAssignableToRole not true): a Groups Administrator can change its members");
    if (group.visibility !== "Private") problems.push(`its visibility is ${group.visibility ?? "null"}, not Private`);
    if (!group.securityEnabled) problems.push("it is not security-enabled");
    if (group.mailEnabled) problems.push("it is mail-enabled");
    return problems;
}

/** The ids of `wanted` absent from `present`, and of `present` absent from `wanted`. */
function difference(present: readonly string[], wanted: readonly string[]): { missing: string[]; extra: string[] } {
    return {
        missing: wanted.filter((id) => !present.some((other) => sameId(other, id))),
        extra: present.filter((id) => !wanted.some((other) => sameId(other, id))),
    };
}

/** Each id with the account name it belongs to, for evidence. */
function named(ids: readonly string[], accounts: readonly AccountState[]): string {
    return ids
        .map((id) => {
            const account = accounts.find((candidate) => candidate.state && sameId(candidate.state.id, id));
            return account ? `${account.declared.userPrincipalName} (${id})` : id;
        })
        .join(", ");
}

/** protection-group: one evidence for the group's settings and owners, one for its members. Pure. */
export function judgeProtectionGroup(facts: GroupFacts, accounts: readonly AccountState[], declaration: Declaration): Evidence[] {
    const subject = declaration.group.displayName;
    const id = declaration.group.id;
    if (!facts.group) return [{ subject, id, status: "FAIL", detail: `Not found: Graph answered 404 for group ${id}.` }];
    const problems = groupSettingProblems(facts.group);
    if (facts.ownerIds.length > 0) problems.push(`it has owners (${facts.ownerIds.join(", ")}), who can change its members`);
    const accountIds = accounts.map((account) => account.state?.id ?? account.declared.id).filter((value): value is string => value !== undefined);
    const members = difference(facts.memberIds, accountIds);
    const settings: Evidence = {
        subject,
        id,
        status: problems.length === 0 ? "PASS" : "FAIL",
        detail: problems.length === 0 ? "Role-assignable, private, security-enabled, not mail-enabled, no owners." : `${problems.join("; ")}.`,
        facts: {
            isAssignableToRole: facts.group.isAssignableToRole,
            visibility: facts.group.visibility,
            securityEnabled: facts.group.securityEnabled,
            mailEnabled: facts.group.mailEnabled,
            ownerIds: facts.ownerIds,
        },
    };
    const membersOk = members.missing.length === 0 && members.extra.length === 0;
    const membership: Evidence = {
        subject,
        id,
        status: membersOk ? "PASS" : "FAIL",
        detail: membersOk
            ? `Its ${facts.memberIds.length} member(s) are exactly the accounts.`
            : [
                  ...(members.missing.length > 0 ? [`missing member(s): ${named(members.missing, accounts)}`] : []),
                  ...(members.extra.length > 0 ? [`member(s) that are not emergency accounts: ${members.extra.join(", ")}`] : []),
              ].join("; ") + ".",
        facts: { memberIds: facts.memberIds, missing: members.missing, extra: members.extra },
    };
    return [settings, membership];
}

/** protection-administrative-unit: PASS "not declared", or the unit's existence, restriction and members. Pure. */
export function judgeAdministrativeUnit(facts: UnitFacts | undefined, accounts: readonly AccountState[], declaration: Declaration): Evidence[] {
    if (!declaration.restrictedManagement || !facts) {
        return [{ subject: "restricted-management administrative unit", status: "PASS", detail: "Not declared (restrictedManagement is false)." }];
    }
    const [unit, ...more] = facts.units;
    if (!unit) return [{ subject: "restricted-management administrative unit", status: "FAIL", detail: `Not found by ${facts.lookedUpBy}.` }];
    const problems: string[] = [];
    if (more.length > 0) problems.push(`${facts.units.length} units carry the name (${facts.units.map((candidate) => candidate.id).join(", ")}); declare its id`);
    if (!unit.isMemberManagementRestricted) problems.push("isMemberManagementRestricted is not true: tenant-wide admins still manage its members");
    const wanted = [
        ...accounts.map((account) => account.state?.id ?? account.declared.id).filter((value): value is string => value !== undefined),
        declaration.group.id,
    ];
    const { missing } = difference(facts.memberIds, wanted);
    if (missing.length > 0) problems.push(`it does not hold ${named(missing, accounts)}`);
    return [
        {
            subject: unit.displayName,
            id: unit.id,
            status: problems.length === 0 ? "PASS" : "FAIL",
            detail: problems.length === 0 ? `Restricted, and holds the ${accounts.length} account(s) and the group.` : `${problems.join("; ")}.`,
            facts: { isMemberManagementRestricted: unit.isMemberManagementRestricted, memberIds: facts.memberIds, missing },
        },
    ];
}

/** The protection checks, in report order. */
export const PROTECTION_CHECKS: readonly CheckDefinition[] = [
    {
        id: "protection-group",
        title: "The exclusion group is role-assignable, private, security-only, has no owners and holds exactly the accounts",
        severity: "high",
        sources: ["CIS 1.1.2", "Microsoft"],
        permissions: [PERMISSIONS.users, PERMISSIONS.groups],
        async run(context) {
            const [facts, accounts] = await Promise.all([readEmergencyGroup(context), readAccounts(context)]);
            return { evidence: judgeProtectionGroup(facts, accounts, context.declaration) };
        },
    },
    {
        id: "protection-administrative-unit",
        title: "When declared, the restricted-management administrative unit exists, is restricted and holds every account and the group",
        severity: "high",
        sources: ["CIS 1.1.2"],
        permissions: [PERMISSIONS.users, PERMISSIONS.administrativeUnits],
        async run(context) {
            if (!context.declaration.restrictedManagement) return { evidence: judgeAdministrativeUnit(undefined, [], context.declaration) };
            const [facts, accounts] = await Promise.all([readRestrictedUnit(context), readAccounts(context)]);
            return { evidence: judgeAdministrativeUnit(facts, accounts, context.declaration) };
        },
    },
];
