// Reads the stack configuration from the Pulumi runtime and validates it. The only module that
// touches `pulumi.Config`; everything it checks lives in ./schema, which is pure.
import * as pulumi from "@pulumi/pulumi";
import {
    planExclusions,
    type ExclusionPlan,
    type ExclusionScope,
} from "../components/conditionalAccess/discovery";
import type { ConditionalAccessPolicy } from "../components/conditionalAccess/policies";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, parseStackConfig, type StackConfig } from "./schema";

export { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, parseStackConfig, type StackConfig } from "./schema";

/** Every value set in this project's namespace, keyed without the namespace, as the engine passed it. */
export function readRawConfig(): Record<string, string> {
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

/** How the program is run. The Pulumi CLI passes nothing; the offline plan and the tests pass these. */
export interface ProgramOptions {
    /**
     * The tenant's Conditional Access policies in Graph's format (from a snapshot). When absent, the
     * program lists them through Microsoft Graph.
     */
    readonly conditionalAccessPolicies?: readonly ConditionalAccessPolicy[];
}

/**
 * The conditionalAccess config applied to the tenant's policies. A policy id the tenant does not have is
 * a config error, reported like any other bad value before anything is declared.
 */
export function conditionalAccessScope(
    policies: readonly ConditionalAccessPolicy[],
    scope: ExclusionScope,
): ExclusionPlan {
    try {
        return planExclusions(policies, scope);
    } catch (err) {
        throw new ConfigError([
            `${CONFIG_NAMESPACE}:conditionalAccess: ${(err as Error).message}. Accepted: ${CONFIG_KEYS.conditionalAccess.accepted}, ` +
                "naming policies that exist in the tenant.",
        ]);
    }
}
