// The adopter's own stacks. Every Pulumi.<stack>.yaml at the repository root must be deployable: its values pass
// the program's config schema and `npm run plan -- --stack <stack>` exits 0 (../helpers/stacks.ts). No value is
// pinned, so this holds for whatever tenant the adopter configures; every other suite runs the fixture stack
// (test/fixtures/Pulumi.fixture.yaml) and never reads these files.
//
// The same check must also hold for another tenant: a copy of the adopter's stack file (prod when there is one,
// else the first root stack), in a temporary folder, switched to fabrikam with three accounts and its own
// workspace and receivers, is planned through --config-file.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE } from "../../config/schema";
import { ENCRYPTED_STAND_IN } from "../../plan/project";
import { TYPES } from "../../policies/contract/constants";
import { PROJECT_DIR } from "../helpers/fixtures";
import { checkStack, stackFilesIn } from "../helpers/stacks";

const stacks = stackFilesIn();

describe("every stack at the repository root", () => {
    test("there is at least one stack file", () => {
        assert.ok(stacks.length > 0, `no Pulumi.<stack>.yaml in ${PROJECT_DIR}`);
    });

    for (const stack of stacks) {
        test(`Pulumi.${stack}.yaml validates and npm run plan -- --stack ${stack} exits 0`, () => {
            const { config, plan } = checkStack({ stack });
            assert.equal(plan.stack, stack);
            assert.equal(plan.resources.filter((r: any) => r.type === TYPES.user).length, config.accountCount);
        });
    }
});

/** The stack the copy is made from: prod when the adopter kept that name, else the first stack at the root. */
const SOURCE_STACK = stacks.includes("prod") ? "prod" : stacks[0];

describe(`Pulumi.${SOURCE_STACK}.yaml for another tenant, through --config-file`, () => {
    const SOURCE_FILE = path.join(PROJECT_DIR, `Pulumi.${SOURCE_STACK}.yaml`);
    const FABRIKAM = {
        tenantDomain: "fabrikam.onmicrosoft.com",
        accountCount: 3,
        sentinel: { resourceGroupName: "rg-fabrikam-secops", workspaceName: "law-fabrikam-sentinel" },
        alerts: { emails: ["secops@fabrikam.com"], sms: [{ countryCode: "44", phoneNumber: "7700900123" }] },
    };
    /** What Pulumi writes for a secret set with --path: an opaque ciphertext (made up; nothing decrypts it). */
    const ENCRYPTED_WEBHOOK = "v1:bm90LWEtcmVhbC1jaXBoZXJ0ZXh0:c3RhbmQtaW4tZm9yLWEtd2ViaG9vay11cmw=";
    let dir: string;
    let copy: string;
    let sourceBefore: string;

    before(() => {
        sourceBefore = fs.readFileSync(SOURCE_FILE, "utf8");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-copy-"));
        copy = path.join(dir, path.basename(SOURCE_FILE));
        fs.copyFileSync(SOURCE_FILE, copy);
        const doc = parseDocument(fs.readFileSync(copy, "utf8"));
        assert.deepEqual(doc.errors, []);
        /** The key as the copy spells it: namespaced, or bare when the file has the bare form. */
        const key = (name: string) => (doc.hasIn(["config", name]) ? name : `${CONFIG_NAMESPACE}:${name}`);
        doc.setIn(["config", key("tenantDomain")], FABRIKAM.tenantDomain);
        doc.setIn(["config", key("accountCount")], FABRIKAM.accountCount);
        doc.setIn(["config", key("sentinel"), "resourceGroupName"], FABRIKAM.sentinel.resourceGroupName);
        doc.setIn(["config", key("sentinel"), "workspaceName"], FABRIKAM.sentinel.workspaceName);
        // Replaced whole: the copy's receivers are fabrikam's only, plus a webhook encrypted the way the README
        // says to add one (`pulumi config set --secret --path '...alerts.webhooks[0]' <url>`).
        doc.setIn(["config", key("alerts")], doc.createNode({ ...FABRIKAM.alerts, webhooks: [{ secure: ENCRYPTED_WEBHOOK }] }));
        fs.writeFileSync(copy, doc.toString());
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("the copy validates, and its plan exits 0 with 3 accounts on fabrikam, its workspace and its receivers", () => {
        const { config, plan } = checkStack({ stack: "fabrikam", configFile: copy });
        assert.equal(config.tenantDomain, FABRIKAM.tenantDomain);
        assert.equal(config.accountCount, 3);

        const users = plan.resources.filter((r: any) => r.type === TYPES.user);
        assert.equal(users.length, 3);
        const upns: string[] = users.map((u: any) => u.inputs.userPrincipalName);
        for (const upn of upns) assert.match(upn, /^[a-z][a-z0-9._-]*-[1-3]@fabrikam\.onmicrosoft\.com$/);
        assert.deepEqual(upns.map((upn) => /-(\d)@/.exec(upn)?.[1]).sort(), ["1", "2", "3"]);
        assert.deepEqual(plan.outputs.emergencyAccountUserPrincipalNames, upns);
        assert.equal(plan.resources.filter((r: any) => r.type === TYPES.randomPassword).length, 3);
        assert.equal(plan.resources.filter((r: any) => r.type === TYPES.directoryRoleAssignment).length, 3);
        assert.equal(plan.resources.find((r: any) => r.type === TYPES.group).inputs.members.length, 3);

        for (const rule of plan.resources.filter((r: any) => r.type === TYPES.scheduledAlertRule)) {
            assert.equal(rule.inputs.resourceGroupName, FABRIKAM.sentinel.resourceGroupName, rule.name);
            assert.equal(rule.inputs.workspaceName, FABRIKAM.sentinel.workspaceName, rule.name);
        }
        const group = plan.resources.find((r: any) => r.type === TYPES.actionGroup);
        assert.deepEqual(group.inputs.emailReceivers.map((r: any) => r.emailAddress), FABRIKAM.alerts.emails);
        assert.deepEqual(
            group.inputs.smsReceivers.map((r: any) => [r.countryCode, r.phoneNumber]),
            FABRIKAM.alerts.sms.map((s) => [s.countryCode, s.phoneNumber]),
        );
        assert.equal(plan.summary.mandatoryViolations, 0);
        // The encrypted webhook is planned with a stand-in that never resolves, and the plan says so.
        assert.equal(group.inputs.webhookReceivers.length, 1);
        assert.equal(group.inputs.webhookReceivers[0].serviceUri, "[secret]");
        assert.ok(plan.notes.some((note: string) => note.includes(ENCRYPTED_STAND_IN)), plan.notes.join("\n"));
        assert.ok(!JSON.stringify(plan).includes(ENCRYPTED_WEBHOOK), "the ciphertext never reaches the plan");
    });

    test("the working tree's stack file is left as it was", () => {
        assert.equal(fs.readFileSync(SOURCE_FILE, "utf8"), sourceBefore);
        assert.ok(!copy.startsWith(PROJECT_DIR), "the copy lives outside the working tree");
    });
});

describe("the stack check itself", () => {
    let dir: string;
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-check-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("refuses a stack whose values do not validate, naming the file and the key", () => {
        const file = write("Pulumi.short.yaml", `config:\n  ${CONFIG_NAMESPACE}:tenantDomain: contoso.onmicrosoft.com\n  ${CONFIG_NAMESPACE}:passwordLength: 16\n`);
        assert.throws(() => checkStack({ stack: "short", configFile: file }), (error: Error) => {
            assert.ok(error.message.startsWith(`${file} does not validate:`), error.message);
            assert.match(error.message, /passwordLength: must be at least 24 \(got 16\)/);
            return true;
        });
    });

    test("refuses a valid stack whose plan has a mandatory violation, listing it", () => {
        const file = write("Pulumi.bare.yaml", `config:\n  ${CONFIG_NAMESPACE}:tenantDomain: contoso.onmicrosoft.com\n`);
        assert.throws(() => checkStack({ stack: "bare", configFile: file }), (error: Error) => {
            assert.match(error.message, /--config-file .*Pulumi\.bare\.yaml exited 1/);
            assert.match(error.message, /\[mandatory\] emergency-access-require-presence: .*\nmissing: the Sentinel sign-in rule\./);
            return true;
        });
    });
});
