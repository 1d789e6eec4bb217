// The dynamic provider of RestrictedManagementUnit: one administrative unit created with
// isMemberManagementRestricted, holding the emergency accounts and their group, so that only roles assigned at the
// unit's scope can change them (a tenant-wide User, Groups or Authentication Administrator, and an application with
// tenant-wide Graph permissions, no longer can). Graph sets the flag only at creation: an existing unit of the same
// name without it is refused, never adopted, and the flag is replace-only. Delete does nothing: the unit keeps
// protecting the accounts (the program also declares it retainOnDelete).
//
// Pulumi serializes these functions into the resource's `__provider` input and runs them in the dynamic-provider
// host: no module-level mutable state, no Node built-in imports, no `pulumi` namespace at run time.
import type { TokenCredential } from "@azure/identity";
import type * as pulumi from "@pulumi/pulumi";
import {
    addAdministrativeUnitMember,
    createRestrictedAdministrativeUnit,
    findAdministrativeUnits,
    listAdministrativeUnitMemberIds,
    readAdministrativeUnit,
    removeAdministrativeUnitMember,
    updateAdministrativeUnit,
    type AdministrativeUnit,
} from "../graph/administrativeUnits";
import { graphEndpointProblem, type GraphClient } from "../graph/client";
import { statusOf } from "../graph/errors";
import type { RetryOptions } from "../graph/retry";
import { createGraphSession, type GraphSession } from "../graph/session";
import { DEFAULTS, UNKNOWN_VALUE } from "../policies/contract/constants";

/** Inputs of the unit, as the provider receives them (every Output resolved). */
export interface RestrictedManagementUnitInputs {
    /** The unit's display name; also how an existing unit is found (DEFAULTS.administrativeUnitDisplayName). */
    readonly displayName: string;
    /** The unit's description, as admins read it in the portal. */
    readonly description: string;
    /** Declared so the pack sees it; check refuses anything but true. */
    readonly isMemberManagementRestricted: true;
    /** The accounts' and the group's object ids: the unit's members, and nothing else. */
    readonly memberIds: string[];
    /** Graph origin, e.g. `https://graph.microsoft.com`. */
    readonly graphEndpoint: string;
}

/** State of the unit: the inputs with `memberIds` as the unit holds them (after a refresh: as live), and its id. */
export interface RestrictedManagementUnitOutputs extends Omit<RestrictedManagementUnitInputs, "isMemberManagementRestricted"> {
    /** As Graph holds it; never false for a unit this provider made or adopted. */
    readonly isMemberManagementRestricted: boolean;
    /** The unit's object id (also the resource id). */
    readonly unitId: string;
}

/** Options of the provider factory. Without any, the provider is the one a real `pulumi up` uses. */
export interface RestrictedManagementUnitProviderOptions {
    /** Source of Graph tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing of throttled and unavailable responses; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
}

/** The provider object; `session` is made by `configure` (or on first use) in the process that runs it. */
export interface RestrictedManagementUnitProvider extends pulumi.dynamic.ResourceProvider {
    /** The process's Graph session. Never set before serialization: the program never runs the provider. */
    session?: GraphSession;
}

/**
 * The least built-in role that, assigned at the unit's scope, lets the deploy identity keep managing the emergency
 * accounts inside it. Sources (Microsoft Entra documentation, MicrosoftDocs/entra-docs):
 * - "Restricted management administrative units" (admin-units-restricted-management.md): only administrators with an
 *   explicit assignment at the unit's scope change the objects inside; a tenant-wide Global or Privileged Role
 *   Administrator manages the unit and its members but not the objects; Graph application permissions do not apply
 *   ("assign a Microsoft Entra role to the application at the scope of the restricted management administrative unit").
 * - "Assign Microsoft Entra roles with administrative unit scope" (admin-units-assign-roles.md): the roles assignable
 *   at a unit's scope are Authentication, Cloud Device, Groups, Helpdesk, License, Password, Printer, Privileged
 *   Authentication, SharePoint, Teams, Teams Devices and User Administrator (and custom roles). At unit scope, reading
 *   and changing authentication methods, resetting passwords and changing sensitive properties apply to non-admin
 *   users only, except for Privileged Authentication Administrator ("any user (admin or non-admin)").
 * - Its permissions (includes/privileged-authentication-administrator.md): users' basic properties, enable and
 *   disable, password update, authentication methods read/create/delete, refresh-token revocation; no group rights.
 * The accounts hold Global Administrator, so this is the only unit-scoped role whose documented reach includes them.
 * Limits the same pages state, which no unit-scoped role lifts: "a Global Administrator in a restricted management
 * administrative unit can't have their password reset by any other administrator", and a role-assignable group (the
 * emergency group is one) added to such a unit "can't have their membership modified".
 */
export const RESTRICTED_UNIT_SCOPED_ROLE = {
    name: "Privileged Authentication Administrator",
    templateId: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
} as const;

/** The directory scope of a role assigned at a unit's scope (unifiedRoleAssignment.directoryScopeId). */
export function administrativeUnitScope(unitId: string): string {
    return `/administrativeUnits/${unitId}`;
}

/** The sentence every 403 from inside the unit ends with: the role the deploy identity needs at the unit's scope. */
export function restrictedUnitScopeNote(unitId: string): string {
    return (
        `To keep managing the emergency accounts inside the restricted-management administrative unit ${unitId}, the deploy ` +
        `identity needs the ${RESTRICTED_UNIT_SCOPED_ROLE.name} role (template ${RESTRICTED_UNIT_SCOPED_ROLE.templateId}) ` +
        `assigned at the unit's scope (${administrativeUnitScope(unitId)}); tenant-wide roles and Graph application ` +
        "permissions do not reach objects inside the unit"
    );
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE || (Array.isArray(value) && value.some(isUnknown));
}

/** Missing optional inputs with their defaults: the contract's display name, global Graph. */
export function withRestrictedManagementUnitDefaults(news: Partial<RestrictedManagementUnitInputs>): Partial<RestrictedManagementUnitInputs> {
    return {
        ...news,
        displayName: news.displayName ?? DEFAULTS.administrativeUnitDisplayName,
        graphEndpoint: news.graphEndpoint ?? DEFAULTS.graphEndpoint,
    };
}

/** Input failures found before any request; unknown values (preview) are not judged. */
export function checkRestrictedManagementUnitInputs(news: Partial<RestrictedManagementUnitInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!isUnknown(news.displayName) && !(typeof news.displayName === "string" && news.displayName.trim() !== "")) {
        failures.push({ property: "displayName", reason: `displayName must be a non-empty string, got ${JSON.stringify(news.displayName)}` });
    }
    if (!isUnknown(news.description) && typeof news.description !== "string") {
        failures.push({ property: "description", reason: `description must be a string, got ${JSON.stringify(news.description)}` });
    }
    const restricted: unknown = news.isMemberManagementRestricted;
    if (!isUnknown(restricted) && restricted !== true) {
        failures.push({
            property: "isMemberManagementRestricted",
            reason:
                `isMemberManagementRestricted must be true, got ${JSON.stringify(restricted)}: this resource exists to make ` +
                "a restricted-management unit, and Graph sets the flag only when a unit is created",
        });
    }
    const ids: unknown = news.memberIds;
    if (!isUnknown(ids)) {
        if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== "string" || !GUID.test(id))) {
            failures.push({ property: "memberIds", reason: `memberIds must be a non-empty list of object ids (GUIDs), got ${JSON.stringify(ids)}` });
        }
    }
    const endpointProblem = isUnknown(news.graphEndpoint) ? undefined : graphEndpointProblem(news.graphEndpoint ?? "");
    if (endpointProblem) failures.push({ property: "graphEndpoint", reason: endpointProblem });
    return failures;
}

/** `true` when both lists hold the same ids, without regard to case or order; unknown values count as different. */
export function sameMemberIds(a: unknown, b: unknown): boolean {
    if (!Array.isArray(a) || !Array.isArray(b) || isUnknown(a) || isUnknown(b)) return false;
    const left = new Set(a.map((id) => String(id).toLowerCase()));
    const right = new Set(b.map((id) => String(id).toLowerCase()));
    return left.size === right.size && [...left].every((id) => right.has(id));
}

/**
 * The flag is replace-only (Graph sets it only at creation); a new name or description is an update; members are
 * compared as sets of ids without regard to case, so a refresh that found a member missing (or an extra one) shows
 * as an update that puts the declared members back.
 */
export function diffRestrictedManagementUnit(
    olds: Partial<RestrictedManagementUnitOutputs>,
    news: Partial<RestrictedManagementUnitInputs>,
): pulumi.dynamic.DiffResult {
    const replaces = olds.isMemberManagementRestricted !== news.isMemberManagementRestricted ? ["isMemberManagementRestricted"] : [];
    const changes =
        replaces.length > 0 ||
        olds.displayName !== news.displayName ||
        olds.description !== news.description ||
        olds.graphEndpoint !== news.graphEndpoint ||
        !sameMemberIds(olds.memberIds, news.memberIds);
    return { changes, replaces, deleteBeforeReplace: false };
}

/** What to do with the units found under the declared display name. */
export type UnitChoice =
    | { readonly kind: "create" }
    | { readonly kind: "adopt"; readonly unit: AdministrativeUnit }
    | { readonly kind: "refuse"; readonly reason: string };

/**
 * None: create one. Exactly one, restricted: adopt it (a unit this program made before its state was lost, or one an
 * admin prepared). One without the flag: refuse, since Graph can never add the flag and adopting it would leave the
 * accounts manageable by every tenant-wide administrator. Several: refuse, naming them.
 */
export function chooseAdministrativeUnit(found: readonly AdministrativeUnit[], displayName: string): UnitChoice {
    if (found.length === 0) return { kind: "create" };
    if (found.length === 1) {
        const [unit] = found;
        if (unit.isMemberManagementRestricted) return { kind: "adopt", unit };
        return {
            kind: "refuse",
            reason:
                `Administrative unit ${unit.id} ("${unit.displayName}") already exists without isMemberManagementRestricted. ` +
                "Graph sets that flag only when a unit is created, so this unit can never become restricted, and holding the " +
                "emergency accounts in it would leave them manageable by every tenant-wide administrator. Rename or delete it " +
                "(Entra admin center: Roles & admins, Admin units), or declare the restricted unit under another displayName, " +
                "then run `pulumi up` again.",
        };
    }
    const listed = found.map((unit) => `${unit.id} (${unit.isMemberManagementRestricted ? "restricted" : "not restricted"})`).join(", ");
    return {
        kind: "refuse",
        reason:
            `${found.length} administrative units are named "${displayName}": ${listed}. This resource cannot tell which one ` +
            "holds the emergency accounts. Rename or delete all but one restricted unit of that name (Entra admin center: " +
            "Roles & admins, Admin units), then run `pulumi up` again.",
    };
}

/** The member changes that make the unit hold exactly `desired`: ids compare without regard to case. */
export function memberChanges(current: readonly string[], desired: readonly string[]): { readonly add: string[]; readonly remove: string[] } {
    const has = (list: readonly string[], id: string) => list.some((other) => other.toLowerCase() === id.toLowerCase());
    const add: string[] = [];
    for (const id of desired) if (!has(current, id) && !has(add, id)) add.push(id);
    return { add, remove: current.filter((id) => !has(desired, id)) };
}

/** The status of a failure from graph/, which keeps Graph's own error as `cause`. */
function failureStatus(error: unknown): number | undefined {
    return statusOf(error) ?? statusOf((error as { cause?: unknown } | undefined)?.cause);
}

/**
 * Runs one write on the unit (its name, its members); a 403 ends with the role the deploy identity needs at the unit's
 * scope. Reads are not restricted by the unit, so their 403s keep graph/'s message (a missing read permission).
 */
async function insideUnit<T>(unitId: string, operation: () => Promise<T>): Promise<T> {
    try {
        return await operation();
    } catch (error) {
        if (failureStatus(error) !== 403) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`${message.replace(/\.$/, "")}. ${restrictedUnitScopeNote(unitId)}`, { cause: (error as { cause?: unknown }).cause ?? error });
    }
}

/** Makes the live unit match the inputs: name and description (PATCH only when different), then exactly the members. */
async function converge(
    graph: GraphClient,
    unit: AdministrativeUnit,
    inputs: RestrictedManagementUnitInputs,
    currentMembers: readonly string[],
): Promise<RestrictedManagementUnitOutputs> {
    const changes = {
        ...(unit.displayName !== inputs.displayName ? { displayName: inputs.displayName } : {}),
        ...((unit.description ?? "") !== inputs.description ? { description: inputs.description } : {}),
    };
    if (Object.keys(changes).length > 0) await insideUnit(unit.id, () => updateAdministrativeUnit(graph, unit.id, changes));
    const { add, remove } = memberChanges(currentMembers, inputs.memberIds);
    for (const id of add) await insideUnit(unit.id, () => addAdministrativeUnitMember(graph, unit.id, id));
    for (const id of remove) await insideUnit(unit.id, () => removeAdministrativeUnitMember(graph, unit.id, id));
    return {
        displayName: inputs.displayName,
        description: inputs.description,
        isMemberManagementRestricted: unit.isMemberManagementRestricted,
        memberIds: [...currentMembers.filter((id) => !remove.includes(id)), ...add],
        graphEndpoint: inputs.graphEndpoint,
        unitId: unit.id,
    };
}

/**
 * The dynamic provider of RestrictedManagementUnit. Tests pass a fake credential and fast retries. Every call of one
 * process shares the Graph session `configure` makes (graph/session.ts): one credential chain walk, one token.
 */
export function createRestrictedManagementUnitProvider(options: RestrictedManagementUnitProviderOptions = {}): RestrictedManagementUnitProvider {
    const newSession = () => createGraphSession({ credential: options.credential, retry: options.retry });
    const connect = (provider: RestrictedManagementUnitProvider, endpoint: string) => (provider.session ??= newSession()).client(endpoint);

    return {
        async configure(this: RestrictedManagementUnitProvider) {
            // The host calls this once per process, before any other call: the session is made here, at run time,
            // so Pulumi's serializer never copies (and resets) it.
            this.session = newSession();
        },

        async check(_olds: Partial<RestrictedManagementUnitInputs>, news: Partial<RestrictedManagementUnitInputs>) {
            const inputs = withRestrictedManagementUnitDefaults(news);
            return { inputs, failures: checkRestrictedManagementUnitInputs(inputs) };
        },

        async diff(_id: string, olds: Partial<RestrictedManagementUnitOutputs>, news: Partial<RestrictedManagementUnitInputs>) {
            return diffRestrictedManagementUnit(olds, news);
        },

        async create(this: RestrictedManagementUnitProvider, inputs: RestrictedManagementUnitInputs) {
            const graph = connect(this, inputs.graphEndpoint);
            const choice = chooseAdministrativeUnit(await findAdministrativeUnits(graph, inputs.displayName), inputs.displayName);
            if (choice.kind === "refuse") throw new Error(choice.reason);
            if (choice.kind === "create") {
                const unit = await createRestrictedAdministrativeUnit(graph, { displayName: inputs.displayName, description: inputs.description });
                return { id: unit.id, outs: await converge(graph, unit, inputs, []) };
            }
            const { unit } = choice;
            const members = await listAdministrativeUnitMemberIds(graph, unit.id);
            return { id: unit.id, outs: await converge(graph, unit, inputs, members) };
        },

        async read(this: RestrictedManagementUnitProvider, id: string, props?: RestrictedManagementUnitOutputs) {
            const graph = connect(this, props?.graphEndpoint ?? DEFAULTS.graphEndpoint);
            const unit = await readAdministrativeUnit(graph, id);
            // Deleted in the tenant: Pulumi drops it from state, and the next `up` creates (or adopts) one again.
            if (!unit) return { id: "" };
            const memberIds = await listAdministrativeUnitMemberIds(graph, id);
            const state: RestrictedManagementUnitOutputs = {
                displayName: unit.displayName,
                description: unit.description ?? "",
                isMemberManagementRestricted: unit.isMemberManagementRestricted,
                memberIds,
                graphEndpoint: props?.graphEndpoint ?? DEFAULTS.graphEndpoint,
                unitId: unit.id,
            };
            return { id, props: state };
        },

        async update(this: RestrictedManagementUnitProvider, id: string, _olds: RestrictedManagementUnitOutputs, news: RestrictedManagementUnitInputs) {
            const graph = connect(this, news.graphEndpoint);
            // Compared with the live unit, not the state: a rename made in the portal since the refresh is put back too.
            const unit = await readAdministrativeUnit(graph, id);
            if (!unit) {
                throw new Error(
                    `Administrative unit ${id} ("${news.displayName}") no longer exists: run \`pulumi refresh\` (or \`pulumi up --refresh\`) ` +
                        "so a new restricted-management unit is created",
                );
            }
            const members = await listAdministrativeUnitMemberIds(graph, id);
            return { outs: await converge(graph, unit, news, members) };
        },

        async delete() {
            // Deliberately nothing: the unit keeps protecting the accounts. Removing the restriction is a decision
            // for a person (delete the unit in the portal), never a side effect of a deployment.
        },
    };
}
