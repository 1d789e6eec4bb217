// Reads Pulumi.yaml and Pulumi.<stack>.yaml (or another stack config file, like `pulumi preview
// --config-file`) the way the Pulumi CLI does for a program: project config defaults first, then the
// stack's values, every value handed over as a string (objects as JSON).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** A problem with the command line or the project files: the plan exits 2. */
export class UsageError extends Error {
    override name = "UsageError";
}

export interface ProjectFile {
    readonly name: string;
    readonly config: Record<string, { type?: string; default?: unknown; description?: string }>;
}

function readYaml(file: string): unknown {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        throw new UsageError(`${path.basename(file)} not found in ${path.dirname(file)}`);
    }
    try {
        return parseYaml(fs.readFileSync(file, "utf8")) ?? {};
    } catch (err) {
        throw new UsageError(`${path.basename(file)} is not valid YAML: ${(err as Error).message}`);
    }
}

export function readProject(projectDir: string): ProjectFile {
    const project = readYaml(path.join(projectDir, "Pulumi.yaml")) as Partial<ProjectFile>;
    if (typeof project.name !== "string") throw new UsageError("Pulumi.yaml has no project name");
    return { name: project.name, config: project.config ?? {} };
}

/**
 * What the offline plan puts where a stack file holds an encrypted value inside an object key (as
 * `pulumi config set --secret --path 'entra-emergency-access:alerts.webhooks[0]' <url>` writes it). The plan
 * cannot decrypt, and must not: it stands in an https URL on a name that never resolves (RFC 6761), which is
 * what the only secret this project takes (a webhook URL) looks like, and says so in a note.
 */
export const ENCRYPTED_STAND_IN = "https://encrypted-value.invalid/offline-plan";

/** `{secure: "v1:..."}`, Pulumi's form of an encrypted config value. */
function isEncrypted(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).join() === "secure";
}

/** `value` with every encrypted value inside it replaced by ENCRYPTED_STAND_IN. */
function withStandIns(value: unknown): unknown {
    if (isEncrypted(value)) return ENCRYPTED_STAND_IN;
    if (Array.isArray(value)) return value.map(withStandIns);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withStandIns(v)]));
    }
    return value;
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The stack config file the CLI reads for `stack`: `configFile` when given, else `<projectDir>/Pulumi.<stack>.yaml`. */
export function stackConfigFile(projectDir: string, stack: string, configFile?: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`invalid stack name "${stack}"`);
    return configFile !== undefined ? path.resolve(projectDir, configFile) : path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/**
 * The config map the CLI would pass to the program (`namespace:key` -> string), from the project's
 * declared defaults and the stack config file: `configFile` when given (as `pulumi preview --config-file`
 * takes it), else Pulumi.<stack>.yaml in `projectDir`. An encrypted key is refused (the plan cannot know even its
 * shape); an encrypted value inside an object key gets ENCRYPTED_STAND_IN.
 */
export function readStackConfig(
    projectDir: string,
    project: ProjectFile,
    stack: string,
    configFile?: string,
): Record<string, string> {
    const stackFile = stackConfigFile(projectDir, stack, configFile);
    const stackDoc = readYaml(stackFile) as { config?: Record<string, unknown> };
    if (typeof stackDoc !== "object" || Array.isArray(stackDoc) || typeof (stackDoc.config ?? {}) !== "object") {
        throw new UsageError(`${path.basename(stackFile)} is not a stack config file ({config: {<key>: <value>}})`);
    }
    const config: Record<string, string> = {};
    for (const [key, declaration] of Object.entries(project.config)) {
        if (declaration && typeof declaration === "object" && declaration.default !== undefined) {
            config[`${project.name}:${key}`] = asConfigString(declaration.default);
        }
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        if (isEncrypted(value)) {
            throw new UsageError(
                `${fullKey} in ${path.basename(stackFile)} is encrypted as a whole; the offline plan cannot decrypt it. ` +
                    "Encrypt only the secret inside it (`pulumi config set --secret --path '<key>.webhooks[0]' <url>`), " +
                    "or run `pulumi preview`.",
            );
        }
        config[fullKey] = asConfigString(withStandIns(value));
    }
    return config;
}

/**
 * `key=value` pairs from the command line, as config values; a key without namespace is the project's. A value
 * that is not valid YAML (`accountCount=[2`) is a usage error naming the key, in one line.
 */
export function parseConfigOverrides(pairs: readonly string[], projectName = "entra-emergency-access"): Record<string, string> {
    const config: Record<string, string> = {};
    for (const pair of pairs) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UsageError(`--config expects <key>=<value>, got "${pair}"`);
        const key = pair.slice(0, eq).trim();
        const fullKey = key.includes(":") ? key : `${projectName}:${key}`;
        const text = pair.slice(eq + 1);
        let value: unknown;
        try {
            value = parseYaml(text);
        } catch (err) {
            // The YAML parser's message spans several lines (a pointer under the text); its first line says what is wrong.
            const reason = (err as Error).message.split("\n")[0].trim().replace(/:$/, "");
            throw new UsageError(`${fullKey}: the --config value ${JSON.stringify(text)} is not valid YAML: ${reason}`);
        }
        config[fullKey] = asConfigString(value ?? "");
    }
    return config;
}

/** Which stack config a program run gets: the project folder, the stack, its file and the command line's values. */
export interface StackSelection {
    /** Folder holding Pulumi.yaml, the stack files and index.ts. */
    readonly projectDir: string;
    /** Stack name: reads Pulumi.<stack>.yaml unless `configFile` is given; also the stack of every URN. */
    readonly stack: string;
    /**
     * The stack config file to read instead of Pulumi.<stack>.yaml, like `pulumi preview --config-file`;
     * relative to `projectDir`.
     */
    readonly configFile?: string;
    /** Extra or replacement config values (`namespace:key` -> string), applied over the stack file; undefined unsets. */
    readonly configOverrides?: Record<string, string | undefined>;
}

/** The project's name and the config map the engine would hand the program for `selection`. */
export function resolveProgramConfig(selection: StackSelection): { project: string; config: Record<string, string> } {
    const project = readProject(selection.projectDir);
    const merged: Record<string, string | undefined> = {
        ...readStackConfig(selection.projectDir, project, selection.stack, selection.configFile),
        ...selection.configOverrides,
    };
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(merged)) if (value !== undefined) config[key] = value;
    return { project: project.name, config };
}
