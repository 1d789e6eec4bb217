import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EMERGENCY_ACCESS_TYPE, TYPES } from "../../../policies/contract/constants";
import { emergencyGroupDeclaration as policy } from "../../../policies/rules/emergencyGroupDeclaration";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, one } from "../../helpers/select";

async function group() {
    return one(await fixtureStack(), byType(TYPES.group));
}

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    const changes: Array<[string, string, unknown, RegExp]> = [
        ["an owner", "owners", ["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"], /unexpected input owners/],
        ["dynamic membership", "types", ["DynamicMembership"], /unexpected input types/],
        ["not role-assignable", "assignableToRole", false, /assignableToRole is false/],
        ["public visibility", "visibility", "Public", /visibility is "Public"/],
        ["mail-enabled", "mailEnabled", true, /mailEnabled is true/],
        ["a member that is not an object id", "members", ["everyone"], /members must be a list of object ids/],
        ["an administrative unit", "administrativeUnitIds", ["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"], /unexpected input administrativeUnitIds/],
    ];
    for (const [what, key, value, message] of changes) {
        test(`refuses ${what}`, async () => {
            const resource = await group();
            setProp(resource, key, value);
            const { violations } = await validateResource(policy, resource);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("judges a group declared elsewhere with the trusted display name", async () => {
        const resource = await group();
        resource.urn = resource.urn.replace(`${EMERGENCY_ACCESS_TYPE}$`, "");
        setProp(resource, "owners", ["0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]);
        assert.equal((await validateResource(policy, resource)).violations.length, 1);
        setProp(resource, "displayName", "Some other group");
        assert.deepEqual((await validateResource(policy, resource)).violations, [], "another group outside the component is not judged");
    });
});
