// The KQL validator, and every query the builders produce run through it: parsed and bound (unknown
// tables, unknown columns, type errors) by Microsoft's Kusto language service against the workspace's
// tables. The library loads on the first validation, never at import: that is checked first.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";
import { KqlValidationError, assertValidKql, validateKql, type KqlDiagnostic } from "../../policies/contract/kql/validator";
import { SIGN_IN_TABLES, changeQuery, queryWindow, signInQuery, type SignInTable } from "../../policies/contract/queries";
import { ACCOUNTS, GROUP } from "../helpers/ids";

/** Whether any file of the Kusto package is loaded, or its global defined. */
function kustoLoaded(): boolean {
    return (
        Object.keys(require.cache).some((file) => file.includes("@kusto")) ||
        (globalThis as { Kusto?: unknown }).Kusto !== undefined
    );
}

// Read before any test runs: importing the validator must not have loaded the library.
const loadedAtImport = kustoLoaded();

const FREQUENCIES = ["PT5M", "PT15M", "PT1H", "P1D"];

/** The diagnostics without positions, for messages that are the point of a test. */
function summary(diagnostics: readonly KqlDiagnostic[]): Array<Pick<KqlDiagnostic, "severity" | "code" | "message">> {
    return diagnostics.map(({ severity, code, message }) => ({ severity, code, message }));
}

describe("loading", () => {
    test("importing the validator does not load the Kusto library", () => {
        assert.equal(loadedAtImport, false);
    });

    test("the first validation loads it once; later ones reuse it", (t) => {
        const started = performance.now();
        assert.deepEqual(validateKql("SigninLogs | take 1"), []);
        const first = performance.now() - started;
        assert.ok(kustoLoaded());
        const files = Object.keys(require.cache).filter((file) => file.includes("@kusto")).length;

        const again = performance.now();
        assert.deepEqual(validateKql("AuditLogs | take 1"), []);
        const later = performance.now() - again;
        assert.equal(Object.keys(require.cache).filter((file) => file.includes("@kusto")).length, files);
        t.diagnostic(`first validation ${first.toFixed(0)} ms (load and build), later ${later.toFixed(1)} ms`);
    });

    test("survives a cleared module cache: the Kusto globals are reused, not defined twice", () => {
        for (const file of Object.keys(require.cache)) {
            if (file.includes("@kusto") || file.endsWith(path.join("contract", "kql", "validator.ts"))) delete require.cache[file];
        }
        const cached = Object.keys(require.cache).filter((file) => file.includes("@kusto") || file.endsWith(path.join("contract", "kql", "validator.ts")));
        assert.deepEqual(cached, [], "the validator and the library left the module cache");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require("../../policies/contract/kql/validator") as typeof import("../../policies/contract/kql/validator");
        assert.deepEqual(fresh.validateKql("SigninLogs | take 1"), []);
    });
});

describe("built queries parse and bind without a diagnostic", () => {
    for (const count of [1, 2, 4]) {
        for (const frequency of FREQUENCIES) {
            const ids = ACCOUNTS.slice(0, count);
            const window = queryWindow(frequency);
            test(`sign-in query, ${count} account(s), ${frequency}`, () => {
                assert.deepEqual(validateKql(signInQuery(ids, window)), []);
            });
            test(`change query, ${count} account(s), ${frequency}`, () => {
                assert.deepEqual(validateKql(changeQuery(ids, GROUP, window)), []);
            });
        }
    }

    for (const table of Object.keys(SIGN_IN_TABLES) as SignInTable[]) {
        test(`sign-in query of ${table} alone (for an Azure Monitor alert)`, () => {
            assert.deepEqual(validateKql(signInQuery(ACCOUNTS, queryWindow("PT5M"), [table])), []);
        });
    }

    test("both fit Sentinel's 10,000-character query limit with the most accounts", () => {
        const window = queryWindow("PT5M");
        assert.ok(signInQuery(ACCOUNTS, window).length < 10_000);
        assert.ok(changeQuery(ACCOUNTS, GROUP, window).length < 10_000);
    });
});

describe("diagnostics", () => {
    test("a misspelled column, with its position", () => {
        const query = 'SigninLogs | where UserIdd == "x"';
        assert.deepEqual(validateKql(query), [
            {
                severity: "Error",
                code: "KS142",
                message: "The name 'UserIdd' does not refer to any known column, table, variable or function.",
                start: 19,
                length: 7,
                line: 1,
                column: 20,
            },
        ]);
    });

    test("a misspelled column inside a built query's union leg", () => {
        const query = signInQuery(ACCOUNTS, queryWindow("PT5M")).replace("ConditionalAccessStatus,", "ConditionalAccesStatus,");
        assert.deepEqual(summary(validateKql(query)), [
            {
                severity: "Error",
                code: "KS142",
                message: "The name 'ConditionalAccesStatus' does not refer to any known column, table, variable or function.",
            },
        ]);
    });

    test("a wrong table", () => {
        assert.deepEqual(summary(validateKql("SignInLogs | take 1")), [
            {
                severity: "Error",
                code: "KS204",
                message: "The name 'SignInLogs' does not refer to any known table, tabular variable or function.",
            },
        ]);
    });

    test("comparing a datetime with a string", () => {
        assert.deepEqual(summary(validateKql('SigninLogs | where TimeGenerated > "x"')), [
            {
                severity: "Error",
                code: "KS106",
                message: "The operator '>' is not defined for the operand types datetime and string.",
            },
        ]);
    });

    test("summing a string", () => {
        assert.deepEqual(summary(validateKql("AuditLogs | summarize sum(OperationName)")), [
            {
                severity: "Error",
                code: "KS138",
                message: "The argument value must be summable: a number, timespan or datetime.",
            },
        ]);
    });

    test("an unknown function", () => {
        assert.deepEqual(summary(validateKql("SigninLogs | where ingestiontime() > ago(5m)")), [
            { severity: "Error", code: "KS211", message: "The name 'ingestiontime' does not refer to any known function." },
        ]);
    });

    test("a syntax error", () => {
        assert.deepEqual(summary(validateKql("SigninLogs | where")), [
            { severity: "Error", code: "KS006", message: "Missing expression" },
        ]);
    });

    // The reason signInQuery aligns LocationDetails: in a raw union the column splits by type.
    test("a raw union of the sign-in tables has no single LocationDetails column", () => {
        assert.deepEqual(summary(validateKql("union SigninLogs, AADNonInteractiveUserSignInLogs | project LocationDetails")), [
            {
                severity: "Error",
                code: "KS142",
                message: "The name 'LocationDetails' does not refer to any known column, table, variable or function.",
            },
        ]);
        assert.deepEqual(
            validateKql("union SigninLogs, AADNonInteractiveUserSignInLogs | project LocationDetails_dynamic, LocationDetails_string"),
            [],
        );
    });

    test("types come from tables.json: AuditLogs.TargetResources is dynamic, TimeGenerated a datetime", () => {
        assert.deepEqual(validateKql("AuditLogs | mv-expand T = TargetResources | where tostring(T.id) != ''"), []);
        assert.deepEqual(validateKql("AuditLogs | where TimeGenerated > ago(1h) + 1d"), []);
        assert.equal(validateKql("AuditLogs | where TimeGenerated > 5").length, 1);
    });
});

describe("assertValidKql", () => {
    test("passes a valid query", () => {
        assertValidKql(changeQuery(ACCOUNTS, GROUP, queryWindow("PT5M")), "change query");
    });

    test("throws with each problem, its position and the text there", () => {
        assert.throws(
            () => assertValidKql("SigninLogs\n| where UserIdd == 1", "sign-in query"),
            (err: unknown) => {
                assert.ok(err instanceof KqlValidationError);
                assert.equal(
                    err.message,
                    "sign-in query has 1 problem:\n" +
                        "  2:9 Error KS142: The name 'UserIdd' does not refer to any known column, table, variable or function." +
                        ' at "UserIdd"\n' +
                        "    | where UserIdd == 1\n" +
                        "            ^^^^^^^",
                );
                assert.equal(err.diagnostics.length, 1);
                return true;
            },
        );
    });
});
