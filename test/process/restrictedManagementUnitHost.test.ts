// The RestrictedManagementUnit provider inside the REAL dynamic-provider host of @pulumi/pulumi, driven over gRPC as
// the engine drives it, with the `__provider`, the URN and the inputs the program registers with restrictedManagement
// on (only the Graph endpoint pointed at the fake), Graph answered by fakes on 127.0.0.1 (one tenant
// per scenario, one host for all) and the token by a fake `az`. The refusals reach the engine intact through gRPC.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { restrictedUnitScopeNote } from "../../components/restrictedManagementUnitProvider";
import { DEFAULTS } from "../../policies/contract/constants";
import { RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION } from "../../policies/contract/declaration/administrativeUnit";
import { startDynamicProviderHost, type DynamicProviderHost, type Properties } from "../helpers/dynamicProviderHost";
import { installFakeAzureCli, type FakeAzureCli } from "../helpers/fakeAzureCli";
import { FakeGraph } from "../helpers/fakeGraph";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS, OTHER } from "../helpers/ids";
import { restrictedManagementUnitRegistration, type ProgramRegistration } from "../helpers/providerSources";

const NAME = DEFAULTS.administrativeUnitDisplayName;
const MEMBERS = [...FIXTURE_USER_IDS, FIXTURE_GROUP_ID];
const UNITS = "/v1.0/directory/administrativeUnits";

describe("the restricted-management unit provider in the real dynamic-provider host", () => {
    let az: FakeAzureCli;
    let host: DynamicProviderHost;
    let registration: ProgramRegistration;
    let provider: string;
    let URN: string;
    const fakes: FakeGraph[] = [];

    before(async () => {
        registration = await restrictedManagementUnitRegistration();
        ({ provider, urn: URN } = registration);
        assert.deepEqual(
            registration.inputs,
            { displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: MEMBERS, graphEndpoint: "https://graph.microsoft.com" },
            "the program's unit holds the fixture accounts and the group",
        );
        az = installFakeAzureCli();
        host = await startDynamicProviderHost({ env: az.env });
        assert.deepEqual(await host.configure({}), { acceptSecrets: false });
    });

    after(async () => {
        await host?.close();
        await Promise.all(fakes.map((fake) => fake.close()));
        az?.remove();
    });

    /** A tenant of its own for one scenario. */
    async function tenant(): Promise<FakeGraph> {
        const fake = await FakeGraph.start({ policies: [], users: FIXTURE_USER_IDS.map((id, i) => ({ id, userPrincipalName: `breakglass-${i + 1}@contoso.onmicrosoft.com` })) });
        fakes.push(fake);
        return fake;
    }

    /** The unit as the program registers it, its Graph endpoint the fake's. */
    const news = (fake: FakeGraph, extra: Properties = {}): Properties => ({
        __provider: provider,
        ...registration.inputs,
        graphEndpoint: fake.endpoint,
        ...extra,
    });

    test("a new unit: created restricted with every member; Read, Diff, an Update that adds and removes members, drift, Delete", async () => {
        const fake = await tenant();
        const checked = await host.check(URN, {}, news(fake));
        assert.deepEqual(checked, { inputs: news(fake), failures: [] }, "the program's inputs pass as they are");
        const unnamed = news(fake);
        delete unnamed.displayName;
        assert.deepEqual(await host.check(URN, {}, unnamed), { inputs: news(fake), failures: [] }, "check fills the contract's display name");
        const created = await host.create(URN, checked.inputs);
        const [unit] = fake.administrativeUnits();
        assert.equal(created.id, unit.id);
        assert.deepEqual(fake.requestsTo(UNITS, "POST")[0].body, { displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true });
        assert.deepEqual([unit.isMemberManagementRestricted, unit.memberIds], [true, MEMBERS]);
        const { __provider, ...state } = created.properties;
        assert.equal(__provider, provider);
        assert.deepEqual(state, { displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: MEMBERS, graphEndpoint: fake.endpoint, unitId: unit.id });

        const read = await host.read(created.id, URN, created.properties, checked.inputs);
        assert.deepEqual(read.properties, created.properties);
        const same = await host.check(URN, checked.inputs, news(fake, { memberIds: [...MEMBERS].reverse().map((id) => id.toUpperCase()) }));
        assert.equal((await host.diff(created.id, URN, read.properties, same.inputs, checked.inputs)).changes, "none", "members compare as sets of ids");
        assert.deepEqual(await host.diff(created.id, URN, { ...read.properties, isMemberManagementRestricted: false }, same.inputs, checked.inputs), {
            changes: "some",
            replaces: ["isMemberManagementRestricted"],
            deleteBeforeReplace: false,
        });

        // The limited account joins, account 2 leaves the program.
        const members = [FIXTURE_USER_IDS[0], FIXTURE_GROUP_ID, OTHER];
        const moved = await host.check(URN, checked.inputs, news(fake, { memberIds: members }));
        assert.equal((await host.diff(created.id, URN, read.properties, moved.inputs, checked.inputs)).changes, "some");
        const before = fake.requests.length;
        const updated = await host.update(created.id, URN, read.properties, moved.inputs, checked.inputs);
        assert.deepEqual(
            fake.requests.slice(before).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
            [`POST ${UNITS}/${unit.id}/members/$ref`, `DELETE ${UNITS}/${unit.id}/members/${FIXTURE_USER_IDS[1]}/$ref`],
        );
        assert.deepEqual(fake.administrativeUnit(unit.id).memberIds, members);
        assert.deepEqual(updated.properties.memberIds, members);

        // Drift: someone with a role at the unit's scope took the group out.
        fake.deleteAdministrativeUnit(unit.id);
        fake.addAdministrativeUnit({ id: unit.id, displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: [FIXTURE_USER_IDS[0], OTHER] });
        const drifted = await host.read(created.id, URN, updated.properties, moved.inputs);
        assert.deepEqual(drifted.properties.memberIds, [FIXTURE_USER_IDS[0], OTHER]);
        assert.equal((await host.diff(created.id, URN, drifted.properties, moved.inputs, moved.inputs)).changes, "some");

        const requests = fake.requests.length;
        await host.delete(created.id, URN, drifted.properties, moved.inputs);
        assert.equal(fake.requests.length, requests, "delete makes no request");
        assert.equal(fake.administrativeUnits().length, 1, "the unit keeps protecting the accounts");

        fake.deleteAdministrativeUnit(unit.id);
        assert.equal((await host.read(created.id, URN, drifted.properties, moved.inputs)).id, "", "a unit deleted in the tenant leaves the state");
    });

    test("an existing restricted unit of that name is adopted: no new unit, its members made exactly the declared ones", async () => {
        const fake = await tenant();
        const unitId = fake.addAdministrativeUnit({ displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: [OTHER, FIXTURE_GROUP_ID] });
        const checked = await host.check(URN, {}, news(fake));
        const created = await host.create(URN, checked.inputs);
        assert.equal(created.id, unitId);
        assert.equal(fake.requestsTo(UNITS, "POST").filter((r) => r.path === UNITS).length, 0, "no unit created");
        assert.deepEqual(fake.administrativeUnit(unitId).memberIds, [FIXTURE_GROUP_ID, ...FIXTURE_USER_IDS]);
    });

    test("an existing unit of that name without the restriction is refused, and the message reaches the engine", async () => {
        const fake = await tenant();
        const unitId = fake.addAdministrativeUnit({ displayName: NAME, isMemberManagementRestricted: false });
        const checked = await host.check(URN, {}, news(fake));
        await assert.rejects(host.create(URN, checked.inputs), {
            message:
                `create: Administrative unit ${unitId} ("${NAME}") already exists without isMemberManagementRestricted. Graph sets ` +
                "that flag only when a unit is created, so this unit can never become restricted, and holding the emergency accounts " +
                "in it would leave them manageable by every tenant-wide administrator. Rename or delete it (Entra admin center: " +
                "Roles & admins, Admin units), or declare the restricted unit under another displayName, then run `pulumi up` again.",
        });
        assert.deepEqual(fake.requests.filter((r) => r.method !== "GET"), []);
        const refused = await host.check(URN, {}, news(fake, { isMemberManagementRestricted: false }));
        assert.deepEqual(refused.failures.map((f) => f.property), ["isMemberManagementRestricted"]);
    });

    test("a 403 inside the unit names the role the deploy identity needs at the unit's scope", async () => {
        const fake = await tenant();
        const unitId = fake.addAdministrativeUnit({ displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: MEMBERS });
        const checked = await host.check(URN, {}, news(fake));
        const created = await host.create(URN, checked.inputs);
        fake.inject(unitId, { kind: "status", status: 403, times: 1, method: "DELETE", pathIncludes: "members" });
        const narrowed = await host.check(URN, checked.inputs, news(fake, { memberIds: MEMBERS.slice(1) }));
        await assert.rejects(host.update(created.id, URN, created.properties, narrowed.inputs, checked.inputs), (error: Error) => {
            assert.ok(error.message.startsWith(`update: Administrative unit ${unitId}: DELETE to remove the member ${MEMBERS[0]} failed with HTTP 403 Authorization_RequestDenied`), error.message);
            assert.ok(error.message.endsWith(`. ${restrictedUnitScopeNote(unitId)}`), error.message);
            assert.match(error.message, /Privileged Authentication Administrator role \(template 7be44c8a-adaf-4e2a-84d6-ab2649e08a13\) assigned at the unit's scope/);
            return true;
        });
    });

    test("the whole host process used one Graph session: one az call per Graph endpoint, nothing beyond loopback, no engine connection", () => {
        assert.equal(fakes.length, 4);
        // A token is for one audience (the Graph endpoint): one az call per fake Graph, each scenario's first request.
        const audiences = az.calls().map((call) => call[call.indexOf("--resource") + 1]);
        assert.deepEqual(audiences, fakes.map((fake) => fake.endpoint));
        assert.deepEqual(az.blockedConnections(), []);
        assert.equal(host.engineConnections(), 0);
    });
});
