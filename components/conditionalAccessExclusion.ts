// ConditionalAccessExclusion: a Pulumi dynamic resource that keeps the emergency users and group excluded from
// one Conditional Access policy. It owns nothing but the exclusion: it never creates, deletes or otherwise
// changes the policy, and it never removes an exclusion, not even when the resource itself is deleted. The
// Graph calls live in graph/conditionalAccess.ts, the decisions in the Conditional Access model
// (policies/contract/conditionalAccess.ts); this file only maps them onto Pulumi's provider protocol.
//
// Pulumi serializes the provider's functions (and everything they reach in this project) into the resource's
// `__provider` input and runs them in a separate process. Keep them free of module-level mutable state, of
// Node built-in imports and of the `pulumi` namespace at run time; node_modules packages are re-required.
//
// Serialized closures get fresh copies of their variables on every call, so a token cache created when the
// program serializes the provider would start empty on every call (15 operations, 15 credential chain walks).
// The host deserializes the provider once per process and calls `configure` once before any other call: that
// is where the process's one Graph session (credential, token cache, pacing, the shared policy listing) is made.
import type { TokenCredential } from "@azure/identity";
import * as pulumi from "@pulumi/pulumi";
import { graphEndpointProblem } from "../graph/client";
import {
    DEFAULT_WRITE_ATTEMPTS,
    ensureEmergencyExclusions,
    listConditionalAccessPoliciesOnce,
    readListedPolicy,
} from "../graph/conditionalAccess";
import { checkRequestsPerSecond } from "../graph/pacing";
import type { RetryOptions } from "../graph/retry";
import { createGraphSession, type GraphSession } from "../graph/session";
import { excludedEmergencyIds, includesId, sameId, type ConditionalAccessPolicy } from "../policies/contract/conditionalAccess";
import { DEFAULTS, DYNAMIC_RESOURCE_MODULE, PROJECT_NAME, UNKNOWN_VALUE } from "../policies/contract/constants";

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
    /**
     * Graph requests per second when the stack config sets none (or `configure` is never called, as in-process
     * tests do). Defaults to DEFAULTS.graphRequestsPerSecond.
     */
    readonly requestsPerSecond?: number;
}

/** The provider object; `session` is set by `configure` (or on first use) in the process that runs it. */
export interface ExclusionProvider extends pulumi.dynamic.ResourceProvider {
    /** The process's Graph session. Never set before serialization: the program never runs the provider. */
    session?: GraphSession;
}

/** The stack config key the provider reads in `configure`, namespaced as the engine sends it. */
export const CONDITIONAL_ACCESS_CONFIG_KEY = `${PROJECT_NAME}:conditionalAccess`;

/**
 * `conditionalAccess.requestsPerSecond` from the stack config as the engine hands it to a dynamic provider's
 * `configure` (a JSON string, or an object), or undefined when unset. The program validated the config before
 * registering anything; a value out of range still fails here, naming the key.
 */
export function requestsPerSecondFromConfig(value: unknown): number | undefined {
    let parsed = value;
    if (typeof value === "string") {
        try {
            parsed = JSON.parse(value);
        } catch {
            throw new Error(`${CONDITIONAL_ACCESS_CONFIG_KEY} is not JSON`);
        }
    }
    const rate = (parsed as { requestsPerSecond?: unknown } | null | undefined)?.requestsPerSecond;
    return rate === undefined || rate === null ? undefined : checkRequestsPerSecond(rate, `${CONDITIONAL_ACCESS_CONFIG_KEY}.requestsPerSecond`);
}

/** The state of an exclusion given the live policy: only the desired ids it excludes directly. */
function exclusionState(inputs: ExclusionInputs, policy: ConditionalAccessPolicy): ExclusionOutputs {
    const excluded = excludedEmergencyIds(policy.conditions?.users, inputs);
    return {
        policyId: inputs.policyId,
        userIds: [...excluded.userIds],
        groupIds: [...excluded.groupIds],
        graphEndpoint: inputs.graphEndpoint,
        policyDisplayName: policy.displayName ?? "",
    };
}

/** `true` for a value Pulumi does not know yet. */
function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

/** `true` when some id of `wanted` is not in `recorded`, or when either side is not known yet. */
function idsMissingFrom(recorded: unknown, wanted: unknown): boolean {
    if (!Array.isArray(recorded) || !Array.isArray(wanted)) return true;
    return wanted.some((id) => isUnknown(id) || !includesId(recorded, String(id)));
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
    const endpointProblem = isUnknown(news.graphEndpoint) ? undefined : graphEndpointProblem(news.graphEndpoint ?? "");
    if (endpointProblem) failures.push({ property: "graphEndpoint", reason: endpointProblem });
    return failures;
}

/**
 * The dynamic provider of ConditionalAccessExclusion. Tests pass a fake credential and fast pacing; without
 * options it is what a real `pulumi up` uses (DefaultAzureCredential, production retry pacing, Graph's rate).
 * Every call of one process shares the session `configure` creates: one credential chain walk and one token,
 * one paged listing of the policies for every read (and every create that finds its policy converged).
 */
export function createExclusionProvider(options: ExclusionProviderOptions = {}): ExclusionProvider {
    const writeAttempts = options.writeAttempts ?? DEFAULT_WRITE_ATTEMPTS;
    const newSession = (requestsPerSecond: number | undefined) =>
        createGraphSession({
            credential: options.credential,
            retry: options.retry,
            requestsPerSecond: requestsPerSecond ?? options.requestsPerSecond,
        });
    const sessionOf = (provider: ExclusionProvider) => (provider.session ??= newSession(undefined));
    const ensure = async (provider: ExclusionProvider, inputs: ExclusionInputs) => {
        const graph = sessionOf(provider).client(inputs.graphEndpoint);
        const listed = (await listConditionalAccessPoliciesOnce(graph)).find((policy) => sameId(policy.id, inputs.policyId));
        const result = await ensureEmergencyExclusions(graph, inputs.policyId, inputs, { writeAttempts, listed });
        return exclusionState(inputs, result.policy);
    };

    return {
        async configure(this: ExclusionProvider, request: pulumi.dynamic.ConfigureRequest) {
            // Synchronous up to here on purpose: the host hands the provider to concurrent calls before this
            // promise settles, and they must find the session already made.
            let conditionalAccess: unknown;
            try {
                conditionalAccess = request.config.get(CONDITIONAL_ACCESS_CONFIG_KEY);
            } catch {
                // A host the engine never sent Configure has no config at all: the defaults apply.
            }
            this.session = newSession(requestsPerSecondFromConfig(conditionalAccess));
        },

        async check(_olds: Partial<ExclusionInputs>, news: Partial<ExclusionInputs>) {
            const inputs = { ...news, graphEndpoint: news.graphEndpoint ?? DEFAULTS.graphEndpoint };
            return { inputs, failures: checkExclusionInputs(inputs) };
        },

        async diff(_id: string, olds: Partial<ExclusionOutputs>, news: Partial<ExclusionInputs>) {
            return diffExclusion(olds, news);
        },

        async create(this: ExclusionProvider, inputs: ExclusionInputs) {
            return { id: inputs.policyId, outs: await ensure(this, inputs) };
        },

        async read(this: ExclusionProvider, id: string, props?: ExclusionOutputs) {
            const state: ExclusionOutputs = {
                policyId: props?.policyId ?? id,
                userIds: props?.userIds ?? [],
                groupIds: props?.groupIds ?? [],
                graphEndpoint: props?.graphEndpoint ?? DEFAULTS.graphEndpoint,
                policyDisplayName: props?.policyDisplayName ?? "",
            };
            const policy = await readListedPolicy(
                sessionOf(this).client(state.graphEndpoint),
                { id: state.policyId, displayName: state.policyDisplayName },
                "read the emergency exclusions",
            );
            // The policy was deleted: so is the exclusion, and Pulumi drops it from state.
            if (!policy) return { id: "" };
            return { id, props: exclusionState(state, policy) };
        },

        async update(this: ExclusionProvider, _id: string, _olds: ExclusionOutputs, news: ExclusionInputs) {
            return { outs: await ensure(this, news) };
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
            graphEndpoint: args.graphEndpoint ?? DEFAULTS.graphEndpoint,
            // Listed so the output exists on the resource; the provider fills it in.
            policyDisplayName: undefined,
        };
        super(provider, name, props, opts, DYNAMIC_RESOURCE_MODULE, "ConditionalAccessExclusion");
    }
}
