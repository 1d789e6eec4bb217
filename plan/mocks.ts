// Mocks for Pulumi's mock runtime, used by the offline plan and by the tests.
// They answer like the providers would after `pulumi up` (realistic, deterministic ids) and throw on any
// call nobody expected, so a new provider function fails loudly instead of returning nothing.
import { createHash, randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "../policies/contract/constants";

/** A stable GUID derived from a string, formatted like the object ids Entra ID returns. */
function deterministicGuid(seed: string): string {
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

/** The subscription every mocked Azure resource lives in. */
const MOCK_SUBSCRIPTION_ID = deterministicGuid("subscription");
const MOCK_LOCATION = "westeurope";

function resourceGroupId(resourceGroupName: unknown): string {
    return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${String(resourceGroupName)}`;
}

function workspaceId(resourceGroupName: unknown, workspaceName: unknown): string {
    return `${resourceGroupId(resourceGroupName)}/providers/Microsoft.OperationalInsights/workspaces/${String(workspaceName)}`;
}

const handlers: Record<string, MockHandler> = {
    [TYPES.randomPassword]: (args) => ({
        result: pulumi.secret(mockPassword(Number(args.inputs.length) || 32)),
        bcryptHash: pulumi.secret("$2a$10$mock"),
    }),
    [TYPES.user]: (_args, id) => ({ objectId: id, mail: "", onpremisesSyncEnabled: false }),
    [TYPES.group]: (_args, id) => ({ objectId: id }),
    [TYPES.directoryRole]: (_args, id) => ({ objectId: id, displayName: "Global Administrator" }),
    [TYPES.directoryRoleAssignment]: () => ({}),
    [TYPES.scheduledAlertRule]: (args, id) => ({
        id: `${workspaceId(args.inputs.resourceGroupName, args.inputs.workspaceName)}/providers/Microsoft.SecurityInsights/alertRules/${id}`,
        name: id,
    }),
    [TYPES.actionGroup]: (args) => ({
        id: `${resourceGroupId(args.inputs.resourceGroupName)}/providers/Microsoft.Insights/actionGroups/${args.name}`,
    }),
    [TYPES.scheduledQueryRule]: (args) => ({
        id: `${resourceGroupId(args.inputs.resourceGroupName)}/providers/Microsoft.Insights/scheduledQueryRules/${args.name}`,
    }),
    [TYPES.conditionalAccessExclusion]: () => ({ policyDisplayName: "" }),
    // The password is generated and sealed only on `pulumi up`; the plan shows who each envelope is for.
    [TYPES.passwordCustody]: (args) => ({
        passwordSetAt: "(set on pulumi up)",
        envelopes: ((args.inputs.custodians ?? []) as Array<{ name: string; recipient: string }>).map((custodian, i) => ({
            custodian: custodian.name,
            recipientFingerprint: `sha256:${createHash("sha256").update(custodian.recipient).digest("hex")}`,
            share: Number(args.inputs.threshold) >= 2 ? i + 1 : 0,
            armored: "(sealed on pulumi up)",
        })),
    }),
};

/** Provider functions the program is expected to call, answered as the provider would. */
const invokes: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
    "azure-native:operationalinsights:getWorkspace": (inputs) => ({
        id: workspaceId(inputs.resourceGroupName, inputs.workspaceName),
        name: inputs.workspaceName,
        location: MOCK_LOCATION,
        customerId: deterministicGuid(`workspace::${inputs.workspaceName}`),
        type: "Microsoft.OperationalInsights/workspaces",
    }),
};

/**
 * Mocks with realistic ids: Entra object ids are GUIDs derived from the resource's type and name, so a
 * plan is the same from run to run and ids can be asserted in tests.
 */
export class EmergencyAccessMocks implements pulumi.runtime.Mocks {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const guid = deterministicGuid(`${args.type}::${args.name}`);
        const handler = handlers[args.type];
        // Azure resources are known by their ARM id (a handler's `id`); Entra objects by their object id.
        const { id, ...extra } = handler ? handler(args, guid) : {};
        // Internal inputs (a dynamic provider's `__provider` source) are not state anyone reads back.
        const inputs = Object.fromEntries(Object.entries(args.inputs).filter(([key]) => !key.startsWith("__")));
        return { id: typeof id === "string" ? id : guid, state: { ...inputs, ...extra } };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const answer = invokes[args.token];
        if (!answer) throw new Error(`Unexpected provider call ${args.token}: nobody expects the program to make it.`);
        return answer(args.inputs);
    }
}
