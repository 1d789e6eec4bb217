// The dynamic provider of PasswordCustody: it generates an emergency account's password, seals it to the
// custodians when asked (sealed-password mode), sets it through Microsoft Graph, and forgets it. State, outputs,
// errors and logs never hold the password; refresh reports only when the password was last set.
//
// Memory: the password lives as character codes in a Uint8Array, zeroed once it is set (and sealed). Two
// copies cannot be wiped, because JavaScript strings are immutable and garbage-collected: the string handed to
// the Graph client for the HTTP body (and the JSON body built from it), which live until the garbage collector
// reclaims them in the short-lived provider process. Shares and sealed documents are bytes and are zeroed.
//
// Pulumi serializes these functions into the resource's `__provider` input and runs them in the dynamic-provider
// host: no module-level mutable state, no Node built-in imports, no `pulumi` namespace at run time.
import type { TokenCredential } from "@azure/identity";
import type * as pulumi from "@pulumi/pulumi";
import { graphEndpointProblem } from "../graph/client";
import type { RetryOptions } from "../graph/retry";
import { createGraphSession, type GraphSession } from "../graph/session";
import { readUserFacts, setUserPassword, type UserRef } from "../graph/users";
import { DEFAULTS, LIMITS, UNKNOWN_VALUE } from "../policies/contract/constants";
import {
    PASSWORD_CHARACTER_CLASS_NAMES,
    characterClassesProblems,
    custodyProblems,
    type Custodian,
    type CustodyMode,
    type PasswordCharacterClasses,
} from "../policies/contract/custody";
import { PASSWORD_GENERATION_RULES } from "../policies/contract/declaration/credentials";
import { cryptoRandom, generatePassword, type RandomSource } from "./passwordGenerator";
import { sealPassword, type Envelope } from "./passwordSealing";

/** Inputs of one custody resource, as the provider receives them (every Output resolved). */
export interface CustodyInputs {
    /** Object id of the emergency user whose password this resource keeps. */
    readonly userObjectId: string;
    /** Its user principal name: named in errors and in every sealed share. */
    readonly userPrincipalName: string;
    /** The passwordRotation label; a new label, and nothing else, makes a new password. */
    readonly rotation: string;
    /** Length of the generated password, within LIMITS.passwordLength. */
    readonly passwordLength: number;
    /** passkey (the password is discarded) or sealed-password. */
    readonly mode: CustodyMode;
    /** Custodians the password is sealed to; empty in passkey mode. */
    readonly custodians: Custodian[];
    /** Shares needed to rebuild a sealed password; 0 in passkey mode. */
    readonly threshold: number;
    /** Graph origin, e.g. `https://graph.microsoft.com`. */
    readonly graphEndpoint: string;
    /**
     * The characters of each class the password is drawn from, used exactly as given. An input, not a constant of the
     * provider, so the policy pack sees it (analyzers never receive `__provider`) and refuses any set but the contract's.
     */
    readonly characterClasses: PasswordCharacterClasses;
    /** The fewest characters of each class in a generated password. */
    readonly minimumPerClass: number;
}

/** State of one custody resource: the inputs and non-secret facts. No password, nothing derived from it in passkey mode. */
export interface CustodyOutputs extends CustodyInputs {
    /** When the password was last set (Graph's lastPasswordChangeDateTime); after a refresh, by anyone. */
    readonly passwordSetAt: string;
    /** The sealed envelopes, one per custodian (armored age files; not secrets); empty in passkey mode. */
    readonly envelopes: Envelope[];
}

/** Options of the provider factory. Without any, the provider is the one a real `pulumi up` uses. */
export interface CustodyProviderOptions {
    /** Source of Graph tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing of throttled and unavailable responses; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
    /** Source of randomness. Defaults to Web Crypto's CSPRNG; tests use it only to break it on purpose. */
    readonly random?: RandomSource;
}

/** The provider object; `session` is made by `configure` (or on first use) in the process that runs it. */
export interface CustodyProvider extends pulumi.dynamic.ResourceProvider {
    /** The process's Graph session. Never set before serialization: the program never runs the provider. */
    session?: GraphSession;
}

/** Inputs that, once a password exists, may change only together with the rotation label. */
const SEALING_FIELDS = ["mode", "custodians", "threshold", "passwordLength", "graphEndpoint"] as const;

function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE || (Array.isArray(value) && value.some(isUnknown));
}

/**
 * Missing optional inputs with their defaults: passkey mode, no custodians, global Graph, the contract's generation
 * rules (a state written before they were inputs).
 */
function withDefaults(news: Partial<CustodyInputs>): Partial<CustodyInputs> {
    const mode = news.mode ?? DEFAULTS.credentialMode;
    return {
        ...news,
        mode,
        custodians: news.custodians ?? [],
        threshold: news.threshold ?? (mode === "passkey" ? 0 : undefined),
        graphEndpoint: news.graphEndpoint ?? DEFAULTS.graphEndpoint,
        characterClasses: news.characterClasses ?? { ...PASSWORD_GENERATION_RULES.characterClasses },
        minimumPerClass: news.minimumPerClass ?? PASSWORD_GENERATION_RULES.minimumPerClass,
    };
}

/**
 * Input failures found before any request; unknown values (preview) are not judged. `olds` are the inputs the
 * current password was made with: changing how it is kept without a new rotation label is refused, because
 * the password already set cannot be sealed again (nobody has it).
 */
export function checkCustodyInputs(olds: Partial<CustodyInputs>, news: Partial<CustodyInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    for (const property of ["userObjectId", "userPrincipalName", "rotation"] as const) {
        const value = news[property];
        if (!isUnknown(value) && (typeof value !== "string" || value.trim() === "")) {
            failures.push({ property, reason: `${property} must be a non-empty string` });
        }
    }
    const { min, max } = LIMITS.passwordLength;
    const length = news.passwordLength;
    if (!isUnknown(length) && !(Number.isInteger(length) && length! >= min && length! <= max)) {
        failures.push({ property: "passwordLength", reason: `passwordLength must be a whole number from ${min} to ${max}, got ${length}` });
    }
    // Malformed generation rules cannot be generated from; a narrowed set can, and is the pack's to refuse.
    if (!isUnknown(news.characterClasses)) {
        for (const problem of characterClassesProblems(news.characterClasses)) {
            failures.push({ property: "characterClasses", reason: problem });
        }
    }
    const perClass = news.minimumPerClass;
    if (!isUnknown(perClass) && !isUnknown(length)) {
        const most = Number.isInteger(length) ? Math.floor(length! / PASSWORD_CHARACTER_CLASS_NAMES.length) : 0;
        if (!(Number.isInteger(perClass) && perClass! >= 0 && perClass! <= most)) {
            failures.push({
                property: "minimumPerClass",
                reason:
                    `minimumPerClass must be a whole number from 0 to ${most} (passwordLength shared among the classes), ` +
                    `got ${perClass}`,
            });
        }
    }
    if (![news.mode, news.custodians, news.threshold].some(isUnknown)) {
        const settings = { mode: news.mode, custodians: news.custodians, threshold: news.mode === "passkey" ? undefined : news.threshold };
        for (const problem of custodyProblems(settings)) failures.push({ property: problem.split(/[ .[]/)[0], reason: problem });
    }
    const endpointProblem = isUnknown(news.graphEndpoint) ? undefined : graphEndpointProblem(news.graphEndpoint ?? "");
    if (endpointProblem) failures.push({ property: "graphEndpoint", reason: endpointProblem });
    if (typeof olds.rotation === "string" && olds.rotation === news.rotation) {
        const changed = SEALING_FIELDS.filter((field) => !isUnknown(news[field]) && JSON.stringify(olds[field]) !== JSON.stringify(news[field]));
        if (changed.length > 0) {
            failures.push({
                property: "rotation",
                reason:
                    `${changed.join(", ")} changed but passwordRotation is still "${news.rotation}": the password already set cannot be ` +
                    "kept differently (nobody holds it). Change passwordRotation in the same update to make a new password.",
            });
        }
    }
    return failures;
}

/**
 * A new password only for a new rotation label; a different user is a different resource. A changed user
 * principal name updates the state without touching the password.
 */
export function diffCustody(olds: Partial<CustodyOutputs>, news: Partial<CustodyInputs>): pulumi.dynamic.DiffResult {
    const replaces = olds.userObjectId !== news.userObjectId ? ["userObjectId"] : [];
    const changes = replaces.length > 0 || olds.rotation !== news.rotation || olds.userPrincipalName !== news.userPrincipalName;
    return { changes, replaces, deleteBeforeReplace: false };
}

/**
 * The dynamic provider of PasswordCustody. Tests pass a fake credential and fast retries. Every call of one
 * process shares the Graph session `configure` makes (graph/session.ts): one credential chain walk, one token.
 */
export function createCustodyProvider(options: CustodyProviderOptions = {}): CustodyProvider {
    const random = options.random ?? cryptoRandom;
    const newSession = () => createGraphSession({ credential: options.credential, retry: options.retry });
    const connect = (provider: CustodyProvider, endpoint: string) => (provider.session ??= newSession()).client(endpoint);

    /** Generates, seals (sealed mode), sets, forgets. Sealing comes first: a password nobody holds is never set. */
    const renew = async (provider: CustodyProvider, inputs: CustodyInputs): Promise<CustodyOutputs> => {
        const graph = connect(provider, inputs.graphEndpoint);
        const user: UserRef = { id: inputs.userObjectId, userPrincipalName: inputs.userPrincipalName };
        const password = generatePassword(inputs.passwordLength, random, {
            characterClasses: inputs.characterClasses,
            minimumPerClass: inputs.minimumPerClass,
        });
        let envelopes: Envelope[] = [];
        try {
            if (inputs.mode === "sealed-password") {
                envelopes = await sealPassword(password, inputs.custodians, {
                    account: inputs.userPrincipalName,
                    rotation: inputs.rotation,
                    threshold: inputs.threshold,
                });
            }
            // The one string copy of the password: the HTTP body needs it (see the header).
            await setUserPassword(graph, user, new TextDecoder().decode(password));
        } finally {
            password.fill(0);
        }
        // The password is set: from here on nothing may fail, or the envelopes would be lost with it.
        const setAt = await readUserFacts(graph, user).then(
            (facts) => facts?.lastPasswordChangeDateTime,
            () => undefined,
        );
        return { ...inputs, passwordSetAt: setAt ?? new Date().toISOString(), envelopes };
    };

    return {
        async configure(this: CustodyProvider) {
            // The host calls this once per process, before any other call: the session is made here, at run time,
            // so Pulumi's serializer never copies (and resets) it.
            this.session = newSession();
        },

        async check(olds: Partial<CustodyInputs>, news: Partial<CustodyInputs>) {
            const inputs = withDefaults(news);
            return { inputs, failures: checkCustodyInputs(olds, inputs) };
        },

        async diff(_id: string, olds: Partial<CustodyOutputs>, news: Partial<CustodyInputs>) {
            return diffCustody(olds, news);
        },

        async create(this: CustodyProvider, inputs: CustodyInputs) {
            return { id: inputs.userObjectId, outs: await renew(this, inputs) };
        },

        async read(this: CustodyProvider, id: string, props?: CustodyOutputs) {
            if (!props) return { id, props: {} };
            const user = { id: props.userObjectId, userPrincipalName: props.userPrincipalName };
            const facts = await readUserFacts(connect(this, props.graphEndpoint), user);
            // The user is gone, and with it the password this resource kept.
            if (!facts) return { id: "" };
            return { id, props: { ...props, passwordSetAt: facts.lastPasswordChangeDateTime ?? props.passwordSetAt } };
        },

        async update(this: CustodyProvider, _id: string, olds: CustodyOutputs, news: CustodyInputs) {
            // Same label: nothing to write; the state takes the new user principal name.
            if (olds.rotation === news.rotation) return { outs: { ...olds, userPrincipalName: news.userPrincipalName } };
            return { outs: await renew(this, news) };
        },

        async delete() {
            // Deliberately nothing: the password stays set. Forgetting the custody resource must not lock anyone
            // out, and there is nothing in the tenant to remove.
        },
    };
}
