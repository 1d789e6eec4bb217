// Reads the stack configuration from the Pulumi runtime and validates it. The only module that touches
// `pulumi.Config`; everything it checks lives in ./schema, which is pure. config/ is a leaf: it imports
// nothing of the program but the contract (policies/contract/).
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, parseStackConfig, type StackConfig } from "./schema";

export { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, parseStackConfig, type StackConfig } from "./schema";

/** Every value set in this project's namespace, keyed without the namespace, as the engine passed it. */
function readRawConfig(): Record<string, string> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    return Object.fromEntries(
        Object.entries(pulumi.runtime.allConfig())
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/** The validated stack configuration; throws ConfigError naming every bad key. */
export function loadStackConfig(): StackConfig {
    return parseStackConfig(readRawConfig());
}
