// The ConditionalAccessExclusion dynamic resource as Pulumi registers it, under the SDK's own mocks: its type
// token (the one the policy pack recognises), its serialized provider, and the default Graph endpoint.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ConditionalAccessExclusion } from "../../components/conditionalAccessExclusion";
import { DEFAULTS, PROJECT_NAME, TYPES } from "../../policies/contract/constants";
import { POLICY } from "../helpers/caSnapshot";
import { FIXTURE_STACK } from "../helpers/fixtures";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";

test("registers under its own type token with the serialized provider and the default endpoint", async () => {
    const registered: pulumi.runtime.MockResourceArgs[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push(args);
                return { id: String(args.inputs.policyId), state: args.inputs };
            },
            call: () => {
                throw new Error("no calls expected");
            },
        },
        PROJECT_NAME,
        FIXTURE_STACK,
    );
    const resource = new ConditionalAccessExclusion("ca001", {
        policyId: POLICY.mfaAllUsers,
        userIds: FIXTURE_USER_IDS,
        groupIds: [FIXTURE_GROUP_ID],
    });
    const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
    assert.equal(urn, `urn:pulumi:${FIXTURE_STACK}::${PROJECT_NAME}::${TYPES.conditionalAccessExclusion}::ca001`);
    assert.equal(TYPES.conditionalAccessExclusion, "pulumi-nodejs:dynamic/entra-emergency-access:ConditionalAccessExclusion");
    assert.equal(registered.length, 1);
    assert.equal(registered[0].type, TYPES.conditionalAccessExclusion);
    assert.equal(registered[0].inputs.graphEndpoint, DEFAULTS.graphEndpoint);
    assert.deepEqual([registered[0].inputs.userIds, registered[0].inputs.groupIds], [FIXTURE_USER_IDS, [FIXTURE_GROUP_ID]]);
    assert.equal(typeof registered[0].inputs.__provider, "string");
});
