// The PasskeyRequirement and RestrictedManagementUnit registrations AS THE PROGRAM MAKES THEM, for driving the real
// dynamic-provider host (./dynamicProviderHost.ts) with exactly what `pulumi up` would hand it: the fixture stack run
// once per test process under the mock runtime with restrictedManagement on, like exclusionProviderSource(). Using the
// program's own inputs (not a copy of them in the test) also proves the resource classes send what the providers read.
import { TYPES } from "../../policies/contract/constants";
import type { ProgramRun } from "../../plan/runProgram";

/** One dynamic resource as the program registered it. */
export interface ProgramRegistration {
    /** Its URN in the fixture stack (parent types included), as the engine sends it with every call. */
    readonly urn: string;
    /** The `__provider` input: the provider serialized by the program. */
    readonly provider: string;
    /** Every other input, plain (the resource class's declaration; mock ids for the users and the group). */
    readonly inputs: Record<string, any>;
}

let recordedRun: Promise<ProgramRun> | undefined;

/** The fixture stack with the restricted-management unit, run once per test process. */
function fixtureRun(): Promise<ProgramRun> {
    recordedRun ??= (async () => {
        // Loaded here so a suite that never needs the program does not pay for it.
        const { runFixture } = await import("./program");
        return runFixture({ restrictedManagement: true });
    })();
    return recordedRun;
}

/** Every registration of `type`, in registration order; fails when the program registered none. */
async function registrationsOf(type: string): Promise<ProgramRegistration[]> {
    const { plain } = await import("./program");
    const found = (await fixtureRun()).resources.filter((resource) => resource.type === type);
    if (found.length === 0) throw new Error(`the fixture program registered no ${type}`);
    return found.map((resource) => {
        const { __provider: provider, ...inputs } = resource.inputs;
        if (typeof provider !== "string") throw new Error(`${resource.urn} was registered without a __provider`);
        return { urn: resource.urn, provider, inputs: plain(inputs) as Record<string, any> };
    });
}

/** Each account's PasskeyRequirement as the program registers it (account 1 first). */
export function passkeyRequirementRegistrations(): Promise<ProgramRegistration[]> {
    return registrationsOf(TYPES.passkeyRequirement);
}

/** The RestrictedManagementUnit as the program registers it with `restrictedManagement: true`. */
export async function restrictedManagementUnitRegistration(): Promise<ProgramRegistration> {
    const [unit, ...others] = await registrationsOf(TYPES.restrictedManagementUnit);
    if (others.length > 0) throw new Error(`the fixture program registered ${others.length + 1} RestrictedManagementUnit resources`);
    return unit;
}

/** The `__provider` input of a PasskeyRequirement, as the program registers it. */
export async function passkeyRequirementProviderSource(): Promise<string> {
    return (await passkeyRequirementRegistrations())[0].provider;
}

/** The `__provider` input of the RestrictedManagementUnit, as the program registers it. */
export async function restrictedManagementUnitProviderSource(): Promise<string> {
    return (await restrictedManagementUnitRegistration()).provider;
}
