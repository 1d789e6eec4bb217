import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyAccountCloudOnly as policy } from "../../../policies/rules/emergencyAccountCloudOnly";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    test("refuses a custom-domain user principal name", async () => {
        const user = first(await fixtureStack(), byType(TYPES.user));
        setProp(user, "userPrincipalName", "breakglass-1@contoso.com");
        assert.deepEqual((await validateResource(policy, user)).violations, [
            "breakglass-1@contoso.com is not on a *.onmicrosoft.com domain; a custom domain can be federated.",
        ]);
    });

    test("refuses an on-premises immutable id", async () => {
        const user = first(await fixtureStack(), byType(TYPES.user));
        setProp(user, "onpremisesImmutableId", "dGVzdA==");
        assert.deepEqual((await validateResource(policy, user)).violations, [
            "breakglass-1@contoso.onmicrosoft.com has an onpremisesImmutableId, which ties it to an on-premises account.",
        ]);
    });
});
