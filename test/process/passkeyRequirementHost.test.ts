// The PasskeyRequirement provider inside the REAL dynamic-provider host of @pulumi/pulumi, driven over gRPC as the
// engine drives it (Configure, Check, Diff, Create, Read, Update, Delete), with the `__provider`, the URN and the inputs
// the program registers (only the Graph endpoint pointed at the fake), Graph answered by the fake on 127.0.0.1 and the token by a fake `az` (no traffic beyond loopback). What only the
// host shows: the requirement's message reaches the engine intact through gRPC (that is what `pulumi up` prints when
// it refuses the role), and one Graph session (one az call) serves the whole process.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { METHOD_CONFIGURATION_IDS } from "../../graph/authenticationMethodsPolicy";
import { startDynamicProviderHost, type DynamicProviderHost, type Properties } from "../helpers/dynamicProviderHost";
import { installFakeAzureCli, type FakeAzureCli } from "../helpers/fakeAzureCli";
import { FakeGraph } from "../helpers/fakeGraph";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";
import { passkeyRequirementRegistrations, type ProgramRegistration } from "../helpers/providerSources";

const USERS = FIXTURE_USER_IDS.map((id, i) => ({ id, userPrincipalName: `breakglass-${i + 1}@contoso.onmicrosoft.com` }));
const KEY_A = { model: "YubiKey 5 NFC", aaGuid: "2fc0579f-8113-47ea-b116-bb5a8db9202a", createdDateTime: "2026-11-20T10:00:00Z" };
const KEY_B = { model: "YubiKey 5C NFC", aaGuid: "cb69481e-8ff7-4039-93ec-0a2729a154a8", createdDateTime: "2026-11-20T10:05:00Z" };

/** The message `pulumi up` shows for an account short of keys. */
function shortOfKeys(userPrincipalName: string, has: number): string {
    return (
        `${userPrincipalName} has ${has} of the 2 device-bound FIDO2 passkeys it needs before it may hold its role (synced ` +
        `passkeys do not count). Run \`npm run onboard -- --account ${userPrincipalName}\` with two people present, then ` +
        "`pulumi up` again."
    );
}

describe("the passkey requirement provider in the real dynamic-provider host", () => {
    let az: FakeAzureCli;
    let fake: FakeGraph;
    let host: DynamicProviderHost;
    let registrations: ProgramRegistration[];

    before(async () => {
        registrations = await passkeyRequirementRegistrations();
        assert.deepEqual(
            registrations.map((r) => [r.inputs.userObjectId, r.inputs.userPrincipalName, r.inputs.emergencyGroupObjectId]),
            USERS.map((user) => [user.id, user.userPrincipalName, FIXTURE_GROUP_ID]),
            "the program's requirements are the fixture accounts', with the group",
        );
        az = installFakeAzureCli();
        fake = await FakeGraph.start({ policies: [], users: USERS });
        host = await startDynamicProviderHost({ env: az.env });
        assert.deepEqual(await host.configure({}), { acceptSecrets: false });
    });

    after(async () => {
        await host?.close();
        await fake?.close();
        az?.remove();
    });

    /** Account `index`'s requirement as the program registers it, its Graph endpoint the fake's. */
    const news = (index: number, extra: Properties = {}): Properties => ({
        __provider: registrations[index].provider,
        ...registrations[index].inputs,
        graphEndpoint: fake.endpoint,
        ...extra,
    });

    test("passkey method: Check, a refused Create, Create once the keys exist, Read after a key is lost, Diff, a refused Update, Delete", async () => {
        const [user] = USERS;
        const { urn, provider } = registrations[0];
        const checked = await host.check(urn, {}, news(0));
        assert.deepEqual(checked.failures, []);
        assert.deepEqual(checked.inputs, news(0), "the program's inputs pass as they are");
        const without = news(0);
        delete without.method;
        delete without.minimumPasskeys;
        const defaulted = await host.check(urn, {}, without);
        assert.deepEqual(defaulted, { inputs: news(0), failures: [] }, "check fills the method and the number of keys");
        const refused = await host.check(urn, {}, news(0, { minimumPasskeys: 1 }));
        assert.deepEqual(refused.failures, [
            { property: "minimumPasskeys", reason: "minimumPasskeys must be a whole number from 2 to 10 (one lost key must never be a lockout), got 1" },
        ]);

        // The first `pulumi up`: no key yet, the role assignment that depends on this resource is never created.
        await assert.rejects(host.create(urn, checked.inputs), { message: `create: ${shortOfKeys(user.userPrincipalName, 0)}` });

        // Onboarding registered two keys; the next `pulumi up` passes.
        const idA = fake.addFido2Method(user.id, KEY_A);
        const idB = fake.addFido2Method(user.id, { ...KEY_B, passkeyType: "deviceBound" });
        fake.addFido2Method(user.id, { model: "iCloud Keychain", aaGuid: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", passkeyType: "synced" });
        const created = await host.create(urn, checked.inputs);
        assert.equal(created.id, user.id);
        const { __provider, ...state } = created.properties;
        assert.equal(__provider, provider);
        assert.deepEqual(state, {
            userObjectId: user.id,
            userPrincipalName: user.userPrincipalName,
            method: "passkey",
            minimumPasskeys: 2,
            emergencyGroupObjectId: FIXTURE_GROUP_ID,
            graphEndpoint: fake.endpoint,
            registeredPasskeys: 2,
            passkeys: [
                { id: idA, ...KEY_A },
                { id: idB, ...KEY_B },
            ],
            certificateSource: "none",
            satisfied: true,
        });
        const converged = await host.read(created.id, urn, created.properties, checked.inputs);
        const same = await host.check(urn, checked.inputs, news(0));
        assert.deepEqual(await host.diff(created.id, urn, converged.properties, same.inputs, checked.inputs), {
            changes: "none",
            replaces: [],
            deleteBeforeReplace: false,
        });

        // A key is lost and removed in the portal: `pulumi preview --refresh` shows an update, `pulumi up` fails.
        fake.removeFido2Method(user.id, idA);
        const refreshed = await host.read(created.id, urn, created.properties, checked.inputs);
        assert.equal(refreshed.id, user.id);
        assert.deepEqual(
            [refreshed.properties.registeredPasskeys, refreshed.properties.satisfied, refreshed.properties.passkeys.map((p: Properties) => p.id)],
            [1, false, [idB]],
        );
        assert.deepEqual(await host.diff(created.id, urn, refreshed.properties, same.inputs, checked.inputs), {
            changes: "some",
            replaces: [],
            deleteBeforeReplace: false,
        });
        await assert.rejects(host.update(created.id, urn, refreshed.properties, same.inputs, checked.inputs), {
            message: `update: ${shortOfKeys(user.userPrincipalName, 1)}`,
        });

        const requests = fake.requests.length;
        await host.delete(created.id, urn, refreshed.properties, checked.inputs);
        assert.equal(fake.requests.length, requests, "delete makes no request");
        assert.deepEqual(fake.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`), [], "the requirement only reads");
    });

    test("certificate method: refused while the tenant's certificate-based authentication misses the group, then satisfied", async () => {
        const [, user] = USERS;
        const { urn } = registrations[1];
        const checked = await host.check(urn, {}, news(1, { method: "certificate" }));
        assert.deepEqual(checked.failures, []);
        await assert.rejects(host.create(urn, checked.inputs), {
            message:
                `create: ${user.userPrincipalName} has no certificate-based authentication it needs before it may hold its role: the ` +
                "tenant's certificate-based authentication (authentication methods policy, X509Certificate) is not enabled for the " +
                `emergency group ${FIXTURE_GROUP_ID}. An Authentication Policy Administrator enables it (Entra admin center: ` +
                "Authentication methods, Policies, Certificate-based authentication) with the emergency group as a target, " +
                "configures the certificate authorities and the account's certificate binding, then runs `pulumi up` again.",
        });
        fake.editMethodConfiguration(METHOD_CONFIGURATION_IDS.x509Certificate, (configuration) => {
            configuration.state = "enabled";
            configuration.includeTargets = [{ id: FIXTURE_GROUP_ID, targetType: "group", isRegistrationRequired: false }];
        });
        const created = await host.create(urn, checked.inputs);
        assert.deepEqual(
            [created.id, created.properties.certificateSource, created.properties.satisfied, created.properties.registeredPasskeys],
            [user.id, "tenantPolicy", true, 0],
        );
    });

    test("the whole host process used one Graph session: one az call, nothing beyond loopback, no engine connection", () => {
        assert.ok(fake.requests.length >= 10);
        assert.equal(az.invocations(), 1, "one az call (one token) for the whole host process");
        assert.deepEqual(az.blockedConnections(), [], "nothing tried to leave the machine");
        assert.equal(host.engineConnections(), 0);
    });
});
