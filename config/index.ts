// Reads the stack configuration from the Pulumi runtime and validates it. The only module that touches
// `pulumi.Config`; everything it checks lives in ./schema, which is pure. config/ is a leaf: it imports
// nothing of the program but the contract (policies/contract/).
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigError, misspelledNamespaceProblems, parseStackConfig, type StackConfig } from "./schema";

export { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, parseStackConfig, type StackConfig } from "./schema";

/** Every value set in this project's namespace, keyed without the namespace, as the engine passed it. */
function readRawConfig(all: Record<string, string>): Record<string, string> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    return Object.fromEntries(
        Object.entries(all)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/**
 * The validated stack configuration; throws ConfigError naming every bad key, including keys set in a misspelled
 * spelling of the project's namespace, which nothing would read.
 */
export function loadStackConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const misspelled = misspelledNamespaceProblems(Object.keys(all));
    let config: StackConfig;
    try {
        config = parseStackConfig(readRawConfig(all));
    } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError([...misspelled, ...err.problems]);
        throw err;
    }
    if (misspelled.length > 0) throw new ConfigError(misspelled);
    return config;
}
