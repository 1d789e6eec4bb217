// Mocks for Pulumi's mock runtime, used by the offline plan and by the tests.
// They answer like the providers would after `pulumi up` (realistic, deterministic ids) and throw on any
// call nobody expected, so a new provider function fails loudly instead of returning nothing.
import { createHash, randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "../common/constants";

/** A stable GUID derived from a string, formatted like the object ids Entra ID returns. */
export function deterministicGuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    // Version 5-style layout: the id reads like a real GUID and never collides across names.
    return [
        hex.slice(0, 8),
        hex.slice(8, 12),
        `5${hex.slice(13, 16)}`,
        `${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
        hex.slice(20, 32),
    ].join("-");
}

/**
 * A stand-in for a generated password: random for each run, so it cannot be written down anywhere,
 * and returned as a secret, as the real provider's `additionalSecretOutputs` would make it.
 */
function mockPassword(length: number): string {
    return randomBytes(length).toString("base64url").slice(0, length);
}

type State = Record<string, unknown>;
type MockHandler = (args: pulumi.runtime.MockResourceArgs, id: string) => State;

const handlers: Record<string, MockHandler> = {
    [TYPES.randomPassword]: (args) => ({
        result: pulumi.secret(mockPassword(Number(args.inputs.length) || 32)),
        bcryptHash: pulumi.secret("$2a$10$mock"),
    }),
    [TYPES.user]: (_args, id) => ({ objectId: id, mail: "", onpremisesSyncEnabled: false }),
    [TYPES.group]: (_args, id) => ({ objectId: id }),
    [TYPES.directoryRole]: (_args, id) => ({ objectId: id, displayName: "Global Administrator" }),
    [TYPES.directoryRoleAssignment]: () => ({}),
};

/**
 * Mocks with realistic ids: Entra object ids are GUIDs derived from the resource's type and name, so a
 * plan is the same from run to run and ids can be asserted in tests.
 */
export class EmergencyAccessMocks implements pulumi.runtime.Mocks {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const id = deterministicGuid(`${args.type}::${args.name}`);
        const handler = handlers[args.type];
        const extra = handler ? handler(args, id) : {};
        return { id, state: { ...args.inputs, ...extra } };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        throw new Error(`Unexpected provider call ${args.token}: the program should make no invokes.`);
    }
}
