// `npm run onboard -- --account <n|limited|upn>`: an emergency account's passkeys, registered with a Temporary
// Access Pass shown once on this terminal, in the order that fails closed (see USAGE). Run by an Authentication
// Administrator (or Privileged Authentication Administrator) signed in with a delegated credential.
import * as path from "node:path";
import type { TokenCredential } from "@azure/identity";
import { DEFAULTS, LIMITS } from "../../policies/contract/constants";
import { UsageError, parseOnboardArguments, type OnboardArguments } from "./options";
import { LAST_STEP, RUNBOOK_LINK, SECURITY_INFO_URL } from "./render";

const USAGE = `Usage: npm run onboard -- --account <n|limited|upn> [--stack <name>] [--config-file <file>]
                        [--ids-file <file>] [--group-id <id>] [--keys <n>] [--tap-minutes <n>] [--reusable]
                        [--auth cli|browser] [--graph-endpoint <url>] [--requests-per-second <n>]
                        [--poll-seconds <n>]

Registers an emergency account's device-bound FIDO2 passkeys (security keys): issues a Temporary Access Pass,
shows it once on this terminal, waits until the keys are registered at ${SECURITY_INFO_URL}, then deletes the pass
and revokes the account's sessions. Two people present; the keys go into two separate safes. Refuses to run unless
standard output is a terminal. The pass is never logged, stored or written anywhere else.

  --account, -a <n|limited|upn>  the emergency account: its number (1 to accountCount), limited (with
                                 limitedAccount: true), or its user principal name; nothing else is accepted
  --stack, -s <name>             the stack: Pulumi.<name>.yaml (default: prod)
  --config-file <file>           read the stack config from this file instead of Pulumi.<name>.yaml
  --ids-file <file>              where the emergency group's id is read (default: emergency-ids/<stack>.json,
                                 key emergencyAccessGroupObjectId)
  --group-id <id>                the emergency group's object id, instead of the ids file
  --keys <n>                     device-bound passkeys to wait for, ${LIMITS.requiredPasskeys.min} to ${LIMITS.requiredPasskeys.max}, not below the stack's
                                 (default: credential.requiredPasskeys, else ${DEFAULTS.requiredPasskeys}); synced passkeys never count
  --tap-minutes <n>              the pass's lifetime, ${LIMITS.temporaryAccessPassMinutes.min} to ${LIMITS.temporaryAccessPassMinutes.max} minutes (default: ${DEFAULTS.temporaryAccessPassMinutes})
  --reusable                     a pass usable more than once (default: single use)
  --auth cli|browser             sign in with the Azure CLI's session (default; az login --tenant <tenantDomain>)
                                 or an interactive browser sign-in; never a device code
  --graph-endpoint <url>         the Graph origin (default: conditionalAccess.graphEndpoint of the stack)
  --requests-per-second <n>      the most Graph requests per second, ${LIMITS.graphRequestsPerSecond.min} to ${LIMITS.graphRequestsPerSecond.max} (default: ${DEFAULTS.graphRequestsPerSecond})
  --poll-seconds <n>             seconds between two checks of the account's passkeys (default: ${DEFAULTS.onboardingPollSeconds})
  --help, -h                     show this help

Steps (each shown with its number, outcome and time):
  0/${LAST_STEP}  delete any pass left by an interrupted run
  1/${LAST_STEP}  methods policy: enable Passkey (FIDO2), self-service setup allowed, and Temporary Access Pass for
       the emergency group, keeping every other target; a method disabled tenant-wide is never switched on
       for its other targets (Graph's default lists all_users): the command stops before any pass and says so
  2/${LAST_STEP}  count the device-bound passkeys; if there are enough, print the receipt and stop (nothing changes)
  3/${LAST_STEP}  issue the pass and show it once, with its expiry
  4/${LAST_STEP}  wait for the keys, showing each (model, AAGUID, date); stop when the pass expires
  5/${LAST_STEP}  delete the pass
  6/${LAST_STEP}  revoke the account's sign-in sessions
  7/${LAST_STEP}  receipt (no secret); then \`pulumi up\` assigns the role (${RUNBOOK_LINK})
Ctrl-C, a failed step or a lost network after step 3 deletes the pass before exiting; if even that fails, the next
run deletes it (step 0).

Roles of the person signed in: Authentication Administrator for an account that holds no admin role yet,
Privileged Authentication Administrator for one that already holds a role, and Authentication Policy
Administrator for step 1. Microsoft Graph delegated scopes: UserAuthenticationMethod.ReadWrite.All,
Policy.ReadWrite.AuthenticationMethod, User.RevokeSessions.All, User.Read.All.

Exit codes: 0 onboarded, or already onboarded (nothing changed); 1 a step failed (the message names the step, the
account and the missing permission or role; the pass, if one was issued, was deleted); 2 a usage or config error,
standard output not a terminal, certificate mode, or not an emergency account (nothing was requested); 3 the pass
expired before the keys were registered (the pass was deleted); 130 interrupted.`;

const EXIT = { ok: 0, failed: 1, usage: 2, expired: 3, interrupted: 130 } as const;

/** How to get the group id when neither --group-id nor the ids file gives it. */
const GROUP_ID_HINT =
    "The methods policy (step 1) needs the emergency group's object id: pass --group-id <id>, or write the ids file " +
    "after the first deployment with `pulumi stack output --json > outputs.json && npm run reconcile -- --refresh-ids outputs.json`";

function refuse(message: string): number {
    process.stderr.write(`onboard: ${message}\n`);
    return EXIT.usage;
}

/** Everything checked before any request: the stack, the account, the group, the endpoint. */
async function prepare(args: OnboardArguments) {
    const projectDir = path.resolve(__dirname, "..", "..");
    const { validateGraphEndpoint } = await import("../../graph/client");
    const { defaultIdsFile, readEmergencyIds } = await import("../reconcile/ids");
    const { chooseAccount } = await import("./account");
    const { defaultStackFile, readOnboardingConfig } = await import("./stackConfig");

    const stackFile = path.resolve(projectDir, args.configFile ?? defaultStackFile(args.stack));
    const config = readOnboardingConfig(stackFile);
    if (config.credentialMethod !== "passkey") {
        throw new UsageError(
            `${stackFile}: credential.method is ${config.credentialMethod}: the accounts sign in with certificate-based ` +
                "authentication, so there are no passkeys to onboard. Register each account's certificate instead " +
                "(README, credential.method), then run `pulumi up`",
        );
    }
    const keys = args.keys ?? config.requiredPasskeys;
    if (keys < config.requiredPasskeys) {
        throw new UsageError(
            `--keys ${keys} is below the stack's credential.requiredPasskeys (${config.requiredPasskeys}): \`pulumi up\` would ` +
                "still withhold the role",
        );
    }
    const account = chooseAccount(args.account ?? "", config);
    let groupId = args.groupId;
    if (groupId === undefined) {
        const idsFile = path.resolve(projectDir, args.idsFile ?? defaultIdsFile(args.stack));
        try {
            groupId = readEmergencyIds(idsFile).groupIds[0];
        } catch (error) {
            throw new UsageError(`${(error as Error).message}. ${GROUP_ID_HINT}`);
        }
    }
    let endpoint: string;
    try {
        endpoint = validateGraphEndpoint(args.graphEndpoint ?? config.graphEndpoint);
    } catch (error) {
        throw new UsageError(`--graph-endpoint: ${(error as Error).message}`);
    }
    return {
        config,
        account,
        groupId,
        endpoint,
        keys,
        tapMinutes: args.tapMinutes ?? DEFAULTS.temporaryAccessPassMinutes,
        pollMs: (args.pollSeconds ?? DEFAULTS.onboardingPollSeconds) * 1000,
    };
}

/** The delegated credential: the Azure CLI's session or a browser sign-in, for the stack's tenant. Never DefaultAzureCredential. */
async function delegatedCredential(auth: OnboardArguments["auth"], tenantId: string): Promise<TokenCredential> {
    const identity = await import("@azure/identity");
    return auth === "browser" ? new identity.InteractiveBrowserCredential({ tenantId }) : new identity.AzureCliCredential({ tenantId });
}

async function main(argv: string[]): Promise<number> {
    let args: OnboardArguments;
    try {
        args = parseOnboardArguments(argv);
    } catch (error) {
        return refuse(`${(error as Error).message} (npm run onboard -- --help lists every option)`);
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    // The pass is shown once, on a person's terminal: never into a pipe, a file or a CI log. Checked before anything else.
    if (process.stdout.isTTY !== true) {
        return refuse(
            "standard output is not a terminal; refusing to issue a Temporary Access Pass that would be shown in a pipe, " +
                "a file or a log. Run it in an interactive terminal.",
        );
    }
    let setup;
    try {
        setup = await prepare(args);
    } catch (error) {
        // UsageError, ConfigError, StackFileError and IdsFileError all name the option, key or file at fault.
        return refuse((error as Error).message);
    }

    // From here on a pass may exist: the first Ctrl-C (or SIGTERM) cleans up, a second one leaves at once.
    const interrupt = new AbortController();
    const onSignal = (name: string) => {
        if (!interrupt.signal.aborted) {
            process.stderr.write(`\nonboard: ${name}: stopping; deleting the pass if one was issued (${name} again to leave at once)\n`);
            interrupt.abort();
            return;
        }
        process.stderr.write(`\nonboard: ${name} again: leaving now; if a pass was issued, the next run deletes it (step 0)\n`);
        process.exit(EXIT.interrupted);
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));

    const { createGraphSession } = await import("../../graph/session");
    const { resolveUser, revokeSignInSessions } = await import("../../graph/users");
    const methods = await import("../../graph/authenticationMethods");
    const { ensureMethodEnabledForGroup } = await import("../../graph/authenticationMethodsPolicy");
    const { onboard } = await import("./onboard");

    const credential = await delegatedCredential(args.auth, setup.config.tenantDomain);
    const graph = createGraphSession({ credential, requestsPerSecond: args.requestsPerSecond }).client(setup.endpoint);
    const upn = setup.account.userPrincipalName;
    process.stdout.write(
        `Onboarding ${upn} at ${setup.endpoint}: ${setup.keys} device-bound passkeys, a ${setup.tapMinutes}-minute ` +
            `${args.reusable ? "reusable" : "single-use"} Temporary Access Pass.\n`,
    );

    let user;
    try {
        user = await resolveUser(graph, upn);
    } catch (error) {
        process.stderr.write(`onboard: finding the account ${upn} failed: ${(error as Error).message}\n`);
        return EXIT.failed;
    }
    if (user === undefined) {
        process.stderr.write(`onboard: ${upn} does not exist in the tenant yet: the first \`pulumi up\` creates it (${RUNBOOK_LINK})\n`);
        return EXIT.failed;
    }
    if (user.onPremisesSyncEnabled === true || (user.userType ?? "Member").toLowerCase() !== "member") {
        return refuse(
            `${user.userPrincipalName} (user ${user.id}) is ${user.onPremisesSyncEnabled === true ? "synchronized from on-premises" : `a ${user.userType} user`}: ` +
                "not a cloud-only emergency account this program created; no pass is issued to it",
        );
    }
    if (user.userPrincipalName.toLowerCase() !== upn.toLowerCase()) {
        return refuse(`${upn} resolved to ${user.userPrincipalName} (user ${user.id}), not the declared account; no pass is issued to it`);
    }
    if (!user.accountEnabled) {
        process.stderr.write(`onboard: ${upn} (user ${user.id}) is disabled, so it cannot sign in with a pass: \`pulumi up\` enables it\n`);
        return EXIT.failed;
    }
    if (interrupt.signal.aborted) {
        process.stdout.write("Interrupted before step 0: no pass was issued.\n");
        return EXIT.interrupted;
    }

    const outcome = await onboard(
        {
            listTemporaryAccessPasses: (ref) => methods.listTemporaryAccessPasses(graph, ref),
            deleteTemporaryAccessPass: (ref, id) => methods.deleteTemporaryAccessPass(graph, ref, id),
            ensureMethodEnabledForGroup: (id, groupId, settings) => ensureMethodEnabledForGroup(graph, id, groupId, settings),
            listFido2Methods: (ref) => methods.listFido2Methods(graph, ref),
            issueTemporaryAccessPass: (ref, options) => methods.issueTemporaryAccessPass(graph, ref, options),
            revokeSignInSessions: (ref) => revokeSignInSessions(graph, ref),
        },
        {
            user: { id: user.id, userPrincipalName: user.userPrincipalName },
            groupId: setup.groupId,
            keys: setup.keys,
            tapMinutes: setup.tapMinutes,
            reusable: args.reusable,
            pollMs: setup.pollMs,
        },
        {
            line: (text) => process.stdout.write(`${text}\n`),
            passLine: (text) => process.stdout.write(`${text}\n`),
        },
        {
            now: () => Date.now(),
            sleep: (ms, signal) =>
                new Promise<void>((resolve) => {
                    const timer = setTimeout(done, ms);
                    function done() {
                        clearTimeout(timer);
                        signal.removeEventListener("abort", done);
                        resolve();
                    }
                    signal.addEventListener("abort", done, { once: true });
                }),
        },
        interrupt.signal,
    );
    switch (outcome.kind) {
        case "onboarded":
        case "alreadyOnboarded":
            return EXIT.ok;
        case "expired":
            return EXIT.expired;
        case "interrupted":
            return EXIT.interrupted;
        case "failed":
            process.stderr.write(`onboard: ${outcome.message}\n`);
            return EXIT.failed;
    }
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
        // A request left in flight by an interruption must not keep the process (and the terminal) waiting.
        setTimeout(() => process.exit(code), 2000).unref();
    },
    (error: unknown) => {
        // Never a stack trace with values: the message only (no step holds the pass by then; see onboard.ts).
        process.stderr.write(`onboard: ${(error as Error).message ?? String(error)}\n`);
        process.exitCode = EXIT.failed;
    },
);
