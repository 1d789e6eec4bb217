// graph/authenticationMethodsPolicy.ts against the fake Graph over real HTTP on 127.0.0.1. The fake replaces every
// collection a PATCH sends whole, as Graph does with includeTargets: a client that sent only the emergency group would
// take the method away from everyone else, and these tests would see the lost targets.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
    AUTHENTICATION_METHODS_POLICY_PERMISSION,
    AUTHENTICATION_POLICY_ADMIN_ROLE,
    METHOD_CONFIGURATION_IDS,
    ensureMethodEnabledForGroup,
    readMethodConfiguration,
} from "../../graph/authenticationMethodsPolicy";
import { createGraphClient, type GraphClient } from "../../graph/client";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { FakeGraph, defaultMethodConfigurations, type FakeGraphOptions, type FakeMethodConfiguration } from "../helpers/fakeGraph";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";

const CONFIGURATIONS = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations";
const FIDO2_TYPE = "#microsoft.graph.fido2AuthenticationMethodConfiguration";
const DENIED = "failed with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation";
const POLICY_HINT = `The caller needs the ${AUTHENTICATION_METHODS_POLICY_PERMISSION} permission and the ${AUTHENTICATION_POLICY_ADMIN_ROLE} role`;
const SELF_SERVICE = { isSelfServiceRegistrationAllowed: true };

let fake: FakeGraph | undefined;
afterEach(async () => {
    await fake?.close();
    fake = undefined;
});

async function client(options: Partial<FakeGraphOptions> = {}): Promise<{ fake: FakeGraph; graph: GraphClient }> {
    fake = await FakeGraph.start({ policies: [], ...options });
    return { fake, graph: createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY }) };
}

/** Graph's default FIDO2 configuration with `changes` applied. */
function fido2With(changes: Partial<FakeMethodConfiguration>): FakeMethodConfiguration {
    const [fido2] = defaultMethodConfigurations();
    return { ...fido2, ...changes };
}

/** A FIDO2 configuration someone tuned: enabled for two other groups, self-service off, key restrictions on. */
const TUNED = fido2With({
    state: "enabled",
    isSelfServiceRegistrationAllowed: false,
    isAttestationEnforced: false,
    keyRestrictions: { isEnforced: true, enforcementType: "allow", aaGuids: ["cb69481e-8ff7-4039-93ec-0a2729a154a8"] },
    includeTargets: [
        { targetType: "group", id: OTHER, isRegistrationRequired: true },
        { targetType: "group", id: ACCOUNTS[3], isRegistrationRequired: false },
    ],
    excludeTargets: [{ targetType: "group", id: ACCOUNTS[2] }],
});

/** `METHOD PATH` of each request to the methods policy. */
const policyRequests = (fake: FakeGraph) => fake.requestsTo(CONFIGURATIONS).map((request) => `${request.method} ${request.path}`);

describe("ensureMethodEnabledForGroup", () => {
    test("Graph's default (disabled, all_users) is refused before any PATCH: enabling it would switch the method on for every user", async () => {
        const { fake, graph } = await client();
        await assert.rejects(ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE), {
            message:
                `Authentication methods policy configuration Fido2: is disabled in this tenant, and enabling it for the group ${GROUP} would also ` +
                "switch it on for its other targets (all_users); nothing was changed. Enable the method for the scope you intend in the " +
                "authentication methods policy (the emergency group alone, or more), then run again",
        });
        assert.equal(fake.requestsTo(CONFIGURATIONS, "PATCH").length, 0, "no PATCH was sent");
        assert.deepEqual(policyRequests(fake), [`GET ${CONFIGURATIONS}/Fido2`]);
        assert.deepEqual(fake.methodConfiguration("Fido2"), defaultMethodConfigurations()[0], "the configuration is as it was");
    });

    test("a disabled configuration targeting only the group is only switched on, and read back enabled", async () => {
        const groupTarget = { targetType: "group", id: GROUP, isRegistrationRequired: false };
        const { fake, graph } = await client({ methodConfigurations: [fido2With({ includeTargets: [groupTarget] })] });
        const result = await ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE);
        assert.equal(result.changed, true);
        assert.deepEqual(fake.requestsTo(CONFIGURATIONS, "PATCH").map((request) => request.body), [{ "@odata.type": FIDO2_TYPE, state: "enabled" }]);
        assert.deepEqual(fake.methodConfiguration("Fido2"), fido2With({ state: "enabled", includeTargets: [groupTarget] }));
        assert.deepEqual(result.configuration, fake.methodConfiguration("Fido2"));
        assert.deepEqual(policyRequests(fake), [`GET ${CONFIGURATIONS}/Fido2`, `PATCH ${CONFIGURATIONS}/Fido2`, `GET ${CONFIGURATIONS}/Fido2`]);
    });

    test("merges the group into other groups' targets, keeps every custom setting, and a second run sends no PATCH", async () => {
        const { fake, graph } = await client({ methodConfigurations: [TUNED] });
        const first = await ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE);
        assert.equal(first.changed, true);
        const [patch] = fake.requestsTo(CONFIGURATIONS, "PATCH");
        assert.deepEqual(patch.body, {
            "@odata.type": FIDO2_TYPE,
            includeTargets: [...TUNED.includeTargets, { targetType: "group", id: GROUP, isRegistrationRequired: false }],
            isSelfServiceRegistrationAllowed: true,
        });
        assert.deepEqual(fake.methodConfiguration("Fido2"), {
            ...TUNED,
            includeTargets: [...TUNED.includeTargets, { targetType: "group", id: GROUP, isRegistrationRequired: false }],
            isSelfServiceRegistrationAllowed: true,
        });
        const second = await ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE);
        assert.equal(second.changed, false);
        assert.equal(fake.requestsTo(CONFIGURATIONS, "PATCH").length, 1, "the second run sent no PATCH");
        assert.deepEqual(second.configuration, fake.methodConfiguration("Fido2"));
    });

    test("an enabled configuration targeting all_users is enabled for the group: no PATCH", async () => {
        const { fake, graph } = await client({ methodConfigurations: [fido2With({ state: "enabled" })] });
        const result = await ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE);
        assert.equal(result.changed, false);
        assert.deepEqual(policyRequests(fake), [`GET ${CONFIGURATIONS}/Fido2`]);
    });

    test("the Temporary Access Pass configuration is enabled for the group the same way, at its own path (disabled, no targets: the group alone)", async () => {
        const [, temporaryAccessPass] = defaultMethodConfigurations();
        const { fake, graph } = await client({ methodConfigurations: [{ ...temporaryAccessPass, includeTargets: [] }] });
        const result = await ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.temporaryAccessPass, GROUP);
        assert.equal(result.changed, true);
        assert.deepEqual(fake.requestsTo(CONFIGURATIONS, "PATCH").map((request) => [request.path, request.body]), [
            [
                `${CONFIGURATIONS}/TemporaryAccessPass`,
                {
                    "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
                    state: "enabled",
                    includeTargets: [{ targetType: "group", id: GROUP, isRegistrationRequired: false }],
                },
            ],
        ]);
        assert.equal(fake.methodConfiguration("TemporaryAccessPass").state, "enabled");
        assert.equal(fake.methodConfiguration("TemporaryAccessPass").defaultLifetimeInMinutes, 60, "other properties kept");
        assert.deepEqual(fake.methodConfiguration("Fido2"), defaultMethodConfigurations()[0], "the other configurations are untouched");
    });

    test("a group in excludeTargets is refused before any PATCH: removing someone's exclusion is a person's decision", async () => {
        const { fake, graph } = await client({
            methodConfigurations: [fido2With({ state: "enabled", excludeTargets: [{ targetType: "group", id: GROUP.toUpperCase() }] })],
        });
        await assert.rejects(ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE), {
            message:
                `Authentication methods policy configuration Fido2: the group ${GROUP} is in excludeTargets, so the method stays off ` +
                "for it whatever is enabled; remove the exclusion in the authentication methods policy, then run again",
        });
        assert.equal(fake.requestsTo(CONFIGURATIONS, "PATCH").length, 0);
    });

    test("the read-back catches a target lost after the PATCH (someone replaced the targets in between)", async () => {
        const { fake, graph } = await client({ methodConfigurations: [TUNED] });
        fake.onAnswer((request) => {
            if (request.method === "PATCH") fake.editMethodConfiguration("Fido2", (stored) => stored.includeTargets.splice(0, 1));
        });
        await assert.rejects(ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP, SELF_SERVICE), {
            message: `Authentication methods policy configuration Fido2: after the PATCH the configuration read back lost the targets ${OTHER}`,
        });
    });

    test("403s on the read and on the PATCH name the configuration, the step, the permission and the role", async () => {
        // Disabled without targets: the group alone would be enabled, so the PATCH is sent (and denied).
        const { fake, graph } = await client({ methodConfigurations: [fido2With({ includeTargets: [] })] });
        fake.inject("Fido2", { kind: "status", status: 403, times: 1, method: "GET" });
        await assert.rejects(ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP), {
            message: `Authentication methods policy configuration Fido2: GET to read the method configuration ${DENIED}. ${POLICY_HINT}`,
        });
        fake.inject("Fido2", { kind: "status", status: 403, times: 1, method: "PATCH" });
        await assert.rejects(ensureMethodEnabledForGroup(graph, METHOD_CONFIGURATION_IDS.fido2, GROUP), {
            message: `Authentication methods policy configuration Fido2: PATCH to enable the method for the group ${GROUP} ${DENIED}. ${POLICY_HINT}`,
        });
        assert.deepEqual(fake.methodConfiguration("Fido2"), fido2With({ includeTargets: [] }), "the denied PATCH changed nothing");
    });
});

describe("readMethodConfiguration", () => {
    test("returns the configuration as Graph sent it, every property kept, without @odata.context", async () => {
        const { graph } = await client({ methodConfigurations: [TUNED] });
        assert.deepEqual(await readMethodConfiguration(graph, METHOD_CONFIGURATION_IDS.fido2), TUNED);
        const [, , x509] = defaultMethodConfigurations();
        assert.deepEqual(await readMethodConfiguration(graph, METHOD_CONFIGURATION_IDS.x509Certificate), x509);
    });

    test("refuses an answer it cannot merge into rather than guessing", async () => {
        const { fake, graph } = await client();
        fake.editMethodConfiguration("Fido2", (stored) => delete stored.includeTargets);
        await assert.rejects(readMethodConfiguration(graph, METHOD_CONFIGURATION_IDS.fido2), {
            message: "Authentication methods policy configuration Fido2: the configuration Graph returned has no includeTargets collection",
        });
    });
});

describe("the fake is as strict as Graph with the methods policy", () => {
    test("a PATCH without @odata.type is refused, and one that sends only the new target loses the others", async () => {
        const { fake, graph } = await client({ methodConfigurations: [TUNED] });
        const path = `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2`;
        await assert.rejects(graph.client.api(path).patch({ state: "enabled" }), { statusCode: 400, message: "The @odata.type property must be included in the request body." });
        await graph.client.api(path).patch({ "@odata.type": FIDO2_TYPE, includeTargets: [{ targetType: "group", id: GROUP }] });
        assert.deepEqual(fake.methodConfiguration("Fido2").includeTargets, [{ targetType: "group", id: GROUP }], "a replacing client loses the other groups");
    });
});
