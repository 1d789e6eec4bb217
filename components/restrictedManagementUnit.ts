// RestrictedManagementUnit (config restrictedManagement): one administrative unit, created with
// isMemberManagementRestricted, that holds the emergency accounts and their group. Inside it, only roles assigned at
// the unit's scope can change them: tenant-wide admins (User, Groups, Authentication Administrators) and applications
// with tenant-wide Graph permissions no longer can. Graph sets the flag only at creation, so the provider refuses to
// adopt an existing unit without it, and a change of the flag is a replacement (which `protect` stops). The provider is
// in restrictedManagementUnitProvider.ts; this file declares the resource.
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_RESOURCE_MODULE } from "../policies/contract/constants";
import {
    RESTRICTED_MANAGEMENT_UNIT_SUFFIX,
    restrictedManagementUnitInputs,
} from "../policies/contract/declaration/administrativeUnit";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";
import { createRestrictedManagementUnitProvider } from "./restrictedManagementUnitProvider";

/** The provider every RestrictedManagementUnit uses unless given another; one object, serialized once. */
const defaultUnitProvider = createRestrictedManagementUnitProvider();

/** Arguments of RestrictedManagementUnit. */
export interface RestrictedManagementUnitArgs {
    /** Required. The unit's display name (DEFAULTS.administrativeUnitDisplayName); an existing restricted unit of this name is adopted. */
    readonly displayName: pulumi.Input<string>;
    /** Required. The unit's description. */
    readonly description: pulumi.Input<string>;
    /** Required. Always true: the only kind of unit this resource makes. */
    readonly isMemberManagementRestricted: pulumi.Input<true>;
    /** Required. Object ids of the members: every emergency account and the group. */
    readonly memberIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Required. Graph origin, one of GRAPH_ENDPOINTS. */
    readonly graphEndpoint: pulumi.Input<string>;
}

/** A restricted-management administrative unit holding exactly the declared members. Delete does nothing. */
export class RestrictedManagementUnit extends pulumi.dynamic.Resource {
    declare public readonly displayName: pulumi.Output<string>;
    declare public readonly isMemberManagementRestricted: pulumi.Output<boolean>;
    /** The members as the unit holds them (after a refresh: as live). */
    declare public readonly memberIds: pulumi.Output<string[]>;
    /** The unit's object id (also the resource id). */
    declare public readonly unitId: pulumi.Output<string>;

    /** `provider` is for tests (fake credential, fast retries); programs leave it out. */
    constructor(
        name: string,
        args: RestrictedManagementUnitArgs,
        opts?: pulumi.CustomResourceOptions,
        provider: pulumi.dynamic.ResourceProvider = defaultUnitProvider,
    ) {
        super(provider, name, { ...args, unitId: undefined }, opts, DYNAMIC_RESOURCE_MODULE, "RestrictedManagementUnit");
    }
}

/**
 * The unit, holding `memberIds`, after `after` (the custody resources: each account's password is set while a
 * tenant-scoped role may still set it).
 */
export function declareRestrictedManagementUnit(
    name: string,
    memberIds: pulumi.Input<pulumi.Input<string>[]>,
    graphEndpoint: string,
    after: readonly pulumi.Resource[],
    parent: pulumi.Resource,
): RestrictedManagementUnit {
    return new RestrictedManagementUnit(
        `${name}${RESTRICTED_MANAGEMENT_UNIT_SUFFIX}`,
        // Every input from the contract's declaration, which the policy pack judges by.
        restrictedManagementUnitInputs(memberIds as unknown as readonly pulumi.Input<string>[], graphEndpoint) as RestrictedManagementUnitArgs,
        { parent, dependsOn: [...after], ...EMERGENCY_RESOURCE_OPTIONS },
    );
}
