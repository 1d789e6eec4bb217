import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyAccountEnabled as policy } from "../../../policies/rules/emergencyAccountEnabled";
import { fixtureStack, setProp, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, first } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual((await validateEachResource(policy, await fixtureStack())).violations, []);
    });

    test("refuses a disabled account", async () => {
        const user = first(await fixtureStack(), byType(TYPES.user));
        setProp(user, "accountEnabled", false);
        assert.deepEqual((await validateResource(policy, user)).violations, [
            "breakglass-1@contoso.onmicrosoft.com is disabled (accountEnabled: false); emergency accounts must stay enabled.",
        ]);
    });

    test("guards a user declared outside the component, recognised by its configured UPN", async () => {
        const user = first(await fixtureStack(), byType(TYPES.user));
        user.urn = "urn:pulumi:prod::other::azuread:index/user:User::rescue";
        setProp(user, "userPrincipalName", "rescue@contoso.onmicrosoft.com");
        setProp(user, "accountEnabled", false);
        assert.deepEqual((await validateResource(policy, user)).violations, []);
        const config = { userPrincipalNames: ["Rescue@contoso.onmicrosoft.com"] };
        assert.equal((await validateResource(policy, user, config)).violations.length, 1);
    });

    test("guards a user declared outside the component, recognised by the account prefix", async () => {
        const user = first(await fixtureStack(), byType(TYPES.user));
        user.urn = "urn:pulumi:prod::other::azuread:index/user:User::manual";
        setProp(user, "accountEnabled", false);
        assert.equal((await validateResource(policy, user)).violations.length, 1, "breakglass-1@ matches the default prefix");
        assert.equal((await validateResource(policy, user, { accountPrefix: "eaa" })).violations.length, 0);
    });
});
