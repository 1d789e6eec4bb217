// The tenant's Microsoft Entra diagnostic settings: where the sign-in and audit logs go. A tenant-level ARM resource
// of the microsoft.aadiam provider, listed at `GET /providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01`
// (the version azure-native's aadiam module uses: https://www.pulumi.com/registry/packages/azure-native/api-docs/aadiam/getdiagnosticsetting/;
// body as the Bicep reference shows it: https://learn.microsoft.com/azure/templates/microsoft.aadiam/2017-04-01/diagnosticsettings).
// Reading them needs an Entra role that reads the reports' configuration (Security Reader or Global Reader; Security
// Administrator configures them: https://learn.microsoft.com/entra/identity/monitoring-health/howto-integrate-activity-logs-with-azure-monitor-logs).
import type { AzureReader } from "./client";
import { listAll, stringOf } from "./paging";

/** The API version of microsoft.aadiam/diagnosticSettings (the only GA one). */
export const ENTRA_DIAGNOSTIC_SETTINGS_API_VERSION = "2017-04-01";

/** The list path. */
export const ENTRA_DIAGNOSTIC_SETTINGS_PATH = `/providers/microsoft.aadiam/diagnosticSettings?api-version=${ENTRA_DIAGNOSTIC_SETTINGS_API_VERSION}`;

/** Who may read the settings, as the checks name it. */
export const ENTRA_DIAGNOSTIC_SETTINGS_ROLE =
    "Security Reader or Global Reader in Microsoft Entra ID (microsoft.aadiam/diagnosticSettings/read)";

/** One log category of a setting. */
export interface LogCategory {
    readonly category: string;
    readonly enabled: boolean;
}

/** One diagnostic setting: its name and its destinations (only the workspace is judged). */
export interface EntraDiagnosticSetting {
    readonly id: string;
    readonly name: string;
    /** The Log Analytics workspace's ARM id, as Azure holds it (case varies), or undefined when it sends elsewhere only. */
    readonly workspaceId?: string;
    readonly storageAccountId?: string;
    readonly eventHubAuthorizationRuleId?: string;
    readonly logs: readonly LogCategory[];
}

/** Every diagnostic setting of the tenant; [] when there is none. */
export async function listEntraDiagnosticSettings(reader: AzureReader): Promise<EntraDiagnosticSetting[]> {
    const items = await listAll(reader, ENTRA_DIAGNOSTIC_SETTINGS_PATH, "Entra diagnostic settings");
    return items.map((item) => {
        const raw = item as { id?: unknown; name?: unknown; properties?: Record<string, unknown> };
        const properties = raw.properties ?? {};
        const logs = Array.isArray(properties.logs) ? (properties.logs as { category?: unknown; enabled?: unknown }[]) : [];
        return {
            id: stringOf(raw.id) ?? "",
            name: stringOf(raw.name) ?? "",
            workspaceId: stringOf(properties.workspaceId) || undefined,
            storageAccountId: stringOf(properties.storageAccountId) || undefined,
            eventHubAuthorizationRuleId: stringOf(properties.eventHubAuthorizationRuleId) || undefined,
            logs: logs.map((log) => ({ category: stringOf(log.category) ?? "", enabled: log.enabled === true })),
        };
    });
}
