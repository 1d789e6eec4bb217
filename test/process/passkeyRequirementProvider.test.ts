// The PasskeyRequirement provider called directly against the fake Graph over real HTTP on 127.0.0.1, for the many
// cases the host test (passkeyRequirementHost.test.ts) does not repeat: input checks, the diff table, device-bound vs
// synced keys, the certificate method both ways, and every Graph fault (403, 404, throttling). The requirement only
// reads: no test may see a write.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
    checkPasskeyRequirementInputs,
    createPasskeyRequirementProvider,
    diffPasskeyRequirement,
    withPasskeyRequirementDefaults,
    type PasskeyRequirementInputs,
    type PasskeyRequirementOutputs,
} from "../../components/passkeyRequirementProvider";
import { METHOD_CONFIGURATION_IDS } from "../../graph/authenticationMethodsPolicy";
import { DEFAULTS, UNKNOWN_VALUE } from "../../policies/contract/constants";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { FakeGraph, type FakeGraphOptions } from "../helpers/fakeGraph";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";

const USER = { id: FIXTURE_USER_IDS[0], userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" };
const X509 = METHOD_CONFIGURATION_IDS.x509Certificate;
const METHODS_PATH = `/v1.0/users/${USER.id}/authentication/fido2Methods`;
const X509_PATH = `/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/${X509}`;

/** Two YubiKeys in two safes, as the onboarding registers them. */
const KEY_A = { model: "YubiKey 5 NFC", aaGuid: "2fc0579f-8113-47ea-b116-bb5a8db9202a", createdDateTime: "2026-11-20T10:00:00Z" };
const KEY_B = { model: "YubiKey 5C NFC", aaGuid: "cb69481e-8ff7-4039-93ec-0a2729a154a8", createdDateTime: "2026-11-20T10:05:00Z" };
const SYNCED = { model: "iCloud Keychain", aaGuid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", passkeyType: "synced" };

let fakes: FakeGraph[] = [];
afterEach(async () => {
    await Promise.all(fakes.map((fake) => fake.close()));
    fakes = [];
});

async function startFake(options: Partial<FakeGraphOptions> = {}): Promise<FakeGraph> {
    const fake = await FakeGraph.start({ policies: [], users: [USER], ...options });
    fakes.push(fake);
    return fake;
}

function provider() {
    return createPasskeyRequirementProvider({ credential: fakeCredential(), retry: FAST_RETRY });
}

function inputs(fake: FakeGraph, changes: Partial<PasskeyRequirementInputs> = {}): PasskeyRequirementInputs {
    return {
        userObjectId: USER.id,
        userPrincipalName: USER.userPrincipalName,
        method: "passkey",
        minimumPasskeys: 2,
        emergencyGroupObjectId: FIXTURE_GROUP_ID,
        graphEndpoint: fake.endpoint,
        ...changes,
    };
}

/** The exact message of an account short of keys. */
function shortOfKeys(has: number, needs = 2): string {
    const keys = needs === DEFAULTS.requiredPasskeys ? "" : ` --keys ${needs}`;
    return (
        `${USER.userPrincipalName} has ${has} of the ${needs} device-bound FIDO2 passkeys it needs before it may hold its role ` +
        `(synced passkeys do not count). Run \`npm run onboard -- --account ${USER.userPrincipalName}${keys}\` with two people ` +
        "present, then `pulumi up` again."
    );
}

const CERTIFICATE_MISSING =
    `${USER.userPrincipalName} has no certificate-based authentication it needs before it may hold its role: the tenant's ` +
    `certificate-based authentication (authentication methods policy, X509Certificate) is not enabled for the emergency ` +
    `group ${FIXTURE_GROUP_ID}. An Authentication Policy Administrator enables it (Entra admin center: Authentication ` +
    "methods, Policies, Certificate-based authentication) with the emergency group as a target, configures the certificate " +
    "authorities and the account's certificate binding, then runs `pulumi up` again.";

/** Every request the fake saw was a read. */
function assertReadOnly(fake: FakeGraph): void {
    assert.deepEqual(fake.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`), []);
}

describe("PasskeyRequirement provider: check and diff (pure)", () => {
    test("check fills the defaults: passkey method, the default number of keys, global Graph", () => {
        const filled = withPasskeyRequirementDefaults({ userObjectId: USER.id, userPrincipalName: USER.userPrincipalName, emergencyGroupObjectId: FIXTURE_GROUP_ID });
        assert.deepEqual(filled, {
            userObjectId: USER.id,
            userPrincipalName: USER.userPrincipalName,
            emergencyGroupObjectId: FIXTURE_GROUP_ID,
            method: "passkey",
            minimumPasskeys: DEFAULTS.requiredPasskeys,
            graphEndpoint: "https://graph.microsoft.com",
        });
        assert.deepEqual(checkPasskeyRequirementInputs(filled), []);
    });

    const valid: PasskeyRequirementInputs = {
        userObjectId: USER.id,
        userPrincipalName: USER.userPrincipalName,
        method: "passkey",
        minimumPasskeys: 2,
        emergencyGroupObjectId: FIXTURE_GROUP_ID,
        graphEndpoint: "https://graph.microsoft.com",
    };
    const refused: [string, Partial<Record<keyof PasskeyRequirementInputs, unknown>>, string, string][] = [
        ["a user id that is no GUID", { userObjectId: "breakglass-1" }, "userObjectId", 'userObjectId must be an object id (a GUID), got "breakglass-1"'],
        ["no group id", { emergencyGroupObjectId: "" }, "emergencyGroupObjectId", 'emergencyGroupObjectId must be an object id (a GUID), got ""'],
        ["a name without a domain", { userPrincipalName: "breakglass-1" }, "userPrincipalName", 'userPrincipalName must be a user principal name, got "breakglass-1"'],
        ["an unknown method", { method: "sms" }, "method", 'method must be one of passkey, certificate, got "sms"'],
        ["one key", { minimumPasskeys: 1 }, "minimumPasskeys", "minimumPasskeys must be a whole number from 2 to 10 (one lost key must never be a lockout), got 1"],
        ["eleven keys", { minimumPasskeys: 11 }, "minimumPasskeys", "minimumPasskeys must be a whole number from 2 to 10 (one lost key must never be a lockout), got 11"],
        ["a fraction of a key", { minimumPasskeys: 2.5 }, "minimumPasskeys", "minimumPasskeys must be a whole number from 2 to 10 (one lost key must never be a lockout), got 2.5"],
        [
            "an endpoint that is not Microsoft Graph",
            { graphEndpoint: "https://graph.example.com" },
            "graphEndpoint",
            'Graph endpoint "https://graph.example.com" must be one of https://graph.microsoft.com, https://graph.microsoft.us, ' +
                "https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn (or plain http on 127.0.0.1, localhost or [::1] " +
                "for a test): it receives an access token, which must go to Microsoft Graph only",
        ],
    ];
    for (const [name, change, property, reason] of refused) {
        test(`check refuses ${name}`, () => {
            assert.deepEqual(checkPasskeyRequirementInputs({ ...valid, ...change } as Partial<PasskeyRequirementInputs>), [{ property, reason }]);
        });
    }

    test("check does not judge values unknown during preview (the user and the group do not exist yet)", () => {
        const preview = { ...valid, userObjectId: UNKNOWN_VALUE, emergencyGroupObjectId: UNKNOWN_VALUE, userPrincipalName: UNKNOWN_VALUE };
        assert.deepEqual(checkPasskeyRequirementInputs(preview), []);
    });

    const state: PasskeyRequirementOutputs = { ...valid, registeredPasskeys: 2, passkeys: [], certificateSource: "none", satisfied: true };
    const diffs: [string, Partial<PasskeyRequirementOutputs>, Partial<PasskeyRequirementInputs>, boolean, string[]][] = [
        ["nothing changed, satisfied", state, valid, false, []],
        ["the refreshed state is not satisfied (a key was removed)", { ...state, registeredPasskeys: 1, satisfied: false }, valid, true, []],
        ["a state without a count (never satisfied)", { ...state, satisfied: undefined }, valid, true, []],
        ["another method", state, { ...valid, method: "certificate" }, true, []],
        ["more keys required", state, { ...valid, minimumPasskeys: 3 }, true, []],
        ["another group", state, { ...valid, emergencyGroupObjectId: "a8098c1a-f86e-11da-bd1a-00112444be1e" }, true, []],
        ["another endpoint", state, { ...valid, graphEndpoint: "https://graph.microsoft.us" }, true, []],
        ["a renamed account", state, { ...valid, userPrincipalName: "breakglass-9@contoso.onmicrosoft.com" }, true, []],
        ["another user", state, { ...valid, userObjectId: FIXTURE_USER_IDS[1] }, true, ["userObjectId"]],
        ["a user id unknown during preview", state, { ...valid, userObjectId: UNKNOWN_VALUE }, true, ["userObjectId"]],
    ];
    for (const [name, olds, news, changes, replaces] of diffs) {
        test(`diff: ${name}`, () => {
            assert.deepEqual(diffPasskeyRequirement(olds, news), { changes, replaces, deleteBeforeReplace: false });
        });
    }
});

describe("PasskeyRequirement provider against the fake Graph, passkey method", () => {
    test("create with no key fails with the account and the exact onboarding command, reading only", async () => {
        const fake = await startFake();
        await assert.rejects(provider().create(inputs(fake)), (error: Error) => {
            assert.equal(error.message, shortOfKeys(0));
            return true;
        });
        assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), [`GET ${METHODS_PATH}`]);
    });

    test("synced passkeys do not count; two device-bound keys satisfy it and are recorded without any secret", async () => {
        const fake = await startFake();
        const requirement = provider();
        const idA = fake.addFido2Method(USER.id, { ...KEY_A, passkeyType: "deviceBound" });
        fake.addFido2Method(USER.id, SYNCED);
        await assert.rejects(requirement.create(inputs(fake)), { message: shortOfKeys(1) });
        // A key registered before synced passkeys existed carries no passkeyType: device-bound.
        const idB = fake.addFido2Method(USER.id, KEY_B);
        const created = await requirement.create(inputs(fake));
        assert.equal(created.id, USER.id);
        assert.deepEqual(created.outs, {
            ...inputs(fake),
            registeredPasskeys: 2,
            passkeys: [
                { id: idA, ...KEY_A },
                { id: idB, ...KEY_B },
            ],
            certificateSource: "none",
            satisfied: true,
        });
        assertReadOnly(fake);
    });

    test("a stack asking for more keys than the default: the command names --keys", async () => {
        const fake = await startFake();
        fake.addFido2Method(USER.id, KEY_A);
        fake.addFido2Method(USER.id, KEY_B);
        await assert.rejects(provider().create(inputs(fake, { minimumPasskeys: 3 })), { message: shortOfKeys(2, 3) });
    });

    test("refresh re-counts: a removed key makes the state unsatisfied, diff an update, and the update fails with the command", async () => {
        const fake = await startFake();
        const requirement = provider();
        const idA = fake.addFido2Method(USER.id, KEY_A);
        fake.addFido2Method(USER.id, KEY_B);
        const created = await requirement.create(inputs(fake));
        const unchanged = await requirement.read!(created.id, created.outs);
        assert.deepEqual(unchanged, { id: USER.id, props: created.outs });
        assert.equal((await requirement.diff!(created.id, unchanged.props, inputs(fake))).changes, false, "converged: no update");

        fake.removeFido2Method(USER.id, idA);
        const refreshed = await requirement.read!(created.id, created.outs);
        const props = refreshed.props as PasskeyRequirementOutputs;
        assert.equal(refreshed.id, USER.id);
        assert.deepEqual([props.registeredPasskeys, props.satisfied, props.passkeys.map((p) => p.model)], [1, false, [KEY_B.model]]);
        assert.deepEqual(await requirement.diff!(created.id, props, inputs(fake)), { changes: true, replaces: [], deleteBeforeReplace: false });
        await assert.rejects(requirement.update!(created.id, props, inputs(fake)), { message: shortOfKeys(1) });
        assertReadOnly(fake);
    });

    test("refresh of a deleted user drops the resource; create for a missing user names it and the 404", async () => {
        const fake = await startFake({ users: [] });
        const requirement = provider();
        const state: PasskeyRequirementOutputs = { ...inputs(fake), registeredPasskeys: 2, passkeys: [], certificateSource: "none", satisfied: true };
        assert.deepEqual(await requirement.read!(USER.id, state), { id: "" });
        await assert.rejects(requirement.create(inputs(fake)), (error: Error) => {
            assert.match(error.message, /^Emergency account breakglass-1@contoso\.onmicrosoft\.com \(user e2fb0405-ab36-5f6d-bb04-f604c1d9480a\): GET to list the registered passkeys \(fido2Methods\) failed with HTTP 404/);
            return true;
        });
    });

    test("refresh: a user deleted between the lookup and the count (404 on its methods) drops the resource too", async () => {
        const fake = await startFake();
        fake.inject(USER.id, { kind: "status", status: 404, times: 1, method: "GET", pathIncludes: "fido2Methods" });
        const state: PasskeyRequirementOutputs = { ...inputs(fake), registeredPasskeys: 2, passkeys: [], certificateSource: "none", satisfied: true };
        assert.deepEqual(await provider().read!(USER.id, state), { id: "" });
        assert.deepEqual(fake.requests.map((r) => r.status), [200, 404]);
    });

    test("refresh of a state written before method and minimumPasskeys were inputs: read with their defaults", async () => {
        const fake = await startFake();
        fake.addFido2Method(USER.id, KEY_A);
        fake.addFido2Method(USER.id, KEY_B);
        const old = { userObjectId: USER.id, userPrincipalName: USER.userPrincipalName, emergencyGroupObjectId: FIXTURE_GROUP_ID, graphEndpoint: fake.endpoint };
        const refreshed = await provider().read!(USER.id, old as PasskeyRequirementOutputs);
        const props = refreshed.props as PasskeyRequirementOutputs;
        assert.deepEqual([props.method, props.minimumPasskeys, props.registeredPasskeys, props.satisfied], ["passkey", 2, 2, true]);
    });

    test("a 403 names the account, the operation, the read permission and the roles", async () => {
        const fake = await startFake();
        fake.inject(USER.id, { kind: "status", status: 403, times: 1, method: "GET", pathIncludes: "fido2Methods" });
        await assert.rejects(provider().create(inputs(fake)), (error: Error) => {
            assert.match(
                error.message,
                /^Emergency account breakglass-1@contoso\.onmicrosoft\.com \(user e2fb0405-ab36-5f6d-bb04-f604c1d9480a\): GET to count its passkeys \(fido2Methods\) for its passkey requirement failed with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation\. Reading is enough for the passkey requirement: the deploy identity needs the Microsoft Graph permission UserAuthenticationMethod\.Read\.All and, signed in as a person, the role Authentication Administrator, or Privileged Authentication Administrator once the account holds an admin role$/,
            );
            assert.doesNotMatch(error.message, /ReadWrite/, "reading is enough: the message never asks for write access");
            return true;
        });
    });

    test("a 429 is retried and then counted", async () => {
        const fake = await startFake();
        fake.addFido2Method(USER.id, KEY_A);
        fake.addFido2Method(USER.id, KEY_B);
        fake.inject(USER.id, { kind: "status", status: 429, times: 1, retryAfter: "0", method: "GET", pathIncludes: "fido2Methods" });
        const created = await provider().create(inputs(fake));
        assert.equal((created.outs as PasskeyRequirementOutputs).registeredPasskeys, 2);
        assert.deepEqual(fake.requests.map((r) => r.status), [429, 200]);
    });

    test("throttling that never ends: the error says the retries were spent", async () => {
        const fake = await startFake();
        fake.inject(USER.id, { kind: "status", status: 429, times: 10, method: "GET", pathIncludes: "fido2Methods" });
        await assert.rejects(provider().create(inputs(fake)), /fido2Methods\) failed with HTTP 429 TooManyRequests \(gave up after 3 retries\)/);
        assert.equal(fake.requests.length, 4);
    });

    test("delete makes no request", async () => {
        const fake = await startFake();
        await provider().delete!(USER.id, { ...inputs(fake), registeredPasskeys: 0, passkeys: [], certificateSource: "none", satisfied: false });
        assert.deepEqual(fake.requests, []);
    });
});

describe("PasskeyRequirement provider against the fake Graph, certificate method", () => {
    test("the tenant's certificate-based authentication off (Graph's default): create fails saying what to configure", async () => {
        const fake = await startFake();
        await assert.rejects(provider().create(inputs(fake, { method: "certificate" })), { message: CERTIFICATE_MISSING });
        assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), [`GET ${METHODS_PATH}`, `GET ${X509_PATH}`]);
    });

    test("enabled for the emergency group: satisfied from the tenant policy; keys are counted but not required", async () => {
        const fake = await startFake();
        fake.editMethodConfiguration(X509, (configuration) => {
            configuration.state = "enabled";
            configuration.includeTargets = [{ id: FIXTURE_GROUP_ID.toUpperCase(), targetType: "group", isRegistrationRequired: false }];
        });
        fake.addFido2Method(USER.id, KEY_A);
        const created = await provider().create(inputs(fake, { method: "certificate" }));
        const outs = created.outs as PasskeyRequirementOutputs;
        assert.deepEqual([outs.certificateSource, outs.satisfied, outs.registeredPasskeys], ["tenantPolicy", true, 1]);
        assertReadOnly(fake);
    });

    const configurations: [string, (configuration: Record<string, any>) => void, boolean][] = [
        ["enabled for all users", (c) => ((c.state = "enabled"), (c.includeTargets = [{ id: "all_users", targetType: "group" }])), true],
        ["enabled for another group only", (c) => ((c.state = "enabled"), (c.includeTargets = [{ id: "a8098c1a-f86e-11da-bd1a-00112444be1e", targetType: "group" }])), false],
        ["targeting the group but disabled", (c) => ((c.state = "disabled"), (c.includeTargets = [{ id: FIXTURE_GROUP_ID, targetType: "group" }])), false],
        [
            "enabled for all users but excluding the emergency group",
            (c) => ((c.state = "enabled"), (c.includeTargets = [{ id: "all_users", targetType: "group" }]), (c.excludeTargets = [{ id: FIXTURE_GROUP_ID, targetType: "group" }])),
            false,
        ],
    ];
    for (const [name, mutate, satisfied] of configurations) {
        test(`certificate-based authentication ${name}: ${satisfied ? "satisfied" : "refused"}`, async () => {
            const fake = await startFake();
            fake.editMethodConfiguration(X509, mutate);
            const created = provider().create(inputs(fake, { method: "certificate" }));
            if (satisfied) assert.equal(((await created).outs as PasskeyRequirementOutputs).certificateSource, "tenantPolicy");
            else await assert.rejects(created, { message: CERTIFICATE_MISSING });
        });
    }

    test("refresh after the tenant turned certificate-based authentication off: unsatisfied, an update, which fails", async () => {
        const fake = await startFake();
        fake.editMethodConfiguration(X509, (c) => ((c.state = "enabled"), (c.includeTargets = [{ id: FIXTURE_GROUP_ID, targetType: "group" }])));
        const requirement = provider();
        const created = await requirement.create(inputs(fake, { method: "certificate" }));
        fake.editMethodConfiguration(X509, (c) => (c.state = "disabled"));
        const refreshed = (await requirement.read!(created.id, created.outs)).props as PasskeyRequirementOutputs;
        assert.deepEqual([refreshed.certificateSource, refreshed.satisfied], ["none", false]);
        assert.equal((await requirement.diff!(created.id, refreshed, inputs(fake, { method: "certificate" }))).changes, true);
        await assert.rejects(requirement.update!(created.id, refreshed, inputs(fake, { method: "certificate" })), { message: CERTIFICATE_MISSING });
    });

    test("a 403 reading the methods policy names the configuration, the read permission and the roles", async () => {
        const fake = await startFake();
        fake.inject(X509, { kind: "status", status: 403, times: 1, method: "GET" });
        await assert.rejects(provider().create(inputs(fake, { method: "certificate" })), (error: Error) => {
            assert.match(
                error.message,
                /^Authentication method configuration X509Certificate: GET to read whether certificate-based authentication targets the emergency group \(passkey requirement of breakglass-1@contoso\.onmicrosoft\.com\) failed with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation\. Reading is enough here: the deploy identity needs the Microsoft Graph permission Policy\.Read\.AuthenticationMethod and, signed in as a person, the Authentication Policy Administrator or Global Reader role$/,
            );
            return true;
        });
    });
});
