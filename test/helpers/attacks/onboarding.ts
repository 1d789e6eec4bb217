// Attacks on fail-closed onboarding: each account's role must wait for its passkey requirement, and the requirement
// must ask for at least the trusted number of device-bound keys. Each names the policy that must refuse it.
import type { RecordedResource } from "../../../plan/recordingMonitor";
import { change, remove, withOptions, type Mutation } from "../mutations";
import { byName, one } from "../select";
import type { Attack } from "./attack";

const OUTSIDER = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/** Global Administrator assignment `n` no longer waiting for its account's passkey requirement. */
function assignWithoutWaiting(n: number): Mutation {
    return (resources: RecordedResource[]) => {
        const requirement = one(resources, byName(`passkey-requirement-${n}`));
        const assignment = one(resources, byName(`global-administrator-${n}`));
        const dependencies = assignment.options.dependencies.filter((urn) => urn !== requirement.urn);
        return withOptions(byName(`global-administrator-${n}`), { dependencies })(resources);
    };
}

export const ONBOARDING_ATTACKS: Attack[] = [
    {
        name: "one passkey per account instead of two",
        mutate: change(byName("passkey-requirement-1"), (p) => (p.minimumPasskeys = 1)),
        policy: "emergency-passkey-requirement-require-declaration",
    },
    {
        name: "a passkey requirement that counts nothing (method none)",
        mutate: change(byName("passkey-requirement-2"), (p) => (p.method = "none")),
        policy: "emergency-passkey-requirement-require-declaration",
    },
    {
        name: "the passkey requirement of account 2 deleted from the program",
        mutate: remove(byName("passkey-requirement-2")),
        policy: "emergency-roles-require-passkey-requirement",
    },
    {
        name: "Global Administrator assigned without waiting for the account's passkeys",
        mutate: assignWithoutWaiting(1),
        policy: "emergency-roles-require-passkey-requirement",
    },
    {
        name: "the requirement pointed at another user, whose keys it counts instead",
        mutate: change(byName("passkey-requirement-1"), (p) => (p.userObjectId = OUTSIDER)),
        policy: "emergency-roles-require-passkey-requirement",
    },
    {
        name: "ignoreChanges: [\"minimumPasskeys\"] on a requirement",
        mutate: withOptions(byName("passkey-requirement-1"), { ignoreChanges: ["minimumPasskeys"] }),
        policy: "emergency-resource-require-canonical-options",
    },
    {
        name: "a requirement without protect",
        mutate: withOptions(byName("passkey-requirement-2"), { protect: false }),
        policy: "emergency-resource-require-canonical-options",
    },
];
