// The onboarding steps (commands/onboard/onboard.ts) with Graph, the terminal and the clock replaced by doubles:
// the order of the calls, what every way out does with the pass, and that the pass reaches the terminal's one pass
// line and nothing else. The command itself, over HTTP under a pty, is test/process/onboardCommand.test.ts.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import type { Fido2Method, IssuedTemporaryAccessPass, TemporaryAccessPassInfo } from "../../graph/authenticationMethods";
import type { MethodConfiguration, MethodConfigurationId } from "../../graph/authenticationMethodsPolicy";
import {
    FIDO2_SETTINGS,
    deviceBoundPasskeys,
    onboard,
    passExpiry,
    passPolicyProblem,
    type OnboardingClock,
    type OnboardingGraph,
    type OnboardingOutcome,
    type OnboardingPlan,
} from "../../commands/onboard/onboard";

const START = Date.UTC(2026, 10, 26, 12, 0, 0);
const USER = { id: randomUUID(), userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" };
const GROUP = randomUUID();
const PLAN: OnboardingPlan = { user: USER, groupId: GROUP, keys: 2, tapMinutes: 10, reusable: false, pollMs: 5000 };

const key = (model: string, passkeyType?: string): Fido2Method => ({
    id: randomUUID(),
    model,
    aaGuid: randomUUID(),
    createdDateTime: "2026-11-26T12:01:00Z",
    ...(passkeyType ? { passkeyType } : {}),
});

/** A clock that moves only when slept on. */
function steppingClock(): OnboardingClock & { slept: number[] } {
    let now = START;
    const slept: number[] = [];
    return {
        slept,
        now: () => now,
        sleep: async (ms, signal) => {
            slept.push(ms);
            if (!signal.aborted) now += ms;
            await Promise.resolve();
        },
    };
}

interface Double extends OnboardingGraph {
    readonly calls: string[];
    /** Passkeys returned by the n-th listFido2Methods (the last one repeats). */
    polls: Fido2Method[][];
    passes: TemporaryAccessPassInfo[];
    /** Calls (by name, in order) that throw; each entry is used once. */
    failing: string[];
    /** Pass values issued. */
    readonly issued: string[];
    changed: boolean;
    /** Extra properties of the TemporaryAccessPass configuration (its lifetime range). */
    passPolicy: Record<string, unknown>;
    onIssue?: () => void;
}

function graphDouble(): Double {
    let poll = 0;
    const configuration = (id: string): MethodConfiguration => ({
        id,
        "@odata.type": `#microsoft.graph.${id}AuthenticationMethodConfiguration`,
        state: "enabled",
        includeTargets: [
            { id: GROUP, targetType: "group" },
            { id: "other-group", targetType: "group" },
        ],
        ...(id === "TemporaryAccessPass" ? double.passPolicy : {}),
    });
    const double: Double = {
        calls: [],
        polls: [[]],
        passes: [],
        failing: [],
        issued: [],
        changed: false,
        passPolicy: { minimumLifetimeInMinutes: 10, maximumLifetimeInMinutes: 480, isUsableOnce: false },
        async listTemporaryAccessPasses() {
            record("listTemporaryAccessPasses");
            return double.passes;
        },
        async deleteTemporaryAccessPass(_user, id) {
            record(`deleteTemporaryAccessPass ${id}`, "deleteTemporaryAccessPass");
            double.passes = double.passes.filter((pass) => pass.id !== id);
        },
        async ensureMethodEnabledForGroup(id: MethodConfigurationId, groupId, settings) {
            record(`ensureMethodEnabledForGroup ${id} ${groupId} ${JSON.stringify(settings ?? null)}`, "ensureMethodEnabledForGroup");
            return { changed: double.changed, configuration: configuration(id) };
        },
        async listFido2Methods() {
            record("listFido2Methods");
            return double.polls[Math.min(poll++, double.polls.length - 1)];
        },
        async issueTemporaryAccessPass(_user, options): Promise<IssuedTemporaryAccessPass> {
            record(`issueTemporaryAccessPass ${JSON.stringify(options)}`, "issueTemporaryAccessPass");
            const info = { id: randomUUID(), lifetimeInMinutes: options.lifetimeInMinutes, isUsableOnce: options.isUsableOnce, startDateTime: new Date(START).toISOString() };
            double.passes.push(info);
            const temporaryAccessPass = randomBytes(12).toString("base64url");
            double.issued.push(temporaryAccessPass);
            double.onIssue?.();
            return { ...info, temporaryAccessPass };
        },
        async revokeSignInSessions() {
            record("revokeSignInSessions");
        },
    };
    function record(call: string, name = call) {
        double.calls.push(call);
        const index = double.failing.indexOf(name);
        if (index >= 0) {
            double.failing.splice(index, 1);
            throw new Error(`Emergency account ${USER.userPrincipalName} (user ${USER.id}): ${name} failed with HTTP 403. The caller needs X`);
        }
    }
    return double;
}

async function run(double: Double, options: { clock?: OnboardingClock; signal?: AbortSignal; plan?: Partial<OnboardingPlan> } = {}) {
    const lines: string[] = [];
    const passLines: string[] = [];
    const outcome: OnboardingOutcome = await onboard(
        double,
        { ...PLAN, ...options.plan },
        { line: (text) => lines.push(text), passLine: (text) => passLines.push(text) },
        options.clock ?? steppingClock(),
        options.signal ?? new AbortController().signal,
    );
    return { outcome, lines, passLines };
}

const ENSURE_CALLS = [
    `ensureMethodEnabledForGroup Fido2 ${GROUP} ${JSON.stringify(FIDO2_SETTINGS)}`,
    `ensureMethodEnabledForGroup TemporaryAccessPass ${GROUP} null`,
];

describe("onboarding steps", () => {
    test("keys arriving one by one: pass issued once, shown once, deleted, sessions revoked, in that order", async () => {
        const double = graphDouble();
        const first = key("YubiKey 5 NFC");
        const synced = key("iCloud Keychain", "synced");
        const second = key("Feitian BioPass", "deviceBound");
        double.polls = [[], [first], [first, synced], [first, synced, second]];
        const clock = steppingClock();
        const { outcome, lines, passLines } = await run(double, { clock });
        assert.equal(outcome.kind, "onboarded");
        const passId = double.passes.length === 0 ? undefined : double.passes[0].id;
        assert.equal(passId, undefined, "the pass is gone");
        assert.deepEqual(double.calls.slice(0, 4), ["listTemporaryAccessPasses", ...ENSURE_CALLS, "listFido2Methods"]);
        assert.match(double.calls[4], /^issueTemporaryAccessPass \{"lifetimeInMinutes":10,"isUsableOnce":true\}$/);
        assert.deepEqual(double.calls.slice(5, 8), ["listFido2Methods", "listFido2Methods", "listFido2Methods"]);
        assert.match(double.calls[8], /^deleteTemporaryAccessPass /);
        assert.equal(double.calls[9], "revokeSignInSessions");
        assert.equal(double.calls.length, 10);
        assert.deepEqual(clock.slept, [5000, 5000, 5000]);
        assert.deepEqual(passLines, [`      ${double.issued[0]}`]);
        assert.ok(lines.every((line) => !line.includes(double.issued[0])), "the pass is on no other line");
        assert.ok(lines.includes(`      key 1 of 2: YubiKey 5 NFC, AAGUID ${first.aaGuid}, registered 2026-11-26T12:01:00Z`));
        assert.ok(lines.includes(`      synced passkey, not counted (only device-bound keys count): iCloud Keychain, AAGUID ${synced.aaGuid}, registered 2026-11-26T12:01:00Z`));
        assert.ok(lines.includes(`      key 2 of 2: Feitian BioPass, AAGUID ${second.aaGuid}, registered 2026-11-26T12:01:00Z`));
        assert.ok(lines.includes("[4/7] Waiting for the keys: 2 of 2 device-bound passkeys registered (15.0 s)"));
        assert.ok(lines.includes("[5/7] Delete the pass: deleted (0 ms)"));
        assert.ok(lines.includes("[6/7] Revoke sign-in sessions: revoked (0 ms)"));
        assert.ok(lines.includes("  passkeys   2 device-bound (2 required)"));
        assert.ok(lines.includes("  time       2026-11-26 12:00:15 UTC"));
        assert.deepEqual(JSON.parse(JSON.stringify(outcome)).receipt.keys, [first, second]);
        assert.ok(!JSON.stringify(outcome).includes(double.issued[0]));
    });

    test("a leftover pass is deleted first; an already onboarded account gets no pass", async () => {
        const double = graphDouble();
        double.passes = [{ id: "leftover", lifetimeInMinutes: 60, isUsableOnce: true }];
        double.polls = [[key("YubiKey 5 NFC"), key("YubiKey 5C")]];
        const { outcome, lines, passLines } = await run(double);
        assert.equal(outcome.kind, "alreadyOnboarded");
        assert.deepEqual(double.calls, ["listTemporaryAccessPasses", "deleteTemporaryAccessPass leftover", ...ENSURE_CALLS, "listFido2Methods"]);
        assert.deepEqual(passLines, []);
        assert.ok(lines.includes("[0/7] Leftover passes: deleted 1 pass left by an earlier run (leftover) (0 ms)"));
        assert.ok(lines.includes("Already onboarded: no pass issued (1 change above)."));
    });

    test("re-running on an onboarded account: nothing changed", async () => {
        const double = graphDouble();
        double.polls = [[key("YubiKey 5 NFC"), key("YubiKey 5C"), key("iCloud Keychain", "synced")]];
        const { outcome, lines } = await run(double);
        assert.equal(outcome.kind, "alreadyOnboarded");
        assert.equal(outcome.kind === "alreadyOnboarded" && outcome.writes, 0);
        assert.ok(lines.includes("[1/7] Methods policy: Passkey (FIDO2) already enabled; Temporary Access Pass already enabled (0 ms)"));
        assert.ok(lines.includes("Already onboarded: nothing changed."));
        assert.ok(lines.includes("  pass       none issued: already onboarded"));
    });

    test("the methods policy step says which targets were kept", async () => {
        const double = graphDouble();
        double.changed = true;
        double.polls = [[key("a"), key("b")]];
        const { lines } = await run(double);
        assert.ok(
            lines.includes(
                `[1/7] Methods policy: Passkey (FIDO2) enabled for group ${GROUP}, 1 other target kept (other-group); ` +
                    `Temporary Access Pass enabled for group ${GROUP}, 1 other target kept (other-group) (0 ms)`,
            ),
        );
    });

    for (const [failing, step, passIssued] of [
        ["listTemporaryAccessPasses", 0, false],
        ["ensureMethodEnabledForGroup", 1, false],
        ["issueTemporaryAccessPass", 3, false],
        ["deleteTemporaryAccessPass", 5, true],
        ["revokeSignInSessions", 6, true],
    ] as const) {
        test(`a failure of ${failing} fails step ${step}, naming the account; no pass is left`, async () => {
            const double = graphDouble();
            double.failing = [failing];
            double.polls = [[], [key("a"), key("b")]];
            const { outcome } = await run(double);
            assert.equal(outcome.kind, "failed");
            if (outcome.kind !== "failed") return;
            assert.equal(outcome.step, step);
            assert.match(outcome.message, new RegExp(`^Step ${step}/7 \\(.+\\) failed for breakglass-1@contoso\\.onmicrosoft\\.com: Emergency account .*HTTP 403`));
            assert.deepEqual(double.passes, []);
            if (failing === "deleteTemporaryAccessPass") {
                assert.match(outcome.message, /\nThe Temporary Access Pass was deleted\.$/);
                assert.equal(double.calls.filter((call) => call.startsWith("deleteTemporaryAccessPass")).length, 2);
            }
            assert.equal(double.issued.length, passIssued ? 1 : 0);
        });
    }

    test("a failed poll after the pass was issued deletes the pass; when that fails too, the next run's step 0 is named", async () => {
        const double = graphDouble();
        double.polls = [[], []];
        double.failing = [];
        double.onIssue = () => double.failing.push("listFido2Methods", "deleteTemporaryAccessPass");
        const { outcome } = await run(double);
        assert.equal(outcome.kind, "failed");
        if (outcome.kind !== "failed") return;
        assert.equal(outcome.step, 4);
        assert.match(outcome.message, /^Step 4\/7 \(wait for the passkeys\) failed for breakglass-1@contoso\.onmicrosoft\.com: /);
        assert.match(outcome.message, /\nThe Temporary Access Pass [0-9a-f-]{36} could not be deleted \(.*\)\. It expires on its own; the next run of this command deletes it first \(step 0\)/);
        assert.equal(double.passes.length, 1);
        assert.ok(!outcome.message.includes(double.issued[0]));
    });

    test("the pass expires before the keys: deleted, expired", async () => {
        const double = graphDouble();
        double.polls = [[], [key("only one")]];
        const clock = steppingClock();
        const { outcome, lines } = await run(double, { clock });
        assert.deepEqual(outcome, { kind: "expired", registered: 1 });
        assert.deepEqual(double.passes, []);
        // 10 minutes at 5 s a poll: 120 sleeps, the last poll at the expiry itself is not made.
        assert.equal(clock.slept.length, 120);
        assert.equal(double.calls.filter((call) => call === "listFido2Methods").length, 1 + 119);
        assert.equal(
            lines.at(-1),
            "[4/7] Waiting for the keys: the Temporary Access Pass expired before 2 device-bound passkeys were registered (1 of 2). " +
                "The Temporary Access Pass was deleted. Run the command again for a new pass.",
        );
    });

    test("interrupted while waiting: the pass is deleted", async () => {
        const double = graphDouble();
        const controller = new AbortController();
        double.polls = [[], [], []];
        let polls = 0;
        const list = double.listFido2Methods.bind(double);
        double.listFido2Methods = async (user) => {
            if (++polls === 2) controller.abort();
            return list(user);
        };
        const { outcome, lines } = await run(double, { signal: controller.signal });
        assert.deepEqual(outcome, { kind: "interrupted", step: 4 });
        assert.deepEqual(double.passes, []);
        assert.equal(lines.at(-1), "Interrupted at step 4/7 (wait for the passkeys). The Temporary Access Pass was deleted.");
    });

    test("interrupted while the pass is being issued: the pass is still deleted", async () => {
        const double = graphDouble();
        const controller = new AbortController();
        double.onIssue = () => controller.abort();
        const { outcome } = await run(double, { signal: controller.signal });
        assert.deepEqual(outcome, { kind: "interrupted", step: 3 });
        assert.equal(double.issued.length, 1);
        assert.deepEqual(double.passes, []);
    });

    test("interrupted before the pass: nothing to delete", async () => {
        const controller = new AbortController();
        controller.abort();
        const double = graphDouble();
        const { outcome, lines } = await run(double, { signal: controller.signal });
        assert.deepEqual(outcome, { kind: "interrupted", step: 0 });
        assert.deepEqual(double.calls, ["listTemporaryAccessPasses"]);
        assert.deepEqual(lines, ["Interrupted at step 0/7 (remove a pass left by an interrupted run). No pass was issued."]);
    });

    test("a lifetime outside the tenant's pass policy fails step 1, before any pass", async () => {
        const double = graphDouble();
        double.passPolicy = { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480 };
        const { outcome } = await run(double);
        assert.deepEqual(outcome, {
            kind: "failed",
            step: 1,
            message:
                "Step 1/7 (enable Passkey (FIDO2) and Temporary Access Pass for the emergency group) failed for breakglass-1@contoso.onmicrosoft.com: " +
                "the tenant's Temporary Access Pass policy allows lifetimes from 60 to 480 minutes; --tap-minutes 10 is outside that range: " +
                "choose a lifetime within it, or change the policy (Entra admin center, Authentication methods, Temporary Access Pass)",
        });
        assert.deepEqual(double.calls, ["listTemporaryAccessPasses", ...ENSURE_CALLS]);
    });

    test("a reusable pass is asked for with --reusable", async () => {
        const double = graphDouble();
        double.polls = [[], [key("a"), key("b")]];
        await run(double, { plan: { reusable: true, tapMinutes: 60 } });
        assert.match(double.calls[4], /^issueTemporaryAccessPass \{"lifetimeInMinutes":60,"isUsableOnce":false\}$/);
    });
});

describe("onboarding facts", () => {
    test("the expiry is Graph's startDateTime plus the lifetime; without it, the issue time", () => {
        assert.equal(passExpiry({ id: "p", lifetimeInMinutes: 10, isUsableOnce: true, startDateTime: "2026-11-26T12:00:00Z" }, 0), Date.UTC(2026, 10, 26, 12, 10));
        assert.equal(passExpiry({ id: "p", lifetimeInMinutes: 60, isUsableOnce: true }, START), START + 3_600_000);
    });

    test("the pass policy's range and single-use setting", () => {
        const policy = { id: "TemporaryAccessPass", "@odata.type": "#t", state: "enabled", includeTargets: [] };
        const range = { ...policy, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 120 };
        assert.equal(passPolicyProblem(range, { tapMinutes: 60, reusable: false }), undefined);
        assert.equal(passPolicyProblem(range, { tapMinutes: 120, reusable: true }), undefined);
        assert.match(passPolicyProblem(range, { tapMinutes: 59, reusable: false }) ?? "", /allows lifetimes from 60 to 120 minutes; --tap-minutes 59 is outside/);
        assert.match(passPolicyProblem(range, { tapMinutes: 121, reusable: false }) ?? "", /--tap-minutes 121 is outside/);
        assert.equal(passPolicyProblem(policy, { tapMinutes: 10, reusable: true }), undefined);
        assert.equal(
            passPolicyProblem({ ...policy, isUsableOnce: true }, { tapMinutes: 60, reusable: true }),
            "the tenant's Temporary Access Pass policy makes every pass single use; run without --reusable, or change the policy",
        );
    });

    test("only device-bound passkeys count", () => {
        const keys = [key("a"), key("b", "deviceBound"), key("c", "synced")];
        assert.deepEqual(deviceBoundPasskeys(keys), keys.slice(0, 2));
    });
});
