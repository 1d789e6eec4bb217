import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { conditionalAccessExclusionDeclaration as policy } from "../../../policies/rules/conditionalAccessExclusionDeclaration";
import { UNKNOWN, fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

async function exclusion() {
    return first(await fixtureStack(), byType(TYPES.conditionalAccessExclusion));
}

describe(policy.name, () => {
    test("passes the fixture stack, which has exclusions", async () => {
        const stack = await fixtureStack();
        assert.ok(stack.some(byType(TYPES.conditionalAccessExclusion)));
        assert.deepEqual((await validateEachResource(policy, stack)).violations, []);
    });

    const changes: Array<[string, string, unknown, RegExp]> = [
        ["a Graph endpoint outside Microsoft's clouds", "graphEndpoint", "https://graph.attacker.example", /the provider sends its token there/],
        ["a user id that is not an object id", "userIds", ["everyone"], /userIds must be a list of object ids/],
        ["a policy id that is not an object id", "policyId", "all", /policyId is "all"; it must be an object id/],
        ["an input the declaration does not know", "writeAttempts", 0, /unexpected input writeAttempts/],
    ];
    for (const [what, key, value, message] of changes) {
        test(`refuses ${what}`, async () => {
            const resource = await exclusion();
            setProp(resource, key, value);
            const { violations } = await validateResource(policy, resource);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("defers ids unknown during a first preview, and still judges the endpoint", async () => {
        const resource = await exclusion();
        setProp(resource, "userIds", [UNKNOWN, UNKNOWN]);
        setProp(resource, "graphEndpoint", "https://graph.attacker.example");
        const verdict = await validateResource(policy, resource);
        assert.equal(verdict.violations.length, 1);
        assert.match(verdict.deferred ?? "", /userIds/);
    });
});
