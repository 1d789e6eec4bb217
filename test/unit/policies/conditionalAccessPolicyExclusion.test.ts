import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { conditionalAccessPolicyExclusion as policy } from "../../../policies/rules/conditionalAccessPolicyExclusion";
import { validateResource, type TestResource } from "../../helpers/policyHarness";

const USERS = ["e2fb0405-ab36-5f6d-bb04-f604c1d9480a", "1fb1e91c-895e-56e6-8dc9-370fba8ac6cc"];
const GROUP = "c83b34df-ac37-571e-8a4a-44dad8cc4f17";
const CONFIG = { accountObjectIds: USERS, groupObjectId: GROUP };

function caPolicy(users: Record<string, unknown>, extra: Record<string, unknown> = {}): TestResource {
    const props = {
        displayName: "Require MFA for admins",
        state: "enabled",
        conditions: { clientAppTypes: ["all"], applications: { includedApplications: ["All"] }, users: { includedUsers: ["All"], ...users }, ...extra },
        grantControls: { operator: "OR", builtInControls: ["mfa"] },
    };
    return {
        urn: "urn:pulumi:prod::identity::azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy::mfa-admins",
        type: TYPES.conditionalAccessPolicy,
        name: "mfa-admins",
        inputs: props,
        outputs: props,
        protect: false,
    };
}

describe(policy.name, () => {
    test("passes a policy excluding every account, and one excluding the group", async () => {
        assert.deepEqual((await validateResource(policy, caPolicy({ excludedUsers: USERS }), CONFIG)).violations, []);
        assert.deepEqual((await validateResource(policy, caPolicy({ excludedGroups: [GROUP] }), CONFIG)).violations, []);
    });

    test("refuses a policy without the exclusion", async () => {
        assert.deepEqual((await validateResource(policy, caPolicy({}), CONFIG)).violations, [
            `Require MFA for admins does not exclude emergency account(s) ${USERS.join(", ")}.`,
        ]);
    });

    test("refuses a policy excluding only one account", async () => {
        assert.deepEqual((await validateResource(policy, caPolicy({ excludedUsers: [USERS[0]] }), CONFIG)).violations, [
            `Require MFA for admins does not exclude emergency account(s) ${USERS[1]}.`,
        ]);
    });

    test("is not applicable without configured ids, or to workload-identity policies", async () => {
        assert.deepEqual((await validateResource(policy, caPolicy({}))).violations, []);
        const workload = caPolicy({ includedUsers: ["None"] }, { clientApplications: { includedServicePrincipals: ["ServicePrincipalsInMyTenant"] } });
        assert.deepEqual((await validateResource(policy, workload, CONFIG)).violations, []);
    });

    test("is not applicable to a policy that includes no user (includedUsers [\"None\"] alone)", async () => {
        assert.deepEqual((await validateResource(policy, caPolicy({ includedUsers: ["None"] }), CONFIG)).violations, []);
    });

    test("refuses a policy that targets users and service principals alike", async () => {
        const mixed = caPolicy({}, { clientApplications: { includedServicePrincipals: ["ServicePrincipalsInMyTenant"] } });
        assert.deepEqual((await validateResource(policy, mixed, CONFIG)).violations, [
            `Require MFA for admins does not exclude emergency account(s) ${USERS.join(", ")}.`,
        ]);
    });

    test("compares object ids without regard to case", async () => {
        const upper = caPolicy({ excludedUsers: USERS.map((id) => id.toUpperCase()) });
        assert.deepEqual((await validateResource(policy, upper, CONFIG)).violations, []);
        const groupUpper = caPolicy({ excludedGroups: [GROUP.toUpperCase()] });
        assert.deepEqual((await validateResource(policy, groupUpper, CONFIG)).violations, []);
    });

    test("remediates: adds the missing ids and keeps everything else", async () => {
        const resource = caPolicy({ excludedUsers: ["11111111-2222-3333-4444-555555555555"] });
        const args: any = { type: resource.type, urn: resource.urn, name: resource.name, props: resource.inputs, getConfig: () => CONFIG };
        const fixed = await policy.remediateResource!(args);
        assert.deepEqual(fixed, {
            ...resource.inputs,
            conditions: {
                ...resource.inputs.conditions,
                users: {
                    includedUsers: ["All"],
                    excludedUsers: ["11111111-2222-3333-4444-555555555555", ...USERS],
                    excludedGroups: [GROUP],
                },
            },
        });
        const converged: any = { ...args, props: caPolicy({ excludedUsers: USERS }).inputs };
        assert.equal(await policy.remediateResource!(converged), undefined);
    });
});
