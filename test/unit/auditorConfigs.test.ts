// The auditor configs `npm run verify -- --export-auditor-configs` writes (commands/verify/auditorConfigs.ts), compared
// with the samples copied from Maester's, the Zero Trust Assessment's and ScubaGear's repositories
// (test/fixtures/auditors/SOURCES.md): same keys, same nesting, same field names and value types for the
// emergency-access parts, the ids from the declaration, and files that parse back to the same objects.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import * as YAML from "yaml";
import {
    AUDITOR_CONFIG_FILES,
    AuditorConfigError,
    type EmergencyDeclaration,
    SCUBAGEAR_CAP_EXCLUSION_POLICIES,
    SCUBAGEAR_ROLE_EXCLUSION_POLICY,
    maesterConfig,
    scubaGearConfig,
    writeAuditorConfigs,
    zeroTrustAssessmentConfig,
} from "../../commands/verify/auditorConfigs";
import { FIXTURE_DIR } from "../helpers/fixtures";
import { ACCOUNTS, GROUP } from "../helpers/ids";

const SAMPLES = path.join(FIXTURE_DIR, "auditors");
const sampleJson = (name: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(SAMPLES, name), "utf8"));
const MAESTER_SAMPLE = sampleJson("maester-sample.json");
const ZTA_SAMPLE = sampleJson("zero-trust-assessment-sample.json");
const SCUBAGEAR_SAMPLE: Record<string, any> = YAML.parse(fs.readFileSync(path.join(SAMPLES, "scubagear-sample.yaml"), "utf8"));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Two Global Administrator accounts and the limited one, as verify resolves them. */
const DECLARATION: EmergencyDeclaration = {
    accounts: [
        { id: ACCOUNTS[0], userPrincipalName: "breakglass-1@contoso.onmicrosoft.com", limited: false },
        { id: ACCOUNTS[1], userPrincipalName: "breakglass-2@contoso.onmicrosoft.com", limited: false },
        { id: ACCOUNTS[2], userPrincipalName: "breakglass-limited@contoso.onmicrosoft.com", limited: true },
    ],
    group: { id: GROUP, displayName: "Emergency access" },
};
const ACCOUNT_IDS = DECLARATION.accounts.map((account) => account.id);

/** The value type the formats use for a field: arrays and objects by name, scalars by typeof. */
const kind = (value: unknown): string => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);

/** The sorted keys of an object, without the note a tool ignores. */
const keysOf = (value: Record<string, unknown>): string[] => Object.keys(value).filter((key) => key !== "_comment").sort();

/**
 * The Maester-style list (Maester and the Zero Trust Assessment share it): the same path, entries whose fields are
 * fields the sample's entries use, with the same value types, a Type the sample uses, and ids shaped like its ids.
 */
function assertSameEmergencyAccessShape(generated: Record<string, any>, sample: Record<string, any>): void {
    assert.deepEqual(keysOf(generated), keysOf(sample), "top-level keys");
    assert.deepEqual(keysOf(generated.GlobalSettings), keysOf(sample.GlobalSettings), "GlobalSettings keys");
    const sampleEntries: Record<string, unknown>[] = sample.GlobalSettings.EmergencyAccessAccounts;
    const entries: Record<string, unknown>[] = generated.GlobalSettings.EmergencyAccessAccounts;
    assert.equal(kind(entries), kind(sampleEntries));
    const fieldKinds = new Map<string, string>();
    for (const entry of sampleEntries) for (const [field, value] of Object.entries(entry)) fieldKinds.set(field, kind(value));
    const sampleTypes = new Set(sampleEntries.map((entry) => entry.Type));
    for (const entry of entries) {
        for (const [field, value] of Object.entries(entry)) {
            assert.ok(fieldKinds.has(field), `${field} is not a field of the sample's entries (${[...fieldKinds.keys()].join(", ")})`);
            assert.equal(kind(value), fieldKinds.get(field), `${field}'s value type`);
        }
        assert.ok(sampleTypes.has(entry.Type), `Type ${String(entry.Type)} is one the sample uses`);
        assert.ok(entry.Id !== undefined || entry.UserPrincipalName !== undefined, "an entry names its object by Id or UserPrincipalName");
        if (entry.Id !== undefined) assert.match(String(entry.Id), GUID);
    }
    for (const sampleEntry of sampleEntries) if (sampleEntry.Id !== undefined) assert.match(String(sampleEntry.Id), GUID, "the sample's ids are GUIDs too");
}

describe("Maester: maester-config.json", () => {
    const config = maesterConfig(DECLARATION);

    test("has the structure of Maester's documented EmergencyAccessAccounts sample", () => {
        assertSameEmergencyAccessShape(config, MAESTER_SAMPLE);
    });

    test("lists every account (Type User, by Id and UserPrincipalName) and the group (Type Group, by Id), in the declaration's order", () => {
        assert.deepEqual((config as any).GlobalSettings.EmergencyAccessAccounts, [
            { Id: ACCOUNTS[0], UserPrincipalName: "breakglass-1@contoso.onmicrosoft.com", Type: "User" },
            { Id: ACCOUNTS[1], UserPrincipalName: "breakglass-2@contoso.onmicrosoft.com", Type: "User" },
            { Id: ACCOUNTS[2], UserPrincipalName: "breakglass-limited@contoso.onmicrosoft.com", Type: "User" },
            { Id: GROUP, Type: "Group" },
        ]);
    });

    test("holds only emergency access, with a note saying it goes to Custom/maester-config.json", () => {
        assert.deepEqual(Object.keys(config).sort(), ["GlobalSettings", "_comment"]);
        assert.match(String(config._comment), /Custom\/maester-config\.json/);
    });
});

describe("Zero Trust Assessment: zt-config.json", () => {
    const config = zeroTrustAssessmentConfig(DECLARATION);

    test("has the structure of the Maester-style sample in Get-ZtEmergencyAccessAccounts", () => {
        assertSameEmergencyAccessShape(config, ZTA_SAMPLE);
    });

    test("lists every account by object id, the limited one included, and not the group (the tool would exempt all its members)", () => {
        assert.deepEqual(
            (config as any).GlobalSettings.EmergencyAccessAccounts,
            ACCOUNT_IDS.map((id) => ({ Type: "User", Id: id })),
        );
    });

    test("sets none of the assessment's own parameters, and its note names -ConfigurationFile", () => {
        assert.deepEqual(Object.keys(config).sort(), ["GlobalSettings", "_comment"]);
        assert.match(String(config._comment), /Invoke-ZtAssessment -ConfigurationFile/);
    });
});

describe("ScubaGear: scubagear-config.yaml", () => {
    const text = scubaGearConfig(DECLARATION);
    const config: Record<string, any> = YAML.parse(text);
    const samplePolicies = Object.entries(SCUBAGEAR_SAMPLE.Aad as Record<string, any>);

    test("the policies that take CapExclusions and RoleExclusions are the sample's", () => {
        assert.deepEqual([...SCUBAGEAR_CAP_EXCLUSION_POLICIES], samplePolicies.filter(([, entry]) => entry.CapExclusions !== undefined).map(([id]) => id));
        assert.deepEqual([SCUBAGEAR_ROLE_EXCLUSION_POLICY], samplePolicies.filter(([, entry]) => entry.RoleExclusions !== undefined).map(([id]) => id));
    });

    test("has the sample's structure: Aad, then each policy id, then its exclusion kind, then Users and Groups lists of GUIDs", () => {
        assert.deepEqual(Object.keys(config), Object.keys(SCUBAGEAR_SAMPLE));
        assert.deepEqual(Object.keys(config.Aad), samplePolicies.map(([id]) => id));
        for (const [policy, sampleEntry] of samplePolicies) {
            const entry = config.Aad[policy];
            assert.deepEqual(Object.keys(entry), Object.keys(sampleEntry), `${policy}: exclusion kind`);
            const [exclusionKind] = Object.keys(sampleEntry);
            for (const [field, values] of Object.entries(entry[exclusionKind] as Record<string, unknown>)) {
                const sampleValues: unknown = sampleEntry[exclusionKind][field];
                assert.ok(Array.isArray(sampleValues), `${policy}.${exclusionKind}.${field} is a list in the sample`);
                assert.ok(Array.isArray(values), `${policy}.${exclusionKind}.${field} is a list`);
                for (const value of [...values, ...sampleValues]) assert.match(String(value), GUID, `${policy}.${exclusionKind}.${field}`);
                assert.equal(new Set(values).size, values.length, `${policy}.${exclusionKind}.${field} has unique items (ScubaGear's schema)`);
            }
        }
    });

    test("CapExclusions of every Conditional Access policy list every account and the group", () => {
        for (const policy of SCUBAGEAR_CAP_EXCLUSION_POLICIES) {
            assert.deepEqual(config.Aad[policy], { CapExclusions: { Users: ACCOUNT_IDS, Groups: [GROUP] } }, policy);
        }
    });

    test("RoleExclusions of MS.AAD.7.4v1 list the permanent Global Administrator accounts and the limited account, not the group", () => {
        assert.deepEqual(config.Aad[SCUBAGEAR_ROLE_EXCLUSION_POLICY], { RoleExclusions: { Users: ACCOUNT_IDS } });
    });

    test("comments name each id's account, mark the limited one, and say how to merge; no anchors to copy by hand", () => {
        assert.ok(text.startsWith("# Emergency access accounts for CISA ScubaGear"));
        assert.match(text, /Invoke-SCuBA -ProductNames aad -ConfigFilePath scubagear-config\.yaml/);
        assert.match(text, new RegExp(`- ${ACCOUNTS[0]} # breakglass-1@contoso\\.onmicrosoft\\.com\\n`));
        assert.match(text, new RegExp(`- ${ACCOUNTS[2]} # breakglass-limited@contoso\\.onmicrosoft\\.com \\(limited account\\)\\n`));
        assert.match(text, new RegExp(`- ${GROUP} # Emergency access \\(group\\)\\n`));
        assert.doesNotMatch(text, /[&*][A-Za-z]/);
    });

    test("a display name with a line break stays in its comment", () => {
        const withBreak = scubaGearConfig({ ...DECLARATION, group: { id: GROUP, displayName: "Emergency\nAad: {}" } });
        assert.deepEqual(YAML.parse(withBreak), config);
        assert.match(withBreak, new RegExp(`- ${GROUP} # Emergency Aad: \\{\\} \\(group\\)\\n`));
    });
});

describe("declarations the auditors cannot be told", () => {
    const refused: Array<[string, EmergencyDeclaration, string]> = [
        ["no account", { ...DECLARATION, accounts: [] }, "no emergency account to export: the auditors would guess which accounts they are"],
        [
            "an id that is not a GUID",
            { ...DECLARATION, accounts: [{ id: "breakglass-1@contoso.onmicrosoft.com", userPrincipalName: "breakglass-1@contoso.onmicrosoft.com", limited: false }] },
            'breakglass-1@contoso.onmicrosoft.com has an object id that is not a GUID (got "breakglass-1@contoso.onmicrosoft.com")',
        ],
        [
            "an account id repeated in another case",
            { ...DECLARATION, accounts: [DECLARATION.accounts[0], { ...DECLARATION.accounts[1], id: ACCOUNTS[0].toUpperCase() }] },
            `breakglass-2@contoso.onmicrosoft.com repeats the object id of breakglass-1@contoso.onmicrosoft.com (${ACCOUNTS[0].toUpperCase()})`,
        ],
        ["the group's id on an account", { ...DECLARATION, group: { id: ACCOUNTS[1], displayName: "Emergency access" } }, `the group Emergency access repeats the object id of breakglass-2@contoso.onmicrosoft.com (${ACCOUNTS[1]})`],
        ["an account without a user principal name", { ...DECLARATION, accounts: [{ ...DECLARATION.accounts[0], userPrincipalName: " " }] }, `account 1 (${ACCOUNTS[0]}) has no user principal name`],
    ];
    for (const [title, declaration, message] of refused) {
        test(`refuses ${title}, in every file`, () => {
            for (const build of [maesterConfig, zeroTrustAssessmentConfig, scubaGearConfig]) {
                assert.throws(() => build(declaration), (error: unknown) => error instanceof AuditorConfigError && error.message === message, build.name);
            }
        });
    }
});

describe("writeAuditorConfigs", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "auditor-configs-"));
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    test("creates the folder, writes the three files, and they parse back to the same objects", () => {
        const dir = path.join(root, "new", "auditors");
        const written = writeAuditorConfigs(dir, DECLARATION);
        assert.deepEqual(written, [
            path.join(dir, AUDITOR_CONFIG_FILES.maester),
            path.join(dir, AUDITOR_CONFIG_FILES.zeroTrustAssessment),
            path.join(dir, AUDITOR_CONFIG_FILES.scubaGear),
        ]);
        assert.deepEqual(JSON.parse(fs.readFileSync(written[0], "utf8")), maesterConfig(DECLARATION));
        assert.deepEqual(JSON.parse(fs.readFileSync(written[1], "utf8")), zeroTrustAssessmentConfig(DECLARATION));
        assert.deepEqual(YAML.parse(fs.readFileSync(written[2], "utf8")), YAML.parse(scubaGearConfig(DECLARATION)));
        assert.equal(fs.readFileSync(written[2], "utf8"), scubaGearConfig(DECLARATION));
    });

    test("overwrites its own files and leaves every other file in the folder alone", () => {
        const dir = path.join(root, "existing");
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "team-notes.md"), "ours\n");
        fs.writeFileSync(path.join(dir, AUDITOR_CONFIG_FILES.maester), "stale\n");
        writeAuditorConfigs(dir, DECLARATION);
        assert.deepEqual(fs.readdirSync(dir).sort(), [...Object.values(AUDITOR_CONFIG_FILES), "team-notes.md"].sort());
        assert.equal(fs.readFileSync(path.join(dir, "team-notes.md"), "utf8"), "ours\n");
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, AUDITOR_CONFIG_FILES.maester), "utf8")), maesterConfig(DECLARATION));
    });

    test("a refused declaration writes nothing, not even the folder", () => {
        const dir = path.join(root, "refused");
        assert.throws(() => writeAuditorConfigs(dir, { ...DECLARATION, accounts: [] }), AuditorConfigError);
        assert.equal(fs.existsSync(dir), false);
    });
});
