// How the program is run. The Pulumi CLI passes nothing; the offline plan and the tests pass these.
import type { ConditionalAccessPolicy } from "../policies/contract/conditionalAccess";

export interface ProgramOptions {
    /**
     * The tenant's Conditional Access policies in Graph's format (from a snapshot). When absent, the
     * program lists them through Microsoft Graph.
     */
    readonly conditionalAccessPolicies?: readonly ConditionalAccessPolicy[];
}
