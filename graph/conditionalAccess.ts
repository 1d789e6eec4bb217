// Conditional Access policies through Microsoft Graph: list every policy (paged; once per process for a short
// while), read one, and ensure the emergency exclusions on one with the fewest writes, keeping every concurrent
// change. The exclusion provider and the reconcile command both use these; the decisions themselves live in the
// one Conditional Access model (policies/contract/conditionalAccess.ts).
import {
    POLICY_STATES,
    classifyPolicy,
    isConverged,
    missingEmergencyIds,
    sameId,
    withEmergencyExclusions,
    type ConditionalAccessPolicy,
    type ConditionalAccessUsers,
    type EmergencyIds,
} from "../policies/contract/conditionalAccess";
import type { GraphClient } from "./client";
import { graphFailure, statusOf } from "./errors";
import { getAllPages } from "./paging";

/** The Graph collection of Conditional Access policies, relative to `<endpoint>/v1.0`. */
const CONDITIONAL_ACCESS_POLICIES_PATH = "/identity/conditionalAccess/policies";

/** Read/re-read/write/confirm rounds before giving up on a policy that another writer keeps changing. */
export const DEFAULT_WRITE_ATTEMPTS = 5;

/** What error messages say about a policy: its id, and its display name once known. */
export interface PolicyRef {
    readonly id: string;
    readonly displayName?: string;
}

/** The Graph path of one policy. */
function policyPath(policyId: string): string {
    return `${CONDITIONAL_ACCESS_POLICIES_PATH}/${encodeURIComponent(policyId)}`;
}

/** `Conditional Access policy <id> ("<name>")`. */
function describePolicy(policy: PolicyRef): string {
    return `Conditional Access policy ${policy.id}${policy.displayName ? ` ("${policy.displayName}")` : ""}`;
}

/** What is wrong with one list entry, or undefined when it is a usable policy. */
function policyProblem(entry: unknown): string | undefined {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return "is not an object";
    const policy = entry as Record<string, unknown>;
    if (typeof policy.id !== "string" || policy.id.trim() === "") return "has no id";
    if (typeof policy.displayName !== "string") return `(id ${policy.id}) has no displayName`;
    if (typeof policy.state !== "string" || !(POLICY_STATES as readonly string[]).includes(policy.state)) {
        return `(id ${policy.id}) has state ${JSON.stringify(policy.state)}; expected one of ${POLICY_STATES.join(", ")}`;
    }
    const conditions = policy.conditions;
    if (typeof conditions !== "object" || conditions === null) return `(id ${policy.id}) has no conditions object`;
    const users = (conditions as Record<string, unknown>).users;
    if (users !== null && users !== undefined && typeof users !== "object") {
        return `(id ${policy.id}) has conditions.users that is not an object`;
    }
    return undefined;
}

/**
 * Checks a list in Graph's format (`{"value": [...]}`, as `GET .../policies` returns it, or a snapshot file of
 * it); errors name `source` and the index of the bad entry, and a repeated id is refused.
 */
export function validatePolicyList(list: unknown, source: string): ConditionalAccessPolicy[] {
    const value = (list as { value?: unknown } | null)?.value;
    if (typeof list !== "object" || list === null || !Array.isArray(value)) {
        throw new Error(`${source}: expected Graph's list format {"value": [ ...policies ]}`);
    }
    const firstIndexById = new Map<string, number>();
    value.forEach((entry: unknown, index) => {
        const problem = policyProblem(entry);
        if (problem) throw new Error(`${source}: value[${index}] ${problem}`);
        const id = (entry as ConditionalAccessPolicy).id;
        const earlier = firstIndexById.get(id);
        if (earlier !== undefined) throw new Error(`${source}: value[${index}] repeats the id ${id} of value[${earlier}]`);
        firstIndexById.set(id, index);
    });
    return value as ConditionalAccessPolicy[];
}

/** Every Conditional Access policy of the tenant, following every `@odata.nextLink`. */
export async function listConditionalAccessPolicies(graph: GraphClient): Promise<ConditionalAccessPolicy[]> {
    let value: unknown[];
    try {
        value = await getAllPages<unknown>(graph, CONDITIONAL_ACCESS_POLICIES_PATH);
    } catch (error) {
        throw graphFailure("The Conditional Access policies", "GET", "list them", error, graph.retry);
    }
    return validatePolicyList({ value }, `GET ${graph.endpoint}/v1.0${CONDITIONAL_ACCESS_POLICIES_PATH}`);
}

/**
 * The policies as one paged listing shared by every caller of this client for a short while (graph.reads): the
 * exclusions of a refresh all read the same listing instead of one GET each. Any write through the client drops
 * it. Treat the result as read-only.
 */
export function listConditionalAccessPoliciesOnce(graph: GraphClient): Promise<readonly ConditionalAccessPolicy[]> {
    return graph.reads.get(CONDITIONAL_ACCESS_POLICIES_PATH, () => listConditionalAccessPolicies(graph));
}

/**
 * One policy from the shared listing; a policy the listing does not hold (created since, or deleted) is read on
 * its own, so undefined means Graph answered 404.
 */
export async function readListedPolicy(
    graph: GraphClient,
    policy: PolicyRef,
    purpose: string,
): Promise<ConditionalAccessPolicy | undefined> {
    const listed = (await listConditionalAccessPoliciesOnce(graph)).find((candidate) => sameId(candidate.id, policy.id));
    return listed ?? (await readConditionalAccessPolicy(graph, policy, purpose));
}

/** GETs one policy; any failure becomes an Error naming the policy and `purpose`. */
async function getPolicy(graph: GraphClient, policy: PolicyRef, purpose: string): Promise<ConditionalAccessPolicy> {
    try {
        return (await graph.client.api(policyPath(policy.id)).get()) as ConditionalAccessPolicy;
    } catch (error) {
        throw graphFailure(describePolicy(policy), "GET", purpose, error, graph.retry);
    }
}

/** One policy as it is now, or undefined when Graph answers 404 (the policy was deleted). */
export async function readConditionalAccessPolicy(
    graph: GraphClient,
    policy: PolicyRef,
    purpose: string,
): Promise<ConditionalAccessPolicy | undefined> {
    try {
        return (await graph.client.api(policyPath(policy.id)).get()) as ConditionalAccessPolicy;
    } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw graphFailure(describePolicy(policy), "GET", purpose, error, graph.retry);
    }
}

/** PATCHes `conditions.users` and nothing else: Graph keeps what a PATCH does not send, but replaces `users` whole. */
async function patchUsers(graph: GraphClient, policy: ConditionalAccessPolicy, users: ConditionalAccessUsers): Promise<void> {
    try {
        await graph.client.api(policyPath(policy.id)).patch({ conditions: { users } });
    } catch (error) {
        throw graphFailure(describePolicy(policy), "PATCH", "add the emergency exclusions", error, graph.retry);
    }
}

/** `true` when another writer changed the policy's users or anything else between two reads. */
function changedBetween(earlier: ConditionalAccessPolicy, later: ConditionalAccessPolicy): boolean {
    return (
        earlier.modifiedDateTime !== later.modifiedDateTime ||
        JSON.stringify(earlier.conditions?.users ?? null) !== JSON.stringify(later.conditions?.users ?? null)
    );
}

/** `userIds` and `groupIds` as one readable list for messages. */
function listIds(ids: EmergencyIds): string {
    return [...ids.userIds.map((id) => `user ${id}`), ...ids.groupIds.map((id) => `group ${id}`)].join(", ");
}

/** How ensureEmergencyExclusions starts and how hard it tries. */
export interface EnsureOptions {
    /** Read/re-read/write/confirm rounds against a writer that keeps changing the policy. Defaults to DEFAULT_WRITE_ATTEMPTS. */
    readonly writeAttempts?: number;
    /**
     * The policy as just listed, to start from instead of a GET of its own: a converged policy then costs no
     * request at all. A write still re-reads the policy right before the PATCH.
     */
    readonly listed?: ConditionalAccessPolicy;
}

/** What ensureEmergencyExclusions did. */
export interface EnsureResult {
    /** The policy as last read. */
    readonly policy: ConditionalAccessPolicy;
    /** The ids this call added with its PATCHes (empty when the policy already excluded them all). */
    readonly added: EmergencyIds;
    /** PATCH requests Graph accepted. */
    readonly writes: number;
}

/**
 * Makes one policy exclude every wanted id directly, with at most one PATCH per round and none when nothing
 * is missing, keeping every concurrent change: read (or take the listed copy); if converged, stop; re-read right
 * before writing and start over from the fresh copy if anyone changed it; PATCH the users object as read plus the
 * missing ids; read again to confirm. Refuses a policy that is not user-scoped (Graph rejects user exclusions
 * there). A policy deleted meanwhile fails with the 404 as the error's `cause` (see statusOf).
 */
export async function ensureEmergencyExclusions(
    graph: GraphClient,
    policyId: string,
    wanted: EmergencyIds,
    options: EnsureOptions = {},
): Promise<EnsureResult> {
    const writeAttempts = options.writeAttempts ?? DEFAULT_WRITE_ATTEMPTS;
    let current = options.listed ?? (await getPolicy(graph, { id: policyId }, "read the policy"));
    const classification = classifyPolicy(current.conditions);
    if (!classification.userScoped) {
        throw new Error(`${describePolicy(current)} cannot take emergency exclusions: ${classification.reason}`);
    }
    const added = { userIds: [] as string[], groupIds: [] as string[] };
    let writes = 0;
    for (let attempt = 1; attempt <= writeAttempts; attempt++) {
        if (isConverged(missingEmergencyIds(current.conditions?.users, wanted))) break;
        const latest = await getPolicy(graph, current, "re-read the policy before writing");
        if (changedBetween(current, latest)) {
            current = latest;
            continue;
        }
        const missing = missingEmergencyIds(latest.conditions?.users, wanted);
        await patchUsers(graph, latest, withEmergencyExclusions(latest.conditions?.users, wanted));
        writes++;
        added.userIds.push(...missing.userIds);
        added.groupIds.push(...missing.groupIds);
        current = await getPolicy(graph, latest, "confirm the emergency exclusions");
    }
    const missing = missingEmergencyIds(current.conditions?.users, wanted);
    if (!isConverged(missing)) {
        throw new Error(
            `${describePolicy(current)}: still missing the exclusion of ${listIds(missing)} after ${writeAttempts} ` +
                "attempts; another writer keeps changing the policy's users",
        );
    }
    return { policy: current, added, writes };
}

/** The least application/delegated permission of Conditional Access What-If (`POST .../evaluate`). */
export const WHAT_IF_PERMISSION = "Policy.Read.ConditionalAccess";

/** Graph's What-If action, relative to `<endpoint>/v1.0`. */
const WHAT_IF_PATH = "/identity/conditionalAccess/evaluate";

/** One What-If sign-in: who, to which application, with which client type. */
export interface WhatIfSignIn {
    readonly userId: string;
    /** Application (client) id, or a keyword Conditional Access knows such as `Office365`. */
    readonly application: string;
    /** Graph's conditionalAccessClientApp: `browser`, `mobileAppsAndDesktopClients`, `exchangeActiveSync`, ... */
    readonly clientAppType: string;
}

/** A policy What-If found applying (or, with appliedPoliciesOnly false, evaluated). */
export interface WhatIfPolicy {
    readonly id: string;
    readonly displayName: string;
    readonly state?: string;
    readonly policyApplies: boolean;
    /** Why it does not apply (`users`, `application`, `clientApps`, ...); `notSet` when it applies. */
    readonly analysisReasons?: string;
}

/**
 * The body of `POST /identity/conditionalAccess/evaluate` for one sign-in, in Graph v1.0's documented shape
 * (conditionalaccessroot-evaluate): a `#microsoft.graph.userSignIn` identity, a `#microsoft.graph.applicationContext`
 * context with the one application, the client type as the only sign-in condition, and only the applied policies.
 */
export function whatIfRequestBody(signIn: WhatIfSignIn): Record<string, unknown> {
    return {
        signInIdentity: { "@odata.type": "#microsoft.graph.userSignIn", userId: signIn.userId },
        signInContext: { "@odata.type": "#microsoft.graph.applicationContext", includeApplications: [signIn.application] },
        signInConditions: { clientAppType: signIn.clientAppType },
        appliedPoliciesOnly: true,
    };
}

/** `What-If for user <id> signing in to <application> (<client type>)`. */
function describeSignIn(signIn: WhatIfSignIn): string {
    return `What-If for user ${signIn.userId} signing in to ${signIn.application} (${signIn.clientAppType})`;
}

/** A WhatIfPolicy from one whatIfAnalysisResult; one without id or policyApplies is refused, naming the sign-in. */
export function toWhatIfPolicy(found: unknown, subject: string): WhatIfPolicy {
    const record = (found ?? {}) as Record<string, unknown>;
    if (typeof record.id !== "string" || typeof record.policyApplies !== "boolean") {
        throw new Error(`${subject}: POST to evaluate the Conditional Access policies answered a result without id or policyApplies`);
    }
    return {
        id: record.id,
        displayName: typeof record.displayName === "string" ? record.displayName : "",
        ...(typeof record.state === "string" ? { state: record.state } : {}),
        policyApplies: record.policyApplies,
        ...(typeof record.analysisReasons === "string" ? { analysisReasons: record.analysisReasons } : {}),
    };
}

/**
 * The policies that would apply to this sign-in (`POST /identity/conditionalAccess/evaluate`, appliedPoliciesOnly
 * true); report-only policies that would apply are among them, with their state. An emergency account must get
 * none. A 403 names Policy.Read.ConditionalAccess. The POST only reads, but the client's read cache treats it as a write.
 */
export async function evaluateConditionalAccess(graph: GraphClient, signIn: WhatIfSignIn): Promise<WhatIfPolicy[]> {
    const subject = describeSignIn(signIn);
    let answer: { value?: unknown };
    try {
        answer = (await graph.client.api(WHAT_IF_PATH).post(whatIfRequestBody(signIn))) as { value?: unknown };
    } catch (error) {
        const failure = graphFailure(subject, "POST", "evaluate the Conditional Access policies (What-If)", error, graph.retry);
        if (statusOf(error) !== 403) throw failure;
        throw new Error(
            `${failure.message.replace(/\.$/, "")}. The caller needs the ${WHAT_IF_PERMISSION} permission (or Policy.Read.All) and, ` +
                "signed in as a person, a directory role that reads Conditional Access, such as Global Reader or Security Reader",
            { cause: failure.cause },
        );
    }
    if (!Array.isArray(answer?.value)) {
        throw new Error(`${subject}: POST to evaluate the Conditional Access policies answered without a value list`);
    }
    // appliedPoliciesOnly asks Graph for the applying policies only; an entry that says otherwise is not one.
    return answer.value.map((entry) => toWhatIfPolicy(entry, subject)).filter((policy) => policy.policyApplies);
}
