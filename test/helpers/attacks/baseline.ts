// The attacks the gate has stopped since before issue 11: weakening changes to a recorded fixture stack, each
// with the policy that must answer it with a mandatory violation. Moved here from the pack's process test so the
// in-repo pack and the packed tarball are judged by one list (./index.ts).
import { GLOBAL_ADMINISTRATOR_TEMPLATE_ID, TYPES } from "../../../policies/contract/constants";
import type { RecordedResource } from "../../../plan/recordingMonitor";
import { toPlainValue } from "../../../plan/serialized";
import { FIXTURE_STACK } from "../fixtures";
import { change, remove, withOptions } from "../mutations";
import { byName, byType, one, type Match } from "../select";
import type { Attack } from "./attack";

/** The resource declared without `protect`. */
const unprotect = (match: Match) => withOptions(match, { protect: false });

export function plainId(resources: RecordedResource[], suffix: string): string {
    return toPlainValue(one(resources, byName(suffix)).outputs.objectId) as string;
}

/** Adds an azuread.ConditionalAccessPolicy declared in the stack with the given user exclusions. */
export function addCaPolicy(excludedUsers: (resources: RecordedResource[]) => string[]) {
    return (resources: RecordedResource[]) => {
        const stack = one(resources, byType(TYPES.stack));
        const props = {
            displayName: "Require MFA for all users",
            state: "enabled",
            conditions: {
                clientAppTypes: ["all"],
                applications: { includedApplications: ["All"] },
                users: { includedUsers: ["All"], excludedUsers: excludedUsers(resources) },
            },
            grantControls: { operator: "OR", builtInControls: ["mfa"] },
        };
        resources.push({
            urn: `urn:pulumi:${FIXTURE_STACK}::entra-emergency-access::azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy::mfa-all`,
            type: TYPES.conditionalAccessPolicy,
            name: "mfa-all",
            parent: stack.urn,
            custom: true,
            inputs: props,
            outputs: { ...props, id: "0d3b0f3e-64a1-4f0c-9f55-0a3c8f1c2b7e" },
            options: { ...one(resources, byType(TYPES.group)).options, protect: false, retainOnDelete: undefined, dependencies: [], propertyDependencies: {} },
        });
        return resources;
    };
}

function eligibilityInsteadOfAssignment(resources: RecordedResource[]) {
    const assignment = one(resources, byName("global-administrator-1"));
    const props = {
        principalId: plainId(resources, "account-1"),
        roleDefinitionId: GLOBAL_ADMINISTRATOR_TEMPLATE_ID,
        directoryScopeId: "/",
        justification: "Move emergency access to PIM",
    };
    const request: RecordedResource = {
        ...structuredClone(assignment),
        type: TYPES.directoryRoleEligibilityScheduleRequest,
        name: "emergency-access-eligible-1",
        urn: assignment.urn
            .replace("directoryRoleAssignment:DirectoryRoleAssignment", "directoryRoleEligibilityScheduleRequest:DirectoryRoleEligibilityScheduleRequest")
            .replace("global-administrator-1", "eligible-1"),
        inputs: props,
        outputs: props,
    };
    return resources.filter((r) => r !== assignment).concat(request);
}

function exportPasswordInPlain(resources: RecordedResource[]) {
    const password = toPlainValue(one(resources, byName("password-1")).outputs.result);
    one(resources, byType(TYPES.stack)).outputs.breakGlassPassword = password;
    return resources;
}

/** The Global Administrator assignment of account `n` declared without its dependency on the custody resource. */
const assignmentWithoutCustody = (n: number) => (resources: RecordedResource[]) => {
    const custody = one(resources, byName(`password-custody-${n}`));
    return resources.map((r) =>
        r.name.endsWith(`global-administrator-${n}`)
            ? { ...r, options: { ...r.options, dependencies: r.options.dependencies.filter((urn) => urn !== custody.urn) } }
            : r,
    );
};

/** The user of account `n` declared without ignoreChanges on its bootstrap password. */
const userWithoutIgnoreChanges = (n: number) => (resources: RecordedResource[]) =>
    resources.map((r) => (r.name.endsWith(`account-${n}`) ? { ...r, options: { ...r.options, ignoreChanges: [] } } : r));

/** The custody resource of account 1 sealing to one custodian with threshold 1. */
const sealToOne = change(byName("password-custody-1"), (p) => {
    p.mode = "sealed-password";
    p.custodians = [{ name: "alice", recipient: `age1${"q".repeat(58)}` }];
    p.threshold = 1;
});

const appendToQuery = (suffix: string, text: string) => change(byName(suffix), (p) => (p.query = `${p.query}${text}`));

/** Each weakening change, the policy that must stop it. */
const TABLE: Array<[string, (resources: RecordedResource[]) => RecordedResource[], string]> = [
    ["password length 23", change(byName("password-1"), (p) => (p.length = 23)), "emergency-password-require-strength"],
    ["special characters off", change(byName("password-1"), (p) => (p.special = false)), "emergency-password-require-strength"],
    ["minimum upper-case set to 0", change(byName("password-2"), (p) => (p.minUpper = 0)), "emergency-password-require-strength"],
    ["account disabled", change(byName("account-1"), (p) => (p.accountEnabled = false)), "emergency-account-require-canonical-declaration"],
    ["forced password change", change(byName("account-1"), (p) => (p.forcePasswordChange = true)), "emergency-account-require-canonical-declaration"],
    ["password expiry on", change(byName("account-2"), (p) => (p.disablePasswordExpiration = false)), "emergency-account-require-canonical-declaration"],
    ["weak passwords allowed", change(byName("account-1"), (p) => (p.disableStrongPassword = true)), "emergency-account-require-canonical-declaration"],
    ["an on-premises immutable id", change(byName("account-2"), (p) => (p.onpremisesImmutableId = "bXlJbW11dGFibGVJZA==")), "emergency-account-require-canonical-declaration"],
    ["a custom-domain UPN", change(byName("account-1"), (p) => (p.userPrincipalName = "breakglass-1@contoso.com")), "emergency-account-require-canonical-declaration"],
    ["protect off on an account", unprotect(byName("account-2")), "emergency-resource-require-canonical-options"],
    ["protect off on the group", unprotect(byType(TYPES.group)), "emergency-resource-require-canonical-options"],
    ["one role assignment removed", remove(byName("global-administrator-2")), "emergency-accounts-require-permanent-global-administrator"],
    ["another role template", change(byName("global-administrator-1"), (p) => (p.roleId = "e8611ab8-c189-46e8-94e1-60213ab1f814")), "emergency-role-require-global-administrator"],
    ["a narrower scope", change(byName("global-administrator-2"), (p) => (p.directoryScopeId = "/administrativeUnits/5d5c3b1a-9f2e-4a57-8c61-2e0b7d4f9a13")), "emergency-role-require-global-administrator"],
    ["an eligibility request instead of the assignment", eligibilityInsteadOfAssignment, "emergency-accounts-require-permanent-global-administrator"],
    ["the group removed", remove(byType(TYPES.group)), "emergency-access-require-presence"],
    ["the group not role-assignable", change(byType(TYPES.group), (p) => (p.assignableToRole = false)), "emergency-group-require-every-account"],
    ["an account missing from the group", change(byType(TYPES.group), (p) => p.members.pop()), "emergency-group-require-every-account"],
    ["a CA policy without the exclusion", addCaPolicy(() => []), "conditional-access-require-emergency-exclusions"],
    ["a CA policy excluding only one account", addCaPolicy((rs) => [plainId(rs, "account-1")]), "conditional-access-require-emergency-exclusions"],
    ["an exclusion resource missing an account", change(byType(TYPES.conditionalAccessExclusion), (p) => p.userIds.pop()), "conditional-access-require-emergency-exclusions"],
    ["the sign-in rule disabled", change(byName("-sign-in-rule"), (p) => (p.enabled = false)), "emergency-sentinel-rules-require-declaration"],
    ["the sign-in rule's severity lowered", change(byName("-sign-in-rule"), (p) => (p.severity = "Low")), "emergency-sentinel-rules-require-declaration"],
    ["the sign-in rule every PT1H", change(byName("-sign-in-rule"), (p) => (p.queryFrequency = "PT1H")), "emergency-sentinel-rules-require-declaration"],
    ["suppression on", change(byName("-sign-in-rule"), (p) => (p.suppressionEnabled = true)), "emergency-sentinel-rules-require-declaration"],
    ["incidents off", change(byName("-sign-in-rule"), (p) => (p.incidentConfiguration.createIncident = false)), "emergency-sentinel-rules-require-declaration"],
    [
        "the query not mentioning an account",
        (rs) => change(byName("-sign-in-rule"), (p) => (p.query = p.query.replaceAll(plainId(rs, "account-2"), "00000000-0000-0000-0000-000000000000")))(rs),
        "emergency-monitoring-require-every-account",
    ],
    ["a ResultType == 0 filter that hides failures", appendToQuery("-sign-in-rule", "\n| where ResultType == 0"), "emergency-sentinel-rules-require-declaration"],
    ["a query that does not parse", appendToQuery("-sign-in-rule", "\n| where NoSuchColumn == 1"), "emergency-sentinel-rules-require-declaration"],
    ["the change rule removed", remove(byName("-change-rule")), "emergency-access-require-presence"],
    ["the change rule disabled", change(byName("-change-rule"), (p) => (p.enabled = false)), "emergency-sentinel-rules-require-declaration"],
    ["the action group disabled", change(byType(TYPES.actionGroup), (p) => (p.enabled = false)), "emergency-action-group-require-declaration"],
    ["the direct sign-in alert removed", remove(byName("-sign-in-alert")), "emergency-access-require-presence"],
    ["the non-interactive sign-in alert removed", remove(byName("-non-interactive-alert")), "emergency-access-require-presence"],
    ["a password exported as a plain output", exportPasswordInPlain, "emergency-password-disallow-plain-text"],
    ["a custody resource removed", remove(byName("password-custody-2")), "emergency-credential-require-custody"],
    ["a custody resource removed (presence)", remove(byName("password-custody-1")), "emergency-access-require-presence"],
    ["the role assigned before custody replaced the bootstrap", assignmentWithoutCustody(1), "emergency-credential-require-custody"],
    ["a user that would take its bootstrap password back", userWithoutIgnoreChanges(2), "emergency-credential-require-custody"],
    ["a sealed password one custodian opens alone", sealToOne, "emergency-credential-require-trusted-custody"],
    ["an unknown custody mode", change(byName("password-custody-2"), (p) => (p.mode = "plain-text")), "emergency-credential-require-trusted-custody"],
    ["a custody password of 23 characters", change(byName("password-custody-1"), (p) => (p.passwordLength = 23)), "emergency-credential-require-trusted-custody"],
    ["protect off on a custody resource", unprotect(byName("password-custody-1")), "emergency-resource-require-canonical-options"],
];

export const BASELINE_ATTACKS: Attack[] = TABLE.map(([name, mutate, policy]) => ({ name, mutate, policy }));
