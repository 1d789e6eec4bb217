// Credentials: each account signs in only with a phishing-resistant credential (enough device-bound FIDO2 keys in
// passkey mode; nothing but password, FIDO2 and certificates either way: a leftover Temporary Access Pass, phone or
// Authenticator is a way in that no safe guards), a sealed password was rotated after its last use, and the keys are
// not the same models the other Global Administrators use (Microsoft: "different from your other admins").
import type { AuthenticationMethodSummary, Fido2Method } from "../../../graph/authenticationMethods";
import { isDeviceBoundPasskey } from "../../../graph/authenticationMethods";
import type { DirectoryObjectSummary } from "../../../graph/directoryObjects";
import type { RoleAssignmentInstance } from "../../../graph/roles";
import type { SignInActivity } from "../../../graph/users";
import { sameId } from "../../../policies/contract/conditionalAccess";
import type { CheckDefinition, Declaration, Evidence } from "../model";
import {
    PERMISSIONS,
    evidenceId,
    parseDate,
    readAccounts,
    readDirectoryObjects,
    readExistingAccounts,
    readFido2,
    readGlobalAdministratorInstances,
    readMethods,
    readSignInActivities,
    type AccountState,
} from "./reads";

/** Method types (Graph's @odata.type without the namespace) every account may hold: the password cannot be removed. */
const ALWAYS_ALLOWED = ["passwordAuthenticationMethod", "fido2AuthenticationMethod"];

/** Certificate-based methods Graph might list, allowed in certificate mode. */
const CERTIFICATE_METHODS = ["x509CertificateAuthenticationMethod", "certificateBasedAuthConfiguration"];

/** The method types allowed for the declared credential method. Pure. */
export function allowedMethodTypes(credentialMethod: Declaration["credentialMethod"]): readonly string[] {
    return credentialMethod === "certificate" ? [...ALWAYS_ALLOWED, ...CERTIFICATE_METHODS] : ALWAYS_ALLOWED;
}

/** One account's methods as credentials-phishing-resistant judges them. */
export interface AccountCredentials {
    readonly account: AccountState;
    readonly methods: readonly AuthenticationMethodSummary[];
    readonly fido2: readonly Fido2Method[];
}

/** credentials-phishing-resistant: one evidence per account. Pure. */
export function judgePhishingResistant(credentials: readonly AccountCredentials[], missing: readonly string[], declaration: Declaration): Evidence[] {
    const allowed = allowedMethodTypes(declaration.credentialMethod);
    const evidence = credentials.map(({ account, methods, fido2 }): Evidence => {
        const subject = account.declared.userPrincipalName;
        const deviceBound = fido2.filter(isDeviceBoundPasskey);
        const synced = fido2.filter((method) => !isDeviceBoundPasskey(method));
        const others = methods.filter((method) => !allowed.includes(method.type));
        const problems: string[] = [];
        if (declaration.credentialMethod === "passkey" && deviceBound.length < declaration.requiredPasskeys) {
            problems.push(`${deviceBound.length} device-bound FIDO2 key(s), ${declaration.requiredPasskeys} required`);
        }
        if (others.length > 0) problems.push(`other methods registered: ${others.map((method) => `${method.type} (${method.id})`).join(", ")}`);
        const facts = {
            deviceBoundKeys: deviceBound.length,
            syncedPasskeys: synced.length,
            methodTypes: methods.map((method) => method.type),
            aaGuids: deviceBound.map((method) => method.aaGuid ?? "unknown"),
        };
        const id = evidenceId(account);
        if (problems.length > 0) return { subject, ...id, status: "FAIL", detail: `${problems.join("; ")}.`, facts };
        const certificateNote =
            declaration.credentialMethod === "certificate"
                ? " Certificate-based authentication is configured tenant-wide: Graph lists no certificate method per user, so only the absence of other methods is proven here."
                : "";
        return {
            subject,
            ...id,
            status: "PASS",
            detail: `${deviceBound.length} device-bound FIDO2 key(s)${synced.length > 0 ? ` (and ${synced.length} synced passkey(s), not counted)` : ""}; no other method besides ${allowed.join(", ")}.${certificateNote}`,
            facts,
        };
    });
    for (const userPrincipalName of missing) evidence.push({ subject: userPrincipalName, status: "FAIL", detail: "Not found: no credential can be judged." });
    return evidence;
}

/** One account's password change and sign-in, as credentials-rotated-after-use judges them. */
export interface AccountRotation {
    readonly account: AccountState;
    readonly lastPasswordChangeDateTime?: string;
    readonly signIn?: SignInActivity;
}

/** credentials-rotated-after-use: sealed-password mode only; a sign-in after the last password change FAILs. Pure. */
export function judgeRotatedAfterUse(rotations: readonly AccountRotation[], declaration: Declaration): Evidence[] {
    if (declaration.credentialMode !== "sealed-password") {
        return [{ subject: "passwords", status: "PASS", detail: "Passkey mode: nobody holds the password, so there is none to rotate." }];
    }
    return rotations.map(({ account, lastPasswordChangeDateTime, signIn }): Evidence => {
        const subject = account.declared.userPrincipalName;
        const id = evidenceId(account);
        const changed = parseDate(lastPasswordChangeDateTime);
        const signedIn = parseDate(signIn?.lastSuccessfulSignInDateTime);
        const facts = { lastPasswordChangeDateTime: lastPasswordChangeDateTime ?? null, lastSuccessfulSignInDateTime: signIn?.lastSuccessfulSignInDateTime ?? null };
        if (!account.state) return { subject, status: "FAIL", detail: "Not found: no password can be judged." };
        if (!signedIn) return { subject, ...id, status: "PASS", detail: "Never signed in: the sealed password was never used.", facts };
        if (!changed) {
            return { subject, ...id, status: "FAIL", detail: `Signed in at ${signIn?.lastSuccessfulSignInDateTime} and Graph gives no password change date.`, facts };
        }
        if (signedIn.getTime() > changed.getTime()) {
            return {
                subject,
                ...id,
                status: "FAIL",
                detail: `Signed in at ${signIn?.lastSuccessfulSignInDateTime}, after the last password change at ${lastPasswordChangeDateTime}: rotate the sealed password (Microsoft: after each use).`,
                facts,
            };
        }
        return { subject, ...id, status: "PASS", detail: `Password changed at ${lastPasswordChangeDateTime}, after the last sign-in at ${signIn?.lastSuccessfulSignInDateTime}.`, facts };
    });
}

/** A Global Administrator that is not an emergency account, with its FIDO2 keys. */
export interface OtherAdministratorKeys {
    readonly id: string;
    readonly name: string;
    readonly fido2: readonly Fido2Method[];
}

/** credentials-keys-distinct: one WARN per emergency key model also registered to another Global Administrator, else one PASS. Pure. */
export function judgeKeysDistinct(emergency: readonly AccountCredentials[], others: readonly OtherAdministratorKeys[]): Evidence[] {
    const evidence: Evidence[] = [];
    for (const { account, fido2 } of emergency) {
        const aaGuids = [...new Set(fido2.map((method) => method.aaGuid).filter((aaGuid): aaGuid is string => typeof aaGuid === "string" && aaGuid !== ""))];
        for (const aaGuid of aaGuids) {
            const sharing = others.filter((other) => other.fido2.some((method) => method.aaGuid !== undefined && sameId(method.aaGuid, aaGuid)));
            if (sharing.length === 0) continue;
            const model = fido2.find((method) => method.aaGuid === aaGuid)?.model ?? "unknown model";
            evidence.push({
                subject: account.declared.userPrincipalName,
                ...evidenceId(account),
                status: "WARN",
                detail: `Key model ${model} (AAGUID ${aaGuid}) is also registered to ${sharing.map((other) => `${other.name} (${other.id})`).join(", ")}: Microsoft asks for a credential different from your other admins'.`,
                facts: { aaGuid, model, sharedWith: sharing.map((other) => other.id) },
            });
        }
    }
    if (evidence.length > 0) return evidence;
    return [
        {
            subject: "emergency keys",
            status: "PASS",
            detail: `No emergency key model is registered to any of the ${others.length} other Global Administrator user(s).`,
            facts: { otherAdministrators: others.map((other) => other.id) },
        },
    ];
}

/** Each existing account's methods and FIDO2 keys (read once per run). */
async function readCredentials(context: Parameters<CheckDefinition["run"]>[0]): Promise<AccountCredentials[]> {
    const accounts = await readExistingAccounts(context);
    return Promise.all(
        accounts.map(async (account) => {
            const user = { id: account.state.id, userPrincipalName: account.state.userPrincipalName };
            const [methods, fido2] = await Promise.all([readMethods(context, user), readFido2(context, user)]);
            return { account, methods, fido2 };
        }),
    );
}

/** The users holding a standing or active Global Administrator assignment that are not emergency accounts, with their keys. */
async function readOtherAdministrators(
    context: Parameters<CheckDefinition["run"]>[0],
    instances: readonly RoleAssignmentInstance[],
    emergencyIds: readonly string[],
): Promise<OtherAdministratorKeys[]> {
    const principalIds = instances.map((instance) => instance.principalId).filter((id) => !emergencyIds.some((emergency) => sameId(emergency, id)));
    const objects: readonly DirectoryObjectSummary[] = await readDirectoryObjects(context, instances.map((instance) => instance.principalId));
    // Groups holding the role and service principals have no keys of their own; their members are out of reach here.
    const users = objects.filter((object) => object.type === "user" && principalIds.some((id) => sameId(id, object.id)));
    return Promise.all(
        users.map(async (user) => ({
            id: user.id,
            name: user.userPrincipalName ?? user.displayName ?? user.id,
            fido2: await readFido2(context, { id: user.id, ...(user.userPrincipalName ? { userPrincipalName: user.userPrincipalName } : {}) }),
        })),
    );
}

/** The credential checks, in report order. */
export const CREDENTIAL_CHECKS: readonly CheckDefinition[] = [
    {
        id: "credentials-phishing-resistant",
        title: "Each account holds the required device-bound FIDO2 keys (or certificates) and no other method besides the password",
        severity: "critical",
        sources: ["Microsoft", "ZTA 21835", "Prowler"],
        permissions: [PERMISSIONS.users, PERMISSIONS.methods],
        async run(context) {
            const missing = (await readAccounts(context)).filter((account) => !account.state).map((account) => account.declared.userPrincipalName);
            return { evidence: judgePhishingResistant(await readCredentials(context), missing, context.declaration) };
        },
    },
    {
        id: "credentials-rotated-after-use",
        title: "In sealed-password mode, each password was changed after the account's last sign-in",
        severity: "high",
        sources: ["Microsoft"],
        permissions: [PERMISSIONS.users, PERMISSIONS.signInActivity],
        async run(context) {
            if (context.declaration.credentialMode !== "sealed-password") return { evidence: judgeRotatedAfterUse([], context.declaration) };
            const [accounts, activities] = await Promise.all([readAccounts(context), readSignInActivities(context)]);
            const rotations = accounts.map((account): AccountRotation => ({
                account,
                ...(account.state?.lastPasswordChangeDateTime ? { lastPasswordChangeDateTime: account.state.lastPasswordChangeDateTime } : {}),
                ...(account.state && activities.get(account.state.id) ? { signIn: activities.get(account.state.id) } : {}),
            }));
            return { evidence: judgeRotatedAfterUse(rotations, context.declaration) };
        },
    },
    {
        id: "credentials-keys-distinct",
        title: "No emergency key model (AAGUID) is also registered to a Global Administrator that is not an emergency account",
        severity: "medium",
        sources: ["Microsoft"],
        permissions: [PERMISSIONS.users, PERMISSIONS.roles, PERMISSIONS.directoryObjects, PERMISSIONS.methods],
        async run(context) {
            const [credentials, instances] = await Promise.all([readCredentials(context), readGlobalAdministratorInstances(context)]);
            const others = await readOtherAdministrators(context, instances, credentials.map((item) => item.account.state?.id ?? ""));
            return { evidence: judgeKeysDistinct(credentials, others) };
        },
    },
];
