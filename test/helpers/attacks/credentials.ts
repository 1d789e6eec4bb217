// Attacks on the credentials: the bootstrap RandomPassword, the custody resource, where a user's password comes from,
// and where a password's value may appear (issue 11, "Passwords" and "Secrets"). Each names the policy that must
// answer it with a mandatory violation. Values that stand in for passwords are generated here, never written down.
import { randomBytes } from "node:crypto";
import { EMERGENCY_ACCESS_TYPE, TYPES } from "../../../policies/contract/constants";
import type { RecordedResource } from "../../../plan/recordingMonitor";
import { add, all, change, newResource, plainOutput, type Mutation } from "../mutations";
import { byName, byType, one } from "../select";
import type { Attack } from "./attack";

/** A random stand-in value of `length` characters (URL-safe base64). */
const standIn = (length: number) => randomBytes(length).toString("base64url").slice(0, length);

/**
 * User `n`'s password set to `value` and depending on `source` only (on nothing when undefined), as the engine would
 * record a program that writes `password: value` or `password: source.result`.
 */
function feedUser(
    n: number,
    value: (resources: RecordedResource[]) => string,
    source?: (resources: RecordedResource[]) => RecordedResource,
): Mutation {
    return (resources) => {
        const user = one(resources, byName(`account-${n}`));
        const bootstrap = one(resources, byName(`password-${n}`));
        const from = source?.(resources);
        const password = value(resources);
        const options = {
            ...user.options,
            dependencies: user.options.dependencies.filter((urn) => urn !== bootstrap.urn).concat(from ? [from.urn] : []),
            propertyDependencies: { ...user.options.propertyDependencies, password: from ? [from.urn] : [] },
        };
        const fed = { ...user, options, inputs: { ...user.inputs, password }, outputs: { ...user.outputs, password } };
        return resources.map((r) => (r === user ? fed : r));
    };
}

/** A generator of `type` named `name` inside the component, with `inputs` and a stand-in `result` of `length`. */
function generatorInComponent(type: string, name: string, inputs: Record<string, unknown>, length: number): Mutation {
    return add((resources) => {
        const component = one(resources, byType(EMERGENCY_ACCESS_TYPE));
        const generator = newResource(resources, type, name, inputs, component);
        generator.outputs.result = standIn(length);
        return generator;
    });
}

const generated = (name: string) => (resources: RecordedResource[]) => one(resources, byName(name));
const resultOf = (name: string) => (resources: RecordedResource[]) => plainOutput(resources, byName(name), "result") as string;

/** The bootstrap password of account 1, as plain text, encoded by `encode`, put where `put` says. */
function leak(encode: (password: string) => unknown, put: (resources: RecordedResource[], value: unknown) => void): Mutation {
    return (resources) => {
        put(resources, encode(resultOf("password-1")(resources)));
        return resources;
    };
}
const stackOutput = (key: string) => (resources: RecordedResource[], value: unknown) => {
    one(resources, byType(TYPES.stack)).outputs[key] = value;
};
const componentOutput = (key: string) => (resources: RecordedResource[], value: unknown) => {
    one(resources, byType(EMERGENCY_ACCESS_TYPE)).outputs[key] = value;
};

const BOOTSTRAP = "emergency-password-require-strength";
const CUSTODY = "emergency-credential-require-trusted-custody";
const SOURCE = "emergency-account-password-require-own-bootstrap";
const SECRECY = "emergency-password-disallow-plain-text";

export const CREDENTIAL_ATTACKS: Attack[] = [
    // Passwords: the custody resource.
    {
        name: "the custody resource's character set narrowed to one special character",
        mutate: change(byName("password-custody-1"), (p) => (p.characterClasses = { ...p.characterClasses, special: "!" })),
        policy: CUSTODY,
    },
    {
        name: "the custody resource's character classes left out (the provider's own defaults, which the pack cannot see)",
        mutate: change(byName("password-custody-2"), (p) => delete p.characterClasses),
        policy: CUSTODY,
    },
    {
        name: "the custody resource's length below the floor",
        mutate: change(byName("password-custody-2"), (p) => (p.passwordLength = 20)),
        policy: CUSTODY,
    },
    {
        name: "the custody resource's minimum per class lowered to 0",
        mutate: change(byName("password-custody-1"), (p) => (p.minimumPerClass = 0)),
        policy: CUSTODY,
    },
    {
        name: "the custody resource's rotation label tied to a timestamp",
        mutate: change(byName("password-custody-1"), (p) => (p.rotation = "2026-11-26T09:00:00.000Z")),
        policy: CUSTODY,
    },
    {
        name: "the rotation label set to the deployed commit (a new password on every merge)",
        mutate: change(byName("password-custody-1"), (p) => (p.rotation = "4e1f9c2a8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f")),
        policy: CUSTODY,
    },
    {
        name: "the rotation label in epoch seconds",
        mutate: change(byName("password-custody-2"), (p) => (p.rotation = "1795683600")),
        policy: CUSTODY,
    },
    {
        name: "the custody resource's Graph endpoint on another host (the password is sent there)",
        mutate: change(byName("password-custody-1"), (p) => (p.graphEndpoint = "https://graph.microsoft.com.example.net")),
        policy: CUSTODY,
    },
    {
        name: "an input the custody declaration does not know",
        mutate: change(byName("password-custody-1"), (p) => (p.auditWebhook = "https://collector.example.net/hook")),
        policy: CUSTODY,
    },
    {
        name: "a custody resource that resets another user's password",
        mutate: add((resources) => {
            const template = one(resources, byName("password-custody-1"));
            const stray = structuredClone(template);
            const name = "emergency-access-password-custody-helpdesk";
            for (const props of [stray.inputs, stray.outputs]) {
                props.userObjectId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
                props.userPrincipalName = "helpdesk-admin@contoso.onmicrosoft.com";
            }
            return { ...stray, name, urn: template.urn.replace(template.name, name) };
        }),
        policy: "emergency-credential-require-custody",
    },
    // Passwords: the bootstrap RandomPassword.
    { name: "the bootstrap RandomPassword shortened", mutate: change(byName("password-1"), (p) => (p.length = 16)), policy: BOOTSTRAP },
    {
        name: "overrideSpecial: \"!\" on the bootstrap RandomPassword",
        mutate: change(byName("password-2"), (p) => (p.overrideSpecial = "!")),
        policy: BOOTSTRAP,
    },
    {
        name: "keepers on the bootstrap RandomPassword (a new password on every deploy)",
        mutate: change(byName("password-1"), (p) => (p.keepers = { deployedAt: "2026-11-26T09:00:00Z" })),
        policy: BOOTSTRAP,
    },
    // Passwords: where the user's password comes from.
    { name: "a hard-coded password on a user", mutate: feedUser(1, () => standIn(24)), policy: SOURCE },
    {
        name: "a random.RandomString(8) as a user's password",
        mutate: all(
            generatorInComponent(TYPES.randomString, "emergency-access-pin-1", { length: 8, special: false }, 8),
            feedUser(1, resultOf("emergency-access-pin-1"), generated("emergency-access-pin-1")),
        ),
        policy: SOURCE,
    },
    {
        name: "a second RandomPassword feeding a user",
        mutate: all(
            (resources) => {
                const declared = structuredClone(one(resources, byName("password-2")).inputs);
                return generatorInComponent(TYPES.randomPassword, "emergency-access-password-2-next", declared, 32)(resources);
            },
            feedUser(2, resultOf("emergency-access-password-2-next"), generated("emergency-access-password-2-next")),
        ),
        policy: SOURCE,
    },
    {
        name: "another account's bootstrap feeding a user",
        mutate: feedUser(1, resultOf("password-2"), generated("emergency-access-password-2")),
        policy: SOURCE,
    },
    // Secrets: a password-bearing value anywhere but its one allowed place.
    {
        name: "the bootstrap password's value, unsecret, in a stack output",
        mutate: leak((p) => p, stackOutput("emergencyBootstrapPassword")),
        policy: SECRECY,
    },
    {
        name: "the bootstrap password's value in the component's registered outputs",
        mutate: leak((p) => [p], componentOutput("bootstrapPasswords")),
        policy: SECRECY,
    },
    {
        name: "the bootstrap password base64-encoded under another output",
        mutate: leak((p) => Buffer.from(p).toString("base64"), stackOutput("recoveryBlob")),
        policy: SECRECY,
    },
    {
        name: "the bootstrap password hex-encoded in the component's outputs",
        mutate: leak((p) => ({ blob: Buffer.from(p).toString("hex") }), componentOutput("diagnostics")),
        policy: SECRECY,
    },
    {
        name: "the bootstrap password reversed in another resource's input",
        mutate: leak(
            (p) => [...p].reverse().join(""),
            (resources, value) => {
                const custody = one(resources, byName("password-custody-2"));
                custody.inputs.userPrincipalName = `${custody.inputs.userPrincipalName}#${value}`;
                custody.outputs.userPrincipalName = custody.inputs.userPrincipalName;
            },
        ),
        policy: SECRECY,
    },
];
