// The command line of `npm run onboard`, checked before anything else happens: a bad argument is refused with a
// message naming it, before the terminal check, the stack file or any Graph request. Pure.
import { parseArgs } from "node:util";
import { LIMITS } from "../../policies/contract/constants";

/** How the operator signs in: the Azure CLI's session, or an interactive browser sign-in. Never a device code. */
export const AUTH_METHODS = ["cli", "browser"] as const;

/** One of AUTH_METHODS. */
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The shortest and longest wait between two polls of the account's passkeys, in seconds. */
export const POLL_SECONDS = { min: 0.01, max: 60 } as const;

/** A bad command line; the message names the option. Exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The command line, parsed. Values that default from the stack stay undefined here. */
export interface OnboardArguments {
    /** `--account`: a number, "limited", or a user principal name; checked against the stack's accounts later. */
    readonly account?: string;
    /** `--stack`: which `Pulumi.<stack>.yaml`. Defaults to "prod". */
    readonly stack: string;
    /** `--config-file`: read the stack config from this file instead. */
    readonly configFile?: string;
    /** `--ids-file`: where the emergency group id is read from when `--group-id` is not given. */
    readonly idsFile?: string;
    /** `--group-id`: the emergency group's object id. */
    readonly groupId?: string;
    /** `--keys`: device-bound passkeys to wait for. Undefined: the stack's credential.requiredPasskeys. */
    readonly keys?: number;
    /** `--tap-minutes`: the pass's lifetime. Undefined: DEFAULTS.temporaryAccessPassMinutes. */
    readonly tapMinutes?: number;
    /** `--reusable`: a pass usable more than once (for a second key on another device). Defaults to false. */
    readonly reusable: boolean;
    /** `--auth`. Defaults to "cli". */
    readonly auth: AuthMethod;
    /** `--graph-endpoint`. Undefined: the stack's conditionalAccess.graphEndpoint. */
    readonly graphEndpoint?: string;
    /** `--requests-per-second`. Undefined: DEFAULTS.graphRequestsPerSecond. */
    readonly requestsPerSecond?: number;
    /** `--poll-seconds`. Undefined: DEFAULTS.onboardingPollSeconds. */
    readonly pollSeconds?: number;
    /** `--help`. */
    readonly help: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A whole number option within [min, max], or a UsageError naming the option. */
function wholeNumberOption(name: string, text: string | undefined, min: number, max: number): number | undefined {
    if (text === undefined) return undefined;
    const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    }
    return value;
}

/** A decimal number option within [min, max], or a UsageError naming the option. */
function numberOption(name: string, text: string | undefined, min: number, max: number, unit: string): number | undefined {
    if (text === undefined) return undefined;
    const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new UsageError(`--${name} must be a number from ${min} to ${max} (${unit}), got "${text}"`);
    }
    return value;
}

/** Every option the command takes (the help must document each: test/process/onboardCommand.test.ts). */
export const ONBOARD_OPTIONS = {
    account: { type: "string", short: "a" },
    stack: { type: "string", short: "s", default: "prod" },
    "config-file": { type: "string" },
    "ids-file": { type: "string" },
    "group-id": { type: "string" },
    keys: { type: "string" },
    "tap-minutes": { type: "string" },
    reusable: { type: "boolean", default: false },
    auth: { type: "string", default: "cli" },
    "graph-endpoint": { type: "string" },
    "requests-per-second": { type: "string" },
    "poll-seconds": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
} as const;

/** Parses and checks the command line; throws UsageError naming the first bad option. */
export function parseOnboardArguments(argv: readonly string[]): OnboardArguments {
    let values;
    try {
        values = parseArgs({
            args: [...argv],
            options: ONBOARD_OPTIONS,
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    if (values.help) return { stack: values.stack, reusable: false, auth: "cli", help: true };

    const account = values.account?.trim();
    if (account === undefined || account === "") {
        throw new UsageError("--account is required: the account's number (1, 2, ...), limited, or its user principal name");
    }
    const auth = values.auth;
    if (!(AUTH_METHODS as readonly string[]).includes(auth)) {
        throw new UsageError(`--auth must be ${AUTH_METHODS.join(" or ")} (a delegated sign-in; no device code), got "${auth}"`);
    }
    const groupId = values["group-id"];
    if (groupId !== undefined && !GUID.test(groupId)) {
        throw new UsageError(`--group-id must be the emergency group's object id (a GUID), got "${groupId}"`);
    }
    const rate = values["requests-per-second"];
    const { graphRequestsPerSecond } = LIMITS;
    return {
        account,
        stack: values.stack,
        configFile: values["config-file"],
        idsFile: values["ids-file"],
        groupId,
        keys: wholeNumberOption("keys", values.keys, LIMITS.requiredPasskeys.min, LIMITS.requiredPasskeys.max),
        tapMinutes: wholeNumberOption(
            "tap-minutes",
            values["tap-minutes"],
            LIMITS.temporaryAccessPassMinutes.min,
            LIMITS.temporaryAccessPassMinutes.max,
        ),
        reusable: values.reusable,
        auth: auth as AuthMethod,
        graphEndpoint: values["graph-endpoint"],
        requestsPerSecond: numberOption(
            "requests-per-second",
            rate,
            graphRequestsPerSecond.min,
            graphRequestsPerSecond.max,
            "Graph requests per second",
        ),
        pollSeconds: numberOption("poll-seconds", values["poll-seconds"], POLL_SECONDS.min, POLL_SECONDS.max, "seconds"),
        help: false,
    };
}
