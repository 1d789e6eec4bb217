// Accounts: every declared emergency account exists as Microsoft and the auditors want it (enabled, cloud-only, a
// member, on the initial *.onmicrosoft.com domain, unlicensed), and the tenant holds exactly the declared number of
// them, with no forgotten `<prefix>-<n>` account holding Global Administrator beside them.
import type { RoleAssignmentInstance } from "../../../graph/roles";
import type { UserState } from "../../../graph/users";
import { sameId } from "../../../policies/contract/conditionalAccess";
import { INITIAL_DOMAIN_SUFFIX, isInitialDomain } from "../../../policies/contract/constants";
import type { CheckDefinition, Declaration, Evidence } from "../model";
import { PERMISSIONS, readAccounts, readGlobalAdministratorInstances, readUndeclaredAccounts, type AccountState } from "./reads";

/** What is wrong with one existing account, one sentence each, in a fixed order. Pure. */
export function accountProblems(declared: AccountState["declared"], state: UserState): string[] {
    const problems: string[] = [];
    if (state.userPrincipalName.toLowerCase() !== declared.userPrincipalName.toLowerCase()) {
        problems.push(`its user principal name is ${state.userPrincipalName}, not the declared ${declared.userPrincipalName}`);
    }
    if (!state.accountEnabled) problems.push("it is disabled (accountEnabled false)");
    if (state.onPremisesSyncEnabled === true) problems.push("it is synchronized from on-premises (onPremisesSyncEnabled true), not cloud-only");
    if (state.userType !== "Member") problems.push(`it is not a member (userType ${state.userType ?? "null"})`);
    const domain = state.userPrincipalName.split("@")[1] ?? "";
    if (!isInitialDomain(domain)) problems.push(`its domain ${domain || "(none)"} is not the initial *${INITIAL_DOMAIN_SUFFIX} domain`);
    if (state.assignedLicenses.length > 0) {
        problems.push(`it holds ${state.assignedLicenses.length} license(s) (skuId ${state.assignedLicenses.map((license) => license.skuId).join(", ")})`);
    }
    return problems;
}

/** accounts-exist: one evidence per declared account. Pure. */
export function judgeAccountsExist(accounts: readonly AccountState[]): Evidence[] {
    return accounts.map((account): Evidence => {
        const subject = account.declared.userPrincipalName;
        if (!account.state) {
            return {
                subject,
                ...(account.declared.id ? { id: account.declared.id } : {}),
                status: "FAIL",
                detail: `Not found: Graph answered 404 for ${account.declared.id ? `user ${account.declared.id}` : subject}.`,
            };
        }
        const state = account.state;
        const problems = accountProblems(account.declared, state);
        const facts = {
            userPrincipalName: state.userPrincipalName,
            accountEnabled: state.accountEnabled,
            onPremisesSyncEnabled: state.onPremisesSyncEnabled,
            userType: state.userType,
            licenses: state.assignedLicenses.map((license) => license.skuId),
            createdDateTime: state.createdDateTime ?? null,
        };
        return problems.length === 0
            ? { subject, id: state.id, status: "PASS", detail: "Exists, enabled, cloud-only, a member, on the initial domain, unlicensed.", facts }
            : { subject, id: state.id, status: "FAIL", detail: `${capitalize(problems.join("; "))}.`, facts };
    });
}

/** What accounts-count judges: the declared accounts as read, the undeclared `<prefix>-<n>` users found, and who holds Global Administrator. */
export interface AccountCountFacts {
    readonly accounts: readonly AccountState[];
    readonly undeclared: readonly UserState[];
    readonly globalAdministrators: readonly RoleAssignmentInstance[];
}

/**
 * accounts-count. The Global Administrator emergency accounts found are the declared ones that exist plus any
 * undeclared `<prefix>-<n>` user holding Global Administrator (an emergency account nobody declares, excludes or
 * watches): their number must equal the declaration, and the limited account must exist when declared. An
 * undeclared `<prefix>-<n>` user without the role is a WARN: a forgotten account to delete. Pure.
 */
export function judgeAccountsCount(facts: AccountCountFacts, declaration: Declaration): Evidence[] {
    const holdsGlobalAdministrator = (id: string) => facts.globalAdministrators.some((instance) => sameId(instance.principalId, id));
    const declaredFull = declaration.accounts.filter((account) => !account.limited);
    const foundDeclared = facts.accounts.filter((account) => !account.declared.limited && account.state !== undefined);
    const missing = facts.accounts.filter((account) => !account.declared.limited && account.state === undefined);
    const undeclaredAdmins = facts.undeclared.filter((user) => holdsGlobalAdministrator(user.id));
    const found = foundDeclared.length + undeclaredAdmins.length;
    const names = [...foundDeclared.map((account) => account.state?.userPrincipalName ?? ""), ...undeclaredAdmins.map((user) => user.userPrincipalName)];
    const evidence: Evidence[] = [
        {
            subject: "Global Administrator emergency accounts",
            status: found === declaredFull.length ? "PASS" : "FAIL",
            detail:
                found === declaredFull.length
                    ? `${found} found, as declared.`
                    : `${found} found, ${declaredFull.length} declared` +
                      (missing.length > 0 ? `; missing: ${missing.map((account) => account.declared.userPrincipalName).join(", ")}` : "") +
                      (undeclaredAdmins.length > 0 ? `; undeclared and holding Global Administrator: ${undeclaredAdmins.map((user) => `${user.userPrincipalName} (${user.id})`).join(", ")}` : "") +
                      ".",
            facts: { declared: declaredFull.length, found, accounts: names },
        },
    ];
    const limited = facts.accounts.find((account) => account.declared.limited);
    if (limited) {
        evidence.push({
            subject: limited.declared.userPrincipalName,
            ...(limited.state ? { id: limited.state.id } : {}),
            status: limited.state ? "PASS" : "FAIL",
            detail: limited.state ? "The declared limited account exists." : "The declared limited account was not found.",
        });
    }
    for (const user of facts.undeclared.filter((candidate) => !holdsGlobalAdministrator(candidate.id))) {
        evidence.push({
            subject: user.userPrincipalName,
            id: user.id,
            status: "WARN",
            detail: `Exists but is not declared: a forgotten emergency account? Delete it or declare it (created ${user.createdDateTime ?? "at an unknown date"}).`,
            facts: { accountEnabled: user.accountEnabled, createdDateTime: user.createdDateTime ?? null },
        });
    }
    return evidence;
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The account checks, in report order. */
export const ACCOUNT_CHECKS: readonly CheckDefinition[] = [
    {
        id: "accounts-exist",
        title: "Every declared emergency account exists, enabled, cloud-only, a member, on *.onmicrosoft.com and unlicensed",
        severity: "critical",
        sources: ["Microsoft", "ZTA 21835", "CIS 1.1.2"],
        permissions: [PERMISSIONS.users],
        async run(context) {
            return { evidence: judgeAccountsExist(await readAccounts(context)) };
        },
    },
    {
        id: "accounts-count",
        title: "The tenant holds exactly the declared emergency accounts, and no forgotten one",
        severity: "high",
        sources: ["Microsoft", "CIS 1.1.2"],
        permissions: [PERMISSIONS.users, PERMISSIONS.roles],
        async run(context) {
            const [accounts, undeclared, globalAdministrators] = await Promise.all([
                readAccounts(context),
                readUndeclaredAccounts(context),
                readGlobalAdministratorInstances(context),
            ]);
            return { evidence: judgeAccountsCount({ accounts, undeclared, globalAdministrators }, context.declaration) };
        },
    },
];
