// How the program is run. The Pulumi CLI passes nothing; the offline plan and the tests pass these.
import type { ConditionalAccessPolicy } from "../policies/contract/conditionalAccess";

export interface ProgramOptions {
    /**
     * The tenant's Conditional Access policies in Graph's format (from a snapshot). When absent, the
     * program lists them through Microsoft Graph.
     */
    readonly conditionalAccessPolicies?: readonly ConditionalAccessPolicy[];
}

/**
 * How the offline plan and the tests run the program: always with the tenant's policies given (an empty list when
 * there is no snapshot), so no run outside `pulumi up` can reach Microsoft Graph or a credential.
 */
export interface OfflineProgramOptions extends ProgramOptions {
    readonly conditionalAccessPolicies: readonly ConditionalAccessPolicy[];
}
