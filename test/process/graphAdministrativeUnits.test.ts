// graph/administrativeUnits.ts against the fake Graph over real HTTP on 127.0.0.1: a restricted-management unit is
// created with the restriction (it cannot be added later), found by a name holding a quote, renamed without ever
// sending the restriction, and its members kept idempotently (an existing member and a missing one count as done).
// 403s name the permission and the role, and on members that a role scoped to the unit is needed.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
    ADMINISTRATIVE_UNIT_PERMISSION,
    RESTRICTED_UNIT_ADMIN_ROLE,
    addAdministrativeUnitMember,
    createRestrictedAdministrativeUnit,
    findAdministrativeUnits,
    listAdministrativeUnitMemberIds,
    readAdministrativeUnit,
    removeAdministrativeUnitMember,
    updateAdministrativeUnit,
} from "../../graph/administrativeUnits";
import { createGraphClient, type GraphClient } from "../../graph/client";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { ADMINISTRATIVE_UNITS_TARGET, FakeGraph, type FakeGraphOptions } from "../helpers/fakeGraph";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";

const UNITS = "/v1.0/directory/administrativeUnits";
const USER = { id: ACCOUNTS[0], userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" };
const DENIED = "failed with HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation";
const UNIT_HINT = `The caller needs the ${ADMINISTRATIVE_UNIT_PERMISSION} permission and the ${RESTRICTED_UNIT_ADMIN_ROLE} role`;
const MEMBERS_HINT =
    `${UNIT_HINT}. Objects inside a restricted-management administrative unit ignore tenant-wide application permissions ` +
    "and tenant-scoped admin roles: the caller needs a role assigned at the unit's scope";
const EMERGENCY = { displayName: "Emergency access", description: "Emergency access accounts and their group" };

let fake: FakeGraph | undefined;
afterEach(async () => {
    await fake?.close();
    fake = undefined;
});

async function client(options: Partial<FakeGraphOptions> = {}): Promise<{ fake: FakeGraph; graph: GraphClient }> {
    fake = await FakeGraph.start({ policies: [], users: [USER], ...options });
    return { fake, graph: createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY }) };
}

/** `METHOD PATH STATUS` of each request to the units, paths decoded. */
const unitRequests = (fake: FakeGraph) => fake.requestsTo(UNITS).map((request) => `${request.method} ${decodeURIComponent(request.path)} ${request.status}`);

describe("restricted-management administrative units", () => {
    test("creates the unit with isMemberManagementRestricted true and reads it back; a deleted unit reads as undefined", async () => {
        const { fake, graph } = await client();
        const created = await createRestrictedAdministrativeUnit(graph, EMERGENCY);
        assert.deepEqual(fake.requestsTo(UNITS, "POST").map((request) => [request.path, request.body]), [
            [UNITS, { ...EMERGENCY, isMemberManagementRestricted: true }],
        ]);
        assert.deepEqual(created, { id: created.id, ...EMERGENCY, isMemberManagementRestricted: true });
        assert.equal(fake.administrativeUnit(created.id).isMemberManagementRestricted, true);
        assert.deepEqual(await readAdministrativeUnit(graph, created.id), created);
        fake.deleteAdministrativeUnit(created.id);
        assert.equal(await readAdministrativeUnit(graph, created.id), undefined);
        assert.deepEqual(unitRequests(fake).slice(1), [`GET ${UNITS}/${created.id} 200`, `GET ${UNITS}/${created.id} 404`]);
    });

    test("finds units by display name across pages, a quote in the name doubled; an unrestricted namesake is returned as such", async () => {
        const { fake, graph } = await client({ collectionPageSize: 1 });
        const name = "Emergency 'break glass'";
        const restricted = fake.addAdministrativeUnit({ displayName: name, isMemberManagementRestricted: true });
        fake.addAdministrativeUnit({ displayName: "Other unit" });
        const plain = fake.addAdministrativeUnit({ displayName: name, description: "made by hand" });
        assert.deepEqual(await findAdministrativeUnits(graph, name), [
            { id: restricted, displayName: name, isMemberManagementRestricted: true },
            { id: plain, displayName: name, description: "made by hand", isMemberManagementRestricted: false },
        ]);
        const gets = unitRequests(fake);
        assert.equal(gets[0], `GET ${UNITS}?$filter=displayName eq 'Emergency ''break glass''' 200`);
        assert.equal(gets.length, 2, "two pages of one");
        assert.deepEqual(await findAdministrativeUnits(graph, "nobody's"), []);
    });

    test("renames and redescribes with only the fields given, never the restriction; nothing given sends nothing", async () => {
        const { fake, graph } = await client();
        const id = fake.addAdministrativeUnit({ displayName: "Old name", isMemberManagementRestricted: true });
        await updateAdministrativeUnit(graph, id, { displayName: "New name" });
        await updateAdministrativeUnit(graph, id, { description: "Emergency accounts" });
        await updateAdministrativeUnit(graph, id, {});
        assert.deepEqual(fake.requestsTo(UNITS, "PATCH").map((request) => [request.path, request.body]), [
            [`${UNITS}/${id}`, { displayName: "New name" }],
            [`${UNITS}/${id}`, { description: "Emergency accounts" }],
        ]);
        assert.deepEqual(fake.administrativeUnit(id), {
            id,
            displayName: "New name",
            description: "Emergency accounts",
            isMemberManagementRestricted: true,
            visibility: null,
            memberIds: [],
        });
    });

    test("the fake refuses a PATCH of isMemberManagementRestricted, as Graph does after creation", async () => {
        const { fake, graph } = await client();
        const id = fake.addAdministrativeUnit({ displayName: "Hand-made", isMemberManagementRestricted: false });
        await assert.rejects(graph.client.api(`/directory/administrativeUnits/${id}`).patch({ isMemberManagementRestricted: true }), {
            statusCode: 400,
            message: "Property 'isMemberManagementRestricted' can only be set when the administrative unit is created.",
        });
        assert.equal(fake.administrativeUnit(id).isMemberManagementRestricted, false);
    });

    test("adds members by reference on the client's own origin, idempotently; lists them across pages; removes them, 404 as done", async () => {
        const { fake, graph } = await client({ collectionPageSize: 1 });
        const id = fake.addAdministrativeUnit({ displayName: EMERGENCY.displayName, isMemberManagementRestricted: true });
        await addAdministrativeUnitMember(graph, id, USER.id);
        await addAdministrativeUnitMember(graph, id, GROUP);
        await addAdministrativeUnitMember(graph, id, USER.id);
        const posts = fake.requestsTo(`${UNITS}/${id}/members/$ref`, "POST");
        assert.deepEqual(
            posts.map((request) => [request.body, request.status]),
            [
                [{ "@odata.id": `${fake.endpoint}/v1.0/directoryObjects/${USER.id}` }, 204],
                [{ "@odata.id": `${fake.endpoint}/v1.0/directoryObjects/${GROUP}` }, 204],
                [{ "@odata.id": `${fake.endpoint}/v1.0/directoryObjects/${USER.id}` }, 400],
            ],
        );
        assert.deepEqual(await listAdministrativeUnitMemberIds(graph, id), [USER.id, GROUP]);
        assert.deepEqual(
            fake.requestsTo("/members", "GET").map((request) => decodeURIComponent(request.path).replace(/skiptoken=.*/, "skiptoken=…")),
            [`${UNITS}/${id}/members?$select=id`, `${UNITS}/${id}/members?$select=id&$skiptoken=…`],
        );
        await removeAdministrativeUnitMember(graph, id, USER.id);
        await removeAdministrativeUnitMember(graph, id, USER.id);
        assert.deepEqual(
            fake.requestsTo("/$ref", "DELETE").map((request) => `${request.path} ${request.status}`),
            [`${UNITS}/${id}/members/${USER.id}/$ref 204`, `${UNITS}/${id}/members/${USER.id}/$ref 404`],
        );
        assert.deepEqual(fake.administrativeUnit(id).memberIds, [GROUP]);
    });

    test("the fake refuses a reference to another origin, and, once it knows the groups, an unknown object", async () => {
        const { fake, graph } = await client({ groupIds: [GROUP] });
        const id = fake.addAdministrativeUnit({ displayName: "Unit" });
        await assert.rejects(
            graph.client.api(`/directory/administrativeUnits/${id}/members/$ref`).post({ "@odata.id": `https://graph.example.com/v1.0/directoryObjects/${GROUP}` }),
            { statusCode: 400, message: `Invalid object reference 'https://graph.example.com/v1.0/directoryObjects/${GROUP}'.` },
        );
        await assert.rejects(addAdministrativeUnitMember(graph, id, OTHER), {
            message: `Administrative unit ${id}: POST to add the member ${OTHER} failed with HTTP 404 Request_ResourceNotFound: Resource '${OTHER}' does not exist or one of its queried reference-property objects are not present.`,
        });
        await addAdministrativeUnitMember(graph, id, GROUP);
        assert.deepEqual(fake.administrativeUnit(id).memberIds, [GROUP]);
    });

    test("403s name the permission and the role; on members, that the caller needs a role scoped to the unit", async () => {
        const { fake, graph } = await client();
        const id = fake.addAdministrativeUnit({ displayName: "Unit", isMemberManagementRestricted: true });
        fake.inject(ADMINISTRATIVE_UNITS_TARGET, { kind: "status", status: 403, times: 1, method: "POST" });
        await assert.rejects(createRestrictedAdministrativeUnit(graph, EMERGENCY), {
            message: `Administrative unit "${EMERGENCY.displayName}": POST to create a restricted-management administrative unit ${DENIED}. ${UNIT_HINT}`,
        });
        fake.inject(id, { kind: "status", status: 403, times: 1, method: "POST", pathIncludes: "/members/$ref" });
        await assert.rejects(addAdministrativeUnitMember(graph, id, USER.id), {
            message: `Administrative unit ${id}: POST to add the member ${USER.id} ${DENIED}. ${MEMBERS_HINT}`,
        });
        fake.inject(id, { kind: "status", status: 403, times: 1, method: "GET", pathIncludes: "/members" });
        await assert.rejects(listAdministrativeUnitMemberIds(graph, id), {
            message: `Administrative unit ${id}: GET to list the members ${DENIED}. ${MEMBERS_HINT}`,
        });
        fake.inject(id, { kind: "status", status: 403, times: 1, method: "PATCH" });
        await assert.rejects(updateAdministrativeUnit(graph, id, { displayName: "Renamed" }), {
            message: `Administrative unit ${id}: PATCH to update displayName ${DENIED}. ${UNIT_HINT}`,
        });
        assert.equal(fake.administrativeUnits().length, 1, "nothing was created");
        assert.deepEqual(fake.administrativeUnit(id).memberIds, []);
    });
});
