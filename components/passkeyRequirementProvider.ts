// The dynamic provider of PasskeyRequirement: it counts an emergency account's phishing-resistant credentials and
// fails `pulumi up` while they are missing. The account's Global Administrator assignment depends on this resource,
// so the role is assigned only once the account can sign in without its password (the "fails closed"):
// create and update throw with the exact onboarding command, refresh re-counts (a removed key shows as drift), and
// delete does nothing. It only reads: Graph is never written.
//
// Pulumi serializes these functions into the resource's `__provider` input and runs them in the dynamic-provider
// host: no module-level mutable state, no Node built-in imports, no `pulumi` namespace at run time.
import type { TokenCredential } from "@azure/identity";
import type * as pulumi from "@pulumi/pulumi";
import { listFido2Methods, isDeviceBoundPasskey, type Fido2Method } from "../graph/authenticationMethods";
import {
    AUTHENTICATION_POLICY_ADMIN_ROLE,
    METHOD_CONFIGURATION_IDS,
    methodEnabledFor,
    readMethodConfiguration,
    type MethodConfiguration,
} from "../graph/authenticationMethodsPolicy";
import { graphEndpointProblem, type GraphClient } from "../graph/client";
import { graphFailure, statusOf } from "../graph/errors";
import type { RetryOptions } from "../graph/retry";
import { createGraphSession, type GraphSession } from "../graph/session";
import { describeUser, resolveUser, type UserRef } from "../graph/users";
import { DEFAULTS, LIMITS, UNKNOWN_VALUE } from "../policies/contract/constants";
import { CREDENTIAL_METHODS, onboardingCommand, type CredentialMethod } from "../policies/contract/declaration/passkeyRequirement";

/** Inputs of one passkey requirement, as the provider receives them (every Output resolved). */
export interface PasskeyRequirementInputs {
    /** Object id of the emergency user. */
    readonly userObjectId: string;
    /** Its user principal name: named in every message. */
    readonly userPrincipalName: string;
    /** The credential the account must have: device-bound FIDO2 passkeys, or certificate-based authentication. */
    readonly method: CredentialMethod;
    /** Device-bound FIDO2 keys required (passkey method), within LIMITS.requiredPasskeys. */
    readonly minimumPasskeys: number;
    /** Certificate method: the tenant's certificate-based authentication must target this group (or all users). */
    readonly emergencyGroupObjectId: string;
    /** Graph origin, e.g. `https://graph.microsoft.com`. */
    readonly graphEndpoint: string;
}

/** A device-bound passkey as the state records it: what identifies the key in a safe, never a secret. */
export interface RegisteredPasskey {
    readonly id: string;
    readonly model: string;
    readonly aaGuid: string;
    readonly createdDateTime: string;
}

/**
 * Where the account's certificate-based authentication comes from. Graph v1.0 lists no certificate among a user's
 * authentication methods (the authenticationMethod types are email, external, FIDO2, Authenticator, password,
 * phone, platform credential, QR code PIN, software OATH, TAP and Windows Hello), so the only evidence Graph gives
 * is the tenant's X509Certificate method configuration targeting the emergency group.
 */
export type CertificateSource = "tenantPolicy" | "none";

/** State of one passkey requirement: the inputs and what the last count found. */
export interface PasskeyRequirementOutputs extends PasskeyRequirementInputs {
    /** Device-bound FIDO2 methods registered (synced passkeys are not counted). */
    readonly registeredPasskeys: number;
    /** The device-bound ones, for the people who keep the safes. */
    readonly passkeys: RegisteredPasskey[];
    /** Certificate method: where certificate-based authentication comes from; "none" in the passkey method. */
    readonly certificateSource: CertificateSource;
    /** `true` when the account may hold its role. */
    readonly satisfied: boolean;
}

/** Options of the provider factory. Without any, the provider is the one a real `pulumi up` uses. */
export interface PasskeyRequirementProviderOptions {
    /** Source of Graph tokens. Defaults to `DefaultAzureCredential`, created on the first request only. */
    readonly credential?: TokenCredential;
    /** Retry pacing of throttled and unavailable responses; missing fields take the production defaults. */
    readonly retry?: Partial<RetryOptions>;
}

/** The provider object; `session` is made by `configure` (or on first use) in the process that runs it. */
export interface PasskeyRequirementProvider extends pulumi.dynamic.ResourceProvider {
    /** The process's Graph session. Never set before serialization: the program never runs the provider. */
    session?: GraphSession;
}

/** Reading the methods is all this resource does: the least Graph permission that lists another user's passkeys. */
export const PASSKEY_REQUIREMENT_PERMISSION = "UserAuthenticationMethod.Read.All";

/** The roles a person signed in for `pulumi up` needs to read another account's methods. */
export const PASSKEY_REQUIREMENT_READER_ROLES =
    "Authentication Administrator, or Privileged Authentication Administrator once the account holds an admin role";

/** The least permission that reads the tenant's authentication methods policy (certificate method). */
export const METHODS_POLICY_READ_PERMISSION = "Policy.Read.AuthenticationMethod";

/** Inputs a change of which the refreshed state must be re-counted against (an update). */
const UPDATE_FIELDS = ["method", "minimumPasskeys", "emergencyGroupObjectId", "graphEndpoint", "userPrincipalName"] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUnknown(value: unknown): boolean {
    return value === UNKNOWN_VALUE;
}

/** Missing optional inputs with their defaults: the passkey method, the default number of keys, global Graph. */
export function withPasskeyRequirementDefaults(news: Partial<PasskeyRequirementInputs>): Partial<PasskeyRequirementInputs> {
    return {
        ...news,
        method: news.method ?? DEFAULTS.credentialMethod,
        minimumPasskeys: news.minimumPasskeys ?? DEFAULTS.requiredPasskeys,
        graphEndpoint: news.graphEndpoint ?? DEFAULTS.graphEndpoint,
    };
}

/** Input failures found before any request; unknown values (preview) are not judged. */
export function checkPasskeyRequirementInputs(news: Partial<PasskeyRequirementInputs>): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    for (const property of ["userObjectId", "emergencyGroupObjectId"] as const) {
        const value = news[property];
        if (!isUnknown(value) && !(typeof value === "string" && GUID.test(value))) {
            failures.push({ property, reason: `${property} must be an object id (a GUID), got ${JSON.stringify(value)}` });
        }
    }
    const upn = news.userPrincipalName;
    if (!isUnknown(upn) && !(typeof upn === "string" && /^[^@\s]+@[^@\s]+$/.test(upn))) {
        failures.push({ property: "userPrincipalName", reason: `userPrincipalName must be a user principal name, got ${JSON.stringify(upn)}` });
    }
    const method = news.method;
    if (!isUnknown(method) && !(CREDENTIAL_METHODS as readonly unknown[]).includes(method)) {
        failures.push({ property: "method", reason: `method must be one of ${CREDENTIAL_METHODS.join(", ")}, got ${JSON.stringify(method)}` });
    }
    const minimum = news.minimumPasskeys;
    const { min, max } = LIMITS.requiredPasskeys;
    if (!isUnknown(minimum) && !(typeof minimum === "number" && Number.isInteger(minimum) && minimum >= min && minimum <= max)) {
        failures.push({
            property: "minimumPasskeys",
            reason: `minimumPasskeys must be a whole number from ${min} to ${max} (one lost key must never be a lockout), got ${JSON.stringify(minimum)}`,
        });
    }
    const endpointProblem = isUnknown(news.graphEndpoint) ? undefined : graphEndpointProblem(news.graphEndpoint ?? "");
    if (endpointProblem) failures.push({ property: "graphEndpoint", reason: endpointProblem });
    return failures;
}

/**
 * A different user is a different resource (replace). Any other changed input is an update, and so is a refreshed
 * state that is not satisfied: the update re-counts and fails with the onboarding command. That is how a key removed
 * since the last `up` shows in `pulumi preview --refresh` (the drift job) and fails the next `pulumi up`.
 */
export function diffPasskeyRequirement(olds: Partial<PasskeyRequirementOutputs>, news: Partial<PasskeyRequirementInputs>): pulumi.dynamic.DiffResult {
    const replaces = olds.userObjectId !== news.userObjectId ? ["userObjectId"] : [];
    const changed = UPDATE_FIELDS.some((field) => olds[field] !== news[field]);
    return { changes: replaces.length > 0 || changed || olds.satisfied !== true, replaces, deleteBeforeReplace: false };
}

/** The device-bound passkeys among the registered FIDO2 methods, as the state records them. */
export function deviceBoundPasskeys(methods: readonly Fido2Method[]): RegisteredPasskey[] {
    return methods.filter(isDeviceBoundPasskey).map((method) => ({
        id: method.id,
        model: method.model ?? "",
        aaGuid: method.aaGuid ?? "",
        createdDateTime: method.createdDateTime ?? "",
    }));
}

/**
 * Where certificate-based authentication comes from for the group, given the tenant's X509Certificate configuration:
 * enabled, targeting the group or every user, and not excluding the group (methodEnabledFor).
 */
export function certificateSourceFor(configuration: MethodConfiguration, groupId: string): CertificateSource {
    return methodEnabledFor(configuration, groupId) ? "tenantPolicy" : "none";
}

/** The state of a requirement from what Graph showed: the passkeys (always counted) and, certificate method, the source. */
export function passkeyRequirementState(
    inputs: PasskeyRequirementInputs,
    found: { readonly fido2Methods: readonly Fido2Method[]; readonly certificateSource?: CertificateSource },
): PasskeyRequirementOutputs {
    const passkeys = deviceBoundPasskeys(found.fido2Methods);
    const certificateSource = inputs.method === "certificate" ? (found.certificateSource ?? "none") : "none";
    const satisfied = inputs.method === "certificate" ? certificateSource !== "none" : passkeys.length >= inputs.minimumPasskeys;
    return {
        userObjectId: inputs.userObjectId,
        userPrincipalName: inputs.userPrincipalName,
        method: inputs.method,
        minimumPasskeys: inputs.minimumPasskeys,
        emergencyGroupObjectId: inputs.emergencyGroupObjectId,
        graphEndpoint: inputs.graphEndpoint,
        registeredPasskeys: passkeys.length,
        passkeys,
        certificateSource,
        satisfied,
    };
}

/**
 * Why the account may not hold its role yet, naming it and exactly what to do; undefined when it may. The passkey
 * message names the onboarding command (with `--keys` when the stack asks for other than the default).
 */
export function unmetRequirementMessage(state: PasskeyRequirementOutputs): string | undefined {
    if (state.satisfied) return undefined;
    const upn = state.userPrincipalName;
    if (state.method === "certificate") {
        return (
            `${upn} has no certificate-based authentication it needs before it may hold its role: the tenant's ` +
            `certificate-based authentication (authentication methods policy, ${METHOD_CONFIGURATION_IDS.x509Certificate}) ` +
            `is not enabled for the emergency group ${state.emergencyGroupObjectId}. An ${AUTHENTICATION_POLICY_ADMIN_ROLE} ` +
            "enables it (Entra admin center: Authentication methods, Policies, Certificate-based authentication) with the " +
            "emergency group as a target, configures the certificate authorities and the account's certificate binding, " +
            "then runs `pulumi up` again."
        );
    }
    return (
        `${upn} has ${state.registeredPasskeys} of the ${state.minimumPasskeys} device-bound FIDO2 passkeys it needs before it ` +
        `may hold its role (synced passkeys do not count). Run \`${onboardingCommand(upn, state.minimumPasskeys)}\` with two ` +
        "people present, then `pulumi up` again."
    );
}

/** The status of a failure from graph/, which keeps Graph's own error as `cause`. */
function failureStatus(error: unknown): number | undefined {
    return statusOf(error) ?? statusOf((error as { cause?: unknown } | undefined)?.cause);
}

/**
 * A failure of a read the requirement needs. On 403 the message is this resource's own: reading is enough here, so
 * it names the read permission (graph/ names the read-write one its writers need) and the roles.
 */
function requirementFailure(graph: GraphClient, subject: string, method: string, purpose: string, error: unknown, access: string): Error {
    if (failureStatus(error) !== 403) return error instanceof Error ? error : new Error(String(error));
    const original = (error as { cause?: unknown }).cause ?? error;
    const failure = graphFailure(subject, method, purpose, original, graph.retry);
    // Graph's own message ends with a period already.
    return new Error(`${failure.message.replace(/\.$/, "")}. ${access}`, { cause: original });
}

/** Counts the account's credentials (reads only) and returns the state; a missing user fails naming it. */
async function evaluate(graph: GraphClient, inputs: PasskeyRequirementInputs): Promise<PasskeyRequirementOutputs> {
    const user: UserRef = { id: inputs.userObjectId, userPrincipalName: inputs.userPrincipalName };
    const methodsAccess =
        `Reading is enough for the passkey requirement: the deploy identity needs the Microsoft Graph permission ` +
        `${PASSKEY_REQUIREMENT_PERMISSION} and, signed in as a person, the role ${PASSKEY_REQUIREMENT_READER_ROLES}`;
    let fido2Methods: Fido2Method[];
    try {
        fido2Methods = await listFido2Methods(graph, user);
    } catch (error) {
        throw requirementFailure(graph, describeUser(user), "GET", "count its passkeys (fido2Methods) for its passkey requirement", error, methodsAccess);
    }
    let certificateSource: CertificateSource | undefined;
    if (inputs.method === "certificate") {
        const id = METHOD_CONFIGURATION_IDS.x509Certificate;
        try {
            certificateSource = certificateSourceFor(await readMethodConfiguration(graph, id), inputs.emergencyGroupObjectId);
        } catch (error) {
            throw requirementFailure(
                graph,
                `Authentication method configuration ${id}`,
                "GET",
                `read whether certificate-based authentication targets the emergency group (passkey requirement of ${inputs.userPrincipalName})`,
                error,
                `Reading is enough here: the deploy identity needs the Microsoft Graph permission ${METHODS_POLICY_READ_PERMISSION} and, ` +
                    `signed in as a person, the ${AUTHENTICATION_POLICY_ADMIN_ROLE} or Global Reader role`,
            );
        }
    }
    return passkeyRequirementState(inputs, { fido2Methods, certificateSource });
}

/**
 * The dynamic provider of PasskeyRequirement. Tests pass a fake credential and fast retries. Every call of one
 * process shares the Graph session `configure` makes (graph/session.ts): one credential chain walk, one token.
 */
export function createPasskeyRequirementProvider(options: PasskeyRequirementProviderOptions = {}): PasskeyRequirementProvider {
    const newSession = () => createGraphSession({ credential: options.credential, retry: options.retry });
    const connect = (provider: PasskeyRequirementProvider, endpoint: string) => (provider.session ??= newSession()).client(endpoint);

    /** Counts, and refuses the role while the requirement is not met: the error reaches `pulumi up` as its failure. */
    const require = async (provider: PasskeyRequirementProvider, inputs: PasskeyRequirementInputs) => {
        const state = await evaluate(connect(provider, inputs.graphEndpoint), inputs);
        const unmet = unmetRequirementMessage(state);
        if (unmet !== undefined) throw new Error(unmet);
        return state;
    };

    return {
        async configure(this: PasskeyRequirementProvider) {
            // The host calls this once per process, before any other call: the session is made here, at run time,
            // so Pulumi's serializer never copies (and resets) it.
            this.session = newSession();
        },

        async check(_olds: Partial<PasskeyRequirementInputs>, news: Partial<PasskeyRequirementInputs>) {
            const inputs = withPasskeyRequirementDefaults(news);
            return { inputs, failures: checkPasskeyRequirementInputs(inputs) };
        },

        async diff(_id: string, olds: Partial<PasskeyRequirementOutputs>, news: Partial<PasskeyRequirementInputs>) {
            return diffPasskeyRequirement(olds, news);
        },

        async create(this: PasskeyRequirementProvider, inputs: PasskeyRequirementInputs) {
            return { id: inputs.userObjectId, outs: await require(this, inputs) };
        },

        async read(this: PasskeyRequirementProvider, id: string, props?: PasskeyRequirementOutputs) {
            if (!props) return { id, props: {} };
            // A state written before an input existed is read with that input's default.
            const inputs = withPasskeyRequirementDefaults(props) as PasskeyRequirementInputs;
            const graph = connect(this, inputs.graphEndpoint);
            // The user is gone, and with it what this resource guarded: Pulumi drops it from state.
            if (!(await resolveUser(graph, inputs.userObjectId))) return { id: "" };
            try {
                // Never throws for an unmet requirement: the refreshed state says so, and diff makes it an update.
                return { id, props: await evaluate(graph, inputs) };
            } catch (error) {
                // Deleted between the lookup and the count.
                if (failureStatus(error) === 404) return { id: "" };
                throw error;
            }
        },

        async update(this: PasskeyRequirementProvider, _id: string, _olds: PasskeyRequirementOutputs, news: PasskeyRequirementInputs) {
            return { outs: await require(this, news) };
        },

        async delete() {
            // Deliberately nothing: the requirement only read the tenant; the keys stay registered.
        },
    };
}
