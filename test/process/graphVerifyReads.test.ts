// The Graph reads of `npm run verify` against the fake Graph over real HTTP on 127.0.0.1, with the real client: the
// exact request each sends (method, path, query, body), what it returns, 404 as undefined, a 403 that names the
// object, the operation and the permission, paging, a throttle on one kind of read only, and Conditional Access
// What-If evaluated against the stored policies (All users, excluded directly, excluded through a group, report-only,
// disabled, another application, another client type, a role).
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { createGraphClient, type GraphClient } from "../../graph/client";
import { WHAT_IF_PERMISSION, evaluateConditionalAccess, whatIfRequestBody } from "../../graph/conditionalAccess";
import { resolveDirectoryObjects } from "../../graph/directoryObjects";
import { listGroupMemberIds, listGroupOwnerIds, readGroup } from "../../graph/groups";
import { ROLE_TEMPLATE_IDS, listRoleAssignmentInstances } from "../../graph/roles";
import { USER_STATE_SELECT, readSignInActivity, readUserState } from "../../graph/users";
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { FAST_RATE, FAST_RETRY, fakeCredential } from "../helpers/exclusionScenarios";
import {
    DIRECTORY_OBJECTS_TARGET,
    FakeGraph,
    ROLE_ASSIGNMENTS_TARGET,
    WHAT_IF_TARGET,
    type FakeGraphOptions,
} from "../helpers/fakeGraph";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";

const [ACCOUNT, ACCOUNT_2, ADMIN, PERSON] = ACCOUNTS;
const UPN = "breakglass-1@contoso.onmicrosoft.com";
const GA = ROLE_TEMPLATE_IDS.globalAdministrator;
const DENIED = "HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation";

let fake: FakeGraph | undefined;
afterEach(async () => {
    await fake?.close();
    fake = undefined;
});

/** A fake tenant with the emergency account (and `options`) and a real client on it, paced far above any tenant's rate. */
async function client(options: Partial<FakeGraphOptions> = {}): Promise<{ fake: FakeGraph; graph: GraphClient }> {
    fake = await FakeGraph.start({ policies: [], users: [{ id: ACCOUNT, userPrincipalName: UPN }], ...options });
    return { fake, graph: createGraphClient({ endpoint: fake.endpoint, credential: fakeCredential(), retry: FAST_RETRY, requestsPerSecond: FAST_RATE }) };
}

/** The requests the fake received, as `METHOD path-with-decoded-query`. */
function sent(fake: FakeGraph): string[] {
    return fake.requests.map((request) => `${request.method} ${decodeURIComponent(request.path)}`);
}

describe("graph/users.ts: readUserState and readSignInActivity", () => {
    test("reads every field verify judges, by id or by user principal name, with exactly USER_STATE_SELECT", async () => {
        const { fake, graph } = await client({
            users: [
                {
                    id: ACCOUNT,
                    userPrincipalName: UPN,
                    accountEnabled: false,
                    onPremisesSyncEnabled: true,
                    userType: "Guest",
                    assignedLicenses: [{ skuId: "c42b9cae-ea4f-4ab7-9717-81576235ccac" }],
                    createdDateTime: "2025-01-02T03:04:05Z",
                    lastPasswordChangeDateTime: "2026-10-01T08:00:00Z",
                },
                { id: ACCOUNT_2, userPrincipalName: "breakglass-2@contoso.onmicrosoft.com" },
            ],
        });
        assert.deepEqual(await readUserState(graph, ACCOUNT), {
            id: ACCOUNT,
            userPrincipalName: UPN,
            accountEnabled: false,
            onPremisesSyncEnabled: true,
            userType: "Guest",
            assignedLicenses: [{ skuId: "c42b9cae-ea4f-4ab7-9717-81576235ccac" }],
            createdDateTime: "2025-01-02T03:04:05Z",
            lastPasswordChangeDateTime: "2026-10-01T08:00:00Z",
        });
        const cloudOnly = await readUserState(graph, "breakglass-2@contoso.onmicrosoft.com");
        assert.equal(cloudOnly?.id, ACCOUNT_2);
        assert.equal(cloudOnly?.onPremisesSyncEnabled, null, "Graph answers null for a cloud-only account");
        assert.equal(cloudOnly?.userType, "Member");
        assert.deepEqual(cloudOnly?.assignedLicenses, []);
        assert.equal(cloudOnly?.lastPasswordChangeDateTime, undefined);
        assert.deepEqual(sent(fake), [
            `GET /v1.0/users/${ACCOUNT}?$select=${USER_STATE_SELECT}`,
            `GET /v1.0/users/breakglass-2@contoso.onmicrosoft.com?$select=${USER_STATE_SELECT}`,
        ]);
    });

    test("a user that does not exist reads as undefined; a 403 names User.Read.All", async () => {
        const { fake, graph } = await client();
        assert.equal(await readUserState(graph, OTHER), undefined);
        fake.inject(ACCOUNT, { kind: "status", status: 403, times: 1, method: "GET" });
        await assert.rejects(readUserState(graph, ACCOUNT), {
            message:
                `User ${ACCOUNT}: GET to read the account's state failed with ${DENIED}. ` +
                "The caller needs the User.Read.All permission (or a directory role that reads users, such as Global Reader)",
        });
    });

    test("reads the sign-in dates with $select=id,signInActivity; never signed in is {}, a deleted user undefined", async () => {
        const { fake, graph } = await client({
            users: [
                { id: ACCOUNT, userPrincipalName: UPN },
                {
                    id: ACCOUNT_2,
                    userPrincipalName: "breakglass-2@contoso.onmicrosoft.com",
                    signInActivity: { lastSignInDateTime: "2026-09-01T10:00:00Z", lastSuccessfulSignInDateTime: "2026-08-30T09:00:00Z" },
                },
            ],
        });
        assert.deepEqual(await readSignInActivity(graph, ACCOUNT), {});
        assert.deepEqual(await readSignInActivity(graph, ACCOUNT_2), {
            lastSignInDateTime: "2026-09-01T10:00:00Z",
            lastSuccessfulSignInDateTime: "2026-08-30T09:00:00Z",
        });
        fake.editUser(ACCOUNT, (user) => (user.signInActivity = { lastNonInteractiveSignInDateTime: "2026-11-01T00:00:00Z" }));
        assert.deepEqual(await readSignInActivity(graph, ACCOUNT), { lastNonInteractiveSignInDateTime: "2026-11-01T00:00:00Z" });
        assert.equal(await readSignInActivity(graph, OTHER), undefined);
        assert.deepEqual(sent(fake).slice(0, 2), [`GET /v1.0/users/${ACCOUNT}?$select=id,signInActivity`, `GET /v1.0/users/${ACCOUNT_2}?$select=id,signInActivity`]);
    });

    test("a 403 on signInActivity names AuditLog.Read.All and the licence, whether the permission or the licence is missing", async () => {
        const hint =
            "The caller needs the AuditLog.Read.All permission (or a role that reads sign-in logs, such as Reports Reader or Global Reader), " +
            "and the tenant a Microsoft Entra ID P1 or P2 licence";
        const { fake, graph } = await client({ signInActivity: "forbidden" });
        await assert.rejects(readSignInActivity(graph, ACCOUNT), {
            message: `User ${ACCOUNT}: GET to read the last sign-in (signInActivity) failed with ${DENIED}. ${hint}`,
        });
        assert.equal((await readUserState(graph, ACCOUNT))?.id, ACCOUNT, "the account's state is still readable");
        fake.setSignInActivityAccess("nonPremiumTenant");
        await assert.rejects(readSignInActivity(graph, ACCOUNT), {
            message:
                `User ${ACCOUNT}: GET to read the last sign-in (signInActivity) failed with HTTP 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant: ` +
                `Neither tenant is B2C or tenant doesn't have premium license. ${hint}`,
        });
    });

    test("a fault can match the query string: only the signInActivity read of the account fails", async () => {
        const { fake, graph } = await client();
        fake.inject(ACCOUNT, { kind: "status", status: 403, times: 5, pathIncludes: "signInActivity" });
        assert.equal((await readUserState(graph, ACCOUNT))?.userPrincipalName, UPN);
        await assert.rejects(readSignInActivity(graph, ACCOUNT), /GET to read the last sign-in \(signInActivity\) failed with HTTP 403 .*AuditLog\.Read\.All/);
    });
});

describe("graph/roles.ts: listRoleAssignmentInstances", () => {
    test("filters on the principal, the role or both, and returns each instance as PIM lists it", async () => {
        const { fake, graph } = await client();
        const permanent = fake.addRoleAssignment({ principalId: ACCOUNT, roleDefinitionId: GA });
        const activated = fake.addRoleAssignment({
            principalId: ADMIN,
            roleDefinitionId: GA,
            assignmentType: "Activated",
            memberType: "Group",
            startDateTime: "2026-11-20T08:00:00Z",
            endDateTime: "2026-11-20T16:00:00Z",
        });
        fake.addRoleAssignment({ principalId: ACCOUNT, roleDefinitionId: ROLE_TEMPLATE_IDS.globalReader, directoryScopeId: "/administrativeUnits/x" });
        const byPrincipal = await listRoleAssignmentInstances(graph, { principalId: ACCOUNT });
        assert.deepEqual(
            byPrincipal.map((instance) => instance.roleDefinitionId),
            [GA, ROLE_TEMPLATE_IDS.globalReader],
        );
        assert.deepEqual(byPrincipal[0], {
            id: permanent,
            principalId: ACCOUNT,
            roleDefinitionId: GA,
            directoryScopeId: "/",
            assignmentType: "Assigned",
            memberType: "Direct",
            startDateTime: "2024-01-01T00:00:00Z",
            endDateTime: null,
        });
        assert.deepEqual(await listRoleAssignmentInstances(graph, { roleDefinitionId: GA, principalId: ADMIN }), [
            {
                id: activated,
                principalId: ADMIN,
                roleDefinitionId: GA,
                directoryScopeId: "/",
                assignmentType: "Activated",
                memberType: "Group",
                startDateTime: "2026-11-20T08:00:00Z",
                endDateTime: "2026-11-20T16:00:00Z",
            },
        ]);
        assert.deepEqual(sent(fake), [
            `GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${ACCOUNT}'`,
            `GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${ADMIN}' and roleDefinitionId eq '${GA}'`,
        ]);
    });

    test("follows every page, keeping the filter", async () => {
        const { fake, graph } = await client({ collectionPageSize: 2 });
        for (const principalId of [...ACCOUNTS, OTHER]) fake.addRoleAssignment({ principalId, roleDefinitionId: GA });
        fake.addRoleAssignment({ principalId: ACCOUNT, roleDefinitionId: ROLE_TEMPLATE_IDS.securityReader });
        const instances = await listRoleAssignmentInstances(graph, { roleDefinitionId: GA });
        assert.deepEqual(
            instances.map((instance) => instance.principalId),
            [...ACCOUNTS, OTHER],
        );
        const pages = sent(fake);
        assert.equal(pages.length, 3);
        for (const page of pages) assert.ok(page.includes(`$filter=roleDefinitionId eq '${GA}'`), page);
        assert.match(pages[1], /\$skiptoken=/);
    });

    test("quotes in an id stay inside the literal; an empty filter is refused before any request; a 403 names RoleManagement.Read.Directory", async () => {
        const { fake, graph } = await client();
        fake.addRoleAssignment({ principalId: ACCOUNT, roleDefinitionId: GA });
        assert.deepEqual(await listRoleAssignmentInstances(graph, { principalId: `x' or principalId ne '` }), []);
        assert.deepEqual(sent(fake), [`GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq 'x'' or principalId ne '''`]);
        await assert.rejects(listRoleAssignmentInstances(graph, {}), { message: "Role assignments: give a principalId, a roleDefinitionId or both to filter on" });
        assert.equal(fake.requests.length, 1);
        fake.inject(ROLE_ASSIGNMENTS_TARGET, { kind: "status", status: 403, times: 1 });
        await assert.rejects(listRoleAssignmentInstances(graph, { principalId: ACCOUNT, roleDefinitionId: GA }), {
            message:
                `Role assignments of principal ${ACCOUNT} in Global Administrator: GET to list the active role assignments ` +
                `(roleAssignmentScheduleInstances) failed with ${DENIED}. The caller needs the RoleManagement.Read.Directory permission ` +
                "(or a directory role that reads role assignments, such as Global Reader)",
        });
    });

    test("a throttle on role assignments alone: that read gives up after its retries, the others go through", async () => {
        const { fake, graph } = await client({ requestsPerSecond: 1, throttledPaths: ["/roleManagement/"] });
        assert.deepEqual(await listRoleAssignmentInstances(graph, { principalId: ACCOUNT }), []);
        await assert.rejects(
            listRoleAssignmentInstances(graph, { principalId: ACCOUNT }),
            /^Error: Role assignments of principal .*failed with HTTP 429 TooManyRequests \(gave up after 3 retries\): Too many requests\.$/,
        );
        for (let read = 0; read < 5; read++) assert.equal((await readUserState(graph, ACCOUNT))?.id, ACCOUNT);
        assert.equal(fake.requestsTo("roleAssignmentScheduleInstances").filter((request) => request.status === 429).length, 4);
    });
});

describe("graph/directoryObjects.ts: resolveDirectoryObjects", () => {
    test("names users, groups and service principals in one POST; unknown ids are absent; no id, no request", async () => {
        const { fake, graph } = await client();
        const group = fake.addGroup({ id: GROUP, displayName: "Emergency Access Accounts" });
        const app = fake.addServicePrincipal({ displayName: "deploy-pipeline" });
        assert.deepEqual(await resolveDirectoryObjects(graph, []), []);
        assert.equal(fake.requests.length, 0);
        assert.deepEqual(await resolveDirectoryObjects(graph, [ACCOUNT, OTHER, group, app]), [
            { id: ACCOUNT, type: "user", displayName: "breakglass-1", userPrincipalName: UPN },
            { id: GROUP, type: "group", displayName: "Emergency Access Accounts" },
            { id: app, type: "servicePrincipal", displayName: "deploy-pipeline" },
        ]);
        const [request] = fake.requests;
        assert.equal(`${request.method} ${request.path}`, "POST /v1.0/directoryObjects/getByIds");
        assert.deepEqual(request.body, { ids: [ACCOUNT, OTHER, GROUP, app] });
    });

    test("sends at most 1000 ids per request; a 403 names Directory.Read.All", async () => {
        const { fake, graph } = await client();
        const ids = [ACCOUNT, ...Array.from({ length: 1000 }, () => crypto.randomUUID())];
        assert.deepEqual(
            (await resolveDirectoryObjects(graph, ids)).map((object) => object.id),
            [ACCOUNT],
        );
        assert.deepEqual(
            fake.requests.map((request) => (request.body as { ids: string[] }).ids.length),
            [1000, 1],
        );
        fake.inject(DIRECTORY_OBJECTS_TARGET, { kind: "status", status: 403, times: 1 });
        await assert.rejects(resolveDirectoryObjects(graph, [ACCOUNT]), {
            message: `Directory objects (1 ids): POST to resolve ids (getByIds) failed with ${DENIED}. The caller needs the Directory.Read.All permission`,
        });
    });
});

describe("graph/groups.ts: readGroup, listGroupOwnerIds, listGroupMemberIds", () => {
    test("reads the group's protection with its $select, and its owners and direct members, every page", async () => {
        const { fake, graph } = await client({ collectionPageSize: 2 });
        fake.addGroup({
            id: GROUP,
            displayName: "Emergency Access Accounts",
            isAssignableToRole: true,
            visibility: "Private",
            memberIds: [ACCOUNT, ACCOUNT_2, PERSON],
            ownerIds: [ADMIN],
        });
        assert.deepEqual(await readGroup(graph, GROUP), {
            id: GROUP,
            displayName: "Emergency Access Accounts",
            isAssignableToRole: true,
            visibility: "Private",
            securityEnabled: true,
            mailEnabled: false,
        });
        assert.deepEqual(await listGroupOwnerIds(graph, GROUP), [ADMIN]);
        assert.deepEqual(await listGroupMemberIds(graph, GROUP), [ACCOUNT, ACCOUNT_2, PERSON]);
        const requests = sent(fake);
        assert.deepEqual(requests.slice(0, 3), [
            `GET /v1.0/groups/${GROUP}?$select=id,displayName,isAssignableToRole,visibility,securityEnabled,mailEnabled`,
            `GET /v1.0/groups/${GROUP}/owners?$select=id`,
            `GET /v1.0/groups/${GROUP}/members?$select=id`,
        ]);
        assert.match(requests[3], new RegExp(`^GET /v1\\.0/groups/${GROUP}/members\\?\\$select=id&\\$skiptoken=`));
        assert.equal(requests.length, 4);
    });

    test("a group created plainly has no owners, no members and null flags; a missing group reads as undefined; a 403 names GroupMember.Read.All", async () => {
        const { fake, graph } = await client();
        fake.addGroup({ id: GROUP, displayName: "Emergency Access Accounts" });
        assert.deepEqual(await readGroup(graph, GROUP), {
            id: GROUP,
            displayName: "Emergency Access Accounts",
            isAssignableToRole: null,
            visibility: null,
            securityEnabled: true,
            mailEnabled: false,
        });
        assert.deepEqual(await listGroupMemberIds(graph, GROUP), []);
        assert.deepEqual(await listGroupOwnerIds(graph, GROUP), []);
        assert.equal(await readGroup(graph, OTHER), undefined);
        await assert.rejects(listGroupMemberIds(graph, OTHER), /^Error: Group e902893a-9d22-3c7e-a7b8-d6e313b71d9f: GET to list its members failed with HTTP 404 Request_ResourceNotFound/);
        fake.inject(GROUP, { kind: "status", status: 403, times: 1, pathIncludes: "/owners" });
        await assert.rejects(listGroupOwnerIds(graph, GROUP), {
            message:
                `Group ${GROUP}: GET to list its owners failed with ${DENIED}. The caller needs the GroupMember.Read.All permission ` +
                "(or Group.Read.All, or a directory role that reads groups, such as Global Reader)",
        });
    });
});

/** A policy for everyone on everything from every client, enabled, changed by `conditions`. */
function policy(id: string, displayName: string, changes: { state?: string; users?: object; applications?: object; clientAppTypes?: string[] } = {}): ConditionalAccessPolicy {
    return {
        id,
        displayName,
        state: changes.state ?? "enabled",
        conditions: {
            users: { includeUsers: ["All"], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [], ...changes.users },
            applications: { includeApplications: ["All"], excludeApplications: [], ...changes.applications },
            clientAppTypes: changes.clientAppTypes ?? ["all"],
        },
        grantControls: { operator: "OR", builtInControls: ["mfa"] },
    };
}

const AZURE_PORTAL = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c";
const EXCHANGE = "00000002-0000-0ff1-ce00-000000000000";
const POLICY_IDS = Array.from({ length: 8 }, (_, index) => `0000000${index}-c0c0-4c0c-8c0c-c0c0c0c0c0c0`);

describe("graph/conditionalAccess.ts: evaluateConditionalAccess (What-If)", () => {
    test("sends Graph's documented body and gets back exactly the policies that would apply", async () => {
        const { fake, graph } = await client({
            policies: [
                policy(POLICY_IDS[0], "All users MFA"),
                policy(POLICY_IDS[1], "Excludes the account directly", { users: { excludeUsers: [ACCOUNT] } }),
                policy(POLICY_IDS[2], "Excludes the emergency group", { users: { excludeGroups: [GROUP] } }),
                policy(POLICY_IDS[3], "Report-only", { state: "enabledForReportingButNotEnforced" }),
                policy(POLICY_IDS[4], "Disabled", { state: "disabled" }),
                policy(POLICY_IDS[5], "Exchange only", { applications: { includeApplications: [EXCHANGE] } }),
                policy(POLICY_IDS[6], "Legacy clients", { clientAppTypes: ["exchangeActiveSync", "other"] }),
                policy(POLICY_IDS[7], "Admins", { users: { includeUsers: [], includeRoles: [GA] } }),
            ],
        });
        fake.addGroup({ id: GROUP, displayName: "Emergency Access Accounts", isAssignableToRole: true, memberIds: [ACCOUNT] });
        fake.addRoleAssignment({ principalId: ACCOUNT, roleDefinitionId: GA });
        const signIn = { userId: ACCOUNT, application: AZURE_PORTAL, clientAppType: "browser" };
        assert.deepEqual(await evaluateConditionalAccess(graph, signIn), [
            { id: POLICY_IDS[0], displayName: "All users MFA", state: "enabled", policyApplies: true, analysisReasons: "notSet" },
            { id: POLICY_IDS[3], displayName: "Report-only", state: "enabledForReportingButNotEnforced", policyApplies: true, analysisReasons: "notSet" },
            { id: POLICY_IDS[7], displayName: "Admins", state: "enabled", policyApplies: true, analysisReasons: "notSet" },
        ]);
        const [request] = fake.requests;
        assert.equal(`${request.method} ${request.path}`, "POST /v1.0/identity/conditionalAccess/evaluate");
        assert.deepEqual(request.body, {
            signInIdentity: { "@odata.type": "#microsoft.graph.userSignIn", userId: ACCOUNT },
            signInContext: { "@odata.type": "#microsoft.graph.applicationContext", includeApplications: [AZURE_PORTAL] },
            signInConditions: { clientAppType: "browser" },
            appliedPoliciesOnly: true,
        });
        assert.deepEqual(request.body, whatIfRequestBody(signIn));

        // The same tenant for Exchange ActiveSync to Exchange Online: the application and client type policies apply too.
        const legacy = await evaluateConditionalAccess(graph, { userId: ACCOUNT, application: EXCHANGE, clientAppType: "exchangeActiveSync" });
        assert.deepEqual(
            legacy.map((applied) => applied.displayName),
            ["All users MFA", "Report-only", "Exchange only", "Legacy clients", "Admins"],
        );
    });

    test("an account excluded everywhere gets no policy; without appliedPoliciesOnly Graph says why each does not apply", async () => {
        const { fake, graph } = await client({
            policies: [
                policy(POLICY_IDS[0], "All users MFA", { users: { excludeUsers: [ACCOUNT], excludeGroups: [GROUP] } }),
                policy(POLICY_IDS[1], "Through a nested group", { users: { excludeGroups: [GROUP] } }),
                policy(POLICY_IDS[4], "Disabled", { state: "disabled" }),
                policy(POLICY_IDS[5], "Exchange only", { applications: { includeApplications: [EXCHANGE] } }),
                policy(POLICY_IDS[6], "Legacy clients", { clientAppTypes: ["exchangeActiveSync"] }),
            ],
        });
        const inner = fake.addGroup({ displayName: "inner", memberIds: [ACCOUNT] });
        fake.addGroup({ id: GROUP, displayName: "Emergency Access Accounts", memberIds: [inner] });
        assert.deepEqual(await evaluateConditionalAccess(graph, { userId: ACCOUNT, application: AZURE_PORTAL, clientAppType: "browser" }), []);
        const all = (await graph.client.api("/identity/conditionalAccess/evaluate").post({
            ...whatIfRequestBody({ userId: ACCOUNT, application: AZURE_PORTAL, clientAppType: "browser" }),
            appliedPoliciesOnly: false,
        })) as { value: { displayName: string; policyApplies: boolean; analysisReasons: string }[] };
        assert.deepEqual(
            all.value.map(({ displayName, policyApplies, analysisReasons }) => ({ displayName, policyApplies, analysisReasons })),
            [
                { displayName: "All users MFA", policyApplies: false, analysisReasons: "users" },
                { displayName: "Through a nested group", policyApplies: false, analysisReasons: "users" },
                { displayName: "Disabled", policyApplies: false, analysisReasons: "policyNotEnabled" },
                { displayName: "Exchange only", policyApplies: false, analysisReasons: "application" },
                { displayName: "Legacy clients", policyApplies: false, analysisReasons: "clientApps" },
            ],
        );
    });

    test("the fake refuses a body that is not Graph's, and a user it does not know", async () => {
        const { graph } = await client({ policies: [policy(POLICY_IDS[0], "All users MFA")] });
        const body = whatIfRequestBody({ userId: ACCOUNT, application: AZURE_PORTAL, clientAppType: "browser" }) as Record<string, any>;
        const cases: [string, unknown, RegExp][] = [
            ["no @odata.type on the identity", { ...body, signInIdentity: { userId: ACCOUNT } }, /signInIdentity must have @odata\.type #microsoft\.graph\.userSignIn/],
            ["the context as a bare list", { ...body, signInContext: { includeApplications: [AZURE_PORTAL] } }, /signInContext must have @odata\.type #microsoft\.graph\.applicationContext/],
            ["a misspelt client type", { ...body, signInConditions: { clientAppType: "Browser" } }, /clientAppType must be one of all, browser/],
            ["no sign-in conditions", { ...body, signInConditions: undefined }, /signInConditions is required/],
            ["an unknown property", { ...body, appliedPolicies: true }, /evaluate accepts only .*got appliedPolicies/],
            ["an unknown user", { ...body, signInIdentity: { "@odata.type": "#microsoft.graph.userSignIn", userId: OTHER } }, /The user 'e902893a-.*' of signInIdentity does not exist/],
        ];
        for (const [name, sent, expected] of cases) {
            await assert.rejects(graph.client.api("/identity/conditionalAccess/evaluate").post(sent), (error: Error & { statusCode?: number }) => {
                assert.equal(error.statusCode, 400, name);
                assert.match(error.message, expected, name);
                return true;
            });
        }
    });

    test("a 403 names Policy.Read.ConditionalAccess; a throttle on What-If alone leaves the policy list readable", async () => {
        const { fake, graph } = await client({
            policies: [policy(POLICY_IDS[0], "All users MFA")],
            requestsPerSecond: 1,
            throttledPaths: ["/identity/conditionalAccess/evaluate"],
        });
        const signIn = { userId: ACCOUNT, application: AZURE_PORTAL, clientAppType: "browser" };
        fake.inject(WHAT_IF_TARGET, { kind: "status", status: 403, times: 1 });
        await assert.rejects(evaluateConditionalAccess(graph, signIn), {
            message:
                `What-If for user ${ACCOUNT} signing in to ${AZURE_PORTAL} (browser): POST to evaluate the Conditional Access policies (What-If) ` +
                `failed with ${DENIED}. The caller needs the ${WHAT_IF_PERMISSION} permission (or Policy.Read.All) and, signed in as a person, ` +
                "a directory role that reads Conditional Access, such as Global Reader or Security Reader",
        });
        await assert.rejects(evaluateConditionalAccess(graph, signIn), /failed with HTTP 429 TooManyRequests \(gave up after 3 retries\): Too many requests\.$/);
        for (let read = 0; read < 5; read++) assert.equal((await graph.client.api("/identity/conditionalAccess/policies").get()).value.length, 1);
    });

    test("What-If and getByIds only read: they keep the process's cached policy listing (a write would drop it)", async () => {
        const { fake, graph } = await client({ policies: [policy(POLICY_IDS[0], "All users MFA")] });
        const { listConditionalAccessPoliciesOnce } = await import("../../graph/conditionalAccess");
        await listConditionalAccessPoliciesOnce(graph);
        await evaluateConditionalAccess(graph, { userId: ACCOUNT, application: AZURE_PORTAL, clientAppType: "browser" });
        await resolveDirectoryObjects(graph, [ACCOUNT]);
        await listConditionalAccessPoliciesOnce(graph);
        assert.equal(fake.listRequests().length, 1, "the second listing came from the cache");
    });
});
