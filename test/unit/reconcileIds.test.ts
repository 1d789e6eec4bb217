// The ids file the reconcile job reads instead of the stack (commands/reconcile/ids.ts): every bad value is refused
// with the file and the key, and the deploy job's refresh from `pulumi stack output --json` reads only the two id
// outputs, writes the canonical file and says whether the committed copy was stale.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { IdsFileError, formatIdsFile, parseEmergencyIds, readEmergencyIds, refreshIdsFile } from "../../commands/reconcile/ids";
import { FIXTURE_DIR } from "../helpers/fixtures";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "../helpers/ids";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reconcile-ids-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const FILE = "emergency-ids/prod.json";

describe("ids file", () => {
    test("the fixture's file reads as the fixture stack's ids", () => {
        assert.deepEqual(readEmergencyIds(path.join(FIXTURE_DIR, "emergency-ids.fixture.json")), {
            userIds: FIXTURE_USER_IDS,
            groupIds: [FIXTURE_GROUP_ID],
        });
    });

    const refused: Array<[string, unknown, string]> = [
        ["not an object", [], `${FILE}: expected an object {"emergencyAccountObjectIds": [...], "emergencyAccessGroupObjectId": "..."}`],
        ["no accounts", { emergencyAccountObjectIds: [], emergencyAccessGroupObjectId: FIXTURE_GROUP_ID }, `${FILE}: emergencyAccountObjectIds must be a list of 1 to 5 account object ids (got [])`],
        ["six accounts (four Global Administrator accounts and the limited one at most)", { emergencyAccountObjectIds: Array(6).fill(FIXTURE_GROUP_ID), emergencyAccessGroupObjectId: FIXTURE_GROUP_ID }, `${FILE}: emergencyAccountObjectIds must be a list of 1 to 5 account object ids (got ["${FIXTURE_GROUP_ID}","c83b34df-ac37-57...)`],
        ["a UPN instead of an id", { emergencyAccountObjectIds: ["breakglass-1@contoso.onmicrosoft.com"], emergencyAccessGroupObjectId: FIXTURE_GROUP_ID }, `${FILE}: emergencyAccountObjectIds[0] is not a GUID (got "breakglass-1@contoso.onmicrosoft.com")`],
        ["a repeated id in another case", { emergencyAccountObjectIds: [FIXTURE_USER_IDS[0], FIXTURE_USER_IDS[0].toUpperCase()], emergencyAccessGroupObjectId: FIXTURE_GROUP_ID }, `${FILE}: emergencyAccountObjectIds[1] repeats emergencyAccountObjectIds[0]`],
        ["a group id that is a list", { emergencyAccountObjectIds: FIXTURE_USER_IDS, emergencyAccessGroupObjectId: [FIXTURE_GROUP_ID] }, `${FILE}: emergencyAccessGroupObjectId is not a GUID (got ["${FIXTURE_GROUP_ID}"])`],
        ["an unknown key", { ...{ emergencyAccountObjectIds: FIXTURE_USER_IDS, emergencyAccessGroupObjectId: FIXTURE_GROUP_ID }, tenantId: "x" }, `${FILE}: tenantId is not a known key; expected emergencyAccountObjectIds and emergencyAccessGroupObjectId`],
    ];
    for (const [title, content, message] of refused) {
        test(`refuses ${title}, naming the file and the key`, () => {
            assert.throws(() => parseEmergencyIds(content, FILE), (error: unknown) => error instanceof IdsFileError && error.message === message);
        });
    }

    test("a file that is not JSON names the file", () => {
        const file = path.join(dir, "broken.json");
        fs.writeFileSync(file, "{ emergencyAccountObjectIds: ");
        assert.throws(() => readEmergencyIds(file), new RegExp(`^IdsFileError: ${file.replace(/[.]/g, "\\.")}: not JSON`));
    });

    test("refresh from stack outputs: only the two ids are read, the file is canonical, and a second refresh changes nothing", () => {
        const outputs = path.join(dir, "outputs.json");
        fs.writeFileSync(
            outputs,
            JSON.stringify({
                emergencyAccountObjectIds: FIXTURE_USER_IDS,
                emergencyAccessGroupObjectId: FIXTURE_GROUP_ID,
                emergencyAccountUserPrincipalNames: ["breakglass-1@contoso.onmicrosoft.com"],
                sealedPasswords: "[secret]",
            }),
        );
        const idsFile = path.join(dir, "emergency-ids", "prod.json");
        assert.equal(refreshIdsFile(outputs, idsFile), true);
        assert.equal(fs.readFileSync(idsFile, "utf8"), formatIdsFile({ userIds: FIXTURE_USER_IDS, groupIds: [FIXTURE_GROUP_ID] }));
        assert.equal(fs.readFileSync(idsFile, "utf8"), fs.readFileSync(path.join(FIXTURE_DIR, "emergency-ids.fixture.json"), "utf8"));
        assert.doesNotMatch(fs.readFileSync(idsFile, "utf8"), /secret|UserPrincipalNames/);
        assert.equal(refreshIdsFile(outputs, idsFile), false);
        fs.writeFileSync(outputs, JSON.stringify({ emergencyAccountObjectIds: FIXTURE_USER_IDS.slice(0, 1), emergencyAccessGroupObjectId: FIXTURE_GROUP_ID }));
        assert.equal(refreshIdsFile(outputs, idsFile), true, "a replaced account changes the file");
    });
});
