// What every policy needs: telling emergency resources apart, reading props without tripping over
// preview's unknown values, and the shared config parameters. Imports nothing of the program.
import type { PolicyConfigSchema, PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { DEFAULTS, EMERGENCY_ACCESS_TYPE, LIMITED_ACCOUNT_KEY, TYPES, UNKNOWN_VALUE } from "../contract/constants";
import { judgeInputs, type InputDeclaration } from "../contract/declaration/inputs";

// @pulumi/policy reports an UnknownValueError thrown by a policy as an advisory "can't run during
// preview". The class is internal (its typings export nothing), so it is required untyped; the server
// checks `instanceof` against this very module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError, unknownStringValue } = require("@pulumi/policy/proxy") as {
    UnknownValueError: new (sentinel: string, path: string[]) => Error;
    unknownStringValue: string;
};

/** The sentinels the engine and @pulumi/policy use for values unknown during preview. */
const UNKNOWN_SENTINELS = new Set([
    UNKNOWN_VALUE,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** True when the value, or anything inside it, is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/**
 * The plain object behind @pulumi/policy's unknown-checking proxy. Policies read it and decide
 * themselves what an unknown value means, instead of being aborted at the first one.
 */
export function rawProps(props: Record<string, any>): Record<string, any> {
    return (props as any)?.__getSpecialProxyTarget ?? props;
}

/**
 * Ends a check whose verdict needs values only `pulumi up` knows. @pulumi/policy reports it as an
 * advisory "can't run policy ... during preview: <what> can't be known during preview", after every
 * violation already found; the mandatory verdict comes on `pulumi up`.
 */
export function deferUntilKnown(what: string): never {
    throw new UnknownValueError(unknownStringValue, [`${what} (checked on pulumi up, once the ids exist)`]);
}

/** Types in a URN's type chain (`parent$child$resource`): the last is the resource's own type. */
function typeChain(urn: string): string[] {
    return (urn.split("::")[2] ?? "").split("$");
}

/** True for a resource declared inside the EmergencyAccess component. */
export function isEmergencyChild(urn: string): boolean {
    const chain = typeChain(urn);
    return chain.slice(0, -1).includes(EMERGENCY_ACCESS_TYPE);
}

/** The resource's name: the last part of its URN. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** Policy parameters that recognise emergency accounts declared outside the component. */
export interface AccountRecognition {
    /** User principal names of emergency accounts, wherever they are declared. */
    readonly userPrincipalNames?: string[];
    /** Accounts named `<prefix>-<n>@...` are emergency accounts. */
    readonly accountPrefix?: string;
}

export const ACCOUNT_RECOGNITION_SCHEMA: PolicyConfigSchema["properties"] = {
    userPrincipalNames: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "User principal names of emergency accounts, also when declared outside the EmergencyAccess component.",
    },
    accountPrefix: {
        type: "string",
        default: DEFAULTS.accountPrefix,
        description: "Users named <accountPrefix>-<n>@<domain> are treated as emergency accounts.",
    },
};

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when a user (its URN and raw props) is an emergency account: by component, listed UPN or prefix. */
export function isEmergencyUser(urn: string, props: Record<string, any>, config: AccountRecognition): boolean {
    if (isEmergencyChild(urn)) return true;
    const upn = props.userPrincipalName;
    if (typeof upn !== "string" || isUnknown(upn)) return false;
    const listed = (config.userPrincipalNames ?? []).map((u) => u.toLowerCase());
    if (listed.includes(upn.toLowerCase())) return true;
    const prefix = config.accountPrefix ?? DEFAULTS.accountPrefix;
    return new RegExp(`^${escapeRegExp(prefix)}-(?:\\d+|${LIMITED_ACCOUNT_KEY})@`, "i").test(upn);
}

/**
 * True for the limited recovery account: the component's `<component>-account-limited`, or a user named
 * `<prefix>-limited@...`. It holds the limited roles, never Global Administrator, and never counts toward the minimum.
 */
export function isLimitedAccount(urn: string, userPrincipalName: unknown, config: AccountRecognition): boolean {
    if (urnName(urn).endsWith(`-account-${LIMITED_ACCOUNT_KEY}`)) return true;
    const prefix = config.accountPrefix ?? DEFAULTS.accountPrefix;
    return typeof userPrincipalName === "string" && new RegExp(`^${escapeRegExp(prefix)}-${LIMITED_ACCOUNT_KEY}@`, "i").test(userPrincipalName);
}

/** An emergency account as the stack policies see it. */
export interface EmergencyAccount {
    readonly urn: string;
    readonly userPrincipalName: string;
    /** The user's object id; undefined while unknown (preview before the user exists). */
    readonly objectId?: string;
    /** True for the limited recovery account (isLimitedAccount). */
    readonly limited: boolean;
}

export function emergencyAccounts(resources: readonly PolicyResource[], config: AccountRecognition): EmergencyAccount[] {
    return resources
        .filter((r) => r.type === TYPES.user)
        .map((r) => ({ urn: r.urn, props: rawProps(r.props) }))
        .filter(({ urn, props }) => isEmergencyUser(urn, props, config))
        .map(({ urn, props }) => ({
            urn,
            userPrincipalName: String(props.userPrincipalName),
            objectId: typeof props.objectId === "string" && !isUnknown(props.objectId) ? props.objectId : undefined,
            limited: isLimitedAccount(urn, props.userPrincipalName, config),
        }));
}

/** Policy parameters that recognise the emergency accounts and their group wherever they are declared. */
export interface Recognition extends AccountRecognition {
    /** Display name of the emergency group. */
    readonly groupDisplayName?: string;
}

export const RECOGNITION_SCHEMA: PolicyConfigSchema["properties"] = {
    ...ACCOUNT_RECOGNITION_SCHEMA,
    groupDisplayName: {
        type: "string",
        default: DEFAULTS.groupDisplayName,
        description: "Display name of the emergency group, also when declared outside the EmergencyAccess component.",
    },
};

/** The emergency group: the component's group, or one with the configured display name. */
export function emergencyGroup(
    resources: readonly PolicyResource[],
    config: Recognition,
): { urn: string; props: Record<string, any> } | undefined {
    const displayName = config.groupDisplayName ?? DEFAULTS.groupDisplayName;
    return resources
        .filter((r) => r.type === TYPES.group)
        .map((r) => ({ urn: r.urn, props: rawProps(r.props) }))
        .find(({ urn, props }) => isEmergencyChild(urn) || props.displayName === displayName);
}

/** The raw props of the resource under validation when it is an emergency account, else undefined. */
export function emergencyUserProps(args: ResourceValidationArgs): Record<string, any> | undefined {
    if (args.type !== TYPES.user) return undefined;
    const props = rawProps(args.props);
    return isEmergencyUser(args.urn, props, args.getConfig<AccountRecognition>()) ? props : undefined;
}


/**
 * Judges a resource's inputs against its declaration: every problem is a violation naming the resource, and inputs
 * not known yet (preview) end the check with a deferral naming them, after everything known was judged.
 */
export function enforceDeclaration(
    name: string,
    props: Record<string, unknown>,
    declaration: InputDeclaration,
    reportViolation: (message: string) => void,
): void {
    const verdict = judgeInputs(props, declaration, containsUnknown);
    for (const problem of verdict.problems) reportViolation(`${name}: ${problem}`);
    if (verdict.unknown.length > 0) deferUntilKnown(`${name}'s ${verdict.unknown.join(", ")}`);
}

/**
 * The resources among `candidates` (custody resources, passkey requirements) that belong to `account`: by their
 * `userObjectId` once both ids are known, else by their `userPrincipalName`.
 */
export function resourcesOfAccount(
    candidates: readonly PolicyResource[],
    account: { readonly userPrincipalName: string; readonly objectId?: string },
): PolicyResource[] {
    return candidates.filter((r) => {
        const props = rawProps(r.props);
        if (account.objectId && typeof props.userObjectId === "string" && !isUnknown(props.userObjectId)) {
            return props.userObjectId.toLowerCase() === account.objectId.toLowerCase();
        }
        return String(props.userPrincipalName).toLowerCase() === account.userPrincipalName.toLowerCase();
    });
}

/**
 * The role assignments among `assignments` that grant `account` a role: by principal id once known, else by their
 * dependency on the user.
 */
export function assignmentsOfAccount(
    assignments: readonly PolicyResource[],
    account: { readonly urn: string; readonly objectId?: string },
): PolicyResource[] {
    return assignments.filter((r) => {
        const principal = rawProps(r.props).principalObjectId;
        if (account.objectId && typeof principal === "string" && !isUnknown(principal)) {
            return principal.toLowerCase() === account.objectId.toLowerCase();
        }
        return r.dependencies.some((d) => d.urn === account.urn);
    });
}
