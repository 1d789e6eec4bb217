// Parses and binds KQL against the three Log Analytics tables the monitoring reads, with Microsoft's own
// Kusto language service (Kusto.Language, compiled to JavaScript with Bridge.NET). Binding is what finds
// an unknown table or column and a type error; a parse alone accepts `SigninLogs | where Nope > "x"`.
//
// The library is large: loading it, building the database and warming up the first analysis take about
// a second and 110 MB of memory. So nothing is loaded when this module is imported: the first validateKql
// call loads it and builds the database once; later calls take milliseconds to tens of milliseconds. The
// program imports the contract on every `pulumi up` and must not pay for a validator it does not call.
import { changeQuery, queryWindow, signInQuery } from "../queries";
import tables from "./tables.json";

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
    const { language, globals } = analyzer();
    const found = language.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
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

// The small part of Kusto.Language this module uses. The package's own declarations (1.7 MB, global
// `Kusto`, `System` and `Bridge` namespaces) would slow every type-check of the project and leak those
// globals into its types, so they are not referenced.
interface BridgeList<T> {
    readonly Count: number;
    getItem(index: number): T;
}
interface KustoDiagnosticObject {
    readonly Code: string | null;
    readonly Severity: string | null;
    readonly Message: string | null;
    readonly Description: string | null;
    readonly Start: number;
    readonly Length: number;
}
type Symbol = object;
interface GlobalState {
    WithDatabase(database: Symbol): GlobalState;
}
interface KustoLanguage {
    readonly GlobalState: { readonly Default: GlobalState };
    readonly KustoCode: {
        ParseAndAnalyze(text: string, globals: GlobalState): { GetDiagnostics(): BridgeList<KustoDiagnosticObject> };
    };
    readonly Symbols: {
        readonly ScalarTypes: Readonly<Record<string, Symbol>>;
        readonly ColumnSymbol: new (name: string, type: Symbol) => Symbol;
        // Bridge.NET names overloaded constructors $ctorN: these are (name, ColumnSymbol[]) and (name, Symbol[]).
        readonly TableSymbol: { readonly $ctor4: new (name: string, columns: Symbol[]) => Symbol };
        readonly DatabaseSymbol: { readonly ctor: new (name: string, members: Symbol[]) => Symbol };
    };
}

/** Log Analytics column types (as tables.json spells them) and their Kusto scalar type names. */
const SCALAR_TYPES: Readonly<Record<string, string>> = {
    string: "String",
    int: "Int",
    long: "Long",
    real: "Real",
    decimal: "Decimal",
    bool: "Bool",
    datetime: "DateTime",
    timespan: "TimeSpan",
    guid: "Guid",
    dynamic: "Dynamic",
};

let cached: { readonly language: KustoLanguage; readonly globals: GlobalState } | undefined;

/** Kusto.Language and the GlobalState holding the workspace's tables, built on first use and kept. */
function analyzer(): { readonly language: KustoLanguage; readonly globals: GlobalState } {
    if (cached) return cached;
    const language = loadKustoLanguage();
    const { ScalarTypes, ColumnSymbol, TableSymbol, DatabaseSymbol } = language.Symbols;
    const tableSymbols = Object.entries(tables.tables).map(([table, columns]) => {
        const columnSymbols = columns.map(({ name, type }) => {
            const scalar = SCALAR_TYPES[type];
            if (scalar === undefined || ScalarTypes[scalar] === undefined) {
                throw new Error(`policies/contract/kql/tables.json: ${table}.${name} has unknown type "${type}"`);
            }
            return new ColumnSymbol(name, ScalarTypes[scalar]);
        });
        return new TableSymbol.$ctor4(table, columnSymbols);
    });
    const database = new DatabaseSymbol.ctor("LogAnalytics", tableSymbols);
    cached = { language, globals: language.GlobalState.Default.WithDatabase(database) };
    return cached;
}

/**
 * Loads the Bridge.NET runtime and Kusto.Language, which install themselves as the globals `Bridge`,
 * `System` and `Kusto` (plus `Object.$$inheritors`) rather than exporting anything. Loading them a second
 * time throws ("Class 'Kusto.Language.Aggregates' is already defined"), which happens when a test runner
 * clears the module cache or another module loaded the package first: so an existing `Kusto` global is
 * reused. The minified builds parse in half the time and use 40% less memory than the readable ones.
 */
function loadKustoLanguage(): KustoLanguage {
    const global = globalThis as { Kusto?: { Language?: KustoLanguage }; Bridge?: unknown };
    if (global.Kusto?.Language?.KustoCode === undefined) {
        // A synchronous require keeps validateKql synchronous; import() would make every caller async.
        /* eslint-disable @typescript-eslint/no-require-imports */
        if (global.Bridge === undefined) require("@kusto/language-service-next/bridge.min.js");
        require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
        /* eslint-enable @typescript-eslint/no-require-imports */
    }
    const language = global.Kusto?.Language;
    if (language?.KustoCode === undefined) {
        throw new Error("@kusto/language-service-next did not define the global Kusto.Language");
    }
    return language;
}

/**
 * Loads Kusto and runs one representative analysis, so the first real validation takes milliseconds.
 * The policy pack calls it while it waits for the engine's first request: idle time in every preview.
 */
export function warmUpKqlValidator(): void {
    const ids = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
    const window = queryWindow("PT5M");
    validateKql(signInQuery(ids, window));
    validateKql(changeQuery(ids, ids[0], window));
}
