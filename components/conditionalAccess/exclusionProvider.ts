// A Pulumi dynamic resource that keeps the emergency users and group excluded from one Conditional Access
// policy. It owns nothing but the exclusion: it never creates, deletes or otherwise changes the policy, and
// it never removes an exclusion, not even when the resource itself is deleted.
//
// Pulumi serializes the provider's functions (and everything they reach in this project) into the resource's
// `__provider` input and runs them in a separate process. Keep them free of module-level mutable state, of
// Node built-in imports and of the `pulumi` namespace at run time; node_modules packages are re-required.
import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME } from "../../common/constants";
import {
    DEFAULT_GRAPH_ENDPOINT,
    RETRYABLE_STATUS_CODES,
    cachingCredential,
    createGraphClient,
    resolveRetryOptions,
    validateGraphEndpoint,
    type GraphClient,
    type RetryOptions,
} from "./graphClient";
import {
    classifyPolicy,
    excludedEmergencyIds,
    isConverged,
    missingExclusions,
    withExclusions,
    type ConditionalAccessPolicy,
    type ConditionalAccessUsers,
    type EmergencyIds,
} from "./policies";

/** Module and type of the dynamic resource; Pulumi prefixes them with `pulumi-nodejs:dynamic/`. */
const RESOURCE_MODULE = PROJECT_NAME;
const RESOURCE_TYPE = "ConditionalAccessExclusion";

/** Full type token of ConditionalAccessExclusion, as it appears in URNs, state and policy packs. */
export const CONDITIONAL_ACCESS_EXCLUSION_TYPE = `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${RESOURCE_TYPE}`;

/** Read/re-read/write/confirm rounds before giving up on a policy that another writer keeps changing. */
export const DEFAULT_WRITE_ATTEMPTS = 5;

/**
 * The value Pulumi passes for an input that is not known yet (during preview). Spelled out rather than read
 * from `@pulumi/pulumi/runtime/rpc` so the serialized provider does not have to load the runtime.
 */
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Inputs of one exclusion, as the provider receives them (every Output resolved). */
export interface ExclusionInputs {
    /** Id of the Conditional Access policy. */
    readonly policyId: string;
    /** Object ids of the emergency users. */
    readonly userIds: string[];
    /** Object id of the emergency group, as a one-element list. */
    readonly groupIds: string[];
    /** Graph origin, e.g. `https://graph.microsoft.com`. */
    readonly graphEndpoint: string;
}

/** State of one exclusion: after `read`, only the desired ids the live policy actually excludes. */
export interface ExclusionOutputs extends ExclusionInputs {
    /** Display name of the policy when it was last read, for people reading state and errors. */
    readonly policyDisplayName: string;
}

/** Options of the provider factory. Without any, the provider is the one a real `pulumi up` uses. */
export interface ExclusionProviderOptions {
    /** Source of Graph tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing of throttled and unavailable responses; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
    /** Rounds against a concurrent writer. Defaults to DEFAULT_WRITE_ATTEMPTS. */
    readonly writeAttempts?: number;
}

/** What error messages say about a policy: its id, and its display name once known. */
interface PolicyRef {
    readonly id: string;
    readonly displayName?: string;
}

/** The Graph path of one policy. */
function policyPath(policyId: string): string {
    return `/identity/conditionalAccess/policies/${encodeURIComponent(policyId)}`;
}

/** `Conditional Access policy <id> ("<name>")`. */
function describePolicy(policy: PolicyRef): string {
    return `Conditional Access policy ${policy.id}${policy.displayName ? ` ("${policy.displayName}")` : ""}`;
}

/** The HTTP status of a failed Graph call, or undefined when there was no response. */
function statusOf(error: unknown): number | undefined {
    const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
    return typeof status === "number" && status > 0 ? status : undefined;
}

/** An Error naming the policy, the method, the status and code, and what the call was for. */
function graphFailure(policy: PolicyRef, method: string, purpose: string, error: unknown, retry: RetryOptions): Error {
    const status = statusOf(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    const message = error instanceof Error ? error.message : String(error);
    const outcome = status !== undefined ? `HTTP ${status}` : "no HTTP response";
    const codeText = typeof code === "string" && code ? ` ${code}` : "";
    const retried = status !== undefined && RETRYABLE_STATUS_CODES.includes(status);
    const gaveUp = retried ? ` (gave up after ${retry.maxRetries} retries)` : "";
    return new Error(`${describePolicy(policy)}: ${method} to ${purpose} failed with ${outcome}${codeText}${gaveUp}: ${message}`, {
        cause: error,
    });
}

/** GETs one policy; any failure becomes a described Error. */
async function getPolicy(
    graph: GraphClient,
    policy: PolicyRef,
    purpose: string,
    retry: RetryOptions,
): Promise<ConditionalAccessPolicy> {
    try {
        return (await graph.client.api(policyPath(policy.id)).get()) as ConditionalAccessPolicy;
    } catch (error) {
        throw graphFailure(policy, "GET", purpose, error, retry);
    }
}

/** PATCHes `conditions.users` and nothing else: Graph replaces each object given, so only `users` is sent. */
async function patchUsers(
    graph: GraphClient,
    policy: ConditionalAccessPolicy,
    users: ConditionalAccessUsers,
    retry: RetryOptions,
): Promise<void> {
    try {
        await graph.client.api(policyPath(policy.id)).patch({ conditions: { users } });
    } catch (error) {
        throw graphFailure(policy, "PATCH", "add the emergency exclusions", error, retry);
    }
}

/** `true` when another writer changed the policy's users or anything else between two reads. */
function changedBetween(earlier: ConditionalAccessPolicy, later: ConditionalAccessPolicy): boolean {
    return (
        earlier.modifiedDateTime !== later.modifiedDateTime ||
        JSON.stringify(earlier.conditions?.users ?? null) !== JSON.stringify(later.conditions?.users ?? null)
    );
}

/** The state of an exclusion given the live policy. */
function exclusionState(inputs: ExclusionInputs, policy: ConditionalAccessPolicy): ExclusionOutputs {
    const excluded = excludedEmergencyIds(policy, inputs.userIds, inputs.groupIds);
    return {
        policyId: inputs.policyId,
        userIds: excluded.userIds,
        groupIds: excluded.groupIds,
        graphEndpoint: inputs.graphEndpoint,
        policyDisplayName: policy.displayName ?? "",
    };
}

/** `userIds` and `groupIds` as one readable list for messages. */
function listIds(ids: EmergencyIds): string {
    return [...ids.userIds.map((id) => `user ${id}`), ...ids.groupIds.map((id) => `group ${id}`)].join(", ");
}

/**
 * Makes the policy exclude every desired id with at most one PATCH per round, keeping every concurrent change:
 * read; if converged, stop (no write); re-read right before writing and start over from the fresh copy if
 * anyone changed it; PATCH the users object as read plus the missing ids; read again to confirm.
 */
async function ensureExclusions(
    graph: GraphClient,
    inputs: ExclusionInputs,
    retry: RetryOptions,
    writeAttempts: number,
): Promise<ExclusionOutputs> {
    let current = await getPolicy(graph, { id: inputs.policyId }, "read the policy", retry);
    const classification = classifyPolicy(current);
    if (!classification.target) {
        throw new Error(`${describePolicy(current)} cannot take emergency exclusions: ${classification.reason}`);
    }
    for (let attempt = 1; attempt <= writeAttempts; attempt++) {
        if (isConverged(missingExclusions(current, inputs.userIds, inputs.groupIds))) break;
        const latest = await getPolicy(graph, current, "re-read the policy before writing", retry);
        if (changedBetween(current, latest)) {
            current = latest;
            continue;
        }
        await patchUsers(graph, latest, withExclusions(latest.conditions?.users, inputs.userIds, inputs.groupIds), retry);
        current = await getPolicy(graph, latest, "confirm the emergency exclusions", retry);
    }
    const missing = missingExclusions(current, inputs.userIds, inputs.groupIds);
    if (!isConverged(missing)) {
        throw new Error(
            `${describePolicy(current)}: still missing the exclusion of ${listIds(missing)} after ${writeAttempts} ` +
                "attempts; another writer keeps changing the policy's users",
        );
    }
    return exclusionState(inputs, current);
}

/** `true` for a value Pulumi does not know yet. */
function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

/** `true` when some id of `wanted` is not in `recorded`, or when either side is not known yet. */
function idsMissingFrom(recorded: unknown, wanted: unknown): boolean {
    if (!Array.isArray(recorded) || !Array.isArray(wanted)) return true;
    const has = (id: unknown) => recorded.some((other) => String(other).toLowerCase() === String(id).toLowerCase());
    return wanted.some((id) => isUnknown(id) || !has(id));
}

/**
 * Compares refreshed state (`olds`) with the program's inputs (`news`). A desired id missing from state means
 * the exclusion is missing in the tenant (state after `read` holds only the ids the live policy excludes). A
 * different policy is a different resource (replace); a different endpoint is an update.
 */
export function diffExclusion(olds: Partial<ExclusionOutputs>, news: Partial<ExclusionInputs>): pulumi.dynamic.DiffResult {
    const replaces = olds.policyId !== news.policyId ? ["policyId"] : [];
    const changes =
        replaces.length > 0 ||
        olds.graphEndpoint !== news.graphEndpoint ||
        idsMissingFrom(olds.userIds, news.userIds) ||
        idsMissingFrom(olds.groupIds, news.groupIds) ||
        // State naming an id the program no longer wants is rewritten (the exclusion itself stays in Graph).
        idsMissingFrom(news.userIds, olds.userIds) ||
        idsMissingFrom(news.groupIds, olds.groupIds);
    return { changes, replaces, deleteBeforeReplace: false };
}

/** Input failures that can be found before any request; unknown values (preview) are not judged. */
export function checkExclusionInputs(news: Partial<ExclusionInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!isUnknown(news.policyId) && (typeof news.policyId !== "string" || news.policyId.trim() === "")) {
        failures.push({ property: "policyId", reason: "policyId must be the id of a Conditional Access policy" });
    }
    for (const property of ["userIds", "groupIds"] as const) {
        const ids: unknown = news[property];
        if (isUnknown(ids)) continue;
        if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string" || id.trim() === "")) {
            failures.push({ property, reason: `${property} must be a list of object ids` });
        }
    }
    if (
        Array.isArray(news.userIds) &&
        Array.isArray(news.groupIds) &&
        news.userIds.length === 0 &&
        news.groupIds.length === 0
    ) {
        failures.push({ property: "userIds", reason: "userIds and groupIds are both empty: there is nothing to exclude" });
    }
    if (!isUnknown(news.graphEndpoint)) {
        try {
            validateGraphEndpoint(news.graphEndpoint ?? "");
        } catch (error) {
            failures.push({ property: "graphEndpoint", reason: (error as Error).message });
        }
    }
    return failures;
}

/**
 * The dynamic provider of ConditionalAccessExclusion. Tests pass a fake credential and fast retry timings;
 * without options it is what a real `pulumi up` uses (DefaultAzureCredential, production retry pacing).
 */
export function createExclusionProvider(options: ExclusionProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    const credential = cachingCredential(options.credential);
    const retry = resolveRetryOptions(options.retry);
    const writeAttempts = options.writeAttempts ?? DEFAULT_WRITE_ATTEMPTS;
    const connect = (endpoint: string | undefined) => createGraphClient({ endpoint, credential, retry });

    return {
        async check(_olds: Partial<ExclusionInputs>, news: Partial<ExclusionInputs>) {
            const inputs = { ...news, graphEndpoint: news.graphEndpoint ?? DEFAULT_GRAPH_ENDPOINT };
            return { inputs, failures: checkExclusionInputs(inputs) };
        },

        async diff(_id: string, olds: Partial<ExclusionOutputs>, news: Partial<ExclusionInputs>) {
            return diffExclusion(olds, news);
        },

        async create(inputs: ExclusionInputs) {
            const outs = await ensureExclusions(connect(inputs.graphEndpoint), inputs, retry, writeAttempts);
            return { id: inputs.policyId, outs };
        },

        async read(id: string, props?: ExclusionOutputs) {
            const state: ExclusionOutputs = {
                policyId: props?.policyId ?? id,
                userIds: props?.userIds ?? [],
                groupIds: props?.groupIds ?? [],
                graphEndpoint: props?.graphEndpoint ?? DEFAULT_GRAPH_ENDPOINT,
                policyDisplayName: props?.policyDisplayName ?? "",
            };
            const graph = connect(state.graphEndpoint);
            try {
                const policy = (await graph.client.api(policyPath(state.policyId)).get()) as ConditionalAccessPolicy;
                return { id, props: exclusionState(state, policy) };
            } catch (error) {
                // The policy was deleted: so is the exclusion, and Pulumi drops it from state.
                if (statusOf(error) === 404) return { id: "" };
                throw graphFailure(
                    { id: state.policyId, displayName: state.policyDisplayName },
                    "GET",
                    "read the emergency exclusions",
                    error,
                    retry,
                );
            }
        },

        async update(_id: string, _olds: ExclusionOutputs, news: ExclusionInputs) {
            return { outs: await ensureExclusions(connect(news.graphEndpoint), news, retry, writeAttempts) };
        },

        async delete() {
            // Deliberately nothing: an emergency exclusion is never removed as a side effect of a deployment.
            // Removing one is a decision for a person, in the portal, with the change reviewed.
        },
    };
}

/** The provider every ConditionalAccessExclusion uses unless given another; one object, serialized once. */
const defaultExclusionProvider = createExclusionProvider();

/** Arguments of ConditionalAccessExclusion. */
export interface ConditionalAccessExclusionArgs {
    /** Id of the Conditional Access policy that must exclude the emergency accounts. */
    readonly policyId: pulumi.Input<string>;
    /** Object ids of the emergency users. */
    readonly userIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Object id of the emergency group, as a one-element list. */
    readonly groupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Graph origin. Defaults to `https://graph.microsoft.com`; national clouds have their own. */
    readonly graphEndpoint?: pulumi.Input<string>;
}

/**
 * Keeps the emergency users and group excluded from one existing Conditional Access policy. Adds missing
 * exclusions with one PATCH of `conditions.users` (nothing else), reports removed ones on refresh, and leaves
 * the exclusions in place when deleted.
 */
export class ConditionalAccessExclusion extends pulumi.dynamic.Resource {
    /** Id of the policy. */
    declare public readonly policyId: pulumi.Output<string>;
    /** Desired user ids the policy excludes (after a refresh: as found live). */
    declare public readonly userIds: pulumi.Output<string[]>;
    /** Desired group ids the policy excludes (after a refresh: as found live). */
    declare public readonly groupIds: pulumi.Output<string[]>;
    /** Graph origin the exclusion is managed through. */
    declare public readonly graphEndpoint: pulumi.Output<string>;
    /** Display name of the policy when last read. */
    declare public readonly policyDisplayName: pulumi.Output<string>;

    /** `provider` is for tests (fake credential, fast retries); programs leave it out. */
    constructor(
        name: string,
        args: ConditionalAccessExclusionArgs,
        opts?: pulumi.CustomResourceOptions,
        provider: pulumi.dynamic.ResourceProvider = defaultExclusionProvider,
    ) {
        const props = {
            policyId: args.policyId,
            userIds: args.userIds,
            groupIds: args.groupIds,
            graphEndpoint: args.graphEndpoint ?? DEFAULT_GRAPH_ENDPOINT,
            // Listed so the output exists on the resource; the provider fills it in.
            policyDisplayName: undefined,
        };
        super(provider, name, props, opts, RESOURCE_MODULE, RESOURCE_TYPE);
    }
}
