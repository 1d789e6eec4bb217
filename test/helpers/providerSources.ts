// The `__provider` inputs of the PasskeyRequirement and RestrictedManagementUnit resources, for driving the real
// dynamic-provider host (./dynamicProviderHost.ts) with exactly what `pulumi up` would hand it. Each is recorded
// once per test process.
import { createPasskeyRequirementProvider } from "../../components/passkeyRequirementProvider";
import { createRestrictedManagementUnitProvider } from "../../components/restrictedManagementUnitProvider";
import { TYPES } from "../../policies/contract/constants";
import { resourceUrn, serializeProvider } from "./dynamicProviderHost";

let passkeyRequirementSource: Promise<string> | undefined;
let restrictedManagementUnitSource: Promise<string> | undefined;

/** The `__provider` input of a PasskeyRequirement. */
export function passkeyRequirementProviderSource(): Promise<string> {
    passkeyRequirementSource ??= serializeProvider(createPasskeyRequirementProvider());
    return passkeyRequirementSource;
}

/** The `__provider` input of the RestrictedManagementUnit. */
export function restrictedManagementUnitProviderSource(): Promise<string> {
    restrictedManagementUnitSource ??= serializeProvider(createRestrictedManagementUnitProvider());
    return restrictedManagementUnitSource;
}

/** The URN of account `key`'s passkey requirement, named as the component names it. */
export function passkeyRequirementUrn(key: number | "limited" = 1): string {
    return resourceUrn(TYPES.passkeyRequirement, `emergency-access-passkey-requirement-${key}`);
}

/** The URN of the restricted-management unit, named as the component names it. */
export function restrictedManagementUnitUrn(): string {
    return resourceUrn(TYPES.restrictedManagementUnit, "emergency-access-restricted-management-unit");
}
