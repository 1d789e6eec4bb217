// The attack matrix's shape, through the real pack over the Analyzer protocol: the unmodified fixture stack draws
// no violation with the trusted pack config the repository ships, and every attack of test/helpers/attacks/ has its
// own name and names a policy the pack serves. Each attack itself runs once, in ./packedPolicyPack.test.ts, against
// the in-repo sources, the packed tarball and the plan's pack at once: there it must draw a mandatory violation from
// that policy, and all three must agree.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ATTACKS } from "../helpers/attacks";
import { describeViolations, startGate, type Gate } from "../helpers/gate";

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
});
