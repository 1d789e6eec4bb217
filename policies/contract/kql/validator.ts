// Validates KQL against the three Log Analytics tables the monitoring reads, with Microsoft's own Kusto language
// service (loaded lazily by ./analyzer.ts, shared with the syntax-tree checks). Binding is what finds an unknown table
// or column and a type error; a parse alone accepts `SigninLogs | where Nope > "x"`. The unit tests use it to prove
// every builder's output valid, which is why the pack never parses a query that equals the builder's output.
import { kustoDiagnostics } from "./analyzer";

/** One problem Kusto reports in a query. */
export interface KqlDiagnostic {
    /** Kusto's severity: "Error", "Warning", "Suggestion" or "Information". */
    readonly severity: string;
    /** Kusto's diagnostic code, such as KS142 (unknown name); empty when Kusto gives none. */
    readonly code: string;
    /** Kusto's message, such as "The name 'UserIdd' does not refer to any known column, ...". */
    readonly message: string;
    /** Offset of the offending text in the query (0-based, UTF-16 code units). */
    readonly start: number;
    /** Length of the offending text; 0 for something missing, such as an expression. */
    readonly length: number;
    /** 1-based line of `start`. */
    readonly line: number;
    /** 1-based column of `start`. */
    readonly column: number;
}

/** Thrown by assertValidKql. The message lists every diagnostic with its position and the text there. */
export class KqlValidationError extends Error {
    constructor(
        message: string,
        /** The diagnostics, as validateKql returns them. */
        public readonly diagnostics: readonly KqlDiagnostic[],
    ) {
        super(message);
        this.name = "KqlValidationError";
    }
}

/**
 * The diagnostics of `query` once parsed and bound against SigninLogs, AADNonInteractiveUserSignInLogs and
 * AuditLogs (columns and types from tables.json): syntax errors, unknown tables, columns and functions,
 * type errors. An empty array means the query is valid. The first call loads the Kusto library.
 */
export function validateKql(query: string): KqlDiagnostic[] {
    const found = kustoDiagnostics(query);
    const diagnostics: KqlDiagnostic[] = [];
    for (let i = 0; i < found.Count; i++) {
        const d = found.getItem(i);
        const start = Math.max(0, d.Start);
        const before = query.slice(0, start).split("\n");
        diagnostics.push({
            severity: d.Severity ?? "Error",
            code: d.Code ?? "",
            message: d.Message ?? d.Description ?? "",
            start,
            length: Math.max(0, d.Length),
            line: before.length,
            column: before[before.length - 1].length + 1,
        });
    }
    return diagnostics;
}

/**
 * Throws KqlValidationError when `query` has any diagnostic. `label` names the query in the message
 * ("sign-in query"), for a reader who has several.
 */
export function assertValidKql(query: string, label = "KQL query"): void {
    const diagnostics = validateKql(query);
    if (diagnostics.length === 0) return;
    const lines = query.split("\n");
    const details = diagnostics.map((d) => {
        const text = d.length > 0 ? ` at "${query.slice(d.start, d.start + d.length)}"` : "";
        const source = lines[d.line - 1] ?? "";
        const caret = `${" ".repeat(d.column - 1)}${"^".repeat(Math.max(1, Math.min(d.length, source.length - d.column + 1)))}`;
        return `  ${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}${text}\n    ${source}\n    ${caret}`;
    });
    throw new KqlValidationError(
        `${label} has ${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"}:\n${details.join("\n")}`,
        diagnostics,
    );
}
