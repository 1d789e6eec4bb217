import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { permanentGlobalAdministrator as policy } from "../../../policies/rules/permanentGlobalAdministrator";
import { UNKNOWN, fixtureStack, setProp, validateStack, type TestResource } from "../../helpers/policyHarness";
import { byName, byType, one } from "../../helpers/select";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    test("matches object ids without regard to case (Graph may return them in capitals)", async () => {
        const stack = await fixtureStack();
        for (const assignment of stack.filter(byType(TYPES.directoryRoleAssignment))) {
            setProp(assignment, "principalObjectId", String(assignment.outputs.principalObjectId).toUpperCase());
        }
        assert.deepEqual(await validateStack(policy, stack), { violations: [] });
    });

    test("refuses an account whose assignment was removed", async () => {
        const stack = (await fixtureStack()).filter((r) => !r.name.endsWith("global-administrator-2"));
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            'breakglass-2@contoso.onmicrosoft.com has no permanent Global Administrator assignment at "/".',
        ]);
    });

    test("refuses an eligibility request in place of the assignment", async () => {
        const stack = await fixtureStack();
        const assignment = one(stack, byName("global-administrator-1"));
        const user = one(stack, byName("account-1"));
        const request = {
            ...assignment,
            type: TYPES.directoryRoleEligibilityScheduleRequest,
            name: "emergency-access-eligible-1",
            urn: assignment.urn.replace("directoryRoleAssignment:DirectoryRoleAssignment::emergency-access-global-administrator-1", "directoryRoleEligibilityScheduleRequest:DirectoryRoleEligibilityScheduleRequest::emergency-access-eligible-1"),
            inputs: {},
            outputs: {
                principalId: user.outputs.objectId,
                roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10",
                directoryScopeId: "/",
                justification: "move to PIM",
            },
        };
        const withRequest = stack.filter((r) => r !== assignment).concat(request);
        assert.deepEqual((await validateStack(policy, withRequest)).violations, [
            'breakglass-1@contoso.onmicrosoft.com has no permanent Global Administrator assignment at "/".',
            "breakglass-1@contoso.onmicrosoft.com has a PIM eligibility request (emergency-access-eligible-1); emergency accounts hold the role permanently, never by activation.",
        ]);
    });

    test("refuses a component assignment of Global Administrator to another principal", async () => {
        const stack = await fixtureStack();
        const extra = structuredClone(one(stack, byName("global-administrator-2")));
        extra.urn = extra.urn.replace("global-administrator-2", "global-administrator-3");
        extra.name = "emergency-access-global-administrator-3";
        setProp(extra, "principalObjectId", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        stack.push(extra);
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "emergency-access-global-administrator-3 grants Global Administrator to 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0, which is not an emergency account.",
        ]);
    });

    test("defers to pulumi up while the accounts' object ids are unknown", async () => {
        const stack = await fixtureStack();
        for (const user of stack.filter(byType(TYPES.user))) setProp(user, "objectId", UNKNOWN);
        const verdict = await validateStack(policy, stack);
        assert.deepEqual(verdict.violations, []);
        assert.match(verdict.deferred ?? "", /the emergency accounts' object ids \(checked on pulumi up, once the ids exist\)/);
    });

    describe("the limited recovery account", () => {
        const limitedId = (stack: TestResource[]) => one(stack, byName("account-limited")).outputs.objectId as string;

        test("passes: it holds Conditional Access Administrator and Authentication Policy Administrator, and no Global Administrator", async () => {
            const stack = await fixtureStack({ limitedAccount: true });
            const roles = stack.filter(byType(TYPES.directoryRoleAssignment)).filter((r) => r.outputs.principalObjectId === limitedId(stack));
            assert.deepEqual(roles.map((r) => r.name).sort(), [
                "emergency-access-authentication-policy-administrator-limited",
                "emergency-access-conditional-access-administrator-limited",
            ]);
            assert.deepEqual(await validateStack(policy, stack), { violations: [] });
        });

        test("refuses Global Administrator for it, wherever it is assigned", async () => {
            const stack = await fixtureStack({ limitedAccount: true });
            const extra = structuredClone(one(stack, byName("global-administrator-2")));
            extra.urn = extra.urn.replace("global-administrator-2", "global-administrator-limited");
            extra.name = "emergency-access-global-administrator-limited";
            setProp(extra, "principalObjectId", limitedId(stack));
            stack.push(extra);
            assert.deepEqual((await validateStack(policy, stack)).violations, [
                "emergency-access-global-administrator-limited grants Global Administrator to breakglass-limited@contoso.onmicrosoft.com, the " +
                    "limited recovery account: it holds Conditional Access Administrator and Authentication Policy Administrator only.",
            ]);
        });

        test("refuses it without one of its roles", async () => {
            const stack = (await fixtureStack({ limitedAccount: true })).filter((r) => !r.name.endsWith("authentication-policy-administrator-limited"));
            assert.deepEqual((await validateStack(policy, stack)).violations, [
                'breakglass-limited@contoso.onmicrosoft.com (the limited recovery account) has no permanent Authentication Policy Administrator assignment at "/".',
            ]);
        });

        test("refuses a limited role given to a Global Administrator account or anyone else", async () => {
            const stack = await fixtureStack({ limitedAccount: true });
            const extra = structuredClone(one(stack, byName("conditional-access-administrator-limited")));
            extra.urn = extra.urn.replace("administrator-limited", "administrator-1");
            extra.name = "emergency-access-conditional-access-administrator-1";
            const first = one(stack, byName("account-1")).outputs.objectId;
            setProp(extra, "principalObjectId", first);
            stack.push(extra);
            assert.deepEqual((await validateStack(policy, stack)).violations, [
                `emergency-access-conditional-access-administrator-1 grants Conditional Access Administrator to ${first}, which is not the limited recovery account.`,
            ]);
        });
    });
});
