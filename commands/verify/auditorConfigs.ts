// `npm run verify -- --export-auditor-configs <dir>`: the files that tell Maester, the Zero Trust Assessment and
// ScubaGear which accounts are the emergency accounts, written from the ids verify resolved. Without them each tool
// guesses (Maester picks the most-excluded id, ScubaGear fails every policy that excludes an undeclared id and every
// undeclared permanent Global Administrator), so the same tenant gets a different verdict from each auditor.
//
// The formats were read from each tool's source (test/fixtures/auditors/SOURCES.md names the files and commits), and
// test/unit/auditorConfigs.test.ts compares the output with the samples copied from those repositories.
//
// Each file holds only what concerns emergency access, with a note saying where it goes, so a team that already has
// its own config merges one key instead of adopting ours. Pure functions, except writeAuditorConfigs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

/** What the auditors are told: the emergency accounts and the group, as verify resolved them from the stack and Graph. */
export interface EmergencyDeclaration {
    readonly accounts: readonly { readonly id: string; readonly userPrincipalName: string; readonly limited: boolean }[];
    readonly group: { readonly id: string; readonly displayName: string };
}

/** The file names writeAuditorConfigs writes, one a tool; the names the tools' own documentation uses where it has one. */
export const AUDITOR_CONFIG_FILES = {
    /** Goes to `<Maester tests folder>/Custom/maester-config.json` (Maester's documented place for overrides). */
    maester: "maester-config.json",
    /** Given to `Invoke-ZtAssessment -ConfigurationFile`; the tool's examples call it zt-config.json. */
    zeroTrustAssessment: "zt-config.json",
    /** Given to `Invoke-SCuBA -ConfigFilePath`, or its `Aad:` entries merged into the team's own config. */
    scubaGear: "scubagear-config.yaml",
} as const;

/**
 * The ScubaGear Entra ID policies whose check accepts `CapExclusions`, in the baseline's order
 * (ScubaConfigSchema.json `policyExclusionMappings`). Each one fails when a matching Conditional Access policy excludes
 * a user or group its `CapExclusions` does not list, so every one must list the accounts and the group.
 * MS.AAD.9.1v1 reads only `CapExclusions.Applications` (agent identities), so it has nothing to say about people.
 */
export const SCUBAGEAR_CAP_EXCLUSION_POLICIES = [
    "MS.AAD.1.1v1",
    "MS.AAD.2.1v1",
    "MS.AAD.2.3v1",
    "MS.AAD.3.1v1",
    "MS.AAD.3.2v2",
    "MS.AAD.3.6v1",
    "MS.AAD.3.7v1",
    "MS.AAD.3.8v1",
    "MS.AAD.3.9v1",
] as const;

/** The only ScubaGear policy that accepts `RoleExclusions`: no permanent active assignment of a privileged role. */
export const SCUBAGEAR_ROLE_EXCLUSION_POLICY = "MS.AAD.7.4v1";

/** A declaration the auditors cannot be told about: an id that is not a GUID, a repeated id, no account. */
export class AuditorConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AuditorConfigError";
    }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Refuses what would make a tool misjudge the tenant instead of writing it: ScubaGear's schema accepts only unique
 * GUIDs, Maester takes a non-GUID `Id` for a UPN lookup, and an empty list makes Maester and the Zero Trust Assessment
 * fall back to guessing, which is what these files exist to prevent.
 */
function checkDeclaration(declaration: EmergencyDeclaration): void {
    if (declaration.accounts.length === 0) {
        throw new AuditorConfigError("no emergency account to export: the auditors would guess which accounts they are");
    }
    const seen = new Map<string, string>();
    const see = (id: string, what: string): void => {
        if (!GUID.test(id)) throw new AuditorConfigError(`${what} has an object id that is not a GUID (got ${JSON.stringify(id)})`);
        const earlier = seen.get(id.toLowerCase());
        if (earlier !== undefined) throw new AuditorConfigError(`${what} repeats the object id of ${earlier} (${id})`);
        seen.set(id.toLowerCase(), what);
    };
    declaration.accounts.forEach((account, index) => {
        if (account.userPrincipalName.trim() === "") throw new AuditorConfigError(`account ${index + 1} (${account.id}) has no user principal name`);
        see(account.id, account.userPrincipalName);
    });
    see(declaration.group.id, `the group ${declaration.group.displayName}`);
}

const GENERATED_BY = "Written by `npm run verify -- --export-auditor-configs`; regenerate it when the emergency accounts change.";

/**
 * Maester's config: `GlobalSettings.EmergencyAccessAccounts` with every account (Type User) and the group (Type Group).
 * MT.1005 then requires every Conditional Access policy to exclude each of them directly, instead of guessing the
 * most-excluded id. Users carry both `Id` (MT.1005 resolves by `Id` first, so a renamed account is still found) and
 * `UserPrincipalName` (the Exposure Management check matches on it alone). `_comment` is ignored by Maester, which
 * reads only `GlobalSettings` and `TestSettings` from a custom config.
 */
export function maesterConfig(declaration: EmergencyDeclaration): Record<string, unknown> {
    checkDeclaration(declaration);
    return {
        _comment:
            `Emergency access accounts for Maester. ${GENERATED_BY} ` +
            "Save it as <Maester tests folder>/Custom/maester-config.json, or merge GlobalSettings.EmergencyAccessAccounts into your existing Custom/maester-config.json. " +
            "Maester replaces the main config's GlobalSettings entries with the custom file's, so keep this list whole.",
        GlobalSettings: {
            EmergencyAccessAccounts: [
                ...declaration.accounts.map((account) => ({ Id: account.id, UserPrincipalName: account.userPrincipalName, Type: "User" })),
                { Id: declaration.group.id, Type: "Group" },
            ],
        },
    };
}

/**
 * The Zero Trust Assessment's config: the Maester-style `GlobalSettings.EmergencyAccessAccounts`, the only
 * emergency-access setting the tool has. It is read by test 21815 alone, to exempt these accounts from "no permanent
 * privileged assignment"; tests 21835 and 21816 find emergency accounts by themselves and read no config.
 * Every account is listed by `Id` only: the tool looks a user up by `UserPrincipalName` first when both are given, and
 * the object id survives a rename. The group is left out on purpose: the tool turns a group into all its user members,
 * recursively, and exempts each one, so anyone later added to the group would silently pass 21815.
 */
export function zeroTrustAssessmentConfig(declaration: EmergencyDeclaration): Record<string, unknown> {
    checkDeclaration(declaration);
    return {
        _comment:
            `Emergency access accounts for the Zero Trust Assessment. ${GENERATED_BY} ` +
            "Run Invoke-ZtAssessment -ConfigurationFile zt-config.json, or merge GlobalSettings.EmergencyAccessAccounts into your own configuration file. " +
            "Accounts are listed by object id only, and the emergency access group is left out on purpose: the tool would exempt every member of it.",
        GlobalSettings: {
            EmergencyAccessAccounts: declaration.accounts.map((account) => ({ Type: "User", Id: account.id })),
        },
    };
}

/**
 * ScubaGear's config, as YAML: for each Conditional Access policy of the baseline that accepts exclusions,
 * `CapExclusions` lists every account and the group (the exclusions this project puts on every policy); for
 * MS.AAD.7.4v1, `RoleExclusions` lists every account, since each holds its roles permanently: the Global Administrator
 * accounts by design, which ScubaGear fails when unlisted, and the limited account its two administrator roles. Those
 * two (Conditional Access and Authentication Policy Administrator) are not on ScubaGear's privileged-role list today
 * (ScubaConfigDefaults.json `privilegedRoles`), so that entry only matters if the list grows; a listed id that holds
 * no such assignment changes nothing. The group holds no role, so it is no role exclusion. Comments name each id's
 * account, and the header says how to merge.
 */
export function scubaGearConfig(declaration: EmergencyDeclaration): string {
    checkDeclaration(declaration);
    const userIds = declaration.accounts.map((account) => account.id);
    const aad: Record<string, unknown> = {};
    for (const policy of SCUBAGEAR_CAP_EXCLUSION_POLICIES) {
        aad[policy] = { CapExclusions: { Users: [...userIds], Groups: [declaration.group.id] } };
    }
    aad[SCUBAGEAR_ROLE_EXCLUSION_POLICY] = { RoleExclusions: { Users: [...userIds] } };

    // Repeated lists are written out, not as anchors and aliases: a team merging one policy's entry by hand must not
    // end up with an alias whose anchor it did not copy.
    const document = new YAML.Document({ Aad: aad }, { aliasDuplicateObjects: false });
    document.commentBefore = [
        " Emergency access accounts for CISA ScubaGear (Entra ID baseline).",
        ` ${GENERATED_BY}`,
        " Merge: add these ids to the Users and Groups lists of the same policy ids under Aad: in your own",
        " configuration, keeping your other exclusions; ScubaGear fails a policy that excludes an id it does not list.",
        " Alone: Invoke-SCuBA -ProductNames aad -ConfigFilePath scubagear-config.yaml (ScubaGear warns that OrgName",
        " and ProductNames are missing from the file; the command line supplies ProductNames).",
    ].join("\n");
    // A display name comes from Graph: one line, so it cannot end the comment and become YAML.
    const oneLine = (text: string): string => text.replace(/[\r\n]+/g, " ");
    const names = new Map<string, string>(declaration.accounts.map((account) => [account.id, oneLine(account.limited ? `${account.userPrincipalName} (limited account)` : account.userPrincipalName)]));
    names.set(declaration.group.id, oneLine(`${declaration.group.displayName} (group)`));
    YAML.visit(document, {
        Scalar(_key, node) {
            const name = typeof node.value === "string" ? names.get(node.value) : undefined;
            if (name !== undefined) node.comment = ` ${name}`;
        },
    });
    return document.toString({ lineWidth: 0 });
}

/**
 * Writes every file into `dir` (created if missing), returns the paths written; overwrites only these files.
 * Everything is computed before the first write, so a refused declaration leaves the folder as it was.
 */
export function writeAuditorConfigs(dir: string, declaration: EmergencyDeclaration): string[] {
    const contents: Array<[string, string]> = [
        [AUDITOR_CONFIG_FILES.maester, `${JSON.stringify(maesterConfig(declaration), null, 2)}\n`],
        [AUDITOR_CONFIG_FILES.zeroTrustAssessment, `${JSON.stringify(zeroTrustAssessmentConfig(declaration), null, 2)}\n`],
        [AUDITOR_CONFIG_FILES.scubaGear, scubaGearConfig(declaration)],
    ];
    fs.mkdirSync(dir, { recursive: true });
    return contents.map(([name, text]) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text, "utf8");
        return file;
    });
}
