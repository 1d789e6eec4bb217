import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { undeclaredResources as policy } from "../../../policies/rules/undeclaredResources";
import { fixtureStack, validateEachResource, validateResource, type TestResource } from "../../helpers/policyHarness";
import { byType, one } from "../../helpers/select";

/** A resource of `type` named `name`, at the stack's top level or inside the component. */
async function resource(type: string, name: string, inside = false): Promise<TestResource> {
    const stack = await fixtureStack();
    const owner = inside ? one(stack, byType("entra-emergency-access:index:EmergencyAccess")) : one(stack, byType(TYPES.stack));
    const [prefix, project, chain] = owner.urn.split("::");
    return { urn: `${prefix}::${project}::${chain}$${type}::${name}`, type, name, parent: owner.urn, inputs: {}, outputs: {}, protect: false };
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    const refused: Array<[string, string, boolean, RegExp]> = [
        ["a RandomString anywhere", TYPES.randomString, false, /random string can feed a password/],
        ["a GroupMember", TYPES.groupMember, false, /group membership outside/],
        ["a Conditional Access policy", TYPES.conditionalAccessPolicy, false, /can apply to the emergency accounts/],
        ["a PIM eligibility request", TYPES.directoryRoleEligibilityScheduleRequest, false, /eligibility request/],
        ["a role assignment outside the component", TYPES.directoryRoleAssignment, false, /grant Global Administrator to another principal/],
        ["an unknown dynamic resource", "pulumi-nodejs:dynamic:Resource", false, /dynamic resource of a type the pack does not know/],
        ["an unknown dynamic type of this project", "pulumi-nodejs:dynamic/entra-emergency-access:Helper", false, /does not know/],
        ["an undeclared type inside the component", "azuread:index/application:Application", true, /EmergencyAccess, which declares no such resource/],
    ];
    for (const [what, type, inside, message] of refused) {
        test(`refuses ${what}`, async () => {
            const { violations } = await validateResource(policy, await resource(type, "extra", inside));
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("allows a resource the trusted config names", async () => {
        const member = await resource(TYPES.groupMember, "reviewed-member");
        assert.deepEqual((await validateResource(policy, member, { allowedResources: ["reviewed-member"] })).violations, []);
        assert.equal((await validateResource(policy, member, { allowedResources: ["other"] })).violations.length, 1);
    });

    test("leaves unrelated resources alone", async () => {
        assert.deepEqual((await validateResource(policy, await resource("azure-native:storage:StorageAccount", "logs"))).violations, []);
    });
});
