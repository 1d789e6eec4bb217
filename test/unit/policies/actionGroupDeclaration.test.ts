// emergency-action-group-require-declaration: the action group's inputs against the contract's declaration, the
// trusted floor of human receivers and the trusted webhook hosts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TYPES } from "../../../policies/contract/constants";
import { actionGroupDeclared as policy, humanReceivers, webhookProblem } from "../../../policies/rules/actionGroupDeclaration";
import { UNKNOWN, fixtureStack, updateProps, validateEachResource, validateResource } from "../../helpers/policyHarness";
import { byType, one } from "../../helpers/select";

async function actionGroup() {
    return one(await fixtureStack(), byType(TYPES.actionGroup));
}

const webhook = (serviceUri: string, name = "webhook-1") => ({ name, serviceUri, useCommonAlertSchema: true });

describe(policy.name, () => {
    test("passes the fixture stack (2 emails and 1 SMS against the default floor of 2)", async () => {
        assert.deepEqual(await validateEachResource(policy, await fixtureStack()), { violations: [], deferred: undefined });
    });

    const cases: Array<[string, (p: Record<string, any>) => void, RegExp]> = [
        ["a disabled action group", (p) => (p.enabled = false), /^emergency-access-action-group: enabled is false; the declaration says true\.$/],
        ["another location", (p) => (p.location = "westeurope"), /location is "westeurope"; the declaration says "Global"/],
        ["another short name", (p) => (p.groupShortName = "Quiet"), /groupShortName is "Quiet"/],
        ["the common alert schema off", (p) => (p.emailReceivers[0].useCommonAlertSchema = false), /emailReceivers differs from the declaration at \[0\]\.useCommonAlertSchema: false/],
        ["a voice receiver", (p) => (p.voiceReceivers = [{ name: "voice-1", countryCode: "1", phoneNumber: "4255550100" }]), /unexpected input voiceReceivers/],
        ["a logic app receiver", (p) => (p.logicAppReceivers = [{ name: "la", resourceId: "/x", callbackUrl: "https://x" }]), /unexpected input logicAppReceivers/],
        ["an automation runbook", (p) => (p.automationRunbookReceivers = [{ name: "rb" }]), /unexpected input automationRunbookReceivers/],
        ["an extra field on an SMS receiver", (p) => (p.smsReceivers[0].status = "Disabled"), /smsReceivers differs from the declaration at \[0\]\.status/],
        [
            "one unmonitored mailbox",
            (p) => {
                p.emailReceivers = [{ name: "email-1", emailAddress: "alerts@contoso.com", useCommonAlertSchema: true }];
                p.smsReceivers = [];
            },
            /reaches 1 distinct human receiver\(s\) .*the trusted minimumHumanReceivers is 2/,
        ],
        [
            "the same mailbox twice",
            (p) => {
                p.emailReceivers = [
                    { name: "email-1", emailAddress: "alerts@contoso.com", useCommonAlertSchema: true },
                    { name: "email-2", emailAddress: "ALERTS@contoso.com", useCommonAlertSchema: true },
                ];
                p.smsReceivers = [];
            },
            /reaches 1 distinct human receiver/,
        ],
        [
            "a webhook to an unknown host",
            (p) => (p.webhookReceivers = [webhook("https://hooks.example.net/break-glass")]),
            /the webhook webhook-1 posts to hooks\.example\.net, which is not in the trusted allowedWebhookHosts \(none\)/,
        ],
    ];
    for (const [what, mutate, message] of cases) {
        test(`refuses ${what}`, async () => {
            const group = await actionGroup();
            updateProps(group, mutate);
            const { violations } = await validateResource(policy, group);
            assert.equal(violations.length, 1, violations.join("\n"));
            assert.match(violations[0], message);
        });
    }

    test("alerting only through a webhook to an unknown host fails the floor and the host", async () => {
        const group = await actionGroup();
        updateProps(group, (p) => {
            p.emailReceivers = [];
            p.smsReceivers = [];
            p.webhookReceivers = [webhook("https://hooks.example.net/break-glass")];
        });
        const { violations } = await validateResource(policy, group);
        assert.equal(violations.length, 2, violations.join("\n"));
        assert.match(violations.join("\n"), /reaches 0 distinct human receiver/);
        assert.match(violations.join("\n"), /posts to hooks\.example\.net/);
    });

    test("honours the trusted floor and hosts", async () => {
        const group = await actionGroup();
        updateProps(group, (p) => (p.webhookReceivers = [webhook("https://contoso.webhook.office.com/webhookb2/abc")]));
        assert.equal((await validateResource(policy, group)).violations.length, 1);
        assert.deepEqual((await validateResource(policy, group, { allowedWebhookHosts: ["contoso.webhook.office.com"] })).violations, []);
        const strict = await validateResource(policy, group, { allowedWebhookHosts: ["contoso.webhook.office.com"], minimumHumanReceivers: 4 });
        assert.deepEqual(strict.violations, [
            "emergency-access-action-group reaches 3 distinct human receiver(s) (email addresses and phone numbers); the trusted minimumHumanReceivers is 4.",
        ]);
    });

    test("defers only the host check of a webhook URL that is not known yet", async () => {
        const group = await actionGroup();
        updateProps(group, (p) => {
            p.webhookReceivers = [webhook(UNKNOWN)];
            p.enabled = false;
        });
        const verdict = await validateResource(policy, group);
        assert.equal(verdict.violations.length, 1, verdict.violations.join("\n"));
        assert.match(verdict.violations[0], /enabled is false/);
        assert.match(verdict.deferred ?? "", /webhookReceivers\[0\]\.serviceUri/);
    });

    test("webhookProblem: https to an allowed host only, never naming the URL's secret path", () => {
        const hosts = ["contoso.webhook.office.com"];
        assert.equal(webhookProblem("https://contoso.webhook.office.com/webhookb2/secret", hosts), undefined);
        assert.equal(webhookProblem("https://CONTOSO.webhook.office.com/x", hosts), undefined);
        assert.match(webhookProblem("http://contoso.webhook.office.com/x", hosts)!, /uses http; only https/);
        assert.match(webhookProblem("https://user:pw@contoso.webhook.office.com/x", hosts)!, /carries user credentials/);
        assert.match(webhookProblem("https://contoso.webhook.office.com.evil.net/secret", hosts)!, /posts to contoso\.webhook\.office\.com\.evil\.net/);
        assert.doesNotMatch(webhookProblem("https://evil.net/secret-token", hosts)!, /secret-token/);
        assert.match(webhookProblem("not a url", hosts)!, /is not a URL/);
        assert.match(webhookProblem(42, hosts)!, /not a URL/);
    });

    test("humanReceivers: distinct well-formed addresses and numbers", () => {
        assert.deepEqual(
            humanReceivers({
                emailReceivers: [{ emailAddress: "a@contoso.com" }, { emailAddress: "A@contoso.com" }, { emailAddress: "nobody" }],
                smsReceivers: [{ countryCode: "1", phoneNumber: "4255550100" }, { countryCode: "1", phoneNumber: "x" }],
            }),
            ["email:a@contoso.com", "sms:+14255550100"],
        );
    });
});
