// Kusto.Language's syntax tree and semantic model, for the pack's semantic checks of detection queries
// (./semantics.ts). It loads the library the way ./validator.ts does (lazily, reusing an existing `Kusto` global)
// and binds against the same three Log Analytics tables from ./tables.json, but exposes the analysed tree rather
// than diagnostics only, and keeps each database table symbol so a check can tell "the SigninLogs table" from a
// derived one. Nothing is loaded when this module is imported: the first analyzeKql call pays for it.
import tables from "./tables.json";

// The small part of Kusto.Language the checks use. The package's own declarations (1.7 MB, global `Kusto`,
// `System` and `Bridge` namespaces) would slow every type-check of the project, so they are not referenced.

/** A Bridge.NET IReadOnlyList. */
export interface BridgeList<T> {
    readonly Count: number;
    getItem(index: number): T;
}

/** A Kusto symbol: a table, column, let variable, function, operator... (kind from SymbolKinds). */
export interface KustoSymbol {
    readonly Kind: number;
    readonly Name: string;
    /** Columns and variables: their type (its Name is "datetime", "string"...). */
    readonly Type?: KustoSymbol | null;
    /** Columns: the expression that introduced the column (extend, project, parse, mv-expand); null for a table's own. */
    readonly Source?: KustoNode | null;
    /** Columns: the columns a renamed or union-unified column stands for. */
    readonly OriginalColumns?: BridgeList<KustoSymbol> | null;
}

/**
 * A syntax element (node or token). Which of the optional members exist depends on the kind (SyntaxKinds): a
 * FilterOperator has Condition, a BinaryExpression Left/Operator/Right, a LetStatement Name/Expression, and so on.
 */
export interface KustoNode {
    readonly Kind: number;
    readonly IsToken: boolean;
    /** Tokens: their text. */
    readonly Text?: string;
    readonly TextStart: number;
    readonly ChildCount: number;
    GetChild(index: number): KustoNode | null;
    readonly Parent: KustoNode | null;
    readonly ReferencedSymbol?: KustoSymbol | null;
    readonly ResultType?: KustoSymbol | null;
    readonly IsConstant?: boolean;
    /** A Bridge value: a JS string or number, a boxed {v} (bool, real, datetime), an Int64 or a TimeSpan {ticks}. */
    readonly ConstantValue?: unknown;
    readonly Condition?: KustoNode | null;
    readonly Expression?: KustoNode | null;
    readonly Left?: KustoNode | null;
    readonly Right?: KustoNode | null;
    readonly Operator?: KustoNode | null;
    readonly Selector?: KustoNode | null;
    readonly Name?: KustoNode | null;
    readonly SimpleName?: string | null;
    readonly ArgumentList?: KustoNode | null;
    readonly First?: KustoNode | null;
    readonly Second?: KustoNode | null;
    toString(): string;
}

/** One of Kusto's diagnostics, as the library returns it. */
export interface KustoDiagnostic {
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
        ParseAndAnalyze(
            text: string,
            globals: GlobalState,
        ): { readonly Syntax: KustoNode; GetDiagnostics(): BridgeList<KustoDiagnostic> };
    };
    readonly Syntax: { readonly SyntaxKind: Readonly<Record<string, number>> };
    readonly Symbols: {
        readonly SymbolKind: Readonly<Record<string, number>>;
        readonly ScalarTypes: Readonly<Record<string, Symbol>>;
        readonly ColumnSymbol: new (name: string, type: Symbol) => KustoSymbol;
        // Bridge.NET names overloaded constructors $ctorN: these are (name, ColumnSymbol[]) and (name, Symbol[]).
        readonly TableSymbol: { readonly $ctor4: new (name: string, columns: Symbol[]) => KustoSymbol };
        readonly DatabaseSymbol: { readonly ctor: new (name: string, members: Symbol[]) => Symbol };
    };
}

/** A query as Kusto analysed it. */
export interface AnalyzedQuery {
    /** The root (a QueryBlock) of the bound syntax tree. */
    readonly root: KustoNode;
    /** Error-severity diagnostics: syntax errors, unknown names, type errors. */
    readonly errors: readonly { readonly message: string; readonly line: number; readonly column: number }[];
}

/** The loaded library, the syntax and symbol kinds by name, and the workspace's table symbols by name. */
export interface KustoModel {
    readonly syntaxKinds: Readonly<Record<string, number>>;
    readonly symbolKinds: Readonly<Record<string, number>>;
    /** The database's own TableSymbol of each table in tables.json. */
    readonly tables: ReadonlyMap<string, KustoSymbol>;
    /** The database's own ColumnSymbols (a table's columns, as opposed to derived ones). */
    readonly tableColumns: ReadonlySet<KustoSymbol>;
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

/** The tables tables.json declares, without loading Kusto. */
export const KNOWN_TABLES: readonly string[] = Object.keys(tables.tables);

let cached: (KustoModel & { readonly language: KustoLanguage; readonly globals: GlobalState }) | undefined;

/** Whether Kusto has been loaded by this module (for tests of the lazy loading). */
export function kustoLoaded(): boolean {
    return cached !== undefined;
}

/** Kusto.Language and the workspace database, built on first use and kept. */
export function kustoModel(): KustoModel {
    return model();
}

function model(): KustoModel & { readonly language: KustoLanguage; readonly globals: GlobalState } {
    if (cached) return cached;
    const language = loadKustoLanguage();
    const { ScalarTypes, ColumnSymbol, TableSymbol, DatabaseSymbol } = language.Symbols;
    const tableSymbols = new Map<string, KustoSymbol>();
    const tableColumns = new Set<KustoSymbol>();
    for (const [table, columns] of Object.entries(tables.tables)) {
        const columnSymbols = columns.map(({ name, type }) => {
            const scalar = SCALAR_TYPES[type];
            if (scalar === undefined || ScalarTypes[scalar] === undefined) {
                throw new Error(`policies/contract/kql/tables.json: ${table}.${name} has unknown type "${type}"`);
            }
            const column = new ColumnSymbol(name, ScalarTypes[scalar]);
            tableColumns.add(column);
            return column;
        });
        tableSymbols.set(table, new TableSymbol.$ctor4(table, columnSymbols));
    }
    const database = new DatabaseSymbol.ctor("LogAnalytics", [...tableSymbols.values()]);
    cached = {
        language,
        globals: language.GlobalState.Default.WithDatabase(database),
        syntaxKinds: language.Syntax.SyntaxKind,
        symbolKinds: language.Symbols.SymbolKind,
        tables: tableSymbols,
        tableColumns,
    };
    return cached;
}

/** Every diagnostic Kusto reports for `query`, of any severity, once parsed and bound against the workspace tables. */
export function kustoDiagnostics(query: string): BridgeList<KustoDiagnostic> {
    const { language, globals } = model();
    return language.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
}

/** Parses and binds `query` against the workspace tables. The first call loads Kusto (about a second). */
export function analyzeKql(query: string): AnalyzedQuery {
    const { language, globals } = model();
    const code = language.KustoCode.ParseAndAnalyze(query, globals);
    const found = code.GetDiagnostics();
    const errors: { message: string; line: number; column: number }[] = [];
    for (let i = 0; i < found.Count; i++) {
        const d = found.getItem(i);
        if ((d.Severity ?? "Error") !== "Error") continue;
        const before = query.slice(0, Math.max(0, d.Start)).split("\n");
        const column = before[before.length - 1].length + 1;
        errors.push({ message: d.Message ?? d.Description ?? "", line: before.length, column });
    }
    return { root: code.Syntax, errors };
}

/**
 * Loads the Bridge.NET runtime and Kusto.Language, which install themselves as globals rather than exporting
 * anything; an existing `Kusto` global (a test runner cleared the module cache) is
 * reused, since loading twice throws. Minified builds: they parse in half the time of the readable ones.
 */
function loadKustoLanguage(): KustoLanguage {
    const global = globalThis as { Kusto?: { Language?: KustoLanguage }; Bridge?: unknown };
    if (global.Kusto?.Language?.KustoCode === undefined) {
        // A synchronous require keeps the checks synchronous; import() would make every caller async.
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
