// The Graph reads the checks of accounts, roles, Conditional Access, What-If, credentials, drills and protection
// share, each made once per run through `context.shared`: the accounts' states, their sign-in activity, the policy
// list, the Global Administrator instances, the methods. A failed read fails every check that needs it with the same
// error (the run reports it as NOT_RUN with the message graph/ built: object, operation, permission).
// Also the Graph permissions each read needs, so every check lists exactly what it uses.
import { listAdministrativeUnitMemberIds, findAdministrativeUnits, readAdministrativeUnit, type AdministrativeUnit } from "../../../graph/administrativeUnits";
import {
    listAuthenticationMethods,
    listFido2Methods,
    type AuthenticationMethodSummary,
    type Fido2Method,
} from "../../../graph/authenticationMethods";
import { WHAT_IF_PERMISSION, evaluateConditionalAccess, listConditionalAccessPolicies, type WhatIfPolicy } from "../../../graph/conditionalAccess";
import { DIRECTORY_READ_PERMISSION, resolveDirectoryObjects, type DirectoryObjectSummary } from "../../../graph/directoryObjects";
import { GROUP_READ_PERMISSION, listGroupMemberIds, listGroupOwnerIds, readGroup, type GroupState } from "../../../graph/groups";
import { ROLE_READ_PERMISSION, listRoleAssignmentInstances, type RoleAssignmentInstance } from "../../../graph/roles";
import {
    SIGN_IN_ACTIVITY_PERMISSION,
    USER_READ_PERMISSION,
    readSignInActivity,
    readUserState,
    type SignInActivity,
    type UserState,
} from "../../../graph/users";
import type { ConditionalAccessPolicy } from "../../../policies/contract/conditionalAccess";
import { DEFAULTS, GLOBAL_ADMINISTRATOR_TEMPLATE_ID, LIMITED_ACCOUNT_KEY } from "../../../policies/contract/constants";
import type { Declaration, DeclaredAccount, Permission, VerifyContext, WhatIfCase } from "../model";

/** The directory role that lets a person make every read below (delegated, with the Azure CLI). */
export const READER_ROLE = "Global Reader";

/** The same permission as application permission and delegated scope, and the reader role. */
function both(permission: string): Permission {
    return { application: permission, delegated: permission, role: READER_ROLE };
}

/** The Graph permission of each read, as the Graph docs name the least privileged one that covers it. */
export const PERMISSIONS = {
    /** GET /users/{id}: the account's state. */
    users: both(USER_READ_PERMISSION),
    /** GET /users/{id}?$select=signInActivity (also needs Entra ID P1 or P2). */
    signInActivity: both(SIGN_IN_ACTIVITY_PERMISSION),
    /** GET /roleManagement/directory/roleAssignmentScheduleInstances. */
    roles: both(ROLE_READ_PERMISSION),
    /** POST /directoryObjects/getByIds: the names of the standing Global Administrators. */
    directoryObjects: both(DIRECTORY_READ_PERMISSION),
    /** GET /identity/conditionalAccess/policies. */
    conditionalAccess: both("Policy.Read.All"),
    /**
     * POST /identity/conditionalAccess/evaluate: the least privileged permission the v1.0 page names
     * (microsoft-graph-docs-contrib, api-reference/v1.0/includes/permissions/conditionalaccessroot-evaluate-permissions.md).
     */
    whatIf: both(WHAT_IF_PERMISSION),
    /** GET /users/{id}/authentication/methods and .../fido2Methods: reading only, never the ReadWrite permission. */
    methods: both("UserAuthenticationMethod.Read.All"),
    /** GET /groups/{id}, its owners and members. */
    groups: both(GROUP_READ_PERMISSION),
    /** GET /directory/administrativeUnits and its members: reading only. */
    administrativeUnits: both("AdministrativeUnit.Read.All"),
} as const satisfies Record<string, Permission>;

/** A declared account and what the tenant holds for it (undefined: Graph answered 404). */
export interface AccountState {
    readonly declared: DeclaredAccount;
    readonly state?: UserState;
}

/** The account's object id: as read, else as declared; undefined when it exists nowhere. */
export function accountId(account: AccountState): string | undefined {
    return account.state?.id ?? account.declared.id;
}

/** The evidence's `id` of an account: `{id}` when it exists, else nothing (never an `id: undefined` key). */
export function evidenceId(account: AccountState): { readonly id?: string } {
    return account.state ? { id: account.state.id } : {};
}

/** `breakglass-1@contoso.onmicrosoft.com`-style label of a declared account. */
export function accountSubject(account: AccountState): string {
    return account.declared.userPrincipalName;
}

/** Every declared account with its state (by object id when declared, else by user principal name), read once per run. */
export function readAccounts(context: VerifyContext): Promise<readonly AccountState[]> {
    return context.shared("accounts", () =>
        Promise.all(
            context.declaration.accounts.map(async (declared): Promise<AccountState> => {
                const state = await readUserState(context.graph, declared.id ?? declared.userPrincipalName);
                return state ? { declared, state } : { declared };
            }),
        ),
    );
}

/** The accounts that exist, with their object ids. */
export async function readExistingAccounts(context: VerifyContext): Promise<readonly (AccountState & { readonly state: UserState })[]> {
    return (await readAccounts(context)).filter((account): account is AccountState & { readonly state: UserState } => account.state !== undefined);
}

/** The object ids of every declared account that exists (lower-cased comparisons are the caller's: use sameId). */
export async function readAccountIds(context: VerifyContext): Promise<string[]> {
    return (await readExistingAccounts(context)).map((account) => account.state.id);
}

/** Each existing account's sign-in activity, by object id, read once per run. */
export function readSignInActivities(context: VerifyContext): Promise<ReadonlyMap<string, SignInActivity | undefined>> {
    return context.shared("signInActivity", async () => {
        const accounts = await readExistingAccounts(context);
        const activities = await Promise.all(accounts.map((account) => readSignInActivity(context.graph, account.state.id)));
        return new Map(accounts.map((account, index) => [account.state.id, activities[index]]));
    });
}

/** Every Conditional Access policy, read once per run. */
export function readPolicies(context: VerifyContext): Promise<readonly ConditionalAccessPolicy[]> {
    return context.shared("conditionalAccessPolicies", () => listConditionalAccessPolicies(context.graph));
}

/** Every active Global Administrator assignment of the tenant (standing and activated), read once per run. */
export function readGlobalAdministratorInstances(context: VerifyContext): Promise<readonly RoleAssignmentInstance[]> {
    return context.shared("roles:globalAdministrator", () =>
        listRoleAssignmentInstances(context.graph, { roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID }),
    );
}

/** Every active role assignment of one principal, read once per run. */
export function readRoleInstancesOf(context: VerifyContext, principalId: string): Promise<readonly RoleAssignmentInstance[]> {
    return context.shared(`roles:principal:${principalId.toLowerCase()}`, () => listRoleAssignmentInstances(context.graph, { principalId }));
}

/** Directory objects by id (names and types of role holders), read once per run for the same set of ids. */
export function readDirectoryObjects(context: VerifyContext, ids: readonly string[]): Promise<readonly DirectoryObjectSummary[]> {
    const distinct = [...new Set(ids.map((id) => id.toLowerCase()))].sort();
    if (distinct.length === 0) return Promise.resolve([]);
    return context.shared(`directoryObjects:${distinct.join(",")}`, () => resolveDirectoryObjects(context.graph, distinct));
}

/** A user's registered methods (every kind), read once per run. */
export function readMethods(context: VerifyContext, user: { readonly id: string; readonly userPrincipalName?: string }): Promise<readonly AuthenticationMethodSummary[]> {
    return context.shared(`methods:${user.id.toLowerCase()}`, () => listAuthenticationMethods(context.graph, user));
}

/** A user's FIDO2 methods, read once per run. */
export function readFido2(context: VerifyContext, user: { readonly id: string; readonly userPrincipalName?: string }): Promise<readonly Fido2Method[]> {
    return context.shared(`fido2:${user.id.toLowerCase()}`, () => listFido2Methods(context.graph, user));
}

/** The emergency group as the tenant holds it: its state (undefined when deleted), owners and direct members. */
export interface GroupFacts {
    readonly group?: GroupState;
    readonly ownerIds: readonly string[];
    readonly memberIds: readonly string[];
}

/** The declared group, its owners and members, read once per run. */
export function readEmergencyGroup(context: VerifyContext): Promise<GroupFacts> {
    return context.shared("group", async () => {
        const id = context.declaration.group.id;
        const group = await readGroup(context.graph, id);
        if (!group) return { ownerIds: [], memberIds: [] };
        const [ownerIds, memberIds] = await Promise.all([listGroupOwnerIds(context.graph, id), listGroupMemberIds(context.graph, id)]);
        return { group, ownerIds, memberIds };
    });
}

/** The restricted-management unit as found (by declared id, else by the default display name) and its members. */
export interface UnitFacts {
    /** How it was looked for, for the evidence. */
    readonly lookedUpBy: string;
    /** Every unit found (more than one by name is itself a finding). */
    readonly units: readonly AdministrativeUnit[];
    /** Members of the first unit found. */
    readonly memberIds: readonly string[];
}

/** The unit and its members, read once per run. */
export function readRestrictedUnit(context: VerifyContext): Promise<UnitFacts> {
    return context.shared("administrativeUnit", async () => {
        const declaredId = context.declaration.administrativeUnitId;
        const units = declaredId
            ? [await readAdministrativeUnit(context.graph, declaredId)].filter((unit): unit is AdministrativeUnit => unit !== undefined)
            : await findAdministrativeUnits(context.graph, DEFAULTS.administrativeUnitDisplayName);
        const lookedUpBy = declaredId ? `id ${declaredId}` : `display name "${DEFAULTS.administrativeUnitDisplayName}"`;
        const memberIds = units.length > 0 ? await listAdministrativeUnitMemberIds(context.graph, units[0].id) : [];
        return { lookedUpBy, units, memberIds };
    });
}

/** How many numbers past the highest declared one are looked up for forgotten `<prefix>-<n>` accounts. */
export const EXTRA_ACCOUNT_PROBES = 4;

/** The accounts' naming prefix (`breakglass` of `breakglass-1@...`), or undefined when the names follow no `<prefix>-<key>` pattern. */
export function accountPrefix(declaration: Declaration): string | undefined {
    for (const account of declaration.accounts) {
        const local = account.userPrincipalName.split("@")[0];
        const suffix = `-${account.key}`;
        if (local.toLowerCase().endsWith(suffix.toLowerCase())) return local.slice(0, local.length - suffix.length);
    }
    return undefined;
}

/**
 * The user principal names a forgotten emergency account would have: `<prefix>-<n>` for the EXTRA_ACCOUNT_PROBES
 * numbers after the highest declared one, and `<prefix>-limited` when no limited account is declared. Pure.
 */
export function undeclaredAccountNames(declaration: Declaration): string[] {
    const prefix = accountPrefix(declaration);
    if (prefix === undefined) return [];
    const numbers = declaration.accounts.map((account) => account.key).filter((key): key is number => typeof key === "number");
    const highest = Math.max(0, ...numbers);
    const names = Array.from({ length: EXTRA_ACCOUNT_PROBES }, (_, index) => `${prefix}-${highest + 1 + index}@${declaration.tenantDomain}`);
    if (!declaration.accounts.some((account) => account.limited)) names.push(`${prefix}-${LIMITED_ACCOUNT_KEY}@${declaration.tenantDomain}`);
    return names;
}

/**
 * Users that exist under a name undeclaredAccountNames gives (a forgotten account), read once per run. Graph has no
 * cheap "every user whose name starts with" for this without a consistency-level header, so the likely names are
 * looked up one by one.
 */
export function readUndeclaredAccounts(context: VerifyContext): Promise<readonly UserState[]> {
    return context.shared("accounts:undeclared", async () => {
        const found = await Promise.all(undeclaredAccountNames(context.declaration).map((name) => readUserState(context.graph, name)));
        return found.filter((user): user is UserState => user !== undefined);
    });
}

/** What What-If found for one account and one case of the matrix. */
export interface WhatIfOutcome {
    readonly account: AccountState;
    readonly whatIfCase: WhatIfCase;
    /** The policies Graph says would apply. */
    readonly policies: readonly WhatIfPolicy[];
}

/**
 * What-If for every existing account and every case of the matrix, one request at a time: Conditional Access allows
 * about one request per second per tenant for all apps together, and the client paces them.
 */
export async function readWhatIf(context: VerifyContext): Promise<WhatIfOutcome[]> {
    const outcomes: WhatIfOutcome[] = [];
    for (const account of await readExistingAccounts(context)) {
        for (const whatIfCase of context.declaration.whatIf) {
            const policies = await evaluateConditionalAccess(context.graph, {
                userId: account.state.id,
                application: whatIfCase.application,
                clientAppType: whatIfCase.clientAppType,
            });
            outcomes.push({ account, whatIfCase, policies });
        }
    }
    return outcomes;
}

/** Whole days from `from` to `to` (fractions kept). */
export function daysBetween(from: Date, to: Date): number {
    return (to.getTime() - from.getTime()) / 86_400_000;
}

/** A date string Graph sent, parsed; undefined when absent or unreadable. */
export function parseDate(value: string | null | undefined): Date | undefined {
    if (typeof value !== "string" || value === "") return undefined;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
