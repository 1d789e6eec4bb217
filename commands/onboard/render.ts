// What `npm run onboard` prints: one progress line per step (number, what, outcome, elapsed time), one line per
// passkey, the receipt. Pure. Nothing here ever receives the pass itself: the one line that shows it is written
// by onboard.ts straight to the terminal (passLine), and every other text is built from non-secret facts.
import type { Fido2Method } from "../../graph/authenticationMethods";

/** The steps, by number: 0 cleans up after an interrupted run, 7 is the receipt. */
export const STEP_TITLES = [
    "Leftover passes",
    "Methods policy",
    "Registered passkeys",
    "Temporary Access Pass",
    "Waiting for the keys",
    "Delete the pass",
    "Revoke sign-in sessions",
    "Receipt",
] as const;

/** The last step's number: progress reads `[n/7]`. */
export const LAST_STEP = STEP_TITLES.length - 1;

/** What each step does, for error messages ("step 3/7 (issue the Temporary Access Pass) failed ..."). */
export const STEP_ACTIONS = [
    "remove a pass left by an interrupted run",
    "enable Passkey (FIDO2) and Temporary Access Pass for the emergency group",
    "count the registered passkeys",
    "issue the Temporary Access Pass",
    "wait for the passkeys",
    "delete the Temporary Access Pass",
    "revoke the sign-in sessions",
    "print the receipt",
] as const;

/** Where the operator registers the keys, signed in as the account with the pass. */
export const SECURITY_INFO_URL = "https://aka.ms/mysecurityinfo";

/** The runbook section that says what comes after onboarding. */
export const RUNBOOK_LINK = "docs/runbook.md#first-deployment";

/** `12.3 s` (or `850 ms` below a second). */
export function formatElapsed(ms: number): string {
    return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `2026-11-26 12:15:03 UTC`. */
export function formatTime(ms: number): string {
    return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `[3/7] Temporary Access Pass: <outcome> (<elapsed>)`. */
export function stepLine(step: number, outcome: string, elapsedMs?: number): string {
    const elapsed = elapsedMs === undefined ? "" : ` (${formatElapsed(elapsedMs)})`;
    return `[${step}/${LAST_STEP}] ${STEP_TITLES[step]}: ${outcome}${elapsed}`;
}

/** A passkey as the operator can recognise it: model (or display name), AAGUID, registration date. */
export function describePasskey(method: Fido2Method): string {
    const model = method.model ?? method.displayName ?? "unknown model";
    const date = method.createdDateTime ?? "date unknown";
    return `${model}, AAGUID ${method.aaGuid ?? "unknown"}, registered ${date}`;
}

/** One passkey under a step: a counted device-bound key (`key 2 of 2`), or a synced one that does not count. */
export function passkeyLine(method: Fido2Method, deviceBound: boolean, count: number, required: number): string {
    return deviceBound
        ? `      key ${count} of ${required}: ${describePasskey(method)}`
        : `      synced passkey, not counted (only device-bound keys count): ${describePasskey(method)}`;
}

/** How many other targets step 1 names; beyond that it counts them. */
const NAMED_TARGETS = 3;

/**
 * Step 1's outcome for one method configuration. The other targets are named (up to NAMED_TARGETS), so the operator
 * sees whom else the method already serves (a disabled method is never switched on for them: graph/ refuses that).
 */
export function methodsPolicyOutcome(name: string, changed: boolean, groupId: string, otherTargets: readonly string[]): string {
    if (!changed) return `${name} already enabled`;
    const count = otherTargets.length;
    const named = otherTargets.slice(0, NAMED_TARGETS).join(", ") + (count > NAMED_TARGETS ? ", ..." : "");
    return `${name} enabled for group ${groupId}, ${count} other target${count === 1 ? "" : "s"} kept${count > 0 ? ` (${named})` : ""}`;
}

/** The facts of a finished run: no secret. */
export interface Receipt {
    readonly userPrincipalName: string;
    readonly objectId: string;
    /** The account's device-bound passkeys. */
    readonly keys: readonly Fido2Method[];
    readonly requiredKeys: number;
    /** What happened to the pass: "deleted", or why there was none. */
    readonly pass: string;
    /** What happened to the sessions: "revoked", or why not. */
    readonly sessions: string;
    /** When the run finished (epoch milliseconds). */
    readonly finishedAt: number;
}

/** The receipt's lines, then the next step. */
export function renderReceipt(receipt: Receipt): string[] {
    return [
        "Receipt (no secret):",
        `  account    ${receipt.userPrincipalName}`,
        `  object id  ${receipt.objectId}`,
        `  passkeys   ${receipt.keys.length} device-bound (${receipt.requiredKeys} required)`,
        ...receipt.keys.map((key) => `             ${describePasskey(key)}`),
        `  pass       ${receipt.pass}`,
        `  sessions   ${receipt.sessions}`,
        `  time       ${formatTime(receipt.finishedAt)}`,
        `Next step: \`pulumi up\` assigns the account its role now that its passkeys are registered (${RUNBOOK_LINK}).`,
    ];
}
