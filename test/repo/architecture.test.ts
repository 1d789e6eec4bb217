// The layering the folders promise, checked on the import graph: graph/ talks to Microsoft Graph and knows
// nothing of Pulumi; config/ only validates and imports nothing of the program but the contract; components/
// declares resources and holds no Graph client code; policies/ imports nothing of the program.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";
import { importSpecifiers, isBuiltin, packageName, resolveRelative, typeScriptFiles } from "../helpers/imports";
import { PROJECT_DIR } from "../helpers/program";

/** Each file of `folder` with what it imports: repository-relative files, or package names. */
function importsOf(folder: string): { file: string; files: string[]; packages: string[] }[] {
    return typeScriptFiles(path.join(PROJECT_DIR, folder)).map((file) => {
        const specifiers = importSpecifiers(file);
        return {
            file: path.relative(PROJECT_DIR, file),
            files: specifiers.filter((s) => s.startsWith(".")).map((s) => path.relative(PROJECT_DIR, resolveRelative(file, s))),
            packages: specifiers.filter((s) => !s.startsWith(".") && !isBuiltin(s)).map(packageName),
        };
    });
}

const inside = (file: string, folder: string) => file.split(path.sep)[0] === folder;

describe("layers", () => {
    test("graph/ imports no Pulumi package and, of the project, only the contract", () => {
        const files = importsOf("graph");
        assert.ok(files.length >= 5);
        for (const { file, files: local, packages } of files) {
            for (const name of packages) assert.ok(!name.startsWith("@pulumi/"), `${file} imports ${name}`);
            for (const target of local) {
                assert.ok(inside(target, "graph") || target.startsWith(path.join("policies", "contract")), `${file} imports ${target}`);
            }
        }
    });

    test("azure/ (Resource Manager and Log Analytics, read-only) imports no Pulumi package and, of the project, only graph/'s credential and retries and the contract", () => {
        const files = importsOf("azure");
        assert.ok(files.length >= 5);
        for (const { file, files: local, packages } of files) {
            for (const name of packages) assert.ok(!name.startsWith("@pulumi/"), `${file} imports ${name}`);
            for (const target of local) {
                const allowed =
                    inside(target, "azure") ||
                    [path.join("graph", "credential.ts"), path.join("graph", "retry.ts")].includes(target) ||
                    target.startsWith(path.join("policies", "contract"));
                assert.ok(allowed, `${file} imports ${target}`);
            }
        }
    });

    test("commands/verify and commands/onboard import no Pulumi package: they run without Pulumi, and reach Graph and Azure through graph/ and azure/", () => {
        for (const command of ["verify", "onboard"]) {
            const files = importsOf(path.join("commands", command));
            assert.ok(files.length >= 4, command);
            for (const { file, files: local, packages } of files) {
                for (const name of packages) {
                    assert.ok(!name.startsWith("@pulumi/") && name !== "@microsoft/microsoft-graph-client", `${file} imports ${name}`);
                }
                for (const target of local) {
                    const allowed =
                        inside(target, "commands") ||
                        ["graph", "azure", "config"].some((folder) => inside(target, folder)) ||
                        target.startsWith(path.join("policies", "contract"));
                    assert.ok(allowed, `${file} imports ${target}`);
                }
            }
        }
    });

    test("config/ is a leaf: it imports only the contract (never components/, graph/ or program/)", () => {
        for (const { file, files } of importsOf("config")) {
            for (const target of files) {
                assert.ok(inside(target, "config") || target.startsWith(path.join("policies", "contract")), `${file} imports ${target}`);
            }
        }
    });

    test("components/ declares resources: no Graph client library, and Graph only through graph/", () => {
        for (const { file, packages } of importsOf("components")) {
            assert.ok(!packages.includes("@microsoft/microsoft-graph-client"), `${file} uses the Graph client library itself`);
        }
    });

    test("commands/reconcile reaches Graph only through graph/ and imports no Pulumi package (it runs without Pulumi)", () => {
        const files = importsOf(path.join("commands", "reconcile"));
        assert.ok(files.length >= 4);
        for (const { file, files: local, packages } of files) {
            for (const name of packages) {
                assert.ok(!name.startsWith("@pulumi/") && name !== "@microsoft/microsoft-graph-client", `${file} imports ${name}`);
            }
            for (const target of local) {
                const allowed =
                    target.startsWith(path.join("commands", "reconcile") + path.sep) ||
                    ["graph", "config", "program"].some((folder) => inside(target, folder)) ||
                    target.startsWith(path.join("policies", "contract"));
                assert.ok(allowed, `${file} imports ${target}`);
            }
        }
    });

    test("policies/ imports nothing outside policies/", () => {
        for (const { file, files } of importsOf("policies")) {
            for (const target of files) assert.ok(inside(target, "policies"), `${file} imports ${target}`);
        }
    });

    test("ci/ imports nothing of the project and no package: the separation-of-duties check runs from the base checkout", () => {
        const files = importsOf("ci");
        assert.ok(files.length >= 1);
        for (const { file, files: local, packages } of files) {
            for (const target of local) assert.ok(inside(target, "ci"), `${file} imports ${target}`);
            assert.deepEqual(packages, [], `${file} imports packages`);
        }
    });

    test("azure-native is imported by submodule only", () => {
        for (const folder of ["components", "graph", "azure", "config", "program", "plan", "policies", "commands"]) {
            for (const file of typeScriptFiles(path.join(PROJECT_DIR, folder))) {
                assert.ok(!importSpecifiers(file).includes("@pulumi/azure-native"), `${file} imports the azure-native root`);
            }
        }
    });
});
