// Semantic checks of a detection query the pack did not build (issue 11, section A): a query that differs from
// the builder's output passes only when its hash is allow-listed, and even then these checks must pass. They read
// Kusto.Language's bound syntax tree, never the text, so spelling does not matter: `['ResultType']`,
// `column_ifexists("ResultType", "")` and `extend ok = ResultType == 0 | where ok` are the same filter on the same
// column. Each filter is also evaluated, with what is known for certain (literals, let-bound constants, now() and
// ago(), a record's time being in the past, an emergency account's id in its id columns), to find filters that are
// never true and filters that drop an account or match it only in one letter case.
//
// The checks are conservative: what they cannot decide counts as "may be true", except that an account counts as
// matched only by a filter they can evaluate. Kusto is loaded on the first call (./analyzer.ts), not on import.
import { createHash } from "node:crypto";
import { normalizeGuid, QueryInputError, SIGN_IN_COLUMNS } from "../queries";
import { analyzeKql, KNOWN_TABLES, kustoModel, type KustoModel, type KustoNode, type KustoSymbol } from "./analyzer";

/** What a detection query must do. */
export interface DetectionQueryExpectation {
    /** Object ids (GUIDs) of every emergency account the query must match. */
    readonly accountIds: readonly string[];
    /**
     * Tables the query must read, e.g. ["SigninLogs", "AADNonInteractiveUserSignInLogs"] for the sign-in rule,
     * ["AuditLogs"] for the change rule.
     */
    readonly requiredTables: readonly string[];
}

/**
 * Columns that say how an attempt ended: a filter on any of them hides failed or blocked attempts. The sign-in
 * tables' ResultType, ResultSignature, ResultDescription, Status and ConditionalAccessStatus, and AuditLogs'
 * Result and ResultReason (AuditLogs also has the first three).
 */
export const RESULT_COLUMNS: readonly string[] = [
    "ResultType",
    "ResultSignature",
    "ResultDescription",
    "Status",
    "ConditionalAccessStatus",
    "Result",
    "ResultReason",
];

/**
 * Where a record holds the object id of the account it is about: the sign-in tables' UserId, and in AuditLogs
 * the initiating user and each target (`[]` stands for an element of an array, indexed or mv-expanded).
 */
export const ACCOUNT_ID_PATHS: readonly string[] = [SIGN_IN_COLUMNS.accountId, "InitiatedBy.user.id", "TargetResources[].id"];

/** SHA-256 (lower-case hex) of the query text exactly as given, for the trusted allow-list. */
export function queryHash(query: string): string {
    if (typeof query !== "string") throw new TypeError(`query must be a string (got ${typeof query}).`);
    return createHash("sha256").update(query, "utf8").digest("hex");
}

/**
 * Every semantic problem of a detection query, as sentences ("the query filters on ResultType ..."); [] when none.
 * Never throws on bad KQL (a parse error is itself a problem); throws QueryInputError when `expected` is malformed.
 */
export function detectionQueryProblems(query: string, expected: DetectionQueryExpectation): string[] {
    const accountIds = checkAccountIds(expected?.accountIds);
    const requiredTables = checkTables(expected?.requiredTables);
    if (typeof query !== "string") return [`the query is not text (got ${query === null ? "null" : typeof query}).`];
    try {
        const { root, errors } = analyzeKql(query);
        const problems = errors.map((e) => `the query has an error at line ${e.line}, column ${e.column}: ${e.message}`);
        const tree = new QueryTree(root, kustoModel());
        problems.push(...tree.resultFilterProblems(), ...tree.neverTrueProblems(), ...tree.accountProblems(accountIds));
        problems.push(...tree.tableProblems(requiredTables));
        return problems;
    } catch (error) {
        return [`the query could not be analysed: ${error instanceof Error ? error.message : String(error)}`];
    }
}

function checkAccountIds(ids: unknown): string[] {
    if (!Array.isArray(ids) || ids.length === 0) {
        throw new QueryInputError("expected.accountIds must list at least one emergency account object id.");
    }
    return [...new Set(ids.map((id, i) => normalizeGuid(`expected.accountIds[${i}]`, id)))];
}

function checkTables(tables: unknown): string[] {
    if (!Array.isArray(tables) || tables.length === 0) {
        throw new QueryInputError(`expected.requiredTables must list at least one of ${KNOWN_TABLES.join(", ")}.`);
    }
    tables.forEach((table, i) => {
        if (typeof table !== "string" || !KNOWN_TABLES.includes(table)) {
            throw new QueryInputError(
                `expected.requiredTables[${i}] is not a known table (got ${JSON.stringify(table)}); ` +
                    `known: ${KNOWN_TABLES.join(", ")}.`,
            );
        }
    });
    return tables as string[];
}

/** A value the evaluation is certain of; `undefined` means unknown. */
type Value =
    | { readonly kind: "bool"; readonly value: boolean }
    | { readonly kind: "number"; readonly value: number }
    | { readonly kind: "string"; readonly value: string }
    | { readonly kind: "timespan"; readonly ticks: number }
    /** A point in time, in ticks from the moment the query runs (now() is 0, ago(1h) is minus an hour). */
    | { readonly kind: "time"; readonly ticks: number }
    /** A record's own time (TimeGenerated, ingestion_time()): the records a run must see are from just before now. */
    | { readonly kind: "recordTime" }
    | { readonly kind: "list"; readonly items: readonly (Value | undefined)[] };

/** What the evaluation assumes about the record: the id in its account columns, when it is an emergency account's. */
interface Row {
    readonly accountId?: string;
}

const TICKS_PER_MS = 10_000;
/** Nesting beyond which evaluation gives up (unknown) rather than follow a chain of columns or lets further. */
const MAX_DEPTH = 64;
const SNIPPET_LENGTH = 100;

/** The analysed tree of one query, with the indexes the checks share. */
class QueryTree {
    private readonly k: Readonly<Record<string, number>>;
    private readonly symbolKind: Readonly<Record<string, number>>;
    /** Every node (tokens excluded), in document order. */
    private readonly nodes: KustoNode[] = [];
    /** What each let-bound variable or function was bound to. */
    private readonly letValues = new Map<KustoSymbol, KustoNode>();
    private readonly tableNames = new Map<KustoSymbol, string>();
    /** Row filters: where/filter and search conditions. */
    private readonly filters: KustoNode[] = [];

    constructor(
        root: KustoNode,
        private readonly model: KustoModel,
    ) {
        this.k = model.syntaxKinds;
        this.symbolKind = model.symbolKinds;
        for (const [name, symbol] of model.tables) this.tableNames.set(symbol, name);
        const stack: KustoNode[] = [root];
        while (stack.length > 0) {
            const node = stack.pop()!;
            if (node.IsToken) continue;
            this.nodes.push(node);
            for (let i = node.ChildCount - 1; i >= 0; i--) {
                const child = node.GetChild(i);
                if (child) stack.push(child);
            }
        }
        for (const node of this.nodes) {
            if (node.Kind === this.k.LetStatement && node.Name?.ReferencedSymbol && node.Expression) {
                this.letValues.set(node.Name.ReferencedSymbol, node.Expression);
            }
            if ((node.Kind === this.k.FilterOperator || node.Kind === this.k.SearchOperator) && node.Condition) {
                this.filters.push(node);
            }
        }
    }

    // ---- Check 2: no filter on a result column ----

    resultFilterProblems(): string[] {
        const problems: string[] = [];
        type Judged = [operator: KustoNode, predicate: KustoNode | null | undefined];
        const judged: Judged[] = [
            ...this.filters.map((f): Judged => [f, f.Condition]),
            ...this.ofKind("ParseWhereOperator").map((p): Judged => [p, p.Expression]),
            // A join or lookup on a result column keeps only the results the other side lists.
            ...this.ofKind("JoinOperator", "LookupOperator").map((j): Judged => [j, this.joinCondition(j)]),
        ];
        for (const [operator, predicate] of judged) {
            if (!predicate) continue;
            const columns = this.columnsReadBy(predicate);
            const hit = [...columns].filter((c) => c === "*" || RESULT_COLUMNS.includes(c));
            for (const column of hit) {
                problems.push(
                    column === "*"
                        ? `the query filters on every column, result columns included, in "${snippet(operator)}": ` +
                              "failed and blocked attempts may be hidden."
                        : `the query filters on ${column} in "${snippet(operator)}": a filter on a result column hides ` +
                              "failed and blocked attempts.",
                );
            }
        }
        return problems;
    }

    /** The join/lookup's condition clause (after `on`), or null. */
    private joinCondition(join: KustoNode): KustoNode | null {
        for (let i = 0; i < join.ChildCount; i++) {
            const child = join.GetChild(i);
            if (child && (child.Kind === this.k.JoinOnClause || child.Kind === this.k.JoinWhereClause)) return child;
        }
        return null;
    }

    /**
     * The table columns (by name) that `node` reads, following derived columns back to what they were computed
     * from: extend/project assignments, renames, union-unified columns, parse and mv-expand inputs. A
     * column_ifexists with a constant name reads that column; one with a computed name, pack_all() or `*` reads
     * every column ("*").
     */
    private columnsReadBy(node: KustoNode, seen = new Set<KustoSymbol>(), out = new Set<string>()): Set<string> {
        const stack: KustoNode[] = [node];
        while (stack.length > 0) {
            const current = stack.pop()!;
            if (current.IsToken) continue;
            const symbol = current.ReferencedSymbol;
            if (current.Kind === this.k.NameReference && symbol?.Kind === this.symbolKind.Column) {
                this.columnOrigins(symbol, seen, out);
            } else if (current.Kind === this.k.NameReference && symbol?.Kind === this.symbolKind.Variable) {
                // A let-bound scalar can carry a column only inside a function body; follow it all the same.
                const bound = this.letValues.get(symbol);
                if (bound && !seen.has(symbol)) {
                    seen.add(symbol);
                    stack.push(bound);
                }
            } else if (current.Kind === this.k.StarExpression) {
                out.add("*");
            } else if (current.Kind === this.k.FunctionCallExpression) {
                const name = this.functionName(current);
                if (name === "pack_all") out.add("*");
                if (name === "column_ifexists") {
                    const first = this.arguments(current)[0];
                    const value = first && this.evaluate(first, {});
                    if (value?.kind === "string") {
                        out.add(RESULT_COLUMNS.find((c) => c.toLowerCase() === value.value.toLowerCase()) ?? value.value);
                    } else {
                        out.add("*");
                    }
                }
            }
            for (let i = 0; i < current.ChildCount; i++) {
                const child = current.GetChild(i);
                if (child && !child.IsToken) stack.push(child);
            }
        }
        return out;
    }

    private columnOrigins(column: KustoSymbol, seen: Set<KustoSymbol>, out: Set<string>): void {
        if (seen.has(column)) return;
        seen.add(column);
        if (this.model.tableColumns.has(column)) {
            out.add(column.Name);
            return;
        }
        const originals = column.OriginalColumns;
        if (originals && originals.Count > 0) {
            for (let i = 0; i < originals.Count; i++) this.columnOrigins(originals.getItem(i), seen, out);
            return;
        }
        if (column.Source) {
            this.columnsReadBy(column.Source, seen, out);
            return;
        }
        // A column of a function's tabular parameter or of a datatable: known only by its name.
        out.add(column.Name);
    }

    // ---- Check 3: no filter that is never true, no take 0 ----

    neverTrueProblems(): string[] {
        const problems: string[] = [];
        for (const filter of this.filters) {
            const value = this.evaluate(filter.Condition!, {});
            if (value?.kind === "bool" && !value.value) {
                problems.push(`the filter "${snippet(filter)}" is never true: the rule can never fire.`);
            }
        }
        const limits = this.ofKind(
            "TakeOperator",
            "SampleOperator",
            "SampleDistinctOperator",
            "TopOperator",
            "TopHittersOperator",
            "TopNestedClause",
        );
        for (const limit of limits) {
            const count = limit.Expression ? this.evaluate(limit.Expression, {}) : undefined;
            if (count?.kind === "number" && count.value <= 0) {
                problems.push(`"${snippet(limit)}" keeps no rows: the rule can never fire.`);
            }
        }
        return problems;
    }

    // ---- Check 4: every account matched, in any letter case ----

    accountProblems(accountIds: readonly string[]): string[] {
        const literals = new Set<string>();
        for (const node of this.nodes) {
            if (node.Kind === this.k.StringLiteralExpression && typeof node.ConstantValue === "string") {
                literals.add(node.ConstantValue.trim().toLowerCase());
            }
        }
        // An id that is no emergency account's, to tell a filter that matches the account from one that keeps everyone.
        const stranger = ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"].find(
            (id) => !accountIds.includes(id),
        )!;
        const neverTrue = new Set(this.filters.filter((filter) => isFalse(this.evaluate(filter.Condition!, {}))));
        const problems: string[] = [];
        for (const id of accountIds) {
            if (!literals.has(id)) {
                problems.push(`the query never names account ${id}: its sign-ins or changes would not be detected.`);
                continue;
            }
            let matched = false;
            let caseSensitive = false;
            for (const filter of this.filters) {
                if (neverTrue.has(filter)) continue; // reported once, as never true
                const asLogged = this.evaluate(filter.Condition!, { accountId: id });
                // Upper case, and mixed case: a filter listing the id in two cases must not pass for a third.
                const others = [id.toUpperCase(), mixedCase(id)].map((variant) =>
                    this.evaluate(filter.Condition!, { accountId: variant }),
                );
                const upper = others.find(isFalse) ?? others[0];
                if (asLogged?.kind === "bool" && !asLogged.value) {
                    problems.push(`the filter "${snippet(filter)}" excludes account ${id}.`);
                } else if (upper?.kind === "bool" && !upper.value) {
                    caseSensitive = true;
                    problems.push(
                        `the filter "${snippet(filter)}" matches ${id} case-sensitively; ids may arrive in another case ` +
                            "(compare with in~, =~ or has).",
                    );
                } else if (asLogged?.kind === "bool" && others.every((value) => value?.kind === "bool")) {
                    const other = this.evaluate(filter.Condition!, { accountId: stranger });
                    if (!(other?.kind === "bool" && other.value)) matched = true;
                }
            }
            if (!matched && !caseSensitive) {
                problems.push(
                    `no filter matches account ${id} on ${ACCOUNT_ID_PATHS.join(", ")} in a way the gate can read ` +
                        '(such as UserId in~ (emergencyAccountIds) or =~ "<id>").',
                );
            }
        }
        return [...new Set(problems)];
    }

    // ---- Check 5: every required table read ----

    tableProblems(requiredTables: readonly string[]): string[] {
        const read = this.tablesRead();
        return requiredTables
            .filter((table) => !read.has(table))
            .map((table) => `the query does not read ${table}: records there would not be detected.`);
    }

    /**
     * The tables whose rows can reach the query's result: those referenced from its last statement, directly, in a
     * union, or through let-bound names and functions. A table read only as the right side of a join or lookup, in
     * an `in (...)` subquery or through toscalar() contributes no rows of its own, so it does not count.
     */
    private tablesRead(): Set<string> {
        const read = new Set<string>();
        const statements = this.nodes.filter((n) => n.Kind === this.k.ExpressionStatement && !this.insideFunctionBody(n));
        const output = statements.at(-1)?.Expression;
        if (!output) return read;
        const stack: KustoNode[] = [output];
        const followed = new Set<KustoSymbol>();
        while (stack.length > 0) {
            const node = stack.pop()!;
            if (node.IsToken) continue;
            const symbol = node.ReferencedSymbol;
            const reference = node.Kind === this.k.NameReference || node.Kind === this.k.FunctionCallExpression;
            if (symbol && reference && this.tableNames.has(symbol)) {
                read.add(this.tableNames.get(symbol)!);
            }
            if (node.Kind === this.k.FunctionCallExpression && node.ResultType && this.tableNames.has(node.ResultType)) {
                read.add(this.tableNames.get(node.ResultType)!); // table("SigninLogs")
            }
            if (symbol && this.letValues.has(symbol) && !followed.has(symbol)) {
                followed.add(symbol);
                stack.push(this.letValues.get(symbol)!);
            }
            if (node.Kind === this.k.FunctionCallExpression && this.functionName(node) === "toscalar") continue;
            for (let i = 0; i < node.ChildCount; i++) {
                const child = node.GetChild(i);
                if (!child || child.IsToken) continue;
                const joins = node.Kind === this.k.JoinOperator || node.Kind === this.k.LookupOperator;
                const joined = joins && child === node.Expression;
                const subquery = this.isInOperator(node) && child === node.Right;
                if (!joined && !subquery && child.Kind !== this.k.ToScalarExpression) stack.push(child);
            }
        }
        return read;
    }

    // ---- Evaluation ----

    /** What `node` certainly is for the record `row`, or undefined when that depends on what the gate cannot see. */
    private evaluate(node: KustoNode, row: Row, depth = 0): Value | undefined {
        if (depth > MAX_DEPTH) return undefined;
        const k = this.k;
        const next = (n: KustoNode | null | undefined) => (n ? this.evaluate(n, row, depth + 1) : undefined);
        switch (node.Kind) {
            case k.ParenthesizedExpression:
            case k.BracketedExpression:
                return next(node.Expression);
            case k.BooleanLiteralExpression:
                return bool(unbox(node.ConstantValue) === true);
            case k.IntLiteralExpression:
            case k.LongLiteralExpression:
            case k.RealLiteralExpression:
            case k.DecimalLiteralExpression:
                return numberValue(node.ConstantValue);
            case k.StringLiteralExpression:
                return typeof node.ConstantValue === "string" ? { kind: "string", value: node.ConstantValue } : undefined;
            case k.TimespanLiteralExpression: {
                const ticks = toNumber((node.ConstantValue as { ticks?: unknown } | null)?.ticks);
                return ticks === undefined ? undefined : { kind: "timespan", ticks };
            }
            case k.DateTimeLiteralExpression:
                return timeAt(unbox(node.ConstantValue));
            case k.DynamicExpression:
                return dynamicValue(node.ConstantValue);
            case k.UnaryMinusExpression: {
                const value = next(node.Expression);
                if (value?.kind === "number") return { kind: "number", value: -value.value };
                if (value?.kind === "timespan") return { kind: "timespan", ticks: -value.ticks };
                return undefined;
            }
            case k.UnaryPlusExpression:
                return next(node.Expression);
            case k.NameReference:
            case k.PathExpression:
            case k.ElementExpression:
                return this.evaluateReference(node, row, depth);
            case k.FunctionCallExpression:
                return this.evaluateCall(node, row, depth);
            case k.BetweenExpression:
            case k.NotBetweenExpression: {
                const value = next(node.Left);
                const low = next(node.Right?.First);
                const high = next(node.Right?.Second);
                const inside = and(compare(">=", value, low), compare("<=", value, high));
                return node.Kind === k.BetweenExpression ? inside : not(inside);
            }
        }
        if (this.isInOperator(node) || node.Kind === k.HasAnyExpression || node.Kind === k.HasAllExpression) {
            return this.evaluateIn(node, row, depth);
        }
        if (node.Left && node.Right && node.Operator?.IsToken) {
            const op = (node.Operator.Text ?? "").toLowerCase();
            if (op === "and") return and(next(node.Left), next(node.Right));
            if (op === "or") return or(next(node.Left), next(node.Right));
            return binary(op, next(node.Left), next(node.Right));
        }
        return undefined;
    }

    private evaluateReference(node: KustoNode, row: Row, depth: number): Value | undefined {
        if (row.accountId !== undefined) {
            const path = this.pathOf(node, 0);
            if (path !== undefined && ACCOUNT_ID_PATHS.includes(path)) return { kind: "string", value: row.accountId };
        }
        const symbol = node.ReferencedSymbol;
        if (node.Kind !== this.k.NameReference || !symbol) return undefined;
        if (symbol.Kind === this.symbolKind.Variable) {
            const bound = this.letValues.get(symbol);
            return bound ? this.evaluate(bound, row, depth + 1) : undefined;
        }
        if (symbol.Kind === this.symbolKind.Column) return this.evaluateColumn(symbol, row, depth);
        return undefined;
    }

    private evaluateColumn(column: KustoSymbol, row: Row, depth: number): Value | undefined {
        if (depth > MAX_DEPTH) return undefined;
        if (this.model.tableColumns.has(column)) {
            return column.Type?.Name === "datetime" ? { kind: "recordTime" } : undefined;
        }
        const originals = column.OriginalColumns;
        if (originals && originals.Count > 0) {
            const values = Array.from({ length: originals.Count }, (_, i) =>
                this.evaluateColumn(originals.getItem(i), row, depth + 1),
            );
            const first = JSON.stringify(values[0]);
            return values.every((v) => v !== undefined && JSON.stringify(v) === first) ? values[0] : undefined;
        }
        const source = column.Source;
        return source && this.isAssignment(source) ? this.evaluate(source, row, depth + 1) : undefined;
    }

    private evaluateCall(node: KustoNode, row: Row, depth: number): Value | undefined {
        const name = this.functionName(node);
        const symbol = node.Name?.ReferencedSymbol;
        if (name === undefined || (symbol && this.letValues.has(symbol))) return undefined; // a user function
        if (name === "tostring" || name === "todynamic" || name === "parse_json" || name === "column_ifexists") {
            const path = row.accountId === undefined ? undefined : this.pathOf(node, 0);
            if (path !== undefined && ACCOUNT_ID_PATHS.includes(path)) return { kind: "string", value: row.accountId! };
        }
        if (name === "ingestion_time") return { kind: "recordTime" };
        const args = this.arguments(node).map((arg) => this.evaluate(arg, row, depth + 1));
        return builtin(name, args);
    }

    /** `in`, `in~`, `!in`, `!in~`, `has_any` and `has_all` over a list of values or dynamic arrays. */
    private evaluateIn(node: KustoNode, row: Row, depth: number): Value | undefined {
        const op = (node.Operator?.Text ?? "").toLowerCase();
        const value = this.evaluate(node.Left!, row, depth + 1);
        const items: (Value | undefined)[] = [];
        for (const element of this.listElements(node.Right)) {
            const item = this.evaluate(element, row, depth + 1);
            if (item?.kind === "list") items.push(...item.items);
            else items.push(item);
        }
        if (op === "has_all") {
            return items.reduce((all: Value | undefined, item) => and(all, binary("has", value, item)), bool(true));
        }
        const test = op === "has_any" ? "has" : op.endsWith("~") ? "=~" : "==";
        let found: Value | undefined = bool(false);
        for (const item of items) found = or(found, binary(test, value, item));
        return op.startsWith("!") ? not(found) : found;
    }

    /**
     * Where in the record `node` reads, as a path such as "UserId", "InitiatedBy.user.id" or "TargetResources[].id"
     * (through extend/project assignments, mv-expand, tostring() and the like); undefined when it is computed.
     */
    private pathOf(node: KustoNode, depth: number): string | undefined {
        if (depth > MAX_DEPTH) return undefined;
        const k = this.k;
        if (node.Kind === k.ParenthesizedExpression) return node.Expression ? this.pathOf(node.Expression, depth + 1) : undefined;
        if (node.Kind === k.PathExpression && node.Expression && node.Selector) {
            const base = this.pathOf(node.Expression, depth + 1);
            const member = node.Selector.Kind === k.NameReference ? node.Selector.SimpleName : undefined;
            return base !== undefined && member ? `${base}.${member}` : undefined;
        }
        if (node.Kind === k.ElementExpression && node.Expression && node.Selector) {
            const base = this.pathOf(node.Expression, depth + 1);
            const index = this.evaluate(node.Selector, {}, depth + 1);
            if (base === undefined) return undefined;
            if (index?.kind === "number") return `${base}[]`;
            if (index?.kind === "string") return `${base}.${index.value}`;
            return undefined;
        }
        if (node.Kind === k.FunctionCallExpression) {
            const name = this.functionName(node);
            const first = this.arguments(node)[0];
            if ((name === "tostring" || name === "todynamic" || name === "parse_json") && first) {
                return this.pathOf(first, depth + 1);
            }
            if (name === "column_ifexists" && first) {
                const column = this.evaluate(first, {}, depth + 1);
                return column?.kind === "string" ? column.value : undefined;
            }
            return undefined;
        }
        const symbol = node.ReferencedSymbol;
        if (node.Kind !== k.NameReference || symbol?.Kind !== this.symbolKind.Column) return undefined;
        return this.columnPath(symbol, depth + 1);
    }

    private columnPath(column: KustoSymbol, depth: number): string | undefined {
        if (depth > MAX_DEPTH) return undefined;
        if (this.model.tableColumns.has(column)) return column.Name;
        const originals = column.OriginalColumns;
        if (originals && originals.Count > 0) {
            const paths = Array.from({ length: originals.Count }, (_, i) => this.columnPath(originals.getItem(i), depth + 1));
            return paths.every((p) => p !== undefined && p === paths[0]) ? paths[0] : undefined;
        }
        const source = column.Source;
        if (!source) return undefined;
        if (this.isMvExpanded(source)) {
            const base = this.pathOf(source, depth + 1);
            return base === undefined ? undefined : `${base}[]`;
        }
        return this.isAssignment(source) ? this.pathOf(source, depth + 1) : undefined;
    }

    /** Whether a column's source expression is the value it was assigned by extend or project (not parse or mv-expand). */
    private isAssignment(source: KustoNode): boolean {
        const operator = this.enclosingOperator(source);
        const assigns = operator?.Kind === this.k.ExtendOperator || operator?.Kind === this.k.ProjectOperator;
        return assigns && !this.isMvExpanded(source);
    }

    private isMvExpanded(source: KustoNode): boolean {
        const parent = source.Parent;
        return parent?.Kind === this.k.MvExpandExpression || parent?.Parent?.Kind === this.k.MvExpandExpression;
    }

    /** The query operator (extend, project, summarize...) an expression belongs to. */
    private enclosingOperator(node: KustoNode): KustoNode | undefined {
        for (let current = node.Parent; current; current = current.Parent) {
            if (this.kindName(current.Kind).endsWith("Operator")) return current;
        }
        return undefined;
    }

    private insideFunctionBody(node: KustoNode): boolean {
        for (let current = node.Parent; current; current = current.Parent) {
            if (current.Kind === this.k.FunctionBody) return true;
        }
        return false;
    }

    // ---- Tree helpers ----

    private kindNames?: Map<number, string>;
    private kindName(kind: number): string {
        this.kindNames ??= new Map(Object.entries(this.k).map(([name, value]) => [value, name]));
        return this.kindNames.get(kind) ?? "";
    }

    private ofKind(...kinds: string[]): KustoNode[] {
        const wanted = new Set(kinds.map((kind) => this.k[kind]));
        return this.nodes.filter((node) => wanted.has(node.Kind));
    }

    private isInOperator(node: KustoNode): boolean {
        const k = this.k;
        return [k.InExpression, k.InCsExpression, k.NotInExpression, k.NotInCsExpression].includes(node.Kind);
    }

    /** A function call's name as Kusto resolved it (built-in or let-bound), lower case for built-ins. */
    private functionName(call: KustoNode): string | undefined {
        const name = call.Name?.SimpleName ?? call.Name?.ReferencedSymbol?.Name;
        return name ? name.toLowerCase() : undefined;
    }

    private arguments(call: KustoNode): KustoNode[] {
        return this.listElements(call.ArgumentList);
    }

    /** The expressions of an ExpressionList, `(a, b, c)`. */
    private listElements(list: KustoNode | null | undefined): KustoNode[] {
        const elements: KustoNode[] = [];
        if (!list) return elements;
        for (let i = 0; i < list.ChildCount; i++) {
            const child = list.GetChild(i);
            if (!child || child.IsToken) continue;
            // The SyntaxList of SeparatedElements: each holds an expression and its comma.
            for (let j = 0; j < child.ChildCount; j++) {
                const separated = child.GetChild(j);
                const element = separated && !separated.IsToken ? separated.GetChild(0) : null;
                if (element && !element.IsToken) elements.push(element);
            }
        }
        return elements;
    }
}

/** `id` with every other letter in upper case: neither the logged (lower) case nor all capitals. */
function mixedCase(id: string): string {
    let upper = false;
    return id.replace(/[a-f]/g, (letter) => ((upper = !upper) ? letter.toUpperCase() : letter));
}

/** The operator's text on one line, shortened: enough for a reader to find it in the query. */
function snippet(node: KustoNode): string {
    const text = node.toString().replace(/\s+/g, " ").trim();
    return text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH - 1)}…` : text;
}

// ---- Values ----

function isFalse(value: Value | undefined): boolean {
    return value?.kind === "bool" && !value.value;
}

function bool(value: boolean): Value {
    return { kind: "bool", value };
}

/** A Bridge.NET value as JavaScript: boxed values ({$boxed, v}) unwrapped. */
function unbox(value: unknown): unknown {
    if (value !== null && typeof value === "object" && "$boxed" in value && "v" in value) return (value as { v: unknown }).v;
    return value;
}

/** A JavaScript number from a number, a boxed number or a Bridge Int64 (which has toNumber). */
function toNumber(value: unknown): number | undefined {
    const plain = unbox(value);
    if (typeof plain === "number") return plain;
    if (plain !== null && typeof plain === "object" && typeof (plain as { toNumber?: unknown }).toNumber === "function") {
        return (plain as { toNumber(): number }).toNumber();
    }
    if (plain !== null && typeof plain === "object") {
        const number = Number(String(plain));
        return Number.isFinite(number) ? number : undefined;
    }
    return undefined;
}

function numberValue(constant: unknown): Value | undefined {
    const value = toNumber(constant);
    return value === undefined || Number.isNaN(value) ? undefined : { kind: "number", value };
}

/** An absolute date as a time relative to now, so that a fixed date in the future (or past) compares as such. */
function timeAt(constant: unknown): Value | undefined {
    const text = constant instanceof Date ? constant.toISOString() : typeof constant === "string" ? constant : undefined;
    const ms = text === undefined ? NaN : Date.parse(text);
    return Number.isNaN(ms) ? undefined : { kind: "time", ticks: (ms - Date.now()) * TICKS_PER_MS };
}

/** A dynamic literal: Kusto gives its JSON text. Arrays of strings, numbers and booleans become lists. */
function dynamicValue(constant: unknown): Value | undefined {
    if (typeof constant !== "string") return undefined;
    let parsed: unknown;
    try {
        parsed = JSON.parse(constant);
    } catch {
        return undefined;
    }
    if (!Array.isArray(parsed)) return undefined;
    return {
        kind: "list",
        items: parsed.map((item): Value | undefined =>
            typeof item === "string"
                ? { kind: "string", value: item }
                : typeof item === "number"
                  ? { kind: "number", value: item }
                  : typeof item === "boolean"
                    ? bool(item)
                    : undefined,
        ),
    };
}

function and(a: Value | undefined, b: Value | undefined): Value | undefined {
    if ((a?.kind === "bool" && !a.value) || (b?.kind === "bool" && !b.value)) return bool(false);
    if (a?.kind === "bool" && b?.kind === "bool") return bool(true);
    return undefined;
}

function or(a: Value | undefined, b: Value | undefined): Value | undefined {
    if ((a?.kind === "bool" && a.value) || (b?.kind === "bool" && b.value)) return bool(true);
    if (a?.kind === "bool" && b?.kind === "bool") return bool(false);
    return undefined;
}

function not(a: Value | undefined): Value | undefined {
    return a?.kind === "bool" ? bool(!a.value) : undefined;
}

const TICKS_PER_DAY = 24 * 60 * 60 * 1000 * TICKS_PER_MS;
/** datetime_add's parts, in ticks; a month and a year at their shortest, since only the direction of a shift matters here. */
const DATETIME_PARTS: Readonly<Record<string, number>> = {
    year: 365 * TICKS_PER_DAY,
    quarter: 89 * TICKS_PER_DAY,
    month: 28 * TICKS_PER_DAY,
    week: 7 * TICKS_PER_DAY,
    day: TICKS_PER_DAY,
    hour: TICKS_PER_DAY / 24,
    minute: 60 * 1000 * TICKS_PER_MS,
    second: 1000 * TICKS_PER_MS,
    millisecond: TICKS_PER_MS,
};

const MIRRORED: Readonly<Record<string, string>> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };

/** An ordering comparison (<, <=, >, >=, ==, !=) of two values of the same kind; records' times come just before now. */
function compare(op: string, a: Value | undefined, b: Value | undefined): Value | undefined {
    if (!a || !b) return undefined;
    if (a.kind === "recordTime" && b.kind === "time") {
        // The record's time is now minus an instant: before any time at or after now, after any time before it.
        const after = b.ticks < 0;
        switch (op) {
            case "<":
            case "<=":
                return bool(!after);
            case ">":
            case ">=":
                return bool(after);
            case "==":
                return bool(false);
            case "!=":
                return bool(true);
        }
        return undefined;
    }
    if (a.kind === "time" && b.kind === "recordTime") return MIRRORED[op] ? compare(MIRRORED[op], b, a) : undefined;
    const x = scalar(a);
    const y = scalar(b);
    if (x === undefined || y === undefined || a.kind !== b.kind) return undefined;
    switch (op) {
        case "==":
            return bool(x === y);
        case "!=":
            return bool(x !== y);
        case "<":
            return bool(x < y);
        case "<=":
            return bool(x <= y);
        case ">":
            return bool(x > y);
        case ">=":
            return bool(x >= y);
    }
    return undefined;
}

function scalar(value: Value): number | string | boolean | undefined {
    switch (value.kind) {
        case "bool":
        case "number":
        case "string":
            return value.value;
        case "timespan":
        case "time":
            return value.ticks;
    }
    return undefined;
}

/** Kusto's string operators: [case-insensitive?, test]. Each has a `!` negation. */
const STRING_OPERATORS: Readonly<Record<string, readonly [boolean, (text: string, term: string) => boolean]>> = {
    "=~": [true, (text, term) => text === term],
    "matches regex": [false, matchesRegex],
    has: [true, hasTerm],
    has_cs: [false, hasTerm],
    hasprefix: [true, (text, term) => new RegExp(`(^|[^a-z0-9])${escapeRegExp(term)}`, "i").test(text)],
    hassuffix: [true, (text, term) => new RegExp(`${escapeRegExp(term)}($|[^a-z0-9])`, "i").test(text)],
    contains: [true, (text, term) => text.includes(term)],
    contains_cs: [false, (text, term) => text.includes(term)],
    startswith: [true, (text, term) => text.startsWith(term)],
    startswith_cs: [false, (text, term) => text.startsWith(term)],
    endswith: [true, (text, term) => text.endsWith(term)],
    endswith_cs: [false, (text, term) => text.endsWith(term)],
};

/** `has`: the term is a whole run of letters and digits in the text (Kusto's index tokenizes on the others). */
function hasTerm(text: string, term: string): boolean {
    return new RegExp(`(^|[^a-zA-Z0-9])${escapeRegExp(term)}($|[^a-zA-Z0-9])`).test(text);
}

/**
 * `matches regex`, with JavaScript's engine: RE2 and JavaScript agree on the usual syntax, and a pattern JavaScript
 * cannot read throws, which the caller turns into "unknown". `(?i)` at the start makes it case-insensitive.
 */
function matchesRegex(text: string, pattern: string): boolean {
    const caseless = pattern.startsWith("(?i)");
    return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? "i" : "").test(text);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function binary(op: string, a: Value | undefined, b: Value | undefined): Value | undefined {
    if (op in MIRRORED) return compare(op, a, b);
    if (op === "!~") return not(binary("=~", a, b));
    const negated = op.startsWith("!");
    const stringOperator = STRING_OPERATORS[negated ? op.slice(1) : op];
    if (stringOperator) {
        if (a?.kind !== "string" || b?.kind !== "string") return undefined;
        const [caseless, test] = stringOperator;
        let result: boolean;
        try {
            result = caseless ? test(a.value.toLowerCase(), b.value.toLowerCase()) : test(a.value, b.value);
        } catch {
            return undefined; // a regular expression JavaScript cannot read
        }
        return bool(negated ? !result : result);
    }
    if (!a || !b) return undefined;
    if (op === "+" || op === "-") {
        const sign = op === "+" ? 1 : -1;
        if (a.kind === "number" && b.kind === "number") return { kind: "number", value: a.value + sign * b.value };
        if (a.kind === "time" && b.kind === "timespan") return { kind: "time", ticks: a.ticks + sign * b.ticks };
        if (a.kind === "timespan" && b.kind === "timespan") return { kind: "timespan", ticks: a.ticks + sign * b.ticks };
        if (op === "+" && a.kind === "timespan" && b.kind === "time") return { kind: "time", ticks: a.ticks + b.ticks };
        return undefined;
    }
    if (op === "*" && a.kind === "number" && b.kind === "number") return { kind: "number", value: a.value * b.value };
    if (op === "*" && a.kind === "timespan" && b.kind === "number") return { kind: "timespan", ticks: a.ticks * b.value };
    if (op === "*" && a.kind === "number" && b.kind === "timespan") return { kind: "timespan", ticks: a.value * b.ticks };
    return undefined;
}

/** The built-in scalar functions whose result on known arguments the checks need. */
function builtin(name: string, args: readonly (Value | undefined)[]): Value | undefined {
    const [first, second, third] = args;
    switch (name) {
        case "now":
            if (args.length === 0) return { kind: "time", ticks: 0 };
            return first?.kind === "timespan" ? { kind: "time", ticks: first.ticks } : undefined;
        case "ago":
            return first?.kind === "timespan" ? { kind: "time", ticks: -first.ticks } : undefined;
        case "not":
            return not(first);
        case "tolower":
        case "toupper":
            if (first?.kind !== "string") return undefined;
            return { kind: "string", value: name === "tolower" ? first.value.toLowerCase() : first.value.toUpperCase() };
        case "tostring":
            if (first?.kind === "string") return first;
            if (first?.kind === "number" || first?.kind === "bool") return { kind: "string", value: String(first.value) };
            return undefined;
        case "toint":
        case "tolong":
        case "toreal":
        case "todouble":
        case "todecimal": {
            const text = first?.kind === "string" && first.value.trim() !== "" ? first.value : undefined;
            const number = first?.kind === "number" ? first.value : text !== undefined ? Number(text) : NaN;
            if (Number.isNaN(number)) return undefined;
            return { kind: "number", value: name === "toint" || name === "tolong" ? Math.trunc(number) : number };
        }
        case "tobool":
        case "toboolean":
            if (first?.kind === "bool") return first;
            if (first?.kind === "number") return bool(first.value !== 0);
            if (first?.kind === "string" && /^(true|false)$/i.test(first.value.trim())) {
                return bool(first.value.trim().toLowerCase() === "true");
            }
            return undefined;
        case "todatetime":
            if (first?.kind === "time" || first?.kind === "recordTime") return first;
            return first?.kind === "string" ? timeAt(first.value) : undefined;
        case "isnull":
        case "isnotnull":
            // A Kusto string is never null (an absent one is empty); other kinds here are known values.
            return first === undefined || first.kind === "list" ? undefined : bool(name === "isnotnull");
        case "isempty":
        case "isnotempty":
            if (first?.kind !== "string") return undefined;
            return bool((first.value.length === 0) === (name === "isempty"));
        case "strcat":
            return args.every((a) => a?.kind === "string")
                ? { kind: "string", value: args.map((a) => (a as { value: string }).value).join("") }
                : undefined;
        case "strlen":
            return first?.kind === "string" ? { kind: "number", value: [...first.value].length } : undefined;
        case "datetime_add": {
            const unit = first?.kind === "string" ? DATETIME_PARTS[first.value.toLowerCase()] : undefined;
            if (unit === undefined || second?.kind !== "number" || third?.kind !== "time") return undefined;
            return { kind: "time", ticks: third.ticks + second.value * unit };
        }
        case "iff":
        case "iif":
            return first?.kind === "bool" ? (first.value ? second : third) : undefined;
    }
    return undefined;
}
