// The plan's two outputs: a table for people and one JSON object for tools. Both are built from
// display values only, so no secret can reach them.
import { TYPES } from "../policies/contract/constants";
import type { ProgramRun } from "./runProgram";
import { toDisplayValue } from "./serialized";

export interface PlanViolation {
    readonly policy: string;
    readonly policyPack: string;
    readonly enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    readonly urn?: string;
    readonly message: string;
}

export interface PlanResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly inputs: Record<string, unknown>;
    readonly options: { readonly protect: boolean; readonly retainOnDelete: boolean };
    /** Names of the resources it waits for (dependsOn and inputs), in registration order. */
    readonly dependsOn: string[];
}

/** Which policy pack judged the plan, and with which policy config file (null: none, every policy at its defaults). */
export interface PlanPack {
    readonly dir: string;
    readonly config: string | null;
}

export interface PlanResult {
    readonly stack: string;
    readonly pack?: PlanPack;
    readonly resources: PlanResource[];
    /** Stack outputs, secrets shown as `[secret]`. */
    readonly outputs: Record<string, unknown>;
    readonly violations: PlanViolation[];
    readonly notes: string[];
    readonly summary: {
        readonly resources: number;
        readonly byType: Record<string, number>;
        readonly protected: number;
        readonly mandatoryViolations: number;
        readonly advisoryViolations: number;
    };
}

export function buildPlanResult(run: ProgramRun, violations: PlanViolation[], notes: string[] = [], pack?: PlanPack): PlanResult {
    const stackRecord = run.resources.find((r) => r.type === TYPES.stack);
    const resources = run.resources
        .filter((r) => r.type !== TYPES.stack)
        .map(
            (r): PlanResource => ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent,
                inputs: toDisplayValue(r.inputs) as Record<string, unknown>,
                options: { protect: r.options.protect === true, retainOnDelete: r.options.retainOnDelete === true },
                dependsOn: [...new Set(r.options.dependencies)].map((urn) => urn.split("::").pop() ?? urn),
            }),
        );
    const byType: Record<string, number> = {};
    for (const r of resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
    return {
        stack: run.stack,
        ...(pack ? { pack } : {}),
        resources,
        outputs: toDisplayValue(stackRecord?.outputs ?? {}) as Record<string, unknown>,
        violations,
        notes,
        summary: {
            resources: resources.length,
            byType,
            protected: resources.filter((r) => r.options.protect).length,
            mandatoryViolations: violations.filter((v) => v.enforcementLevel === "mandatory").length,
            advisoryViolations: violations.filter((v) => v.enforcementLevel === "advisory").length,
        },
    };
}

/** The inputs worth a glance, per type (dotted paths reach into objects); other types show their first scalars. */
const KEY_SETTINGS: Record<string, string[]> = {
    [TYPES.randomPassword]: ["length", "minUpper", "minLower", "minNumeric", "minSpecial"],
    [TYPES.user]: ["userPrincipalName", "accountEnabled", "password", "disablePasswordExpiration"],
    [TYPES.directoryRole]: ["templateId"],
    [TYPES.directoryRoleAssignment]: ["roleId", "directoryScopeId", "principalObjectId"],
    [TYPES.group]: ["displayName", "securityEnabled", "assignableToRole", "members"],
    [TYPES.conditionalAccessExclusion]: ["policyId", "userIds", "groupIds"],
    [TYPES.passwordCustody]: ["userPrincipalName", "mode", "passwordLength", "rotation", "threshold", "custodians"],
    [TYPES.passkeyRequirement]: ["userPrincipalName", "method", "minimumPasskeys"],
    [TYPES.restrictedManagementUnit]: ["displayName", "isMemberManagementRestricted", "memberIds"],
    [TYPES.scheduledAlertRule]: [
        "enabled",
        "severity",
        "queryFrequency",
        "queryPeriod",
        "triggerThreshold",
        "suppressionEnabled",
        "incidentConfiguration.createIncident",
        "eventGroupingSettings.aggregationKind",
    ],
    [TYPES.actionGroup]: ["enabled", "groupShortName", "emailReceivers", "smsReceivers", "webhookReceivers"],
    [TYPES.scheduledQueryRule]: ["enabled", "severity", "evaluationFrequency", "windowSize", "autoMitigate"],
};

function valueAtPath(inputs: Record<string, unknown>, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as any)[key] : undefined), inputs);
}

function shortValue(value: unknown): string {
    if (Array.isArray(value)) {
        const scalars = value.every((v) => v === null || typeof v !== "object");
        return scalars && value.length <= 2 ? `[${value.map(shortValue).join(", ")}]` : `[${value.length}]`;
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value)
            .map(([k, v]) => `${k}:${shortValue(v)}`)
            .join(",");
    }
    return String(value);
}

/**
 * Types whose wait is worth a glance: a role assignment lists what it waits for, so the table shows that no role is
 * assigned before the account's custody resource and passkey requirement.
 */
const SHOWN_DEPENDENCY_TYPES: ReadonlySet<string> = new Set([TYPES.directoryRoleAssignment]);

function keySettings(resource: PlanResource, plan: PlanResult): string {
    const keys =
        KEY_SETTINGS[resource.type] ??
        Object.keys(resource.inputs)
            .filter((k) => typeof resource.inputs[k] !== "object")
            .slice(0, 4);
    const settings = keys
        .filter((k) => valueAtPath(resource.inputs, k) !== undefined)
        .map((k) => `${k.split(".").pop()}=${shortValue(valueAtPath(resource.inputs, k))}`);
    if (SHOWN_DEPENDENCY_TYPES.has(resource.type)) {
        const gates = resource.dependsOn.filter((name) =>
            plan.resources.some((r) => r.name === name && (r.type === TYPES.passkeyRequirement || r.type === TYPES.passwordCustody)),
        );
        if (gates.length > 0) settings.push(`after=${gates.join(",")}`);
    }
    return settings.join(" ");
}

function shortType(type: string): string {
    // azuread:index/user:User -> azuread:User; keeps the table narrow and the package visible.
    const [pkg, , name] = type.split(":");
    return name ? `${pkg}:${name}` : type;
}

export function renderTable(plan: PlanResult): string {
    const rows = plan.resources.map((r) => [
        shortType(r.type),
        r.name,
        r.options.protect ? "protected" : "",
        keySettings(r, plan),
    ]);
    const header = ["TYPE", "NAME", "OPTIONS", "KEY SETTINGS"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    const out = [`Plan for stack "${plan.stack}" (offline: mock runtime, no cloud calls)`, "", line(header)];
    out.push(...rows.map(line));
    out.push("", "Outputs:");
    for (const [k, v] of Object.entries(plan.outputs)) out.push(`  ${k}: ${JSON.stringify(v)}`);
    for (const note of plan.notes) out.push("", `Note: ${note}`);
    if (plan.pack) {
        out.push("", `Policy pack: ${plan.pack.dir}`, `Policy config: ${plan.pack.config ?? "none (every policy at its defaults)"}`);
    }
    out.push("", "Policy violations:");
    if (plan.violations.length === 0) out.push("  none");
    for (const v of plan.violations) {
        out.push(`  [${v.enforcementLevel}] ${v.policy} on ${v.urn ?? "the stack"}`);
        out.push(...v.message.split("\n").map((l) => `      ${l}`));
    }
    const counts = Object.entries(plan.summary.byType)
        .map(([t, n]) => `${n} ${shortType(t)}`)
        .join(", ");
    out.push(
        "",
        `${plan.summary.resources} resources (${counts}); ${plan.summary.protected} protected; ` +
            `${plan.summary.mandatoryViolations} mandatory and ${plan.summary.advisoryViolations} advisory policy violations.`,
    );
    return out.join("\n");
}

