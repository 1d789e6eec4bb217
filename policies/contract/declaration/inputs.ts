// Judging a resource's inputs against its canonical declaration, deny by default: every declared input must hold
// its declared value (or pass its declared test), and an input the declaration does not know is a violation unless
// it is empty. "Empty" (undefined, null, false, "", [], {}) is tolerated because a provider's Check may fill in
// its schema defaults, which the engine hands to analyzers; a value that could change behaviour is never empty.
// Pure: the pack's rules and the tests call it with plain props.

/** What one input must be: an exact value, or a test that returns why the value is wrong. */
export type InputExpectation =
    | { readonly equals: unknown }
    | { readonly test: (value: unknown) => string | undefined; readonly optional?: boolean };

/** A resource's declaration: every input it may have, and what each must be. */
export type InputDeclaration = Readonly<Record<string, InputExpectation>>;

/** The outcome of a comparison: problems found, and inputs whose value is not known yet (preview). */
export interface InputVerdict {
    readonly problems: string[];
    readonly unknown: string[];
}

/** True for a value that changes nothing when set: what a provider's defaults look like. */
export function isEmptyValue(value: unknown): boolean {
    if (value === undefined || value === null || value === false || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value as object).length === 0;
    return false;
}

/** Deep equality over JSON values; object key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
    const keysA = Object.keys(a as object).filter((k) => (a as any)[k] !== undefined);
    const keysB = Object.keys(b as object).filter((k) => (b as any)[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => sameValue((a as any)[k], (b as any)[k]));
}

/** A short rendering of a value for a violation message. */
export function show(value: unknown): string {
    const text = JSON.stringify(value);
    return text === undefined ? "unset" : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Compares `props` with `declaration`. `isUnknown` tells values the engine does not know yet (preview): an
 * input holding one is listed in `unknown` instead of judged. Internal keys (`__...`) are the engine's, never
 * the program's, and analyzers do not receive them.
 */
export function judgeInputs(
    props: Record<string, unknown>,
    declaration: InputDeclaration,
    isUnknown: (value: unknown) => boolean,
): InputVerdict {
    const problems: string[] = [];
    const unknown: string[] = [];
    for (const [key, expectation] of Object.entries(declaration)) {
        const value = props[key];
        if (isUnknown(value)) {
            unknown.push(key);
            continue;
        }
        if ("equals" in expectation) {
            if (!sameValue(value, expectation.equals)) problems.push(`${key} is ${show(value)}; the declaration says ${show(expectation.equals)}.`);
        } else if (value === undefined) {
            if (!expectation.optional) problems.push(`${key} is missing.`);
        } else {
            const wrong = expectation.test(value);
            if (wrong) problems.push(`${key} ${wrong}`);
        }
    }
    for (const [key, value] of Object.entries(props)) {
        if (key.startsWith("__") || Object.hasOwn(declaration, key) || isEmptyValue(value)) continue;
        problems.push(`unexpected input ${key} (${show(value)}): the gate accepts only the declared inputs.`);
    }
    return { problems, unknown };
}
