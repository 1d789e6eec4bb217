// What `npm run onboard` accepts before any request: its options, the account (only a declared emergency account
// ever gets a pass), and the stack values it reads with the program's own schema.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { chooseAccount, declaredAccounts } from "../../commands/onboard/account";
import { UsageError, parseOnboardArguments } from "../../commands/onboard/options";
import { onboardingConfigValues, readOnboardingConfig, type OnboardingConfig } from "../../commands/onboard/stackConfig";
import { ConfigError } from "../../config/schema";
import { FIXTURE_CONFIG_FILE } from "../helpers/fixtures";

const CONFIG: OnboardingConfig = {
    tenantDomain: "contoso.onmicrosoft.com",
    accountCount: 2,
    accountPrefix: "breakglass",
    requiredPasskeys: 2,
    credentialMethod: "passkey",
    limitedAccount: false,
    graphEndpoint: "https://graph.microsoft.com",
};

describe("onboard options", () => {
    test("defaults: only --account is required; stack values stay unset until the stack is read", () => {
        assert.deepEqual(parseOnboardArguments(["--account", "1"]), {
            account: "1",
            stack: "prod",
            configFile: undefined,
            idsFile: undefined,
            groupId: undefined,
            keys: undefined,
            tapMinutes: undefined,
            reusable: false,
            auth: "cli",
            graphEndpoint: undefined,
            requestsPerSecond: undefined,
            pollSeconds: undefined,
            help: false,
        });
    });

    test("every option", () => {
        const group = "c83b34df-ac37-571e-8a4a-44dad8cc4f17";
        const parsed = parseOnboardArguments([
            "-a", "limited", "-s", "staging", "--config-file", "c.yaml", "--ids-file", "i.json", "--group-id", group, "--keys", "3",
            "--tap-minutes", "480", "--reusable", "--auth", "browser", "--graph-endpoint", "https://graph.microsoft.us",
            "--requests-per-second", "0.5", "--poll-seconds", "0.05",
        ]);
        assert.deepEqual(parsed, {
            account: "limited",
            stack: "staging",
            configFile: "c.yaml",
            idsFile: "i.json",
            groupId: group,
            keys: 3,
            tapMinutes: 480,
            reusable: true,
            auth: "browser",
            graphEndpoint: "https://graph.microsoft.us",
            requestsPerSecond: 0.5,
            pollSeconds: 0.05,
            help: false,
        });
    });

    test("--help needs nothing else", () => {
        assert.equal(parseOnboardArguments(["--help"]).help, true);
    });

    for (const [args, message] of [
        [[], "--account is required: the account's number (1, 2, ...), limited, or its user principal name"],
        [["--account", " "], "--account is required: the account's number (1, 2, ...), limited, or its user principal name"],
        [["--account", "1", "--keys", "1"], '--keys must be a whole number from 2 to 10, got "1"'],
        [["--account", "1", "--keys", "11"], '--keys must be a whole number from 2 to 10, got "11"'],
        [["--account", "1", "--keys", "2.5"], '--keys must be a whole number from 2 to 10, got "2.5"'],
        [["--account", "1", "--tap-minutes", "9"], '--tap-minutes must be a whole number from 10 to 480, got "9"'],
        [["--account", "1", "--tap-minutes", "481"], '--tap-minutes must be a whole number from 10 to 480, got "481"'],
        [["--account", "1", "--auth", "device-code"], '--auth must be cli or browser (a delegated sign-in; no device code), got "device-code"'],
        [["--account", "1", "--group-id", "emergency"], '--group-id must be the emergency group\'s object id (a GUID), got "emergency"'],
        [["--account", "1", "--requests-per-second", "50"], '--requests-per-second must be a number from 0.1 to 20 (Graph requests per second), got "50"'],
        [["--account", "1", "--poll-seconds", "0"], '--poll-seconds must be a number from 0.01 to 60 (seconds), got "0"'],
        [["--account", "1", "--poll-seconds", "soon"], '--poll-seconds must be a number from 0.01 to 60 (seconds), got "soon"'],
        [["--account", "1", "extra"], "Unexpected argument 'extra'. This command does not take positional arguments"],
        [["--account", "1", "--device-code"], "Unknown option '--device-code'"],
    ] as const) {
        test(`refuses ${args.join(" ") || "no arguments"}`, () => {
            assert.throws(() => parseOnboardArguments(args), (error: Error) => {
                assert.ok(error instanceof UsageError);
                assert.equal(error.message, message);
                return true;
            });
        });
    }
});

describe("onboard account choice", () => {
    test("the declared accounts: 1..accountCount, then the limited one when enabled", () => {
        assert.deepEqual(declaredAccounts({ ...CONFIG, accountCount: 3, limitedAccount: true }), [
            { key: 1, userPrincipalName: "breakglass-1@contoso.onmicrosoft.com" },
            { key: 2, userPrincipalName: "breakglass-2@contoso.onmicrosoft.com" },
            { key: 3, userPrincipalName: "breakglass-3@contoso.onmicrosoft.com" },
            { key: "limited", userPrincipalName: "breakglass-limited@contoso.onmicrosoft.com" },
        ]);
    });

    for (const [selector, upn] of [
        ["2", "breakglass-2@contoso.onmicrosoft.com"],
        ["BreakGlass-1@Contoso.onmicrosoft.com", "breakglass-1@contoso.onmicrosoft.com"],
        ["limited", "breakglass-limited@contoso.onmicrosoft.com"],
    ] as const) {
        test(`--account ${selector} is ${upn}`, () => {
            assert.equal(chooseAccount(selector, { ...CONFIG, limitedAccount: true }).userPrincipalName, upn);
        });
    }

    const listed =
        "This command issues a Temporary Access Pass only to a declared emergency account: 1 (breakglass-1@contoso.onmicrosoft.com), " +
        "2 (breakglass-2@contoso.onmicrosoft.com)";
    for (const [selector, why] of [
        ["0", "the stack declares accounts 1 to 2"],
        ["3", "the stack declares accounts 1 to 2"],
        ["limited", "the stack does not declare the limited account (limitedAccount is false)"],
        ["ceo@contoso.onmicrosoft.com", "not an emergency account of this stack"],
        ["breakglass-1@fabrikam.onmicrosoft.com", "not an emergency account of this stack"],
        ["breakglass-1", "not an emergency account of this stack"],
    ] as const) {
        test(`refuses --account ${selector}`, () => {
            assert.throws(() => chooseAccount(selector, CONFIG), { name: "UsageError", message: `--account ${selector}: ${why}. ${listed}` });
        });
    }
});

describe("onboard stack config", () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "onboard-config-"));
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
        const file = path.join(scratch, name);
        fs.writeFileSync(file, text);
        return file;
    };

    test("the fixture stack: defaults applied by the program's schema", () => {
        assert.deepEqual(readOnboardingConfig(FIXTURE_CONFIG_FILE), { ...CONFIG });
    });

    test("set values are read; an encrypted value of a key onboarding does not need is skipped", () => {
        const file = write(
            "set.yaml",
            [
                "config:",
                "  entra-emergency-access:tenantDomain: fabrikam.onmicrosoft.com",
                "  entra-emergency-access:accountCount: 3",
                "  entra-emergency-access:limitedAccount: true",
                "  entra-emergency-access:credential: {mode: passkey, requiredPasskeys: 3, method: certificate}",
                "  entra-emergency-access:conditionalAccess: {graphEndpoint: https://graph.microsoft.us}",
                "  entra-emergency-access:sentinel: {resourceGroupName: rg, workspaceName: law-1}",
                "  entra-emergency-access:alerts:",
                "    webhooks:",
                "      - secure: v1:AAAA",
                "  azuread:tenantId: 00000000-0000-0000-0000-000000000000",
            ].join("\n"),
        );
        assert.deepEqual(readOnboardingConfig(file), {
            ...CONFIG,
            tenantDomain: "fabrikam.onmicrosoft.com",
            accountCount: 3,
            limitedAccount: true,
            requiredPasskeys: 3,
            credentialMethod: "certificate",
            graphEndpoint: "https://graph.microsoft.us",
        });
    });

    test("an encrypted sentinel takes alerts with it (alerts cannot stand alone)", () => {
        const values = onboardingConfigValues(
            { "entra-emergency-access:sentinel": { secure: "v1:AAAA" }, "entra-emergency-access:alerts": { emails: ["a@b.c"] } },
            "f.yaml",
        );
        assert.deepEqual(values, {});
    });

    test("an encrypted key onboarding needs is refused, naming it", () => {
        assert.throws(() => onboardingConfigValues({ "entra-emergency-access:tenantDomain": { secure: "v1:AAAA" } }, "f.yaml"), {
            name: "StackFileError",
            message: "f.yaml: entra-emergency-access:tenantDomain is encrypted; it holds no secret, set it in clear",
        });
    });

    test("a bad value is the schema's own ConfigError", () => {
        const file = write("bad.yaml", "config:\n  entra-emergency-access:tenantDomain: contoso.com\n  entra-emergency-access:accountCount: 9\n");
        assert.throws(() => readOnboardingConfig(file), (error: Error) => {
            assert.ok(error instanceof ConfigError);
            assert.match(error.message, /entra-emergency-access:tenantDomain: is not a \*\.onmicrosoft\.com domain \(got "contoso\.com"\)/);
            assert.match(error.message, /entra-emergency-access:accountCount: must be at most 4 \(got 9\)/);
            return true;
        });
    });

    test("a missing file and a misspelled namespace are refused", () => {
        assert.throws(() => readOnboardingConfig(path.join(scratch, "none.yaml")), { name: "StackFileError", message: `${path.join(scratch, "none.yaml")}: no such stack file` });
        const file = write("typo.yaml", "config:\n  entra-emergency-acces:tenantDomain: contoso.onmicrosoft.com\n");
        assert.throws(() => readOnboardingConfig(file), /entra-emergency-acces:tenantDomain: is not in this project's namespace/);
    });
});
