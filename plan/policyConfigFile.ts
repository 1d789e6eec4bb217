// Reading a policy config file (JSON, as `pulumi preview --policy-pack-config` takes it), kept apart from the
// Analyzer client so the plan reads and checks it before it starts the program. Levels and shape are checked here;
// parameters need the pack's schemas and are checked when the pack is configured (./policyPack.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { policyConfigShapeProblems, type PolicyConfigFile } from "./policyConfigSchema";
import { UsageError } from "./project";

/** Reads a policy config file; a file that cannot be read, is not a JSON object or names a bad level is a usage error. */
export function readPolicyConfigFile(file: string): PolicyConfigFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new UsageError(`policy config file ${file} cannot be read`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    } catch (err) {
        throw new UsageError(`policy config file ${path.basename(file)} is not a JSON object: ${(err as Error).message}`);
    }
    const problems = policyConfigShapeProblems(parsed);
    if (problems.length > 0) {
        throw new UsageError(problems.map((p) => `policy config ${path.basename(file)}: ${p}`).join("\n"));
    }
    return parsed as PolicyConfigFile;
}
