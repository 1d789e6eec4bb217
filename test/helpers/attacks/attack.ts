// One weakening change and the policy that must stop it: the unit of the gate's attack matrix.
import type { PolicyConfigFile } from "../../../plan/policyPack";
import type { Mutation } from "../mutations";

export interface Attack {
    /** What the change does, as a reviewer would describe the pull request. */
    readonly name: string;
    /** The change, applied to the fixture stack's recorded resources. */
    readonly mutate: Mutation;
    /** The policy that must report a mandatory violation. */
    readonly policy: string;
    /** A pack config other than the trusted one, when the attack is about config. */
    readonly policyConfig?: PolicyConfigFile;
}
