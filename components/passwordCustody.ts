// PasswordCustody: one per emergency account. It replaces the bootstrap password (the RandomPassword the user
// was created with, which is in the state) by a password generated inside the provider, which no state, output
// or log ever holds: discarded in passkey mode, sealed to custodians in sealed-password mode. The provider is in
// passwordCustodyProvider.ts; this file declares the resources.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, DYNAMIC_RESOURCE_MODULE } from "../policies/contract/constants";
import type { Custodian, CustodyMode, PasswordCharacterClasses } from "../policies/contract/custody";
import { PASSWORD_GENERATION_RULES, passwordCustodyInputs } from "../policies/contract/declaration/credentials";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";
import { createCustodyProvider } from "./passwordCustodyProvider";
import type { EmergencyAccount } from "./accounts";
import type { Envelope } from "./passwordSealing";

/** The provider every PasswordCustody uses unless given another; one object, serialized once. */
const defaultCustodyProvider = createCustodyProvider();

/** Arguments of PasswordCustody. */
export interface PasswordCustodyArgs {
    /** Required. Object id of the emergency user. */
    readonly userObjectId: pulumi.Input<string>;
    /** Required. Its user principal name, named in errors and sealed shares. */
    readonly userPrincipalName: pulumi.Input<string>;
    /** Required. The passwordRotation label; a new label makes a new password, nothing else does. */
    readonly rotation: pulumi.Input<string>;
    /** Required. Length of the generated password, within LIMITS.passwordLength. */
    readonly passwordLength: pulumi.Input<number>;
    /** Optional. passkey or sealed-password. Defaults to DEFAULTS.credentialMode (passkey). */
    readonly mode?: pulumi.Input<CustodyMode>;
    /** Optional. Custodians to seal to (sealed-password mode only). Defaults to none. */
    readonly custodians?: pulumi.Input<pulumi.Input<Custodian>[]>;
    /** Optional. Shares needed to rebuild a sealed password. Defaults to 0 (passkey mode). */
    readonly threshold?: pulumi.Input<number>;
    /** Optional. Graph origin. Defaults to DEFAULTS.graphEndpoint. */
    readonly graphEndpoint?: pulumi.Input<string>;
    /**
     * Optional. The characters of each class the password is drawn from. Defaults to the contract's (the only ones
     * the pack accepts).
     */
    readonly characterClasses?: pulumi.Input<PasswordCharacterClasses>;
    /** Optional. The fewest characters of each class. Defaults to the contract's PASSWORD_MIN_PER_CLASS. */
    readonly minimumPerClass?: pulumi.Input<number>;
}

/**
 * Keeps one emergency account's password out of every state, output and log: generates it in the provider,
 * seals it to custodians when asked, sets it through Graph and forgets it. Delete does nothing.
 */
export class PasswordCustody extends pulumi.dynamic.Resource {
    declare public readonly userObjectId: pulumi.Output<string>;
    declare public readonly userPrincipalName: pulumi.Output<string>;
    declare public readonly rotation: pulumi.Output<string>;
    declare public readonly mode: pulumi.Output<CustodyMode>;
    declare public readonly threshold: pulumi.Output<number>;
    /** When the password was last set (after a refresh: by anyone, the portal included). */
    declare public readonly passwordSetAt: pulumi.Output<string>;
    /** Armored age envelopes, one per custodian; empty in passkey mode. Not secrets. */
    declare public readonly envelopes: pulumi.Output<Envelope[]>;

    /** `provider` is for tests (fake credential, fast retries); programs leave it out. */
    constructor(
        name: string,
        args: PasswordCustodyArgs,
        opts?: pulumi.CustomResourceOptions,
        provider: pulumi.dynamic.ResourceProvider = defaultCustodyProvider,
    ) {
        const props = {
            userObjectId: args.userObjectId,
            userPrincipalName: args.userPrincipalName,
            rotation: args.rotation,
            passwordLength: args.passwordLength,
            mode: args.mode ?? DEFAULTS.credentialMode,
            custodians: args.custodians ?? [],
            threshold: args.threshold ?? 0,
            graphEndpoint: args.graphEndpoint ?? DEFAULTS.graphEndpoint,
            characterClasses: args.characterClasses ?? { ...PASSWORD_GENERATION_RULES.characterClasses },
            minimumPerClass: args.minimumPerClass ?? PASSWORD_GENERATION_RULES.minimumPerClass,
            // Listed so the outputs exist on the resource; the provider fills them in.
            passwordSetAt: undefined,
            envelopes: undefined,
        };
        super(provider, name, props, opts, DYNAMIC_RESOURCE_MODULE, "PasswordCustody");
    }
}

/** How every account's password is kept, already validated and defaulted by the component. */
export interface CredentialSettings {
    readonly mode: CustodyMode;
    readonly custodians: readonly Custodian[];
    readonly threshold: number;
}

/** What the custody resources of the accounts need to know besides the accounts. */
export interface CustodyDeclaration {
    readonly credential: CredentialSettings;
    readonly passwordLength: number;
    readonly passwordRotation: string;
    readonly graphEndpoint: string;
}

/**
 * One PasswordCustody per account, after its user. Protected: its state holds the only record of the sealed
 * envelopes, and a replacement would set a new password. Not retained on delete: delete does nothing anyway.
 */
export function declarePasswordCustody(
    name: string,
    accounts: readonly EmergencyAccount[],
    settings: CustodyDeclaration,
    parent: pulumi.Resource,
): PasswordCustody[] {
    return accounts.map(
        (account) =>
            new PasswordCustody(
                `${name}-password-custody-${account.key}`,
                // Every input from the contract's declaration, which the policy pack judges by.
                passwordCustodyInputs({
                    userObjectId: account.user.objectId,
                    userPrincipalName: account.userPrincipalName,
                    rotation: settings.passwordRotation,
                    passwordLength: settings.passwordLength,
                    mode: settings.credential.mode,
                    custodians: settings.credential.custodians,
                    threshold: settings.credential.threshold,
                    graphEndpoint: settings.graphEndpoint,
                }),
                { parent, dependsOn: [account.user], ...EMERGENCY_RESOURCE_OPTIONS },
            ),
    );
}
