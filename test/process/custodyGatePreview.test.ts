// The credential side of the gate during a first preview, through the real pack over the Analyzer protocol: the ids
// and the generated values do not exist yet, so only the checks that need them defer (advisory, saying what); every
// credential attack that does not need a value is still a mandatory violation, so `pulumi preview` stops it too.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TYPES, UNKNOWN_VALUE } from "../../policies/contract/constants";
import type { RecordedResource } from "../../plan/recordingMonitor";
import { CREDENTIAL_ATTACKS } from "../helpers/attacks/credentials";
import { describeViolations, mandatoryOf, startGate, type Gate } from "../helpers/gate";

/** The credential policies this test speaks for. */
const CREDENTIAL_POLICIES = [
    "emergency-password-require-strength",
    "emergency-credential-require-trusted-custody",
    "emergency-credential-require-custody",
    "emergency-account-password-require-own-bootstrap",
    "emergency-password-disallow-plain-text",
];

/** What the engine sends before the first `pulumi up`: no object ids, no generated values. */
function firstPreview(resources: RecordedResource[]): RecordedResource[] {
    for (const r of resources) {
        const unknown = (keys: string[], where: Record<string, any>[]) => {
            for (const props of where) for (const key of keys) if (key in props) props[key] = UNKNOWN_VALUE;
        };
        if (r.type === TYPES.user) unknown(["objectId", "password"], [r.inputs, r.outputs]);
        if (r.type === TYPES.randomPassword) unknown(["result", "bcryptHash"], [r.outputs]);
        if (r.type === TYPES.passwordCustody) unknown(["userObjectId", "passwordSetAt"], [r.inputs, r.outputs]);
        if (r.type === TYPES.directoryRoleAssignment) unknown(["principalObjectId"], [r.inputs, r.outputs]);
    }
    return resources;
}

let gate: Gate;
before(async () => {
    gate = await startGate();
});
after(() => gate?.close());

describe("the credential policies during a first preview", () => {
    test("the unmodified stack: no mandatory credential violation; secrecy and the custody's user id deferred, saying what", async () => {
        const all = await gate.evaluate(firstPreview(gate.fixture()));
        const violations = all.filter((v) => CREDENTIAL_POLICIES.includes(v.policy));
        assert.deepEqual(violations.filter((v) => v.enforcementLevel === "mandatory"), [], describeViolations(violations));
        const deferred = violations.filter((v) => v.enforcementLevel === "advisory").map((v) => `${v.policy}: ${v.message}`);
        const secrecy = /^emergency-password-disallow-plain-text: [\s\S]*where the values of emergency-access-password-1, emergency-access-password-2 go/;
        assert.ok(deferred.some((m) => secrecy.test(m)), deferred.join("\n"));
        const custodyId = /^emergency-credential-require-trusted-custody: [\s\S]*password-custody-1's userObjectId/;
        assert.ok(deferred.some((m) => custodyId.test(m)), deferred.join("\n"));
    });

    // Leaks need a value to leak: before the first up there is none, and the stack policy judges them on `pulumi up`.
    for (const attack of CREDENTIAL_ATTACKS.filter((a) => a.policy !== "emergency-password-disallow-plain-text")) {
        test(`${attack.name}: still stopped by ${attack.policy}`, async () => {
            const violations = await gate.evaluate(attack.mutate(firstPreview(gate.fixture())));
            const stopping = mandatoryOf(violations, attack.policy);
            assert.ok(stopping.length > 0, `expected a mandatory violation of ${attack.policy}; got:\n${describeViolations(violations)}`);
        });
    }
});
