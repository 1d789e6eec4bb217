// Validating a policy config (`--policy-config`, or the pack's own policy-config.json) before the pack sees it, as
// the Pulumi CLI validates `--policy-pack-config` against the schemas the pack serves: enforcement levels must be
// named levels, and each parameter must match its policy's `configSchema` (a JSON schema subset). Without this a
// wrong type reaches the policy and is judged as if it were a value ("need at least NaN characters"). Pure.

/** The enforcement levels a policy config may name, as the Pulumi CLI spells them. */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

export function isEnforcementLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** A policy config file as the Pulumi CLI reads it: `{ "all"?: level, "<policy>": level | { enforcementLevel?, ...params } }`. */
export type PolicyConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

/** The JSON schema keywords a policy's parameter schema may use here; others are ignored, as they constrain nothing here. */
export interface ParameterSchema {
    readonly type?: string | readonly string[];
    readonly items?: ParameterSchema;
    readonly enum?: readonly unknown[];
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: number;
    readonly exclusiveMaximum?: number;
    readonly pattern?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly properties?: Readonly<Record<string, ParameterSchema>>;
    readonly required?: readonly string[];
    readonly additionalProperties?: boolean | ParameterSchema;
}

/** A policy's `configSchema` as the pack serves it (getAnalyzerInfo). */
export interface PolicyConfigSchema {
    readonly properties: Readonly<Record<string, ParameterSchema>>;
    readonly required?: readonly string[];
}

const LEVEL_LIST = ENFORCEMENT_LEVELS.map((l) => `"${l}"`).join(", ");

function describe(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

function hasType(value: unknown, type: string): boolean {
    const actual = typeOf(value);
    // JSON schema: every integer is also a number.
    return actual === type || (type === "number" && actual === "integer");
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/**
 * The problems of `value` against `schema`, each starting with `where` (the parameter's path, such as
 * `minimumLength` or `allowedSkips[0].policyId`). Empty when the value is valid.
 */
export function schemaProblems(value: unknown, schema: ParameterSchema, where: string): string[] {
    if (schema.type !== undefined) {
        const types = typeof schema.type === "string" ? [schema.type] : schema.type;
        if (!types.some((t) => hasType(value, t))) {
            return [`${where}: must be ${types.map(article).join(" or ")} (got ${describe(value)})`];
        }
    }
    const problems: string[] = [];
    if (schema.enum !== undefined && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
        problems.push(`${where}: must be one of ${schema.enum.map(describe).join(", ")} (got ${describe(value)})`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${where}: must be at least ${schema.minimum} (got ${value})`);
        if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${where}: must be at most ${schema.maximum} (got ${value})`);
        if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
            problems.push(`${where}: must be more than ${schema.exclusiveMinimum} (got ${value})`);
        }
        if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
            problems.push(`${where}: must be less than ${schema.exclusiveMaximum} (got ${value})`);
        }
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && [...value].length < schema.minLength) {
            problems.push(`${where}: must be at least ${schema.minLength} characters long (got ${describe(value)})`);
        }
        if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
            problems.push(`${where}: must be at most ${schema.maxLength} characters long (got ${describe(value)})`);
        }
        if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
            problems.push(`${where}: must match the pattern ${schema.pattern} (got ${describe(value)})`);
        }
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${where}: must list at least ${schema.minItems} items`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${where}: must list at most ${schema.maxItems} items`);
        if (schema.items !== undefined) value.forEach((item, i) => problems.push(...schemaProblems(item, schema.items!, `${where}[${i}]`)));
    }
    if (typeOf(value) === "object") {
        const record = value as Record<string, unknown>;
        for (const key of schema.required ?? []) {
            if (!(key in record)) problems.push(`${where}.${key}: is required`);
        }
        for (const [key, item] of Object.entries(record)) {
            const property = schema.properties?.[key];
            if (property !== undefined) problems.push(...schemaProblems(item, property, `${where}.${key}`));
            else if (schema.additionalProperties === false) {
                const known = Object.keys(schema.properties ?? {});
                problems.push(`${where}.${key}: is not a known field${known.length ? ` (known: ${known.join(", ")})` : ""}`);
            } else if (typeof schema.additionalProperties === "object") {
                problems.push(...schemaProblems(item, schema.additionalProperties, `${where}.${key}`));
            }
        }
    }
    return problems;
}

/**
 * The problems of a policy config's shape and levels, before any pack is asked: the file is an object, `all` is a
 * level, each policy's entry is a level or an object whose `enforcementLevel`, when set, is a level.
 */
export function policyConfigShapeProblems(config: unknown): string[] {
    if (config === null || typeof config !== "object" || Array.isArray(config)) return ["must be a JSON object"];
    const problems: string[] = [];
    for (const [policy, entry] of Object.entries(config)) {
        if (policy === "all") {
            if (!isEnforcementLevel(entry)) problems.push(`all: the enforcement level must be one of ${LEVEL_LIST} (got ${describe(entry)})`);
        } else if (typeof entry === "string" || typeof entry === "number" || typeof entry === "boolean" || entry === null) {
            if (!isEnforcementLevel(entry)) {
                problems.push(`${policy}: the enforcement level must be one of ${LEVEL_LIST} (got ${describe(entry)})`);
            }
        } else if (Array.isArray(entry)) {
            problems.push(`${policy}: must be an enforcement level or an object {enforcementLevel, <parameter>: <value>} (got an array)`);
        } else if ("enforcementLevel" in entry && !isEnforcementLevel((entry as Record<string, unknown>).enforcementLevel)) {
            problems.push(
                `${policy}.enforcementLevel: must be one of ${LEVEL_LIST} (got ${describe((entry as Record<string, unknown>).enforcementLevel)})`,
            );
        }
    }
    return problems;
}

/**
 * The problems of one policy's parameters (its entry without `enforcementLevel`) against the schema the pack
 * serves for it: unknown parameters, required ones without a value or default, and every value against its schema.
 * Each problem names the policy and the parameter.
 */
export function policyParameterProblems(
    policy: string,
    parameters: Readonly<Record<string, unknown>>,
    schema: PolicyConfigSchema | undefined,
): string[] {
    const properties = schema?.properties ?? {};
    const problems: string[] = [];
    for (const [name, value] of Object.entries(parameters)) {
        const property = properties[name];
        if (property === undefined) {
            const known = Object.keys(properties);
            problems.push(
                `${policy}: unknown parameter "${name}"` +
                    (known.length ? ` (it takes ${known.join(", ")})` : " (it takes no parameters)"),
            );
        } else {
            problems.push(...schemaProblems(value, property, name).map((p) => `${policy}: parameter ${p}`));
        }
    }
    for (const name of schema?.required ?? []) {
        if (!(name in parameters) && (properties[name] as { default?: unknown } | undefined)?.default === undefined) {
            problems.push(`${policy}: parameter ${name}: is required`);
        }
    }
    return problems;
}
