// The tenant's authentication methods policy through Microsoft Graph: read one method configuration (Passkey
// (FIDO2), Temporary Access Pass, certificate-based authentication) and make it enabled for the emergency group
// without narrowing it for anyone else. `includeTargets` is a collection Graph replaces whole on PATCH, so the
// group is merged into the targets as read, and the result is read back to prove nothing was lost. The decisions
// are pure functions (methodEnabledFor, methodConfigurationPatch); the I/O is ensureMethodEnabledForGroup.
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";

/** The permission to read and change the authentication methods policy. */
export const AUTHENTICATION_METHODS_POLICY_PERMISSION = "Policy.ReadWrite.AuthenticationMethod";

/** The least role that may change the authentication methods policy. */
export const AUTHENTICATION_POLICY_ADMIN_ROLE = "Authentication Policy Administrator";

/**
 * The configuration ids as Graph returns them in `id` ("Fido2", "TemporaryAccessPass", "X509Certificate"). Graph's
 * docs address FIDO2 as `.../authenticationMethodConfigurations/fido2` and answer `"id": "Fido2"`: the segment is
 * matched without regard to case, so the id as returned is used for both. Callers use these, never literals.
 */
export const METHOD_CONFIGURATION_IDS = {
    fido2: "Fido2",
    temporaryAccessPass: "TemporaryAccessPass",
    x509Certificate: "X509Certificate",
} as const;

/** The method configurations this project manages or reads, by their Graph ids. */
export type MethodConfigurationId = "Fido2" | "TemporaryAccessPass" | "X509Certificate";

/** The target id Graph uses for "every user". */
export const ALL_USERS_TARGET = "all_users";

/** Properties methodConfigurationPatch manages itself; `settings` may not name them (it could narrow or retarget). */
const MANAGED_PROPERTIES = ["@odata.type", "id", "state", "includeTargets", "excludeTargets"];

/** One target of a method configuration: a group, or "all_users". */
export interface MethodTarget {
    readonly id: string;
    readonly targetType: string;
    readonly isRegistrationRequired?: boolean;
    readonly [other: string]: unknown;
}

/** A method configuration as Graph returns it; other properties are kept as they are. */
export interface MethodConfiguration {
    readonly id: string;
    readonly "@odata.type": string;
    readonly state: string;
    readonly includeTargets: readonly MethodTarget[];
    readonly [other: string]: unknown;
}

/** The Graph path of one method configuration. */
function configurationPath(id: MethodConfigurationId): string {
    return `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/${encodeURIComponent(id)}`;
}

/** `Authentication methods policy configuration <id>`. */
function describeConfiguration(id: string): string {
    return `Authentication methods policy configuration ${id}`;
}

/** The sentence a 403 adds: which permission and which role the caller lacks. */
export function authenticationMethodsPolicyAccessHint(): string {
    return `The caller needs the ${AUTHENTICATION_METHODS_POLICY_PERMISSION} permission and the ${AUTHENTICATION_POLICY_ADMIN_ROLE} role`;
}

/** A Graph failure naming the configuration and the operation; a 403 also names the permission and the role. */
function policyFailure(id: MethodConfigurationId, method: string, purpose: string, error: unknown, graph: GraphClient): Error {
    const failure = graphFailure(describeConfiguration(id), method, purpose, error, graph.retry);
    if (statusOf(error) !== 403) return failure;
    return new Error(`${failure.message.replace(/\.$/, "")}. ${authenticationMethodsPolicyAccessHint()}`, { cause: failure.cause });
}

/** Graph object ids (and "all_users") compare without regard to case. */
function sameTargetId(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

/** `true` when `targets` names the group or every user. */
function targets(list: readonly { readonly id: string }[] | undefined, groupId: string): boolean {
    return (list ?? []).some((target) => sameTargetId(target.id, groupId) || sameTargetId(target.id, ALL_USERS_TARGET));
}

/** `true` when the configuration's excludeTargets names the group: exclusions win over inclusions in Entra. */
export function methodExcludes(configuration: MethodConfiguration, groupId: string): boolean {
    const excluded = configuration.excludeTargets;
    return Array.isArray(excluded) && excluded.some((target: { id?: unknown }) => typeof target?.id === "string" && sameTargetId(target.id, groupId));
}

/** Pure: true when the configuration is enabled and targets the group (or "all_users"), and does not exclude the group. */
export function methodEnabledFor(configuration: MethodConfiguration, groupId: string): boolean {
    return configuration.state === "enabled" && targets(configuration.includeTargets, groupId) && !methodExcludes(configuration, groupId);
}

/** Structural equality of JSON values (settings compare by value: a key-restriction object or a list). */
function sameJson(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    if (aKeys.length !== bKeys.length) return false;
    return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Pure: the PATCH body that makes the configuration enabled for `groupId`, keeping every existing target (includeTargets is a
 * collection Graph replaces whole: merge, never replace), with `settings` applied (e.g. {isSelfServiceRegistrationAllowed: true} for Fido2),
 * always with "@odata.type"; undefined when nothing is missing (already enabled for the group and every setting already equal).
 * Ids compare without regard to case. Never narrows anything (never removes a target, never disables), and never widens
 * anything: a disabled configuration that lists any target but the group (Graph's default lists all_users) is refused
 * (throws), since enabling it would switch the method on for those targets too; one with no targets, or only the group,
 * is enabled (state) with the group merged.
 */
export function methodConfigurationPatch(
    configuration: MethodConfiguration,
    groupId: string,
    settings: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> | undefined {
    const managed = Object.keys(settings).filter((key) => MANAGED_PROPERTIES.includes(key));
    if (managed.length > 0) {
        throw new Error(`${describeConfiguration(configuration.id)}: settings may not name ${managed.join(", ")} (the merge manages them)`);
    }
    if (groupId.trim() === "") throw new Error(`${describeConfiguration(configuration.id)}: the group id is empty`);
    const patch: Record<string, unknown> = {};
    if (configuration.state !== "enabled") {
        // Enabling a disabled method switches it on for every target it lists, not only the group: that would widen a
        // tenant-wide setting as a side effect of onboarding (a disabled method still lists all_users by default).
        // Which of its targets should be live is a person's decision; never replace them, never widen them.
        const others = (configuration.includeTargets ?? []).filter((target) => !sameTargetId(target.id, groupId));
        if (others.length > 0) {
            throw new Error(
                `${describeConfiguration(configuration.id)}: is disabled in this tenant, and enabling it for the group ${groupId} would ` +
                    `also switch it on for its other targets (${others.map((target) => target.id).join(", ")}); nothing was changed. ` +
                    "Enable the method for the scope you intend in the authentication methods policy (the emergency group alone, " +
                    "or more), then run again",
            );
        }
        patch.state = "enabled";
    }
    if (!targets(configuration.includeTargets, groupId)) {
        // Existing targets go back exactly as read (their @odata.type and any other property included). The new one
        // has the shape Graph's examples show for a group target.
        patch.includeTargets = [
            ...structuredClone(configuration.includeTargets ?? []),
            { targetType: "group", id: groupId, isRegistrationRequired: false },
        ];
    }
    for (const [key, value] of Object.entries(settings)) {
        if (!sameJson(configuration[key], value)) patch[key] = structuredClone(value);
    }
    if (Object.keys(patch).length === 0) return undefined;
    return { "@odata.type": configuration["@odata.type"], ...patch };
}

/** Checks the shape the merge relies on; an answer without it is refused rather than merged into. */
function validateConfiguration(id: MethodConfigurationId, found: unknown): MethodConfiguration {
    const configuration = found as Record<string, unknown> | null;
    const problem =
        typeof configuration !== "object" || configuration === null
            ? "is not an object"
            : typeof configuration["@odata.type"] !== "string"
              ? "has no @odata.type"
              : typeof configuration.state !== "string"
                ? "has no state"
                : !Array.isArray(configuration.includeTargets)
                  ? "has no includeTargets collection"
                  : (configuration.includeTargets as unknown[]).some((target) => typeof (target as { id?: unknown } | null)?.id !== "string")
                    ? "has an includeTargets entry without an id"
                    : undefined;
    if (problem) throw new Error(`${describeConfiguration(id)}: the configuration Graph returned ${problem}`);
    const withoutContext = { ...(configuration as Record<string, unknown>) };
    delete withoutContext["@odata.context"];
    return withoutContext as unknown as MethodConfiguration;
}

/** GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}. */
export async function readMethodConfiguration(graph: GraphClient, id: MethodConfigurationId): Promise<MethodConfiguration> {
    let found: unknown;
    try {
        found = await graph.client.api(configurationPath(id)).get();
    } catch (error) {
        throw policyFailure(id, "GET", "read the method configuration", error, graph);
    }
    return validateConfiguration(id, found);
}

/** What ensureMethodEnabledForGroup did. */
export interface EnsureMethodResult {
    /** `true` when a PATCH was sent. */
    readonly changed: boolean;
    /** The configuration as last read (after the PATCH when there was one). */
    readonly configuration: MethodConfiguration;
}

/** Read, PATCH when methodConfigurationPatch says so, read back and verify (group targeted, every earlier target kept). */
export async function ensureMethodEnabledForGroup(
    graph: GraphClient,
    id: MethodConfigurationId,
    groupId: string,
    settings?: Readonly<Record<string, unknown>>,
): Promise<EnsureMethodResult> {
    const before = await readMethodConfiguration(graph, id);
    if (methodExcludes(before, groupId)) {
        // Removing someone's exclusion is a decision for a person; enabling around it would report success while
        // the group still cannot use the method.
        throw new Error(
            `${describeConfiguration(id)}: the group ${groupId} is in excludeTargets, so the method stays off for it whatever ` +
                "is enabled; remove the exclusion in the authentication methods policy, then run again",
        );
    }
    const patch = methodConfigurationPatch(before, groupId, settings);
    if (patch === undefined) return { changed: false, configuration: before };
    try {
        await graph.client.api(configurationPath(id)).patch(patch);
    } catch (error) {
        throw policyFailure(id, "PATCH", `enable the method for the group ${groupId}`, error, graph);
    }
    const after = await readMethodConfiguration(graph, id);
    const lost = before.includeTargets.filter((earlier) => !after.includeTargets.some((target) => sameTargetId(target.id, earlier.id)));
    const unapplied = Object.entries(settings ?? {}).filter(([key, value]) => !sameJson(after[key], value)).map(([key]) => key);
    if (lost.length > 0 || !methodEnabledFor(after, groupId) || unapplied.length > 0) {
        const problems = [
            ...(lost.length > 0 ? [`lost the targets ${lost.map((target) => target.id).join(", ")}`] : []),
            ...(!methodEnabledFor(after, groupId) ? [`is not enabled for the group ${groupId} (state ${after.state})`] : []),
            ...(unapplied.length > 0 ? [`did not take ${unapplied.join(", ")}`] : []),
        ];
        throw new Error(`${describeConfiguration(id)}: after the PATCH the configuration read back ${problems.join("; ")}`);
    }
    return { changed: true, configuration: after };
}
