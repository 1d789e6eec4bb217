// What the monitoring declaration needs the whole stack for: the ids in each rule's and alert's query are exactly
// the emergency accounts' object ids (and the group's, for the change rule), each alert notifies the declared
// action group (by id) and reads the Sentinel rules' workspace at their frequency. Everything a resource alone
// shows is judged before the step by the resource policies; this runs at the end of a preview, and defers what
// needs ids only `pulumi up` knows.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    RECOGNITION_SCHEMA,
    deferUntilKnown,
    emergencyAccounts,
    emergencyGroup,
    isUnknown,
    rawProps,
    type Recognition,
} from "../lib/emergency";
import { definePolicy } from "../lib/metadata";
import {
    emergencyAlertTable,
    emergencyRuleKind,
    isEmergencyActionGroup,
    queryDeclaredIds,
    type QueryPurpose,
} from "../lib/monitoring";

/** Ids as a sorted set, without regard to case. */
function idSet(ids: readonly string[]): string[] {
    return [...new Set(ids.map((id) => id.toLowerCase()))].sort();
}

/** What differs between the ids a query declares and the ids it must declare, as words; undefined when equal. */
export function idDifference(declared: readonly string[], expected: readonly string[]): string | undefined {
    const have = idSet(declared);
    const want = idSet(expected);
    const missing = want.filter((id) => !have.includes(id));
    const extra = have.filter((id) => !want.includes(id));
    if (missing.length === 0 && extra.length === 0) return undefined;
    return [missing.length > 0 && `misses ${missing.join(", ")}`, extra.length > 0 && `also names ${extra.join(", ")}`]
        .filter(Boolean)
        .join(" and ");
}

interface Watched {
    readonly name: string;
    readonly purpose: QueryPurpose;
    readonly query: unknown;
}

export const monitoringEveryAccount = definePolicy<StackValidationPolicy>({
    name: "emergency-monitoring-require-every-account",
    description:
        "Every rule's and alert's query names exactly the emergency accounts by object id (the change rule also the " +
        "emergency group), each Azure Monitor alert notifies the declared action group and reads the Sentinel rules' " +
        "workspace at their frequency.",
    remediationSteps: "Keep the rules and alerts built by EmergencyAccess from the accounts' ids and its action group.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<Recognition>();
        const accounts = emergencyAccounts(args.resources, config);
        const group = emergencyGroup(args.resources, config);
        const deferred: string[] = [];
        const rules = args.resources.filter((r) => emergencyRuleKind(r.type, r.urn));
        const alerts = args.resources.filter((r) => emergencyAlertTable(r.type, r.urn));
        const watched: Watched[] = [
            ...rules.map((r) => ({ name: r.name, purpose: { rule: emergencyRuleKind(r.type, r.urn)! }, query: rawProps(r.props).query })),
            ...alerts.map((r) => ({
                name: r.name,
                purpose: { alertTable: emergencyAlertTable(r.type, r.urn)! },
                query: rawProps(r.props).criteria?.allOf?.[0]?.query,
            })),
        ];

        const accountIds = accounts.map((a) => a.objectId);
        const groupId = group?.props.objectId;
        const idsKnown = accountIds.every((id) => id !== undefined) && !(group && (typeof groupId !== "string" || isUnknown(groupId)));
        for (const entry of watched) {
            if (typeof entry.query !== "string" || isUnknown(entry.query) || !idsKnown) {
                deferred.push(`the ids in ${entry.name}'s query`);
                continue;
            }
            const known = accountIds as string[];
            const declared = queryDeclaredIds(entry.query, entry.purpose);
            if (!declared) {
                reportViolation(`${entry.name}'s query does not declare the accounts' ids as the builder does, so it cannot be checked against them.`);
                continue;
            }
            const difference = idDifference(declared.accountIds, known);
            if (difference) reportViolation(`${entry.name}'s query ${difference}: it must name exactly the emergency accounts' object ids.`);
            if ("rule" in entry.purpose && entry.purpose.rule === "change" && typeof groupId === "string" &&
                declared.groupId?.toLowerCase() !== groupId.toLowerCase()) {
                reportViolation(`${entry.name}'s query watches the group ${declared.groupId ?? "(none)"}, not the emergency group ${groupId}.`);
            }
        }

        const actionGroup = args.resources.find((r) => isEmergencyActionGroup(r.type, r.urn));
        const signIn = rules.find((r) => emergencyRuleKind(r.type, r.urn) === "sign-in");
        const signInProps = signIn && rawProps(signIn.props);
        for (const alert of alerts) judgeAlertWiring(alert, actionGroup, signInProps, reportViolation, deferred);

        if (deferred.length > 0) deferUntilKnown(deferred.join("; "));
    },
}, {
    severity: "critical",
    rationale:
        "Every use of an emergency account must alert; a query that misses an account (matched by object id, which " +
        "survives a rename), or an alert that notifies another action group or reads another workspace, lets it be " +
        "used or changed unseen.",
    frameworks: [{ framework: "microsoft" }],
});

const ACTION_GROUP_ID = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Insights\/actionGroups\/([^/]+)$/i;

/**
 * Whether `id` is the ARM id of `actionGroup`: its own id when the engine hands it over, else its resource group and
 * Azure name (the declared one, or the provider's auto-name: the resource's name plus a random suffix). Undefined
 * while a value it needs is unknown.
 */
export function isActionGroupId(id: unknown, actionGroup: PolicyResource): boolean | undefined {
    const props = rawProps(actionGroup.props);
    if ([id, props.id, props.resourceGroupName, props.actionGroupName, props.name].some(isUnknown)) return undefined;
    if (typeof id !== "string") return false;
    if (typeof props.id === "string") return id.toLowerCase() === props.id.toLowerCase();
    const match = ACTION_GROUP_ID.exec(id);
    if (!match || typeof props.resourceGroupName !== "string" || match[1].toLowerCase() !== props.resourceGroupName.toLowerCase()) return false;
    const azureName = typeof props.actionGroupName === "string" ? props.actionGroupName : props.name;
    if (typeof azureName === "string") return match[2].toLowerCase() === azureName.toLowerCase();
    return new RegExp(`^${actionGroup.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[a-z0-9]{0,8}$`, "i").test(match[2]);
}

/** The alert notifies exactly the declared action group and reads the sign-in rule's workspace at its frequency. */
function judgeAlertWiring(
    alert: PolicyResource,
    actionGroup: PolicyResource | undefined,
    signIn: Record<string, any> | undefined,
    reportViolation: (message: string) => void,
    deferred: string[],
): void {
    const props = rawProps(alert.props);
    const groups = props.actions?.actionGroups;
    // A missing action group is reported by emergency-access-require-presence.
    if (actionGroup) {
        const only = Array.isArray(groups) && groups.length === 1;
        const same = only ? isActionGroupId(groups[0], actionGroup) : false;
        if (same === undefined) {
            deferred.push(`the action group of ${alert.name}`);
        } else if (!same) {
            reportViolation(`${alert.name} notifies ${JSON.stringify(groups)}; it must notify exactly the emergency action group ${actionGroup.name}.`);
        }
    }
    if (!signIn) return;
    const scope = props.scopes?.[0];
    const { resourceGroupName, workspaceName } = signIn;
    if ([scope, resourceGroupName, workspaceName].some(isUnknown)) {
        deferred.push(`the workspace of ${alert.name}`);
    } else if (typeof scope !== "string" || typeof resourceGroupName !== "string" || typeof workspaceName !== "string" ||
        !scope.toLowerCase().endsWith(`/resourcegroups/${resourceGroupName}/providers/microsoft.operationalinsights/workspaces/${workspaceName}`.toLowerCase())) {
        reportViolation(`${alert.name} reads ${JSON.stringify(scope)}; it must read the Sentinel rules' workspace ${resourceGroupName}/${workspaceName}.`);
    }
    if (props.evaluationFrequency !== signIn.queryFrequency && !isUnknown(signIn.queryFrequency)) {
        reportViolation(`${alert.name} runs every ${props.evaluationFrequency}; the Sentinel rules run every ${signIn.queryFrequency}, from the same setting.`);
    }
}
