import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { emergencyAccountCloudOnly as policy } from "../../policies/rules/emergencyAccountCloudOnly";
import { byType, find, prodStack, setProp, validateEachResource, validateResource } from "../helpers/policyHarness";

describe(policy.name, () => {
    test("passes the prod stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await prodStack())).violations, []);
    });

    test("refuses a custom-domain user principal name", async () => {
        const user = find(await prodStack(), byType(TYPES.user));
        setProp(user, "userPrincipalName", "breakglass-1@contoso.com");
        assert.deepEqual((await validateResource(policy, user)).violations, [
            "breakglass-1@contoso.com is not on a *.onmicrosoft.com domain; a custom domain can be federated.",
        ]);
    });

    test("refuses an on-premises immutable id", async () => {
        const user = find(await prodStack(), byType(TYPES.user));
        setProp(user, "onpremisesImmutableId", "dGVzdA==");
        assert.deepEqual((await validateResource(policy, user)).violations, [
            "breakglass-1@contoso.onmicrosoft.com has an onpremisesImmutableId, which ties it to an on-premises account.",
        ]);
    });
});
