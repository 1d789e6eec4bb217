// The custody provider's crypto libraries stay off the program's start-up and the offline plan: the program
// (in sealed mode, with custodians) declares everything without loading age-encryption or shamir-secret-sharing;
// only the provider loads them, in the dynamic-provider host, when it seals.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TYPES } from "../../policies/contract/constants";
import { testRecipient } from "../helpers/custody";
import { runFixture } from "../helpers/program";
import { all, byType } from "../helpers/select";

const loaded = (name: string) => Object.keys(require.cache).some((file) => file.includes(`${"node_modules"}/${name}/`));

test("a sealed-mode program run loads neither age-encryption nor shamir-secret-sharing", async () => {
    const custodians = [0, 1, 2].map((i) => ({ name: `custodian-${i + 1}`, recipient: testRecipient(i) }));
    const run = await runFixture({ credential: { mode: "sealed-password", custodians, threshold: 2 } });
    assert.equal(all(run, byType(TYPES.passwordCustody)).length, 2);
    assert.ok(loaded("@pulumi/pulumi"), "the check itself can see loaded packages");
    assert.equal(loaded("age-encryption"), false, "age-encryption was loaded at program start-up");
    assert.equal(loaded("shamir-secret-sharing"), false, "shamir-secret-sharing was loaded at program start-up");
});
