// Generated tenants of any size for the request-count tests and the bench: N user-scoped Conditional Access
// policies in the three states, excluding the fixture stack's emergency ids or not, with deterministic ids.
// Pure: no network, no Pulumi.
import type { ConditionalAccessPolicy } from "../../policies/contract/conditionalAccess";
import { FIXTURE_GROUP_ID, FIXTURE_USER_IDS } from "./ids";

const STATES = ["enabled", "enabledForReportingButNotEnforced", "disabled"] as const;

/** The id of generated policy `index` (0-based) of tenant `tenant` (0..65535): a valid GUID, stable from run to run. */
export function generatedPolicyId(index: number, tenant = 0): string {
    const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");
    return `${hex(index, 8)}-${hex(tenant, 4)}-4000-8000-00000000ca00`;
}

/** How generatedPolicies shapes the tenant. */
export interface GeneratedTenantOptions {
    /** Whether every policy already excludes the fixture's accounts and group (a converged tenant). Defaults to true. */
    readonly converged?: boolean;
    /** Distinguishes the ids of two tenants in one test. Defaults to 0. */
    readonly tenant?: number;
}

/** The fields that tell one all-users policy from another. */
export interface AllUsersPolicyFields {
    readonly id: string;
    readonly displayName: string;
    readonly state: string;
    /** Whether it already excludes the fixture's accounts and group. */
    readonly excluded: boolean;
    /** Its grant: "mfa" or "block". */
    readonly grant: "mfa" | "block";
    /** Its locations condition; null for any location. */
    readonly locations?: Record<string, unknown> | null;
}

/** A policy that applies to every user, as Graph returns it: a full conditionalAccessPolicy. */
export function allUsersPolicy(fields: AllUsersPolicyFields): ConditionalAccessPolicy {
    return {
        id: fields.id,
        templateId: null,
        displayName: fields.displayName,
        createdDateTime: "2025-01-06T08:00:00.0000000Z",
        modifiedDateTime: "2025-01-06T08:00:00.0000000Z",
        state: fields.state,
        sessionControls: null,
        conditions: {
            clientAppTypes: ["all"],
            applications: { includeApplications: ["All"], excludeApplications: [], includeUserActions: [] },
            users: {
                includeUsers: ["All"],
                excludeUsers: fields.excluded ? [...FIXTURE_USER_IDS] : [],
                includeGroups: [],
                excludeGroups: fields.excluded ? [FIXTURE_GROUP_ID] : [],
                includeRoles: [],
                excludeRoles: [],
                includeGuestsOrExternalUsers: null,
                excludeGuestsOrExternalUsers: null,
            },
            clientApplications: null,
            platforms: null,
            locations: fields.locations ?? null,
        },
        grantControls: { operator: "OR", builtInControls: [fields.grant], customAuthenticationFactors: [], termsOfUse: [] },
    };
}

/** N policies as Graph lists them, each one a full conditionalAccessPolicy. */
export function generatedPolicies(count: number, options: GeneratedTenantOptions = {}): ConditionalAccessPolicy[] {
    return Array.from({ length: count }, (_, index) =>
        allUsersPolicy({
            id: generatedPolicyId(index, options.tenant ?? 0),
            displayName: `GEN${String(index + 1).padStart(3, "0")}: Require MFA for all users (generated)`,
            state: STATES[index % STATES.length],
            excluded: options.converged ?? true,
            grant: "mfa",
        }),
    );
}

/** ⌈N/100⌉: the pages of one listing at Graph's 100 policies per page, the floor of any refresh of N. */
export function listPages(count: number, pageSize = 100): number {
    return Math.max(1, Math.ceil(count / pageSize));
}
