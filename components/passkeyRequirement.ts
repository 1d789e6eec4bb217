// PasskeyRequirement: one per emergency account, and the reason the account's role waits for its passkeys. Its
// create, update and refresh count the account's device-bound FIDO2 keys (or, with credential.method certificate,
// look for certificate-based authentication) and fail `pulumi up` while they fall short, naming the account and the
// onboarding command. Every role assignment depends on its account's requirement, so the role is assigned only once
// the account can sign in with what is in the safes, never with a password ("fails closed"). The provider is in
// passkeyRequirementProvider.ts; this file declares the resources.
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_RESOURCE_MODULE } from "../policies/contract/constants";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";
import {
    passkeyRequirementInputs,
    passkeyRequirementName,
    type CredentialMethod,
} from "../policies/contract/declaration/passkeyRequirement";
import type { EmergencyAccount } from "./accounts";
import { createPasskeyRequirementProvider, type RegisteredPasskey } from "./passkeyRequirementProvider";

/** The provider every PasskeyRequirement uses unless given another; one object, serialized once. */
const defaultPasskeyRequirementProvider = createPasskeyRequirementProvider();

/** Arguments of PasskeyRequirement. */
export interface PasskeyRequirementArgs {
    /** Required. Object id of the emergency user. */
    readonly userObjectId: pulumi.Input<string>;
    /** Required. Its user principal name, named in every message. */
    readonly userPrincipalName: pulumi.Input<string>;
    /** Required. `passkey` (device-bound FIDO2 keys) or `certificate` (certificate-based authentication). */
    readonly method: pulumi.Input<CredentialMethod>;
    /** Required. Device-bound FIDO2 keys the account needs (passkey method), within LIMITS.requiredPasskeys. */
    readonly minimumPasskeys: pulumi.Input<number>;
    /** Required. Object id of the emergency group: a tenant certificate configuration targeting it satisfies the certificate method. */
    readonly emergencyGroupObjectId: pulumi.Input<string>;
    /** Required. Graph origin, one of GRAPH_ENDPOINTS. */
    readonly graphEndpoint: pulumi.Input<string>;
}

/** Fails `pulumi up` until the account has its phishing-resistant credential; a refresh re-counts. Delete does nothing. */
export class PasskeyRequirement extends pulumi.dynamic.Resource {
    declare public readonly userObjectId: pulumi.Output<string>;
    declare public readonly userPrincipalName: pulumi.Output<string>;
    declare public readonly method: pulumi.Output<CredentialMethod>;
    declare public readonly minimumPasskeys: pulumi.Output<number>;
    /** Device-bound FIDO2 keys counted at the last create, update or refresh. */
    declare public readonly registeredPasskeys: pulumi.Output<number>;
    /** Those keys (model, AAGUID, registration date; no secret). */
    declare public readonly passkeys: pulumi.Output<RegisteredPasskey[]>;
    /** Whether the requirement held at the last count. */
    declare public readonly satisfied: pulumi.Output<boolean>;

    /** `provider` is for tests (fake credential, fast retries); programs leave it out. */
    constructor(
        name: string,
        args: PasskeyRequirementArgs,
        opts?: pulumi.CustomResourceOptions,
        provider: pulumi.dynamic.ResourceProvider = defaultPasskeyRequirementProvider,
    ) {
        const props = {
            ...args,
            // Listed so the outputs exist on the resource; the provider fills them in.
            registeredPasskeys: undefined,
            passkeys: undefined,
            certificateSource: undefined,
            satisfied: undefined,
        };
        super(provider, name, props, opts, DYNAMIC_RESOURCE_MODULE, "PasskeyRequirement");
    }
}

/** What the requirements are built from besides the accounts. */
export interface PasskeyRequirementSettings {
    readonly method: CredentialMethod;
    readonly minimumPasskeys: number;
    readonly graphEndpoint: string;
}

/**
 * One PasskeyRequirement per account. `after` are the resources that must exist before any requirement is judged:
 * everything of the component but the roles, so a first `pulumi up` creates the accounts, their custody, the group,
 * the exclusions and the monitoring before the first requirement fails it.
 */
export function declarePasskeyRequirements(
    name: string,
    accounts: readonly EmergencyAccount[],
    emergencyGroupObjectId: pulumi.Input<string>,
    settings: PasskeyRequirementSettings,
    after: readonly pulumi.Resource[],
    parent: pulumi.Resource,
): PasskeyRequirement[] {
    return accounts.map(
        (account) =>
            new PasskeyRequirement(
                passkeyRequirementName(name, account.key),
                // Every input from the contract's declaration, which the policy pack judges by.
                passkeyRequirementInputs({
                    userObjectId: account.user.objectId,
                    userPrincipalName: account.userPrincipalName,
                    method: settings.method,
                    minimumPasskeys: settings.minimumPasskeys,
                    emergencyGroupObjectId,
                    graphEndpoint: settings.graphEndpoint,
                }),
                { parent, dependsOn: [account.user, ...after], ...EMERGENCY_RESOURCE_OPTIONS },
            ),
    );
}
