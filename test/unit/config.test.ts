// The config schema: every rule and every message, tested without the Pulumi runtime, and the fixture stack
// the other suites run, which must be a complete, valid stack. (Pulumi.yaml and the README are checked against
// the schema in test/repo/projectConfig.test.ts; the adopter's own stacks in test/repo/stacks.test.ts.)
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, editDistance, misspelledNamespaceProblems, parseStackConfig } from "../../config/schema";
import { DEFAULTS, LIMITS } from "../../policies/contract/constants";
import { isoDurationMinutes } from "../../policies/contract/queries";
import { testRecipient } from "../helpers/custody";
import { FIXTURE_CONFIG_FILE } from "../helpers/fixtures";

const VALID = { tenantDomain: "contoso.onmicrosoft.com" };
const GUID = "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47";
const SENTINEL = { resourceGroupName: "rg-sec", workspaceName: "law-sentinel" };

function problemsOf(raw: Record<string, unknown>): readonly string[] {
    try {
        parseStackConfig(raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("expected the config to be refused");
}

describe("stack config", () => {
    test("the minimal config gets every documented default", () => {
        assert.deepEqual(parseStackConfig(VALID), {
            tenantDomain: "contoso.onmicrosoft.com",
            accountCount: 2,
            accountPrefix: "breakglass",
            passwordLength: 32,
            passwordRotation: "initial",
            credential: { mode: "passkey", custodians: [], threshold: 0, method: "passkey", requiredPasskeys: 2 },
            limitedAccount: false,
            restrictedManagement: false,
            conditionalAccess: { excludeFrom: "all", skip: [], graphEndpoint: "https://graph.microsoft.com" },
        });
    });

    test("object keys arrive as JSON and get their nested defaults", () => {
        const config = parseStackConfig({
            ...VALID,
            sentinel: JSON.stringify({ resourceGroupName: "rg-sec", workspaceName: "law-sentinel" }),
            alerts: JSON.stringify({ emails: ["soc@contoso.com"] }),
            conditionalAccess: JSON.stringify({ skip: [{ policyId: GUID, reason: "break-glass test policy" }] }),
        });
        assert.deepEqual(config.sentinel, { resourceGroupName: "rg-sec", workspaceName: "law-sentinel", queryFrequency: "PT5M" });
        assert.deepEqual(config.alerts, { emails: ["soc@contoso.com"], sms: [], webhooks: [] });
        assert.deepEqual(config.conditionalAccess, {
            excludeFrom: "all",
            skip: [{ policyId: GUID, reason: "break-glass test policy" }],
            graphEndpoint: "https://graph.microsoft.com",
        });
    });

    test("conditionalAccess.requestsPerSecond is kept as given, and absent when unset (the Graph layer's default applies)", () => {
        const config = parseStackConfig({ ...VALID, conditionalAccess: JSON.stringify({ requestsPerSecond: 0.5 }) });
        assert.equal(config.conditionalAccess.requestsPerSecond, 0.5);
        assert.equal(parseStackConfig(VALID).conditionalAccess.requestsPerSecond, undefined);
    });

    test("values arrive as strings from Pulumi and are typed", () => {
        const config = parseStackConfig({
            tenantDomain: "Contoso.OnMicrosoft.com",
            accountCount: "3",
            passwordLength: "48",
            passwordRotation: "2026",
            usageLocation: "DE",
        });
        assert.equal(config.tenantDomain, "contoso.onmicrosoft.com");
        assert.equal(config.accountCount, 3);
        assert.equal(config.passwordLength, 48);
        assert.equal(config.passwordRotation, "2026");
        assert.equal(config.usageLocation, "DE");
    });

    const NS = "entra-emergency-access";
    const cases: Array<[string, Record<string, unknown>, string | RegExp]> = [
        [
            "a missing tenantDomain",
            {},
            `${NS}:tenantDomain: is required but not set. Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "a custom tenantDomain",
            { tenantDomain: "contoso.com" },
            `${NS}:tenantDomain: is not a *.onmicrosoft.com domain (got "contoso.com"). Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "a look-alike tenantDomain",
            { tenantDomain: "contoso.onmicrosoft.com.evil.com" },
            `${NS}:tenantDomain: is not a *.onmicrosoft.com domain (got "contoso.onmicrosoft.com.evil.com"). Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "a tenantDomain of the wrong type",
            { tenantDomain: 42 },
            `${NS}:tenantDomain: must be a string (got 42). Accepted: a domain ending in .onmicrosoft.com, such as contoso.onmicrosoft.com.`,
        ],
        [
            "one account",
            { ...VALID, accountCount: "1" },
            `${NS}:accountCount: must be at least 2 (got 1). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "five accounts",
            { ...VALID, accountCount: "5" },
            `${NS}:accountCount: must be at most 4 (got 5). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "an accountCount that is not a number",
            { ...VALID, accountCount: "two" },
            `${NS}:accountCount: must be a whole number (got "two"). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "a fractional accountCount",
            { ...VALID, accountCount: 2.5 },
            `${NS}:accountCount: must be a whole number (got 2.5). Accepted: a whole number from 2 to 4.`,
        ],
        [
            "a 16-character password",
            { ...VALID, passwordLength: "16" },
            `${NS}:passwordLength: must be at least 24 (got 16). Accepted: a whole number from 24 to 256.`,
        ],
        [
            "a 23-character password",
            { ...VALID, passwordLength: 23 },
            `${NS}:passwordLength: must be at least 24 (got 23). Accepted: a whole number from 24 to 256.`,
        ],
        [
            "a 257-character password",
            { ...VALID, passwordLength: "257" },
            `${NS}:passwordLength: must be at most 256 (got 257). Accepted: a whole number from 24 to 256.`,
        ],
        [
            "an empty rotation label",
            { ...VALID, passwordRotation: "  " },
            `${NS}:passwordRotation: must not be empty (got "  "). Accepted: a non-empty label of at most 64 characters, such as initial, 2026-Q4, 2026-11-26, incident-42; never a time of day, a date-time or an epoch number, which would rotate on every deployment.`,
        ],
        [
            "a rotation label tied to a timestamp",
            { ...VALID, passwordRotation: "2026-11-26T09:12:33.123Z" },
            /^entra-emergency-access:passwordRotation: "2026-11-26T09:12:33\.123Z" looks generated on every deployment .*Accepted: a non-empty label/,
        ],
        [
            "a rotation label from Date.now()",
            { ...VALID, passwordRotation: "1764148353123" },
            /^entra-emergency-access:passwordRotation: "1764148353123" looks generated on every deployment/,
        ],
        [
            "an account prefix with a space",
            { ...VALID, accountPrefix: "break glass" },
            `${NS}:accountPrefix: is not a valid user name prefix (got "break glass"). Accepted: 2 to 48 lower-case letters, digits, '.', '_' or '-', starting with a letter.`,
        ],
        [
            "a usage location that is not a country",
            { ...VALID, usageLocation: "EU" },
            `${NS}:usageLocation: is not an ISO 3166-1 alpha-2 country code (got "EU"). Accepted: an ISO 3166-1 alpha-2 country code in capitals, such as US or DE.`,
        ],
        [
            "a lower-case usage location",
            { ...VALID, usageLocation: "us" },
            `${NS}:usageLocation: is not an ISO 3166-1 alpha-2 country code (got "us"). Accepted: an ISO 3166-1 alpha-2 country code in capitals, such as US or DE.`,
        ],
        [
            "an unknown key",
            { ...VALID, passwordLenght: "32" },
            `${NS}:passwordLenght: is not a known key; did you mean ${NS}:passwordLength? Accepted keys: ${Object.keys(CONFIG_KEYS).join(", ")}.`,
        ],
        [
            "an unknown key with a different case",
            { ...VALID, AccountCount: "2" },
            `${NS}:AccountCount: is not a known key; did you mean ${NS}:accountCount? Accepted keys: ${Object.keys(CONFIG_KEYS).join(", ")}.`,
        ],
        [
            "an unknown key like no known key",
            { ...VALID, webhookUrl: "https://example.com" },
            `${NS}:webhookUrl: is not a known key. Accepted keys: ${Object.keys(CONFIG_KEYS).join(", ")}.`,
        ],
    ];
    const SENTINEL_ACCEPTED =
        "Accepted: an object {resourceGroupName, workspaceName, queryFrequency}; queryFrequency is an ISO 8601 duration of at most PT5M, " +
        "the policy pack's trusted maximum (and Sentinel's shortest); default PT5M.";
    const ALERTS_ACCEPTED =
        "Accepted: an object {emails: [addresses], sms: [{countryCode, phoneNumber}], webhooks: [https URLs]} with at least one receiver.";
    const CA_ACCEPTED =
        'Accepted: an object {excludeFrom: "all" or a list of policy ids, skip: [{policyId, reason}], graphEndpoint, ' +
        "requestsPerSecond: Graph requests per second, 0.1 to 20 (default 1)}; every skip needs a reason.";
    cases.push(
        [
            "a bad workspace name",
            { ...VALID, sentinel: { ...SENTINEL, workspaceName: "law_sentinel!" } },
            `${NS}:sentinel.workspaceName: must be 4 to 63 letters, digits or '-', starting and ending with a letter or digit (got "law_sentinel!"). ${SENTINEL_ACCEPTED}`,
        ],
        [
            "a missing workspace name",
            { ...VALID, sentinel: { resourceGroupName: "rg-sec" } },
            `${NS}:sentinel.workspaceName: is required but not set. ${SENTINEL_ACCEPTED}`,
        ],
        [
            "a frequency under 5 minutes",
            { ...VALID, sentinel: { ...SENTINEL, queryFrequency: "PT1M" } },
            `${NS}:sentinel.queryFrequency: must be at least PT5M: Sentinel's shortest frequency (got "PT1M"). ${SENTINEL_ACCEPTED}`,
        ],
        [
            // The trusted pack refuses a rule slower than LIMITS.queryFrequencyMinutes.max: the config refuses it first.
            "a frequency of 1 hour, slower than the pack's trusted maximum",
            { ...VALID, sentinel: { ...SENTINEL, queryFrequency: "PT1H" } },
            `${NS}:sentinel.queryFrequency: must be at most PT5M: the policy pack's trusted maximum (got "PT1H"). ${SENTINEL_ACCEPTED}`,
        ],
        [
            "a frequency of 6 minutes",
            { ...VALID, sentinel: { ...SENTINEL, queryFrequency: "PT6M" } },
            `${NS}:sentinel.queryFrequency: must be at most PT5M: the policy pack's trusted maximum (got "PT6M"). ${SENTINEL_ACCEPTED}`,
        ],
        [
            "a frequency that is not a duration",
            { ...VALID, sentinel: { ...SENTINEL, queryFrequency: "5 minutes" } },
            `${NS}:sentinel.queryFrequency: must be an ISO 8601 duration such as PT5M (got "5 minutes"). ${SENTINEL_ACCEPTED}`,
        ],
        [
            "a malformed email",
            { ...VALID, sentinel: SENTINEL, alerts: { emails: ["soc.contoso.com"] } },
            `${NS}:alerts.emails[0]: must be an email address (got "soc.contoso.com"). ${ALERTS_ACCEPTED}`,
        ],
        [
            "a phone number with spaces",
            { ...VALID, sentinel: SENTINEL, alerts: { sms: [{ countryCode: "1", phoneNumber: "425 555 0100" }] } },
            `${NS}:alerts.sms[0].phoneNumber: must be 4 to 14 digits, without spaces or the country code (got "425 555 0100"). ${ALERTS_ACCEPTED}`,
        ],
        [
            "a country code with a plus",
            { ...VALID, sentinel: SENTINEL, alerts: { sms: [{ countryCode: "+44", phoneNumber: "7700900123" }] } },
            `${NS}:alerts.sms[0].countryCode: must be 1 to 3 digits, such as 1 or 44 (got "+44"). ${ALERTS_ACCEPTED}`,
        ],
        [
            "an http webhook",
            { ...VALID, sentinel: SENTINEL, alerts: { webhooks: ["http://hooks.contoso.com/x"] } },
            `${NS}:alerts.webhooks[0]: must be an https URL (got "http://hooks.contoso.com/x"). ${ALERTS_ACCEPTED}`,
        ],
        [
            "alerts without any receiver",
            { ...VALID, sentinel: SENTINEL, alerts: {} },
            `${NS}:alerts: must name at least one email, SMS number or webhook (got {}). ${ALERTS_ACCEPTED}`,
        ],
        [
            "alerts without sentinel",
            { ...VALID, alerts: { emails: ["soc@contoso.com"] } },
            `${NS}:alerts: needs ${NS}:sentinel, whose workspace the alert queries. Accepted: set sentinel too, or remove alerts.`,
        ],
        [
            "a skip without a reason",
            { ...VALID, conditionalAccess: { skip: [{ policyId: GUID }] } },
            `${NS}:conditionalAccess.skip[0].reason: is required but not set. ${CA_ACCEPTED}`,
        ],
        [
            "a skip with an empty reason",
            { ...VALID, conditionalAccess: { skip: [{ policyId: GUID, reason: " " }] } },
            `${NS}:conditionalAccess.skip[0].reason: must not be empty: say why the policy may apply to the emergency accounts (got " "). ${CA_ACCEPTED}`,
        ],
        [
            "excludeFrom that is neither all nor a list",
            { ...VALID, conditionalAccess: { excludeFrom: "some" } },
            `${NS}:conditionalAccess.excludeFrom: must be "all" or a list of policy ids (got "some"). ${CA_ACCEPTED}`,
        ],
        [
            "a request rate above what Graph allows any tenant",
            { ...VALID, conditionalAccess: { requestsPerSecond: 50 } },
            `${NS}:conditionalAccess.requestsPerSecond: must be at most 20 (got 50). ${CA_ACCEPTED}`,
        ],
        [
            "a request rate that is not a number",
            { ...VALID, conditionalAccess: { requestsPerSecond: "fast" } },
            `${NS}:conditionalAccess.requestsPerSecond: must be a number (got "fast"). ${CA_ACCEPTED}`,
        ],
        [
            "an unknown key inside an object",
            { ...VALID, sentinel: { ...SENTINEL, workspace: "x" } },
            `${NS}:sentinel.workspace: is not a known key of sentinel. ${SENTINEL_ACCEPTED}`,
        ],
    );
    for (const [what, raw, message] of cases) {
        test(`refuses ${what}, naming the key, the problem and what is accepted`, () => {
            const problems = problemsOf(raw);
            if (typeof message === "string") {
                assert.deepEqual(problems, [message]);
            } else {
                assert.equal(problems.length, 1, problems.join("\n"));
                assert.match(problems[0], message);
            }
        });
    }

    test("every bad key is reported at once, each in its own line", () => {
        const problems = problemsOf({ tenantDomain: "contoso.com", passwordLength: "16", colour: "red" });
        assert.equal(problems.length, 3);
        assert.match(problems.join("\n"), /tenantDomain/);
        assert.match(problems.join("\n"), /passwordLength/);
        assert.match(problems.join("\n"), /colour: is not a known key/);
    });
});

describe("credential config", () => {
    const NS = CONFIG_NAMESPACE;
    const custodians = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `custodian-${i + 1}`, recipient: testRecipient(i) }));

    test("sealed mode: threshold defaults to 2 with several custodians, 1 with one; passkey mode has none", () => {
        const sealed = (list: unknown[], extra = {}) =>
            parseStackConfig({ ...VALID, credential: JSON.stringify({ mode: "sealed-password", custodians: list, ...extra }) }).credential;
        const passkeys = { method: "passkey", requiredPasskeys: 2 };
        assert.deepEqual(sealed(custodians(3)), { mode: "sealed-password", custodians: custodians(3), threshold: 2, ...passkeys });
        assert.deepEqual(sealed(custodians(1)), { mode: "sealed-password", custodians: custodians(1), threshold: 1, ...passkeys });
        assert.equal(sealed(custodians(3), { threshold: "3" }).threshold, 3);
        assert.deepEqual(parseStackConfig({ ...VALID, credential: '{"mode":"passkey"}' }).credential, {
            mode: "passkey",
            custodians: [],
            threshold: 0,
            ...passkeys,
        });
    });

    const accepted = CONFIG_KEYS.credential.accepted;
    const cases: Array<[string, unknown, string]> = [
        ["an unknown mode", { mode: "password" }, `${NS}:credential.mode: must be one of passkey, sealed-password (got "password"). Accepted: ${accepted}.`],
        ["sealed mode without custodians", { mode: "sealed-password" }, `${NS}:credential.custodians: must name at least one custodian in sealed-password mode. Accepted: ${accepted}.`],
        ["custodians in passkey mode", { custodians: [{ name: "a", recipient: "x" }] }, `${NS}:credential.custodians: must be empty in passkey mode: there is no password to seal (got [{"name":"a","recipient":"x"}]). Accepted: ${accepted}.`],
        [
            "a private key pasted as a recipient",
            { mode: "sealed-password", custodians: [custodians(2)[0], { name: "bob", recipient: "AGE-SECRET-KEY-1ABC" }] },
            `${NS}:credential.custodians[1].recipient: must be an age X25519 recipient (age1 and 58 characters, as age-keygen prints it) (got "AGE-SECRET-KEY-1ABC"). Accepted: ${accepted}.`,
        ],
        [
            "a repeated recipient",
            { mode: "sealed-password", custodians: [custodians(1)[0], { ...custodians(1)[0], name: "twin" }] },
            `${NS}:credential.custodians[1].recipient: repeats another custodian's recipient (got ${JSON.stringify(testRecipient(0)).slice(0, 57)}...). Accepted: ${accepted}.`,
        ],
        [
            "a repeated name",
            { mode: "sealed-password", custodians: [custodians(2)[0], { ...custodians(2)[1], name: "Custodian-1" }] },
            `${NS}:credential.custodians[1].name: repeats "Custodian-1" (got "Custodian-1"). Accepted: ${accepted}.`,
        ],
        [
            "threshold 1 of 3",
            { mode: "sealed-password", custodians: custodians(3), threshold: 1 },
            `${NS}:credential.threshold: must be at least 2 with 3 custodians: with 1, any single custodian can open the password alone (got 1). Accepted: ${accepted}.`,
        ],
        [
            "threshold above the custodians",
            { mode: "sealed-password", custodians: custodians(2), threshold: 3 },
            `${NS}:credential.threshold: 3 is more than the 2 custodians: the password could never be rebuilt (got 3). Accepted: ${accepted}.`,
        ],
        ["an unknown field", { mode: "passkey", factor: "fido2" }, `${NS}:credential.factor: is not a known key of credential. Accepted: ${accepted}.`],
        ["an unknown method", { method: "fido2" }, `${NS}:credential.method: must be one of passkey, certificate (got "fido2"). Accepted: ${accepted}.`],
        ["a single passkey", { requiredPasskeys: 1 }, `${NS}:credential.requiredPasskeys: must be at least 2 (got 1). Accepted: ${accepted}.`],
        ["too many passkeys", { requiredPasskeys: 11 }, `${NS}:credential.requiredPasskeys: must be at most 10 (got 11). Accepted: ${accepted}.`],
    ];
    for (const [what, credential, message] of cases) {
        test(`refuses ${what}, naming the key`, () => {
            assert.deepEqual(problemsOf({ ...VALID, credential: JSON.stringify(credential) }), [message]);
        });
    }
});

describe("the fixture stack", () => {
    test("is a complete, valid stack for contoso.onmicrosoft.com, with every key set and no secret", () => {
        const text = fs.readFileSync(FIXTURE_CONFIG_FILE, "utf8");
        const fixture = parseYaml(text) as { config: Record<string, unknown> };
        const prefix = `${CONFIG_NAMESPACE}:`;
        assert.ok(Object.keys(fixture.config).every((key) => key.startsWith(prefix)), "every key in the project's namespace");
        const raw = Object.fromEntries(
            Object.entries(fixture.config).map(([key, value]) => [key.slice(prefix.length), typeof value === "string" ? value : JSON.stringify(value)]),
        );
        assert.deepEqual(Object.keys(raw).sort(), Object.keys(CONFIG_KEYS).sort(), "the fixture sets every key");
        const config = parseStackConfig(raw);
        assert.equal(config.tenantDomain, "contoso.onmicrosoft.com");
        assert.equal(config.accountCount, 2);
        assert.deepEqual(config.sentinel, { resourceGroupName: "rg-security-prod", workspaceName: "law-sentinel-prod", queryFrequency: "PT5M" });
        assert.deepEqual(config.alerts, {
            emails: ["soc@contoso.com", "ciso@contoso.com"],
            sms: [{ countryCode: "1", phoneNumber: "4255550100" }],
            webhooks: [],
        });
        assert.doesNotMatch(text, /\bsecure:/, "the fixture holds no secret");
    });
});

describe("limited account and restricted management", () => {
    const NS = CONFIG_NAMESPACE;
    test("both are booleans, false by default, accepted as Pulumi hands them (strings) or typed", () => {
        const config = parseStackConfig({ ...VALID, limitedAccount: "true", restrictedManagement: true });
        assert.equal(config.limitedAccount, true);
        assert.equal(config.restrictedManagement, true);
        assert.equal(parseStackConfig({ ...VALID, limitedAccount: "false" }).limitedAccount, false);
    });

    test("anything but a boolean is refused, naming the key", () => {
        assert.deepEqual(problemsOf({ ...VALID, limitedAccount: "yes" }), [
            `${NS}:limitedAccount: must be true or false (got "yes"). Accepted: true or false.`,
        ]);
    });

    test("restricted management is refused with sealed passwords, and says why", () => {
        const custodians = [0, 1].map((i) => ({ name: `custodian-${i + 1}`, recipient: testRecipient(i) }));
        const credential = JSON.stringify({ mode: "sealed-password", custodians });
        assert.deepEqual(problemsOf({ ...VALID, restrictedManagement: "true", credential }), [
            `${NS}:restrictedManagement: cannot be true with ${NS}:credential.mode sealed-password: inside a restricted-management ` +
                "administrative unit no tenant-wide admin can reset a Global Administrator's password, so the sealed password could " +
                "not be rotated after a test or repaired after a leak. Accepted: use credential.mode passkey, or restrictedManagement false.",
        ]);
        assert.equal(parseStackConfig({ ...VALID, restrictedManagement: "true" }).restrictedManagement, true);
    });
});

describe("keys in a misspelled namespace", () => {
    const NS = CONFIG_NAMESPACE;
    const cases: Array<[string, string, string]> = [
        ["one letter missing", "entra-emergency-acces:accountCount", `${NS}:accountCount`],
        ["capitals", "Entra-Emergency-Access:accountCount", `${NS}:accountCount`],
        ["three edits", "entra-emergncy-acess-:tenantDomain", `${NS}:tenantDomain`],
        ["a misspelled key too", "entra-emergency-acces:passwordLenght", `${NS}:passwordLength`],
        ["an unknown key, suggested as written", "entra_emergency_access:colour", `${NS}:colour`],
    ];
    for (const [what, key, meant] of cases) {
        test(`refuses ${what} (${key}), suggesting ${meant}`, () => {
            assert.deepEqual(misspelledNamespaceProblems([key, `${NS}:tenantDomain`]), [
                `${key}: is not in this project's namespace ${NS}, so nothing reads it; did you mean ${meant}?`,
            ]);
        });
    }

    test("leaves this project's keys, other projects' and providers' namespaces, and keys without one alone", () => {
        assert.deepEqual(
            misspelledNamespaceProblems([
                `${NS}:accountCount`,
                "azuread:tenantId",
                "azure-native:location",
                "pulumi:tags",
                "entra-id-lockdown:mode",
                "accountCount",
            ]),
            [],
        );
    });

    test("a namespace four edits away is another project's", () => {
        assert.equal(editDistance("entra-emergncy-acess-x", NS), 4);
        assert.deepEqual(misspelledNamespaceProblems(["entra-emergncy-acess-x:accountCount"]), []);
    });

    test("edit distance counts insertions, deletions and substitutions", () => {
        assert.equal(editDistance("", "abc"), 3);
        assert.equal(editDistance("kitten", "sitting"), 3);
        assert.equal(editDistance(NS, NS), 0);
    });
});

describe("queryFrequency and the trusted pack agree", () => {
    test("the default is within the one range, whose maximum is the pack's trusted maximum (LIMITS.queryFrequencyMinutes.max)", () => {
        assert.equal(isoDurationMinutes(DEFAULTS.queryFrequency), LIMITS.queryFrequencyMinutes.max);
        assert.equal(parseStackConfig({ ...VALID, sentinel: SENTINEL }).sentinel?.queryFrequency, DEFAULTS.queryFrequency);
        assert.equal(parseStackConfig({ ...VALID, sentinel: { ...SENTINEL, queryFrequency: "PT5M" } }).sentinel?.queryFrequency, "PT5M");
    });
});
