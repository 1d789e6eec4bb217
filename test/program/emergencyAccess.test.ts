// The EmergencyAccess component, run through the real program under Pulumi's mock runtime.
// Every property and option is asserted for every account, for 2 and for 4 accounts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, test } from "node:test";
import {
    DIRECTORY_ROOT_SCOPE,
    EMERGENCY_ACCESS_TYPE,
    GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
    PASSWORD_MIN_PER_CLASS,
    PASSWORD_SPECIAL_CHARACTERS,
    STACK_OUTPUTS,
    TYPES,
} from "../../policies/contract/constants";
import { PASSWORD_CHARACTER_CLASSES } from "../../policies/contract/custody";
import { resolveEmergencyAccessArgs } from "../../components/emergencyAccess";
import { ConfigError } from "../../config/schema";
import type { ProgramRun } from "../../plan/runProgram";
import { isSerializedSecret } from "../../plan/serialized";
import { testRecipient } from "../helpers/custody";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";
import { plain, plainOccurrences, recordFixture, runFixture } from "../helpers/program";
import { all, byName, byType, one } from "../helpers/select";

const PASSWORD_CLASSES = ["upper", "lower", "numeric", "special"] as const;
const MIN_FIELDS = ["minUpper", "minLower", "minNumeric", "minSpecial"] as const;

function accountNumber(name: string): number {
    return Number(/-(\d+)$/.exec(name)?.[1]);
}

for (const accountCount of [2, 4]) {
    describe(`EmergencyAccess with ${accountCount} accounts`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await runFixture({ accountCount });
        });

        test("declares one bootstrap password, one user, one custody resource and one Global Administrator assignment per account", () => {
            for (const type of [TYPES.randomPassword, TYPES.user, TYPES.passwordCustody, TYPES.directoryRoleAssignment]) {
                const names = all(run, byType(type)).map((r) => accountNumber(r.name));
                assert.deepEqual(names.sort(), Array.from({ length: accountCount }, (_, i) => i + 1), type);
            }
            assert.equal(all(run, byType(TYPES.directoryRole)).length, 1);
            assert.equal(all(run, byType(TYPES.group)).length, 1);
            assert.equal(all(run, byType(TYPES.directoryRoleEligibilityScheduleRequest)).length, 0);
        });

        test("one protected PasskeyRequirement per account, and each Global Administrator assignment waits for its account's", () => {
            const requirements = all(run, byType(TYPES.passkeyRequirement));
            assert.deepEqual(requirements.map((r) => accountNumber(r.name)).sort(), Array.from({ length: accountCount }, (_, i) => i + 1));
            for (const requirement of requirements) {
                assert.equal(requirement.options.protect, true, requirement.urn);
                assert.equal(requirement.options.retainOnDelete, true, requirement.urn);
                const n = accountNumber(requirement.name);
                const assignment = one(run, byName(`global-administrator-${n}`));
                assert.ok(assignment.options.dependencies.includes(requirement.urn), `${assignment.urn} waits for ${requirement.urn}`);
                assert.equal(plain(requirement.inputs).userPrincipalName, `breakglass-${n}@contoso.onmicrosoft.com`);
            }
        });

        test("every child is parented to the EmergencyAccess component", () => {
            const component = one(run, byType(EMERGENCY_ACCESS_TYPE));
            for (const r of run.resources.filter((r) => r.custom)) {
                assert.equal(r.parent, component.urn, r.urn);
                assert.match(r.name, /^emergency-access-/, r.urn);
            }
        });

        test("every password is 32 characters with all four classes required, at least 2 of each", () => {
            for (const password of all(run, byType(TYPES.randomPassword))) {
                const inputs = plain(password.inputs);
                assert.equal(inputs.length, 32, password.urn);
                for (const cls of PASSWORD_CLASSES) assert.equal(inputs[cls], true, `${password.urn} ${cls}`);
                for (const min of MIN_FIELDS) assert.equal(inputs[min], 2, `${password.urn} ${min}`);
                assert.equal(inputs.overrideSpecial, PASSWORD_SPECIAL_CHARACTERS);
            }
        });

        test("the bootstrap passwords have no keepers: only the custody resources rotate", () => {
            for (const password of all(run, byType(TYPES.randomPassword))) {
                assert.equal(plain(password.inputs).keepers, undefined, password.urn);
            }
        });

        test("every account has one protected PasswordCustody after its user, in passkey mode by default", () => {
            const users = new Map(all(run, byType(TYPES.user)).map((u) => [accountNumber(u.name), u]));
            for (const custody of all(run, byType(TYPES.passwordCustody))) {
                const user = users.get(accountNumber(custody.name))!;
                assert.match(custody.name, /^emergency-access-password-custody-\d$/);
                const { __provider, ...inputs } = plain(custody.inputs);
                assert.match(__provider, /^exports.handler = /, "the serialized provider");
                assert.deepEqual(inputs, {
                    userObjectId: user.id,
                    userPrincipalName: plain(user.inputs).userPrincipalName,
                    rotation: "2026-Q4",
                    passwordLength: 32,
                    mode: "passkey",
                    custodians: [],
                    threshold: 0,
                    graphEndpoint: "https://graph.microsoft.com",
                    // The generation rules are explicit inputs, so the pack sees them.
                    characterClasses: PASSWORD_CHARACTER_CLASSES,
                    minimumPerClass: PASSWORD_MIN_PER_CLASS,
                });
                assert.ok(custody.options.dependencies.includes(user.urn), `${custody.urn} waits for its user`);
                assert.equal(custody.options.protect, true, custody.urn);
                assert.deepEqual(plain(custody.outputs).envelopes, [], "passkey mode seals nothing");
            }
        });

        test("every account is a cloud-only, enabled, never-expiring user on the initial domain", () => {
            for (const user of all(run, byType(TYPES.user))) {
                const n = accountNumber(user.name);
                const inputs = plain(user.inputs);
                assert.equal(inputs.userPrincipalName, `breakglass-${n}@contoso.onmicrosoft.com`, user.urn);
                assert.match(inputs.displayName, /^EMERGENCY ACCESS \d \(break glass/, user.urn);
                assert.equal(inputs.accountEnabled, true, user.urn);
                assert.equal(inputs.forcePasswordChange, false, user.urn);
                assert.equal(inputs.disablePasswordExpiration, true, user.urn);
                assert.equal(inputs.disableStrongPassword, false, user.urn);
                assert.equal(inputs.usageLocation, "US", user.urn);
                assert.equal("onpremisesImmutableId" in inputs, false, user.urn);
            }
        });

        test("every account's password is its own RandomPassword's result, sent as a secret", () => {
            const passwords = new Map(all(run, byType(TYPES.randomPassword)).map((p) => [accountNumber(p.name), p]));
            for (const user of all(run, byType(TYPES.user))) {
                const password = passwords.get(accountNumber(user.name))!;
                assert.ok(isSerializedSecret(user.inputs.password), `${user.urn} password is not secret`);
                assert.equal(plain(user.inputs.password), plain(password.outputs.result), user.urn);
                assert.ok(user.options.dependencies.includes(password.urn), user.urn);
                assert.deepEqual(user.options.ignoreChanges, ["password"], `${user.urn} must ignore its bootstrap password after creation`);
            }
        });

        test("every account is protected and retained on delete", () => {
            for (const user of all(run, byType(TYPES.user))) {
                assert.equal(user.options.protect, true, user.urn);
                assert.equal(user.options.retainOnDelete, true, user.urn);
            }
        });

        test("Global Administrator is activated by template id and protected", () => {
            const role = one(run, byType(TYPES.directoryRole));
            assert.deepEqual(plain(role.inputs), { templateId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID });
            assert.equal(role.options.protect, true);
            assert.equal(role.options.retainOnDelete, true);
        });

        test("every account has a permanent Global Administrator assignment at directory scope /", () => {
            const role = one(run, byType(TYPES.directoryRole));
            const userIds = new Map(all(run, byType(TYPES.user)).map((u) => [accountNumber(u.name), u.id]));
            for (const assignment of all(run, byType(TYPES.directoryRoleAssignment))) {
                const inputs = plain(assignment.inputs);
                assert.deepEqual(
                    inputs,
                    {
                        roleId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
                        principalObjectId: userIds.get(accountNumber(assignment.name)),
                        directoryScopeId: DIRECTORY_ROOT_SCOPE,
                    },
                    assignment.urn,
                );
                assert.ok(assignment.options.dependencies.includes(role.urn), `${assignment.urn} waits for the role`);
                const custody = one(run, byName(`password-custody-${accountNumber(assignment.name)}`));
                assert.ok(assignment.options.dependencies.includes(custody.urn), `${assignment.urn} waits for the custody resource`);
                assert.equal(assignment.options.protect, true, assignment.urn);
                assert.equal(assignment.options.retainOnDelete, true, assignment.urn);
            }
        });

        test("the group is security-enabled, role-assignable, protected and holds exactly the accounts", () => {
            const group = one(run, byType(TYPES.group));
            const inputs = plain(group.inputs);
            assert.equal(inputs.displayName, "Emergency Access Accounts");
            assert.equal(inputs.securityEnabled, true);
            assert.equal(inputs.mailEnabled, false);
            assert.equal(inputs.assignableToRole, true);
            const userIds = all(run, byType(TYPES.user)).map((u) => u.id);
            assert.deepEqual([...inputs.members].sort(), [...userIds].sort());
            assert.equal(userIds.length, accountCount);
            assert.equal(group.options.protect, true);
            assert.equal(group.options.retainOnDelete, true);
        });

        test("stack outputs: object ids, UPNs, group id and the credential mode; no password and no envelope in passkey mode", () => {
            const outputs = one(run, byType(TYPES.stack)).outputs;
            const users = all(run, byType(TYPES.user)).sort((a, b) => accountNumber(a.name) - accountNumber(b.name));
            assert.deepEqual(outputs[STACK_OUTPUTS.accountObjectIds], users.map((u) => u.id));
            assert.deepEqual(
                outputs[STACK_OUTPUTS.accountUserPrincipalNames],
                users.map((u) => plain(u.inputs).userPrincipalName),
            );
            assert.equal(outputs[STACK_OUTPUTS.groupObjectId], one(run, byType(TYPES.group)).id);
            assert.equal(outputs[STACK_OUTPUTS.credentialMode], "passkey");
            assert.equal(STACK_OUTPUTS.passwordEnvelopes in outputs, false);
            assert.equal("emergencyAccountPasswords" in outputs, false, "the old password output is gone");
            const component = one(run, byType(EMERGENCY_ACCESS_TYPE));
            assert.equal("passwords" in component.outputs, false, "EmergencyAccess.passwords is gone");
            for (const [key, value] of Object.entries(outputs)) assert.ok(!isSerializedSecret(value), `output ${key} is a secret`);
        });

        test("no password appears in plain text in any input or output", () => {
            const passwords = all(run, byType(TYPES.randomPassword)).map((p) => {
                assert.ok(isSerializedSecret(p.outputs.result), `${p.urn} result is not secret`);
                return plain(p.outputs.result) as string;
            });
            assert.equal(passwords.length, accountCount);
            for (const password of passwords) {
                assert.ok(password.length >= 24);
                for (const r of run.resources) {
                    assert.deepEqual(plainOccurrences(r.inputs, password), [], `${r.urn} inputs`);
                    assert.deepEqual(plainOccurrences(r.outputs, password), [], `${r.urn} outputs`);
                }
            }
        });
    });
}

describe("EmergencyAccess settings", () => {
    test("a new passwordRotation label changes every custody resource's rotation and nothing else", async () => {
        const before = await runFixture({ passwordRotation: "2026-Q4" });
        const after = await runFixture({ passwordRotation: "2027-Q1" });
        const rotations = (run: ProgramRun) => all(run, byType(TYPES.passwordCustody)).map((p) => plain(p.inputs).rotation);
        assert.deepEqual(rotations(after), ["2027-Q1", "2027-Q1"]);
        const stable = (run: ProgramRun) =>
            run.resources
                .filter((r) => r.type !== TYPES.randomPassword && r.type !== TYPES.stack)
                .map((r) => ({ urn: r.urn, inputs: { ...plain(r.inputs), password: undefined, rotation: undefined } }));
        assert.deepEqual(stable(after), stable(before));
    });

    test("accountPrefix, passwordLength and usageLocation reach every account", async () => {
        const run = await runFixture({ accountPrefix: "eaa", passwordLength: 64, usageLocation: "" });
        for (const user of all(run, byType(TYPES.user))) {
            assert.match(plain(user.inputs).userPrincipalName, /^eaa-\d@contoso\.onmicrosoft\.com$/);
            assert.equal("usageLocation" in plain(user.inputs), false);
        }
        for (const p of all(run, byType(TYPES.randomPassword))) assert.equal(plain(p.inputs).length, 64);
        for (const c of all(run, byType(TYPES.passwordCustody))) assert.equal(plain(c.inputs).passwordLength, 64);
    });

    const badValues: Array<[string, Record<string, unknown>, RegExp]> = [
        ["a password shorter than 24", { passwordLength: 16 }, /passwordLength: must be at least 24 \(got 16\)/],
        ["a custom domain", { tenantDomain: "contoso.com" }, /tenantDomain: is not a \*\.onmicrosoft\.com domain/],
        ["a single account", { accountCount: 1 }, /accountCount: must be at least 2/],
        ["an unknown key", { passwordLenght: 32 }, /passwordLenght: is not a known key/],
    ];
    for (const [what, overrides, message] of badValues) {
        test(`${what} stops the program before any resource is registered`, async () => {
            const run = await recordFixture(overrides);
            assert.ok(run.error instanceof ConfigError, `expected a ConfigError, got ${String(run.error)}`);
            assert.match(run.error.message, message);
            assert.deepEqual(
                run.resources.map((r) => r.type),
                [TYPES.stack],
                "only the root stack may exist when config is bad",
            );
        });
    }
});

test("the mocks give the fixture's accounts and group the ids the Conditional Access suites use", async () => {
    const run = await runFixture();
    assert.deepEqual(one(run, byType(TYPES.stack)).outputs[STACK_OUTPUTS.accountObjectIds], FIXTURE_USER_IDS);
    assert.equal(one(run, byType(TYPES.group)).id, FIXTURE_GROUP_ID);
});

describe("EmergencyAccess in sealed-password mode", () => {
    test("exports, per account, one envelope per custodian with the recipient's fingerprint, and no secret", async () => {
        const custodians = [0, 1, 2].map((i) => ({ name: `custodian-${i + 1}`, recipient: testRecipient(i) }));
        const run = await runFixture({ credential: { mode: "sealed-password", custodians, threshold: 2 } });
        for (const custody of all(run, byType(TYPES.passwordCustody))) {
            const inputs = plain(custody.inputs);
            assert.deepEqual([inputs.mode, inputs.custodians, inputs.threshold], ["sealed-password", custodians, 2], custody.urn);
        }
        const outputs = one(run, byType(TYPES.stack)).outputs;
        assert.equal(outputs[STACK_OUTPUTS.credentialMode], "sealed-password");
        const envelopes = outputs[STACK_OUTPUTS.passwordEnvelopes];
        assert.ok(!isSerializedSecret(envelopes), "the envelopes output is not a secret");
        assert.deepEqual(
            plain(envelopes).map((account: any) => [account.userPrincipalName, account.rotation, account.threshold, account.envelopes.length]),
            [
                ["breakglass-1@contoso.onmicrosoft.com", "2026-Q4", 2, 3],
                ["breakglass-2@contoso.onmicrosoft.com", "2026-Q4", 2, 3],
            ],
        );
        for (const account of plain(envelopes)) {
            assert.deepEqual(
                account.envelopes.map((e: any) => [e.custodian, e.recipientFingerprint, e.share]),
                custodians.map((c, i) => [c.name, `sha256:${createHash("sha256").update(c.recipient).digest("hex")}`, i + 1]),
            );
        }
    });

    test("the component refuses bad credential settings, naming EmergencyAccessArgs.credential", () => {
        const base = { tenantDomain: "contoso.onmicrosoft.com" };
        assert.throws(
            () => resolveEmergencyAccessArgs({ ...base, credential: { mode: "sealed-password" } }),
            { message: "EmergencyAccessArgs.credential: custodians must name at least one custodian in sealed-password mode" },
        );
        const three = [0, 1, 2].map((i) => ({ name: `c${i}`, recipient: testRecipient(i) }));
        assert.throws(
            () => resolveEmergencyAccessArgs({ ...base, credential: { mode: "sealed-password", custodians: three, threshold: 1 } }),
            /^Error: EmergencyAccessArgs\.credential: threshold must be at least 2 with 3 custodians/,
        );
        assert.deepEqual(resolveEmergencyAccessArgs({ ...base, credential: { mode: "sealed-password", custodians: three } }).credential, {
            mode: "sealed-password",
            custodians: three,
            threshold: 2,
            method: "passkey",
            requiredPasskeys: 2,
        });
        assert.throws(
            () => resolveEmergencyAccessArgs({ ...base, credential: { requiredPasskeys: 1 } }),
            /^Error: EmergencyAccessArgs\.credential: requiredPasskeys is 1; each emergency account needs from 2 to 10 device-bound passkeys/,
        );
        assert.throws(
            () => resolveEmergencyAccessArgs({ ...base, restrictedManagement: true, credential: { mode: "sealed-password", custodians: three } }),
            /^Error: EmergencyAccessArgs\.restrictedManagement cannot be used with credential\.mode sealed-password/,
        );
    });
});

describe("resolveEmergencyAccessArgs (the component's own floor)", () => {
    const cases: Array<[string, Parameters<typeof resolveEmergencyAccessArgs>[0], string]> = [
        [
            "a custom domain",
            { tenantDomain: "contoso.com" },
            'EmergencyAccessArgs.tenantDomain must be a *.onmicrosoft.com domain, got "contoso.com"',
        ],
        [
            "one account",
            { tenantDomain: "contoso.onmicrosoft.com", accountCount: 1 },
            "EmergencyAccessArgs.accountCount must be a whole number from 2 to 4, got 1",
        ],
        [
            "a 23-character password",
            { tenantDomain: "contoso.onmicrosoft.com", passwordLength: 23 },
            "EmergencyAccessArgs.passwordLength must be a whole number from 24 to 256, got 23",
        ],
        [
            "an empty rotation label",
            { tenantDomain: "contoso.onmicrosoft.com", passwordRotation: " " },
            "EmergencyAccessArgs.passwordRotation must not be empty",
        ],
    ];
    for (const [what, args, message] of cases) {
        test(`refuses ${what}`, () => {
            assert.throws(() => resolveEmergencyAccessArgs(args), { message });
        });
    }

    test("applies the documented defaults", () => {
        assert.deepEqual(resolveEmergencyAccessArgs({ tenantDomain: "contoso.onmicrosoft.com" }), {
            tenantDomain: "contoso.onmicrosoft.com",
            accountCount: 2,
            accountPrefix: "breakglass",
            passwordLength: 32,
            passwordRotation: "initial",
            usageLocation: undefined,
            groupDisplayName: "Emergency Access Accounts",
            credential: { mode: "passkey", custodians: [], threshold: 0, method: "passkey", requiredPasskeys: 2 },
            limitedAccount: false,
            restrictedManagement: false,
        });
    });
});
