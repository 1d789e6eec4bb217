// The real policy pack, served in its own process and driven over the Analyzer protocol exactly as the
// Pulumi CLI drives it: its metadata, the clean fixture stack, policy config and a first preview. The attack
// matrix runs in ./packedPolicyPack.test.ts.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { TYPES, UNKNOWN_VALUE as UNKNOWN } from "../../policies/contract/constants";
import { policies } from "../../policies/policies";
import { POLICY_PACK_DIR, PolicyPackProcess, evaluatePolicies, type PackInfo } from "../../plan/policyPack";
import type { RecordedResource } from "../../plan/recordingMonitor";
import { fixturePolicies } from "../helpers/caSnapshot";
import { addCaPolicy, plainId } from "../helpers/attacks/baseline";
import { change } from "../helpers/mutations";
import { runFixture } from "../helpers/program";
import { byName, byType, one } from "../helpers/select";

let pack: PolicyPackProcess;
let info: PackInfo;
let fixture: RecordedResource[];

before(async () => {
    pack = await PolicyPackProcess.start(POLICY_PACK_DIR);
    info = await pack.info();
    await pack.configure({}, info);
    fixture = (await runFixture({}, { conditionalAccessPolicies: fixturePolicies })).resources;
});
after(() => pack?.close());

const copy = () => structuredClone(fixture);

describe("the policy pack over the Analyzer protocol", () => {
    test("serves every policy of policies.ts, mandatory by default, with its version from package.json", () => {
        const version = JSON.parse(fs.readFileSync(path.join(POLICY_PACK_DIR, "package.json"), "utf8")).version;
        assert.equal(info.name, "entra-emergency-access");
        assert.equal(info.version, version);
        assert.deepEqual(info.policies.map((p) => p.name).sort(), policies.map((p) => p.name).sort());
        for (const policy of info.policies) assert.equal(policy.enforcementLevel, "mandatory", policy.name);
    });

    test("every policy has a kebab-case name, a description in sentences, a severity and remediation steps", () => {
        for (const policy of policies) {
            assert.match(policy.name, /^[a-z]+(-[a-z]+)+$/, policy.name);
            assert.match(policy.description, /^[A-Z].{40,}\.$/s, policy.name);
            assert.ok(policy.severity, `${policy.name} has no severity`);
            assert.ok(policy.remediationSteps, `${policy.name} has no remediation steps`);
        }
        assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
    });

    test("the unmodified fixture stack has no violation and needs no remediation", async () => {
        assert.deepEqual(await evaluatePolicies(pack, copy()), { violations: [], remediations: [] });
    });
});

describe("policy config over the protocol", () => {
    after(() => pack.configure({}, info));

    test("an enforcement level from config turns a mandatory violation advisory", async () => {
        await pack.configure({ "emergency-account-require-canonical-declaration": "advisory" }, info);
        const { violations } = await evaluatePolicies(pack, change(byName("account-1"), (p) => (p.accountEnabled = false))(copy()));
        assert.deepEqual(
            violations.map((v) => [v.policy, v.enforcementLevel]),
            [["emergency-account-require-canonical-declaration", "advisory"]],
        );
    });

    test("parameters come from config: a longer minimum password", async () => {
        await pack.configure(
            {
                "emergency-password-require-strength": { minimumPasswordLength: 40 },
                "emergency-credential-require-trusted-custody": { minimumPasswordLength: 40 },
            },
            info,
        );
        const { violations } = await evaluatePolicies(pack, copy());
        assert.equal(violations.filter((v) => v.policy === "emergency-password-require-strength").length, 2, "2 bootstrap passwords");
        assert.equal(violations.filter((v) => v.policy === "emergency-credential-require-trusted-custody").length, 2, "2 custody resources");
    });

    test("the trusted pack config decides the custody modes: passkey only refuses sealed mode", async () => {
        await pack.configure({ "emergency-credential-require-trusted-custody": { allowedModes: ["passkey"] } }, info);
        const sealed = change(byName("password-custody-1"), (p) => {
            p.mode = "sealed-password";
            p.custodians = [
                { name: "alice", recipient: `age1${"q".repeat(58)}` },
                { name: "bob", recipient: `age1${"p".repeat(58)}` },
            ];
            p.threshold = 2;
        });
        assert.deepEqual((await evaluatePolicies(pack, copy())).violations, []);
        const { violations } = await evaluatePolicies(pack, sealed(copy()));
        assert.deepEqual(
            violations.map((v) => [v.policy, v.enforcementLevel]),
            [["emergency-credential-require-trusted-custody", "mandatory"]],
        );
    });

    test("with enforcement remediate, the CA policy rule adds the missing exclusions itself", async () => {
        const stack = copy();
        const ids = [plainId(stack, "account-1"), plainId(stack, "account-2")];
        await pack.configure(
            {
                "conditional-access-policy-require-emergency-exclusion": { enforcementLevel: "remediate", accountObjectIds: ids },
                // The stack's own CA policy is outside the declaration: the trusted config must allow it by name.
                "emergency-access-disallow-undeclared-resources": { allowedResources: ["mfa-all"] },
            },
            info,
        );
        const { violations, remediations } = await evaluatePolicies(pack, addCaPolicy(() => [])(stack));
        assert.deepEqual(
            remediations.map((r) => [r.policy, r.urn.split("::").pop()]),
            [["conditional-access-policy-require-emergency-exclusion", "mfa-all"]],
        );
        assert.deepEqual(violations, [], "after remediation nothing is left to report");
    });

    test("the example config for other stacks is valid and leaves only the remediating CA policy on", async () => {
        const example = JSON.parse(fs.readFileSync(path.join(POLICY_PACK_DIR, "examples", "other-stacks.json"), "utf8"));
        await pack.configure(example, info);
        assert.equal(pack.remediating, true);
        const { violations, remediations } = await evaluatePolicies(pack, addCaPolicy(() => [])(copy()));
        assert.deepEqual(violations, [], "every stack-specific policy is off");
        assert.equal(remediations.length, 1, "the CA policy gets the (placeholder) ids added");
    });

    test("unknown policies and parameters are refused", async () => {
        await assert.rejects(pack.configure({ "no-such-policy": "advisory" }, info), /unknown policy "no-such-policy"/);
        await assert.rejects(
            pack.configure({ "emergency-password-require-strength": { minimumLenght: 30 } }, info),
            /unknown parameter "minimumLenght"/,
        );
    });
});

describe("a first preview, when the accounts' ids are unknown", () => {
    test("checks what it can, and defers the rest as advisory with the reason", async () => {
        const stack = copy();
        for (const user of stack.filter(byType(TYPES.user))) user.outputs.objectId = UNKNOWN;
        const group = one(stack, byType(TYPES.group));
        group.inputs.members = [UNKNOWN, UNKNOWN];
        group.outputs.members = [UNKNOWN, UNKNOWN];
        group.inputs.assignableToRole = false;
        group.outputs.assignableToRole = false;
        const { violations } = await evaluatePolicies(pack, stack);
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(
            mandatory.map((v) => v.policy).sort(),
            ["emergency-group-require-canonical-declaration", "emergency-group-require-every-account"],
            "the known flag is still judged, per resource and per stack",
        );
        const deferred = violations.filter((v) => v.enforcementLevel === "advisory");
        assert.ok(deferred.some((v) => /during preview: .*checked on pulumi up/.test(v.message)), JSON.stringify(deferred, null, 1));
    });
});

