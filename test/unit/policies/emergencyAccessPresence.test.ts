import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { emergencyAccessPresence as policy } from "../../../policies/rules/emergencyAccessPresence";
import { fixtureStack, validateStack } from "../../helpers/policyHarness";

describe(policy.name, () => {
    test("passes the fixture stack", async () => {
        assert.deepEqual(await validateStack(policy, await fixtureStack()), { violations: [] });
    });

    const removals: Array<[string, (r: { type: string; name: string }) => boolean, string]> = [
        ["the group", (r) => r.type === TYPES.group, "missing: the emergency group."],
        ["the change rule", (r) => r.name.endsWith("-change-rule"), "missing: the Sentinel change rule."],
        ["the sign-in rule", (r) => r.name.endsWith("-sign-in-rule"), "missing: the Sentinel sign-in rule."],
        ["the role", (r) => r.type === TYPES.directoryRole, "missing: the Global Administrator directory role."],
        ["the action group", (r) => r.type === TYPES.actionGroup, "missing: the alert action group."],
        ["the sign-in alert", (r) => r.name.endsWith("-sign-in-alert"), "missing: the Azure Monitor sign-in alert."],
        [
            "the non-interactive sign-in alert",
            (r) => r.name.endsWith("-non-interactive-alert"),
            "missing: the Azure Monitor non-interactive sign-in alert.",
        ],
        ["a custody resource", (r) => r.name.endsWith("password-custody-2"), "missing: password custody (1 for 2 accounts)."],
    ];
    for (const [what, removed, message] of removals) {
        test(`refuses a stack without ${what}`, async () => {
            const stack = (await fixtureStack()).filter((r) => !removed(r));
            assert.deepEqual((await validateStack(policy, stack)).violations, [message]);
        });
    }

    test("refuses a single account", async () => {
        const stack = (await fixtureStack()).filter((r) => !/(account|password|password-custody|global-administrator)-2$/.test(r.name));
        assert.deepEqual((await validateStack(policy, stack)).violations, ["missing: emergency Global Administrator accounts (1 declared, at least 2 needed)."]);
    });

    test("direct alerts can be made optional by config", async () => {
        const stack = (await fixtureStack()).filter((r) => r.type !== TYPES.actionGroup && r.type !== TYPES.scheduledQueryRule);
        assert.deepEqual((await validateStack(policy, stack, { requireDirectAlerts: false })).violations, []);
    });

    test("the limited recovery account never counts toward the minimum of Global Administrator accounts", async () => {
        const stack = (await fixtureStack({ limitedAccount: true })).filter(
            (r) => !/(account|password|password-custody|passkey-requirement|global-administrator)-2$/.test(r.name),
        );
        assert.deepEqual((await validateStack(policy, stack)).violations, [
            "missing: emergency Global Administrator accounts (1 declared, at least 2 needed).",
        ]);
    });
});
