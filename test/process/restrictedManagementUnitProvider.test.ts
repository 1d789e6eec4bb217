// The RestrictedManagementUnit provider called directly against the fake Graph over real HTTP on 127.0.0.1: input
// checks, the diff table, creating, adopting and refusing units by name, converging members (ids without regard to
// case), refresh drift, and every Graph fault (403 inside the unit naming the unit-scoped role, 404, throttling).
// The host test (restrictedManagementUnitHost.test.ts) runs the same provider as the program serializes it.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
    RESTRICTED_UNIT_SCOPED_ROLE,
    checkRestrictedManagementUnitInputs,
    chooseAdministrativeUnit,
    createRestrictedManagementUnitProvider,
    diffRestrictedManagementUnit,
    memberChanges,
    restrictedUnitScopeNote,
    withRestrictedManagementUnitDefaults,
    type RestrictedManagementUnitInputs,
    type RestrictedManagementUnitOutputs,
} from "../../components/restrictedManagementUnitProvider";
import { DEFAULTS, UNKNOWN_VALUE } from "../../policies/contract/constants";
import { RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION } from "../../policies/contract/declaration/administrativeUnit";
import { FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import { ADMINISTRATIVE_UNITS_TARGET, FakeGraph, type RecordedRequest } from "../helpers/fakeGraph";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS, OTHER } from "../helpers/ids";

const NAME = DEFAULTS.administrativeUnitDisplayName;
const MEMBERS = [...FIXTURE_USER_IDS, FIXTURE_GROUP_ID];
const UNITS = "/v1.0/directory/administrativeUnits";

let fakes: FakeGraph[] = [];
afterEach(async () => {
    await Promise.all(fakes.map((fake) => fake.close()));
    fakes = [];
});

async function startFake(): Promise<FakeGraph> {
    const users = FIXTURE_USER_IDS.map((id, i) => ({ id, userPrincipalName: `breakglass-${i + 1}@contoso.onmicrosoft.com` }));
    const fake = await FakeGraph.start({ policies: [], users });
    fakes.push(fake);
    return fake;
}

function provider() {
    return createRestrictedManagementUnitProvider({ credential: fakeCredential(), retry: FAST_RETRY });
}

function inputs(fake: FakeGraph, changes: Partial<RestrictedManagementUnitInputs> = {}): RestrictedManagementUnitInputs {
    return {
        displayName: NAME,
        description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION,
        isMemberManagementRestricted: true,
        memberIds: [...MEMBERS],
        graphEndpoint: fake.endpoint,
        ...changes,
    };
}

/** `METHOD path` with the query decoded, and the body when there is one: what the provider asked of Graph. */
function trace(requests: readonly RecordedRequest[]): string[] {
    return requests.map((r) => `${r.method} ${decodeURIComponent(r.path)}${r.body === undefined ? "" : ` ${JSON.stringify(r.body)}`}`);
}

const find = `GET ${UNITS}?$filter=displayName eq '${NAME}'`;
const addMember = (fake: FakeGraph, unitId: string, id: string) =>
    `POST ${UNITS}/${unitId}/members/$ref {"@odata.id":"${fake.endpoint}/v1.0/directoryObjects/${id}"}`;

describe("RestrictedManagementUnit provider: check, diff and choice (pure)", () => {
    test("check fills the display name and the endpoint, and accepts the contract's inputs", () => {
        const filled = withRestrictedManagementUnitDefaults({ description: "d", isMemberManagementRestricted: true, memberIds: MEMBERS });
        assert.deepEqual(filled, { description: "d", isMemberManagementRestricted: true, memberIds: MEMBERS, displayName: NAME, graphEndpoint: "https://graph.microsoft.com" });
        assert.deepEqual(checkRestrictedManagementUnitInputs(filled), []);
    });

    const valid = { displayName: NAME, description: "d", isMemberManagementRestricted: true, memberIds: MEMBERS, graphEndpoint: "https://graph.microsoft.com" };
    const refused: [string, Record<string, unknown>, string, string][] = [
        [
            "a unit that is not restricted",
            { isMemberManagementRestricted: false },
            "isMemberManagementRestricted",
            "isMemberManagementRestricted must be true, got false: this resource exists to make a restricted-management unit, and Graph sets the flag only when a unit is created",
        ],
        [
            "a flag left out",
            { isMemberManagementRestricted: undefined },
            "isMemberManagementRestricted",
            "isMemberManagementRestricted must be true, got undefined: this resource exists to make a restricted-management unit, and Graph sets the flag only when a unit is created",
        ],
        ["an empty name", { displayName: " " }, "displayName", 'displayName must be a non-empty string, got " "'],
        ["no description", { description: 7 }, "description", "description must be a string, got 7"],
        ["no members", { memberIds: [] }, "memberIds", "memberIds must be a non-empty list of object ids (GUIDs), got []"],
        ["a member that is no object id", { memberIds: [FIXTURE_GROUP_ID, "breakglass-1"] }, "memberIds", `memberIds must be a non-empty list of object ids (GUIDs), got ["${FIXTURE_GROUP_ID}","breakglass-1"]`],
        ["plain http to another host", { graphEndpoint: "http://graph.microsoft.com" }, "graphEndpoint", 'Graph endpoint "http://graph.microsoft.com" must be one of https://graph.microsoft.com, https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn (or plain http on 127.0.0.1, localhost or [::1] for a test): it receives an access token, which must go to Microsoft Graph only'],
    ];
    for (const [name, change, property, reason] of refused) {
        test(`check refuses ${name}`, () => {
            assert.deepEqual(checkRestrictedManagementUnitInputs({ ...valid, ...change } as Partial<RestrictedManagementUnitInputs>), [{ property, reason }]);
        });
    }

    test("check does not judge member ids unknown during preview", () => {
        assert.deepEqual(checkRestrictedManagementUnitInputs({ ...valid, memberIds: [UNKNOWN_VALUE, FIXTURE_GROUP_ID] } as Partial<RestrictedManagementUnitInputs>), []);
    });

    const state: RestrictedManagementUnitOutputs = { ...valid, memberIds: MEMBERS.map((id) => id.toUpperCase()).reverse(), unitId: OTHER };
    const news = valid as RestrictedManagementUnitInputs;
    const diffs: [string, Partial<RestrictedManagementUnitOutputs>, Partial<RestrictedManagementUnitInputs>, boolean, string[]][] = [
        ["the same members in another order and case", state, news, false, []],
        ["the flag differs (replace-only)", { ...state, isMemberManagementRestricted: false }, news, true, ["isMemberManagementRestricted"]],
        ["a new display name", state, { ...news, displayName: "Break glass" }, true, []],
        ["a new description", state, { ...news, description: "other" }, true, []],
        ["another endpoint", state, { ...news, graphEndpoint: "https://graph.microsoft.us" }, true, []],
        ["a member missing live", { ...state, memberIds: MEMBERS.slice(1) }, news, true, []],
        ["an extra member live", { ...state, memberIds: [...MEMBERS, OTHER] }, news, true, []],
        ["a member id unknown during preview", state, { ...news, memberIds: [UNKNOWN_VALUE, FIXTURE_GROUP_ID] }, true, []],
    ];
    for (const [name, olds, changed, changes, replaces] of diffs) {
        test(`diff: ${name}`, () => {
            assert.deepEqual(diffRestrictedManagementUnit(olds, changed), { changes, replaces, deleteBeforeReplace: false });
        });
    }

    test("member changes: add what is missing once, remove what is not declared, ids without regard to case", () => {
        assert.deepEqual(memberChanges([FIXTURE_USER_IDS[0].toUpperCase(), OTHER], [...MEMBERS, FIXTURE_GROUP_ID]), {
            add: [FIXTURE_USER_IDS[1], FIXTURE_GROUP_ID],
            remove: [OTHER],
        });
    });

    test("choice: none creates, one restricted adopts, one unrestricted or several refuse", () => {
        const restricted = { id: OTHER, displayName: NAME, isMemberManagementRestricted: true };
        assert.deepEqual(chooseAdministrativeUnit([], NAME), { kind: "create" });
        assert.deepEqual(chooseAdministrativeUnit([restricted], NAME), { kind: "adopt", unit: restricted });
        assert.equal(chooseAdministrativeUnit([{ ...restricted, isMemberManagementRestricted: false }], NAME).kind, "refuse");
        assert.equal(chooseAdministrativeUnit([restricted, { ...restricted, id: FIXTURE_GROUP_ID }], NAME).kind, "refuse");
    });

    test("the unit-scoped role is Privileged Authentication Administrator, by its template id, at /administrativeUnits/<id>", () => {
        assert.deepEqual(RESTRICTED_UNIT_SCOPED_ROLE, { name: "Privileged Authentication Administrator", templateId: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13" });
        assert.equal(
            restrictedUnitScopeNote(OTHER),
            `To keep managing the emergency accounts inside the restricted-management administrative unit ${OTHER}, the deploy identity ` +
                "needs the Privileged Authentication Administrator role (template 7be44c8a-adaf-4e2a-84d6-ab2649e08a13) assigned at the " +
                `unit's scope (/administrativeUnits/${OTHER}); tenant-wide roles and Graph application permissions do not reach objects inside the unit`,
        );
    });
});

describe("RestrictedManagementUnit provider against the fake Graph", () => {
    test("create with no unit of that name: creates it restricted, adds every member, records the unit", async () => {
        const fake = await startFake();
        const created = await provider().create(inputs(fake));
        const [unit] = fake.administrativeUnits();
        assert.equal(created.id, unit.id);
        assert.deepEqual(trace(fake.requests), [
            find,
            `POST ${UNITS} ${JSON.stringify({ displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true })}`,
            ...MEMBERS.map((id) => addMember(fake, unit.id, id)),
        ]);
        assert.deepEqual(
            [unit.displayName, unit.description, unit.isMemberManagementRestricted, unit.memberIds],
            [NAME, RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, true, MEMBERS],
        );
        assert.deepEqual(created.outs, { ...inputs(fake), unitId: unit.id });
    });

    test("create adopts the one restricted unit of that name: adds the missing members, removes the others, no new unit", async () => {
        const fake = await startFake();
        const unitId = fake.addAdministrativeUnit({
            displayName: NAME,
            description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION,
            isMemberManagementRestricted: true,
            memberIds: [FIXTURE_USER_IDS[0].toUpperCase(), OTHER],
        });
        const created = await provider().create(inputs(fake));
        assert.equal(created.id, unitId);
        assert.deepEqual(trace(fake.requests), [
            find,
            `GET ${UNITS}/${unitId}/members?$select=id`,
            addMember(fake, unitId, FIXTURE_USER_IDS[1]),
            addMember(fake, unitId, FIXTURE_GROUP_ID),
            `DELETE ${UNITS}/${unitId}/members/${OTHER}/$ref`,
        ]);
        assert.equal(fake.administrativeUnits().length, 1);
        assert.deepEqual(fake.administrativeUnit(unitId).memberIds, [FIXTURE_USER_IDS[0].toUpperCase(), FIXTURE_USER_IDS[1], FIXTURE_GROUP_ID]);
        assert.deepEqual((created.outs as RestrictedManagementUnitOutputs).memberIds, [FIXTURE_USER_IDS[0].toUpperCase(), FIXTURE_USER_IDS[1], FIXTURE_GROUP_ID]);
    });

    test("create adopting a unit whose description differs puts the declared one back (PATCH of description only)", async () => {
        const fake = await startFake();
        const unitId = fake.addAdministrativeUnit({ displayName: NAME, description: "made by hand", isMemberManagementRestricted: true, memberIds: MEMBERS });
        await provider().create(inputs(fake));
        assert.deepEqual(trace(fake.requests.filter((r) => r.method !== "GET")), [
            `PATCH ${UNITS}/${unitId} ${JSON.stringify({ description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION })}`,
        ]);
    });

    test("create refuses a unit of that name without the restriction, naming it, and changes nothing", async () => {
        const fake = await startFake();
        const unitId = fake.addAdministrativeUnit({ displayName: NAME, isMemberManagementRestricted: false, memberIds: [OTHER] });
        await assert.rejects(provider().create(inputs(fake)), {
            message:
                `Administrative unit ${unitId} ("${NAME}") already exists without isMemberManagementRestricted. Graph sets that flag ` +
                "only when a unit is created, so this unit can never become restricted, and holding the emergency accounts in it " +
                "would leave them manageable by every tenant-wide administrator. Rename or delete it (Entra admin center: Roles & " +
                "admins, Admin units), or declare the restricted unit under another displayName, then run `pulumi up` again.",
        });
        assert.deepEqual(trace(fake.requests), [find]);
        assert.deepEqual(fake.administrativeUnit(unitId).memberIds, [OTHER]);
    });

    test("create refuses several units of that name, naming each", async () => {
        const fake = await startFake();
        const first = fake.addAdministrativeUnit({ displayName: NAME, isMemberManagementRestricted: true });
        const second = fake.addAdministrativeUnit({ displayName: NAME, isMemberManagementRestricted: false });
        await assert.rejects(provider().create(inputs(fake)), {
            message:
                `2 administrative units are named "${NAME}": ${first} (restricted), ${second} (not restricted). This resource cannot ` +
                "tell which one holds the emergency accounts. Rename or delete all but one restricted unit of that name (Entra admin " +
                "center: Roles & admins, Admin units), then run `pulumi up` again.",
        });
        assert.deepEqual(trace(fake.requests), [find]);
    });

    test("a display name with a quote is found with the quote doubled", async () => {
        const fake = await startFake();
        await provider().create(inputs(fake, { displayName: "Break glass (O'Brien's)" }));
        assert.equal(decodeURIComponent(fake.requests[0].path), `${UNITS}?$filter=displayName eq 'Break glass (O''Brien''s)'`);
        assert.equal(fake.administrativeUnits()[0].displayName, "Break glass (O'Brien's)");
    });

    test("update renames (PATCH of displayName only), adds the new members and removes the undeclared ones", async () => {
        const fake = await startFake();
        const unit = provider();
        const created = await unit.create(inputs(fake));
        const before = fake.requests.length;
        const news = inputs(fake, { displayName: "Emergency access (restricted)", memberIds: [FIXTURE_USER_IDS[0], FIXTURE_GROUP_ID, OTHER] });
        assert.deepEqual(await unit.diff!(created.id, created.outs, news), { changes: true, replaces: [], deleteBeforeReplace: false });
        const updated = await unit.update!(created.id, created.outs, news);
        assert.deepEqual(trace(fake.requests.slice(before)), [
            `GET ${UNITS}/${created.id}`,
            `GET ${UNITS}/${created.id}/members?$select=id`,
            `PATCH ${UNITS}/${created.id} ${JSON.stringify({ displayName: "Emergency access (restricted)" })}`,
            addMember(fake, created.id, OTHER),
            `DELETE ${UNITS}/${created.id}/members/${FIXTURE_USER_IDS[1]}/$ref`,
        ]);
        assert.deepEqual(fake.administrativeUnit(created.id).memberIds, [FIXTURE_USER_IDS[0], FIXTURE_GROUP_ID, OTHER]);
        assert.deepEqual(updated.outs, { ...news, unitId: created.id });
    });

    test("update of a unit deleted since the refresh fails naming it and what to run", async () => {
        const fake = await startFake();
        const unit = provider();
        const created = await unit.create(inputs(fake));
        fake.deleteAdministrativeUnit(created.id);
        await assert.rejects(unit.update!(created.id, created.outs, inputs(fake)), {
            message: `Administrative unit ${created.id} ("${NAME}") no longer exists: run \`pulumi refresh\` (or \`pulumi up --refresh\`) so a new restricted-management unit is created`,
        });
    });

    test("refresh reports the unit as live (a member removed, a rename), diff makes it an update; a deleted unit drops", async () => {
        const fake = await startFake();
        const unit = provider();
        const created = await unit.create(inputs(fake));
        assert.deepEqual(await unit.read!(created.id, created.outs), { id: created.id, props: created.outs });

        // Someone with a role at the unit's scope took an account out and renamed the unit.
        fake.deleteAdministrativeUnit(created.id);
        fake.addAdministrativeUnit({ id: created.id, displayName: "renamed", description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: [FIXTURE_USER_IDS[0], FIXTURE_GROUP_ID] });
        const refreshed = await unit.read!(created.id, created.outs);
        assert.deepEqual(refreshed, {
            id: created.id,
            props: { ...inputs(fake), displayName: "renamed", memberIds: [FIXTURE_USER_IDS[0], FIXTURE_GROUP_ID], unitId: created.id },
        });
        assert.equal((await unit.diff!(created.id, refreshed.props, inputs(fake))).changes, true);
        await unit.update!(created.id, refreshed.props as RestrictedManagementUnitOutputs, inputs(fake));
        assert.deepEqual([fake.administrativeUnit(created.id).displayName, fake.administrativeUnit(created.id).memberIds], [NAME, [FIXTURE_USER_IDS[0], FIXTURE_GROUP_ID, FIXTURE_USER_IDS[1]]]);

        fake.deleteAdministrativeUnit(created.id);
        assert.deepEqual(await unit.read!(created.id, created.outs), { id: "" });
    });

    test("a 403 adding a member names the unit, the permission, the role, and the role needed at the unit's scope", async () => {
        const fake = await startFake();
        const unitId = fake.addAdministrativeUnit({ displayName: NAME, description: RESTRICTED_MANAGEMENT_UNIT_DESCRIPTION, isMemberManagementRestricted: true, memberIds: [] });
        fake.inject(unitId, { kind: "status", status: 403, times: 1, method: "POST", pathIncludes: "members" });
        await assert.rejects(provider().create(inputs(fake)), {
            message:
                `Administrative unit ${unitId}: POST to add the member ${MEMBERS[0]} failed with HTTP 403 Authorization_RequestDenied: ` +
                "Insufficient privileges to complete the operation. The caller needs the AdministrativeUnit.ReadWrite.All permission and the " +
                "Privileged Role Administrator role. Objects inside a restricted-management administrative unit ignore tenant-wide application " +
                "permissions and tenant-scoped admin roles: the caller needs a role assigned at the unit's scope. " +
                restrictedUnitScopeNote(unitId),
        });
    });

    test("a 403 creating the unit names the permission and Privileged Role Administrator (no unit exists yet to scope a role to)", async () => {
        const fake = await startFake();
        fake.inject(ADMINISTRATIVE_UNITS_TARGET, { kind: "status", status: 403, times: 1, method: "POST" });
        await assert.rejects(provider().create(inputs(fake)), {
            message:
                `Administrative unit "${NAME}": POST to create a restricted-management administrative unit failed with HTTP 403 ` +
                "Authorization_RequestDenied: Insufficient privileges to complete the operation. The caller needs the " +
                "AdministrativeUnit.ReadWrite.All permission and the Privileged Role Administrator role",
        });
        assert.deepEqual(fake.administrativeUnits(), []);
    });

    test("a 429 on the create is retried: one unit, every member", async () => {
        const fake = await startFake();
        fake.inject(ADMINISTRATIVE_UNITS_TARGET, { kind: "status", status: 429, times: 1, retryAfter: "0", method: "POST" });
        await provider().create(inputs(fake));
        assert.deepEqual(fake.requestsTo(UNITS, "POST").map((r) => r.status), [429, 201, 204, 204, 204]);
        assert.equal(fake.administrativeUnits().length, 1);
        assert.deepEqual(fake.administrativeUnits()[0].memberIds, MEMBERS);
    });

    test("a member Graph does not know (404) fails naming the unit and the member", async () => {
        const fake = await FakeGraph.start({ policies: [], users: [], groupIds: [] });
        fakes.push(fake);
        await assert.rejects(provider().create(inputs(fake)), (error: Error) => {
            assert.match(error.message, new RegExp(`^Administrative unit [0-9a-f-]{36}: POST to add the member ${MEMBERS[0]} failed with HTTP 404 Request_ResourceNotFound`));
            return true;
        });
    });

    test("delete makes no request: the unit keeps protecting the accounts", async () => {
        const fake = await startFake();
        const unit = provider();
        const created = await unit.create(inputs(fake));
        const before = fake.requests.length;
        await unit.delete!(created.id, created.outs);
        assert.equal(fake.requests.length, before);
        assert.equal(fake.administrativeUnits().length, 1);
    });
});
