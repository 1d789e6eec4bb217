// The attack matrix through the real pack over the Analyzer protocol: every weakening change of
// test/helpers/attacks/ must draw a mandatory violation from the policy that guards it, and the unmodified
// fixture stack none, with the trusted pack config the repository ships.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ATTACKS } from "../helpers/attacks";
import { describeViolations, mandatoryOf, startGate, type Gate } from "../helpers/gate";

let gate: Gate;
before(async () => {
    gate = await startGate();
});
after(() => gate?.close());

describe("the gate over the Analyzer protocol, with the trusted pack config", () => {
    test("the unmodified fixture stack has no violation", async () => {
        const violations = await gate.evaluate(gate.fixture());
        assert.deepEqual(violations, [], describeViolations(violations));
    });

    test("every attack has a distinct name and names a policy the pack serves", () => {
        assert.equal(new Set(ATTACKS.map((a) => a.name)).size, ATTACKS.length);
        const served = new Set(gate.info.policies.map((p) => p.name));
        for (const attack of ATTACKS) assert.ok(served.has(attack.policy), `${attack.name}: no policy ${attack.policy}`);
    });

    for (const attack of ATTACKS) {
        test(`${attack.name}: stopped by ${attack.policy}`, async () => {
            if (attack.policyConfig) await gate.configure(attack.policyConfig);
            try {
                const violations = await gate.evaluate(attack.mutate(gate.fixture()));
                const stopping = mandatoryOf(violations, attack.policy);
                assert.ok(stopping.length > 0, `expected a mandatory violation of ${attack.policy}; got:\n${describeViolations(violations)}`);
                assert.ok(stopping.every((v) => v.urn), "every violation names a resource or the stack");
            } finally {
                if (attack.policyConfig) await gate.configure();
            }
        });
    }
});
