// Attacks on the identity side of the declaration: the accounts' and the group's options, the group's members and
// owners, and Global Administrator for someone else. Each names the policy that must refuse it.
import { EMERGENCY_ACCESS_TYPE, STACK_OUTPUTS, TYPES } from "../../../policies/contract/constants";
import { add, all, change, newResource, plainOutput, withOptions } from "../mutations";
import { byName, byType, one } from "../select";
import type { Attack } from "./attack";

const OUTSIDER = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

export const IDENTITY_ATTACKS: Attack[] = [
    {
        name: "ignoreChanges: [\"accountEnabled\"] on an account",
        mutate: withOptions(byName("account-1"), { ignoreChanges: ["password", "accountEnabled"] }),
        policy: "emergency-resource-require-canonical-options",
    },
    {
        name: "ignoreChanges: [\"members\"] on the group",
        mutate: withOptions(byType(TYPES.group), { ignoreChanges: ["members"] }),
        policy: "emergency-resource-require-canonical-options",
    },
    {
        name: "an alias that moves an account",
        mutate: withOptions(byName("account-2"), { aliases: ["urn:pulumi:fixture::entra-emergency-access::azuread:index/user:User::old"] }),
        policy: "emergency-resource-require-canonical-options",
    },
    {
        name: "deleteBeforeReplace on the group",
        mutate: withOptions(byType(TYPES.group), { deleteBeforeReplace: true }),
        policy: "emergency-resource-require-canonical-options",
    },
    {
        name: "an extra member in the group",
        mutate: change(byType(TYPES.group), (p) => p.members.push(OUTSIDER)),
        policy: "emergency-group-require-every-account",
    },
    {
        name: "an extra member through a separate azuread.GroupMember",
        mutate: add((resources) =>
            newResource(resources, TYPES.groupMember, "helpdesk-in-emergency-group", {
                groupObjectId: plainOutput(resources, byType(TYPES.group), "objectId"),
                memberObjectId: OUTSIDER,
            }),
        ),
        policy: "emergency-access-disallow-undeclared-resources",
    },
    {
        name: "an owner on the group",
        mutate: change(byType(TYPES.group), (p) => (p.owners = [OUTSIDER])),
        policy: "emergency-group-require-canonical-declaration",
    },
    {
        name: "an extra permanent Global Administrator for another principal, inside the component",
        mutate: add((resources) => {
            const assignment = one(resources, byName("global-administrator-2"));
            const component = one(resources, byType(EMERGENCY_ACCESS_TYPE));
            const extra = newResource(resources, TYPES.directoryRoleAssignment, "emergency-access-global-administrator-3", {
                ...structuredClone(assignment.inputs),
                principalObjectId: OUTSIDER,
            }, component);
            return { ...extra, options: { ...assignment.options } };
        }),
        policy: "emergency-accounts-require-permanent-global-administrator",
    },
    {
        name: "an extra permanent Global Administrator for another principal, beside the component",
        mutate: add((resources) =>
            newResource(resources, TYPES.directoryRoleAssignment, "contractor-global-administrator", {
                ...structuredClone(one(resources, byName("global-administrator-1")).inputs),
                principalObjectId: OUTSIDER,
            }),
        ),
        policy: "emergency-access-disallow-undeclared-resources",
    },
    {
        name: "an account taken off the initial domain and renamed",
        mutate: all(change(byName("account-1"), (p) => (p.userPrincipalName = "it-admin@contoso.com"))),
        policy: "emergency-account-require-canonical-declaration",
    },
    {
        name: "an exclusion whose provider sends its token to a host outside Microsoft Graph",
        mutate: change(byType(TYPES.conditionalAccessExclusion), (p) => (p.graphEndpoint = "https://graph.attacker.example")),
        policy: "conditional-access-exclusion-require-declaration",
    },
    {
        name: "an undeclared dynamic resource running code with the deploy identity",
        mutate: add((resources) => newResource(resources, "pulumi-nodejs:dynamic:Resource", "cleanup", { enabled: true })),
        policy: "emergency-access-disallow-undeclared-resources",
    },
];

/** Attacks on the Conditional Access scope the stack declares (its conditionalAccessScope output, from the stack config). */
const scope = (value: unknown) => change(byType(TYPES.stack), (outputs) => (outputs[STACK_OUTPUTS.conditionalAccessScope] = value));

export const SCOPE_ATTACKS: Attack[] = [
    {
        name: "every Conditional Access policy skipped with a plausible reason (stack output)",
        mutate: scope({
            excludeFrom: "all",
            skip: [
                { policyId: "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47", reason: "Break-glass sign-in is covered by the SOC runbook" },
                { policyId: "0b8d4f6e-2a17-4c93-b5e8-61f0d2a9c3b4", reason: "Legacy auth is blocked at the network edge" },
            ],
        }),
        policy: "conditional-access-require-trusted-scope",
    },
    {
        name: "excludeFrom narrowed to one policy id (stack output)",
        mutate: scope({ excludeFrom: ["7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47"], skip: [] }),
        policy: "conditional-access-require-trusted-scope",
    },
    {
        name: "the Conditional Access scope output removed",
        mutate: scope(undefined),
        policy: "conditional-access-require-trusted-scope",
    },
];
