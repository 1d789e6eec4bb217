// The onboarding steps, in the order that fails closed: clean up a pass left by an interrupted run, enable the
// methods for the emergency group, issue one Temporary Access Pass and show it once, wait for the device-bound
// passkeys, delete the pass, revoke the sessions, print a receipt. Graph, the terminal and the clock are injected,
// so the same logic runs in the command and in tests.
//
// The pass is a credential that signs the account in. It lives in one local of issueAndShowPass, is written to the
// terminal once, and is dropped: every later step, error and receipt only knows the pass's id and expiry. Whatever
// ends the run after the pass was issued (a failed step, the expiry, Ctrl-C, a lost network), the pass is deleted
// before the outcome is returned; when even that fails, the outcome says so and step 0 of the next run deletes it.
import {
    isDeviceBoundPasskey,
    type Fido2Method,
    type IssuedTemporaryAccessPass,
    type TemporaryAccessPassInfo,
} from "../../graph/authenticationMethods";
import { METHOD_CONFIGURATION_IDS, type MethodConfiguration, type MethodConfigurationId } from "../../graph/authenticationMethodsPolicy";
import type { UserRef } from "../../graph/users";
import {
    LAST_STEP,
    SECURITY_INFO_URL,
    STEP_ACTIONS,
    formatTime,
    methodsPolicyOutcome,
    passkeyLine,
    renderReceipt,
    stepLine,
    type Receipt,
} from "./render";

/** The Graph operations onboarding uses, bound to one client (graph/ functions in the command, fakes in unit tests). */
export interface OnboardingGraph {
    listTemporaryAccessPasses(user: UserRef): Promise<TemporaryAccessPassInfo[]>;
    deleteTemporaryAccessPass(user: UserRef, id: string): Promise<void>;
    ensureMethodEnabledForGroup(
        id: MethodConfigurationId,
        groupId: string,
        settings?: Readonly<Record<string, unknown>>,
    ): Promise<{ readonly changed: boolean; readonly configuration: MethodConfiguration }>;
    listFido2Methods(user: UserRef): Promise<Fido2Method[]>;
    issueTemporaryAccessPass(user: UserRef, options: { readonly lifetimeInMinutes: number; readonly isUsableOnce: boolean }): Promise<IssuedTemporaryAccessPass>;
    revokeSignInSessions(user: UserRef): Promise<void>;
}

/** Where onboarding writes. Only `passLine` ever receives the pass, once. */
export interface OnboardingTerminal {
    /** A line of progress (no secret). */
    line(text: string): void;
    /** The one line that shows the pass. */
    passLine(text: string): void;
}

/** Time, injectable so unit tests need not wait. */
export interface OnboardingClock {
    /** Epoch milliseconds. */
    now(): number;
    /** Resolves after `ms`, or as soon as `signal` aborts. */
    sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Who is onboarded and how. */
export interface OnboardingPlan {
    /** The resolved emergency account. */
    readonly user: Required<UserRef>;
    /** The emergency group: the methods policy enables FIDO2 and the pass for it. */
    readonly groupId: string;
    /** Device-bound passkeys to wait for. */
    readonly keys: number;
    /** The pass's lifetime in minutes. */
    readonly tapMinutes: number;
    /** A pass usable more than once (registering keys on several devices). */
    readonly reusable: boolean;
    /** Milliseconds between two polls of the account's passkeys. */
    readonly pollMs: number;
}

/** How a run ended; cli.ts maps it to the exit code. */
export type OnboardingOutcome =
    /** Keys registered, pass deleted, sessions revoked (exit 0). */
    | { readonly kind: "onboarded"; readonly receipt: Receipt }
    /** The account already had its keys: no pass was issued (exit 0). */
    | { readonly kind: "alreadyOnboarded"; readonly receipt: Receipt; readonly writes: number }
    /** A step failed (exit 1). */
    | { readonly kind: "failed"; readonly step: number; readonly message: string }
    /** The pass expired before the keys arrived (exit 3). */
    | { readonly kind: "expired"; readonly registered: number }
    /** Ctrl-C or SIGTERM (exit 130). */
    | { readonly kind: "interrupted"; readonly step: number };

/** The settings step 1 applies to FIDO2: without self-service setup the operator cannot register a key with the pass. */
export const FIDO2_SETTINGS = { isSelfServiceRegistrationAllowed: true } as const;

/** Thrown inside a step when the run is interrupted; never escapes onboard(). */
class Interrupted extends Error {
    constructor() {
        super("interrupted");
    }
}

/** Thrown inside a step that failed; never escapes onboard(). */
class StepFailed extends Error {
    constructor(
        readonly step: number,
        message: string,
    ) {
        super(message);
    }
}

/** Thrown when the pass expired before the keys arrived; never escapes onboard(). */
class PassExpired extends Error {
    constructor(readonly registered: number) {
        super("expired");
    }
}

/** `promise`, or an Interrupted rejection as soon as `signal` aborts (the request itself is left to finish). */
function unlessInterrupted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(new Interrupted());
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(new Interrupted());
        signal.addEventListener("abort", onAbort, { once: true });
        promise.then(
            (value) => {
                signal.removeEventListener("abort", onAbort);
                resolve(value);
            },
            (error: unknown) => {
                signal.removeEventListener("abort", onAbort);
                reject(error);
            },
        );
    });
}

/** The pass's expiry from Graph's answer: startDateTime (else createdDateTime, else `issuedAt`) plus its lifetime. */
export function passExpiry(pass: TemporaryAccessPassInfo, issuedAt: number): number {
    const start = Date.parse(pass.startDateTime ?? pass.createdDateTime ?? "");
    return (Number.isNaN(start) ? issuedAt : start) + pass.lifetimeInMinutes * 60_000;
}

/**
 * Why the tenant's Temporary Access Pass policy would refuse the pass this run asks for (Graph answers 400 to a lifetime
 * outside the policy's range, and every pass is single use when the policy says so), or undefined. Checked before the
 * pass is issued, so the operator changes the option or the policy instead of reading a bare 400.
 */
export function passPolicyProblem(policy: MethodConfiguration, plan: Pick<OnboardingPlan, "tapMinutes" | "reusable">): string | undefined {
    const min = typeof policy.minimumLifetimeInMinutes === "number" ? policy.minimumLifetimeInMinutes : undefined;
    const max = typeof policy.maximumLifetimeInMinutes === "number" ? policy.maximumLifetimeInMinutes : undefined;
    if ((min !== undefined && plan.tapMinutes < min) || (max !== undefined && plan.tapMinutes > max)) {
        return (
            `the tenant's Temporary Access Pass policy allows lifetimes from ${min ?? "?"} to ${max ?? "?"} minutes; ` +
            `--tap-minutes ${plan.tapMinutes} is outside that range: choose a lifetime within it, or change the policy ` +
            "(Entra admin center, Authentication methods, Temporary Access Pass)"
        );
    }
    if (plan.reusable && policy.isUsableOnce === true) {
        return "the tenant's Temporary Access Pass policy makes every pass single use; run without --reusable, or change the policy";
    }
    return undefined;
}

/** Which of `methods` count: the device-bound passkeys (security keys), never synced ones. */
export function deviceBoundPasskeys(methods: readonly Fido2Method[]): Fido2Method[] {
    return methods.filter(isDeviceBoundPasskey);
}

/** Runs the steps; returns how the run ended. Every Graph error becomes a "failed" outcome naming the step and account. */
export async function onboard(
    graph: OnboardingGraph,
    plan: OnboardingPlan,
    terminal: OnboardingTerminal,
    clock: OnboardingClock,
    signal: AbortSignal,
): Promise<OnboardingOutcome> {
    const { user } = plan;
    /** The pass this run issued and has not yet deleted: what every way out must clean up. */
    let livePass: { readonly id: string } | undefined;
    let step = 0;
    let writes = 0;

    /** Runs one step's Graph call, turning its failure into StepFailed and an interruption into Interrupted. */
    const call = async <T>(work: () => Promise<T>, interruptible = true): Promise<T> => {
        try {
            return interruptible ? await unlessInterrupted(work(), signal) : await work();
        } catch (error) {
            if (error instanceof Interrupted) throw error;
            throw new StepFailed(
                step,
                `Step ${step}/${LAST_STEP} (${STEP_ACTIONS[step]}) failed for ${user.userPrincipalName}: ${(error as Error).message}`,
            );
        }
    };

    const deleteLivePass = async (): Promise<string> => {
        if (!livePass) return "";
        const { id } = livePass;
        try {
            await graph.deleteTemporaryAccessPass(user, id);
            livePass = undefined;
            writes++;
            return "The Temporary Access Pass was deleted.";
        } catch (error) {
            return (
                `The Temporary Access Pass ${id} could not be deleted (${(error as Error).message}). ` +
                `It expires on its own; the next run of this command deletes it first (step 0), or delete it in the ` +
                `Entra admin center (user ${user.userPrincipalName}, Authentication methods).`
            );
        }
    };

    try {
        // Step 0: a pass left by an interrupted run would still sign the account in; Graph allows one per user anyway.
        let started = clock.now();
        const leftovers = await call(() => graph.listTemporaryAccessPasses(user));
        for (const pass of leftovers) {
            await call(() => graph.deleteTemporaryAccessPass(user, pass.id));
            writes++;
        }
        terminal.line(
            stepLine(
                0,
                leftovers.length === 0
                    ? "none"
                    : `deleted ${leftovers.length} pass${leftovers.length === 1 ? "" : "es"} left by an earlier run (${leftovers.map((p) => p.id).join(", ")})`,
                clock.now() - started,
            ),
        );

        // Step 1: without both methods enabled for the group, the pass cannot sign in or no key can be registered.
        step = 1;
        started = clock.now();
        const outcomes: string[] = [];
        let passPolicy: MethodConfiguration | undefined;
        for (const [name, id, settings] of [
            ["Passkey (FIDO2)", METHOD_CONFIGURATION_IDS.fido2, FIDO2_SETTINGS],
            ["Temporary Access Pass", METHOD_CONFIGURATION_IDS.temporaryAccessPass, undefined],
        ] as const) {
            const result = await call(() => graph.ensureMethodEnabledForGroup(id, plan.groupId, settings));
            if (result.changed) writes++;
            if (id === METHOD_CONFIGURATION_IDS.temporaryAccessPass) passPolicy = result.configuration;
            const others = result.configuration.includeTargets
                .filter((target) => target.id.toLowerCase() !== plan.groupId.toLowerCase())
                .map((target) => target.id);
            outcomes.push(methodsPolicyOutcome(name, result.changed, plan.groupId, others));
        }
        terminal.line(stepLine(1, outcomes.join("; "), clock.now() - started));
        const refusal = passPolicy && passPolicyProblem(passPolicy, plan);
        if (refusal) throw new StepFailed(1, `Step 1/${LAST_STEP} (${STEP_ACTIONS[1]}) failed for ${user.userPrincipalName}: ${refusal}`);

        // Step 2: re-running on an onboarded account changes nothing.
        step = 2;
        started = clock.now();
        const registered = await call(() => graph.listFido2Methods(user));
        const seen = new Set(registered.map((method) => method.id));
        let keys = deviceBoundPasskeys(registered);
        terminal.line(stepLine(2, `${keys.length} of ${plan.keys} device-bound`, clock.now() - started));
        let count = 0;
        for (const method of registered) {
            const deviceBound = isDeviceBoundPasskey(method);
            if (deviceBound) count++;
            terminal.line(passkeyLine(method, deviceBound, count, plan.keys));
        }
        if (keys.length >= plan.keys) {
            const receipt: Receipt = {
                userPrincipalName: user.userPrincipalName,
                objectId: user.id,
                keys,
                requiredKeys: plan.keys,
                pass: "none issued: already onboarded",
                sessions: "not revoked: no pass was issued",
                finishedAt: clock.now(),
            };
            terminal.line(
                writes === 0
                    ? "Already onboarded: nothing changed."
                    : `Already onboarded: no pass issued (${writes} change${writes === 1 ? "" : "s"} above).`,
            );
            for (const text of renderReceipt(receipt)) terminal.line(text);
            return { kind: "alreadyOnboarded", receipt, writes };
        }

        // Step 3: one pass, shown once. Not interruptible while in flight: its id must be known to delete it.
        step = 3;
        started = clock.now();
        const pass = await call(() => issueAndShowPass(graph, plan, terminal, clock, started), false);
        livePass = { id: pass.id };
        writes++;
        const expiresAt = passExpiry(pass, started);
        if (signal.aborted) throw new Interrupted();

        // Step 4: poll until enough device-bound keys, or the pass expires.
        step = 4;
        started = clock.now();
        terminal.line(
            stepLine(
                4,
                `sign in at ${SECURITY_INFO_URL} as ${user.userPrincipalName} with the pass and add ${plan.keys - keys.length} ` +
                    `more security key${plan.keys - keys.length === 1 ? "" : "s"} (checking every ${plan.pollMs / 1000} s until ${formatTime(expiresAt)})`,
            ),
        );
        for (;;) {
            const wait = Math.min(plan.pollMs, expiresAt - clock.now());
            if (wait > 0) await clock.sleep(wait, signal);
            if (signal.aborted) throw new Interrupted();
            if (clock.now() >= expiresAt) throw new PassExpired(keys.length);
            const methods = await call(() => graph.listFido2Methods(user));
            keys = deviceBoundPasskeys(methods);
            let counted = 0;
            for (const method of methods) {
                const deviceBound = isDeviceBoundPasskey(method);
                if (deviceBound) counted++;
                if (seen.has(method.id)) continue;
                seen.add(method.id);
                terminal.line(passkeyLine(method, deviceBound, counted, plan.keys));
            }
            if (keys.length >= plan.keys) break;
        }
        terminal.line(stepLine(4, `${keys.length} of ${plan.keys} device-bound passkeys registered`, clock.now() - started));

        // Step 5: the pass has done its job; deleting it is the end of the window in which it signs the account in.
        step = 5;
        started = clock.now();
        const passId = livePass.id;
        await call(() => graph.deleteTemporaryAccessPass(user, passId), false);
        livePass = undefined;
        writes++;
        terminal.line(stepLine(5, "deleted", clock.now() - started));

        // Step 6: a session opened with the pass must not outlive it.
        step = 6;
        started = clock.now();
        await call(() => graph.revokeSignInSessions(user), false);
        writes++;
        terminal.line(stepLine(6, "revoked", clock.now() - started));

        step = 7;
        const receipt: Receipt = {
            userPrincipalName: user.userPrincipalName,
            objectId: user.id,
            keys,
            requiredKeys: plan.keys,
            pass: "deleted",
            sessions: "revoked",
            finishedAt: clock.now(),
        };
        terminal.line(stepLine(7, "onboarded"));
        for (const text of renderReceipt(receipt)) terminal.line(text);
        return { kind: "onboarded", receipt };
    } catch (error) {
        if (error instanceof Interrupted) {
            const cleanup = await deleteLivePass();
            terminal.line(`Interrupted at step ${step}/${LAST_STEP} (${STEP_ACTIONS[step]}).${cleanup ? ` ${cleanup}` : " No pass was issued."}`);
            return { kind: "interrupted", step };
        }
        if (error instanceof PassExpired) {
            const cleanup = await deleteLivePass();
            terminal.line(
                stepLine(
                    4,
                    `the Temporary Access Pass expired before ${plan.keys} device-bound passkeys were registered ` +
                        `(${error.registered} of ${plan.keys}). ${cleanup} Run the command again for a new pass.`,
                ),
            );
            return { kind: "expired", registered: error.registered };
        }
        if (error instanceof StepFailed) {
            const cleanup = await deleteLivePass();
            return { kind: "failed", step: error.step, message: cleanup ? `${error.message}\n${cleanup}` : error.message };
        }
        throw error;
    }
}

/**
 * Step 3: issues the pass and writes it once, on its own line, with its expiry; returns the pass's id and dates only.
 * The value stays in this function's locals, which nothing keeps after it returns.
 */
async function issueAndShowPass(
    graph: OnboardingGraph,
    plan: OnboardingPlan,
    terminal: OnboardingTerminal,
    clock: OnboardingClock,
    started: number,
): Promise<TemporaryAccessPassInfo> {
    const issued = await graph.issueTemporaryAccessPass(plan.user, { lifetimeInMinutes: plan.tapMinutes, isUsableOnce: !plan.reusable });
    const { temporaryAccessPass, ...info } = issued;
    const expiresAt = passExpiry(info, started);
    terminal.line(
        stepLine(
            3,
            `issued, ${info.isUsableOnce ? "single use" : "reusable"}, valid until ${formatTime(expiresAt)}; shown once, on the next line`,
            clock.now() - started,
        ),
    );
    terminal.passLine(`      ${temporaryAccessPass}`);
    return info;
}
