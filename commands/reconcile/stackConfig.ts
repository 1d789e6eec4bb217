// The one stack config key the reconcile job reads, straight from the stack file: `conditionalAccess` (which
// policies, which skipped and why, the Graph cloud, the request rate), validated with the program's own schema.
// Nothing else of the stack is read, so neither an encrypted value nor an unrelated key can stop the guard.
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { CONFIG_NAMESPACE, parseConditionalAccessConfig, type StackConfig } from "../../config/schema";

/** A stack file that cannot be read; the message names it. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** `Pulumi.<stack>.yaml`, relative to the project root. */
export function defaultStackFile(stack: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new StackFileError(`invalid stack name "${stack}"`);
    return `Pulumi.${stack}.yaml`;
}

/**
 * The `config` map of a stack file (`namespace:key` to value, as written), for the operator commands that read a stack
 * without Pulumi. An unreadable file or one that is not a stack config is a StackFileError naming it.
 */
export function readStackFileConfig(file: string): Record<string, unknown> {
    let doc: unknown;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
    } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        throw new StackFileError(missing ? `${file}: no such stack file` : `${file}: not a YAML stack file: ${(error as Error).message}`);
    }
    const config = (doc as { config?: unknown }).config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackFileError(`${file}: expected a stack config file ({config: {<key>: <value>}})`);
    }
    return config as Record<string, unknown>;
}

/** The stack's conditionalAccess config, defaults applied; a bad value is a ConfigError naming the key. */
export function readConditionalAccessConfig(file: string): StackConfig["conditionalAccess"] {
    const value = readStackFileConfig(file)[`${CONFIG_NAMESPACE}:conditionalAccess`];
    if (typeof value === "object" && value !== null && "secure" in value) {
        throw new StackFileError(`${file}: ${CONFIG_NAMESPACE}:conditionalAccess is encrypted; it holds no secret, set it in clear`);
    }
    return parseConditionalAccessConfig(value);
}
