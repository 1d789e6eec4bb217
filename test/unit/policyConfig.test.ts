// The policy config validator (plan/policyConfigSchema.ts): levels, shapes and each parameter against the JSON schema
// a policy serves, as the plan checks `--policy-config` and the pack's own policy-config.json before the pack sees
// them. Pure: schemas are written here or taken from the contract's trusted parameters (policies/contract/trust.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    ENFORCEMENT_LEVELS,
    isEnforcementLevel,
    policyConfigShapeProblems,
    policyParameterProblems,
    schemaProblems,
    type ParameterSchema,
    type PolicyConfigSchema,
} from "../../plan/policyConfigSchema";
import { LIMITS } from "../../policies/contract/constants";
import { trustedConfigSchema } from "../../policies/contract/trust";

const LEVELS = '"advisory", "mandatory", "remediate", "disabled"';

describe("enforcement levels", () => {
    test("are the four the Pulumi CLI names", () => {
        assert.deepEqual([...ENFORCEMENT_LEVELS], ["advisory", "mandatory", "remediate", "disabled"]);
        for (const level of ENFORCEMENT_LEVELS) assert.ok(isEnforcementLevel(level));
        for (const other of ["strict", "Mandatory", 0, 1, null, undefined, "toString"]) assert.ok(!isEnforcementLevel(other), String(other));
    });

    const refused: Array<[string, unknown, string[]]> = [
        ["a numeric level for all", { all: 1 }, [`all: the enforcement level must be one of ${LEVELS} (got 1)`]],
        ["an object for all", { all: { enforcementLevel: "advisory" } }, [`all: the enforcement level must be one of ${LEVELS} (got {"enforcementLevel":"advisory"})`]],
        ["an unknown level name", { "x-policy": "strict" }, [`x-policy: the enforcement level must be one of ${LEVELS} (got "strict")`]],
        ["a numeric level of a policy", { "x-policy": 0 }, [`x-policy: the enforcement level must be one of ${LEVELS} (got 0)`]],
        ["null for a policy", { "x-policy": null }, [`x-policy: the enforcement level must be one of ${LEVELS} (got null)`]],
        [
            "a numeric enforcementLevel in an object",
            { "some-policy": { enforcementLevel: 0 } },
            [`some-policy.enforcementLevel: must be one of ${LEVELS} (got 0)`],
        ],
        [
            "an array for a policy",
            { "some-policy": ["advisory"] },
            ["some-policy: must be an enforcement level or an object {enforcementLevel, <parameter>: <value>} (got an array)"],
        ],
        ["an array for the file", [], ["must be a JSON object"]],
        ["two bad levels at once", { all: "off", p: 2 }, [
            `all: the enforcement level must be one of ${LEVELS} (got "off")`,
            `p: the enforcement level must be one of ${LEVELS} (got 2)`,
        ]],
    ];
    for (const [what, config, problems] of refused) {
        test(`refuses ${what}`, () => assert.deepEqual(policyConfigShapeProblems(config), problems));
    }

    test("accepts every named level, in both forms, and parameters beside a level", () => {
        assert.deepEqual(
            policyConfigShapeProblems({
                all: "advisory",
                a: "mandatory",
                b: { enforcementLevel: "disabled" },
                c: { minimumLength: 32 },
                d: { enforcementLevel: "remediate", x: [1] },
            }),
            [],
        );
    });
});

describe("a parameter against its JSON schema", () => {
    const cases: Array<[string, unknown, ParameterSchema, string[]]> = [
        ["a string for an integer", "long", { type: "integer" }, ['p: must be an integer (got "long")']],
        ["a fraction for an integer", 24.5, { type: "integer" }, ["p: must be an integer (got 24.5)"]],
        ["a string for a number", "1", { type: "number" }, ['p: must be a number (got "1")']],
        ["a number for a boolean", 1, { type: "boolean" }, ["p: must be a boolean (got 1)"]],
        ["a string for an array", "a,b", { type: "array" }, ['p: must be an array (got "a,b")']],
        ["an array for an object", [], { type: "object" }, ["p: must be an object (got [])"]],
        ["null for a string", null, { type: "string" }, ["p: must be a string (got null)"]],
        ["a value outside either type", true, { type: ["string", "integer"] }, ["p: must be a string or an integer (got true)"]],
        ["below the minimum", 23, { type: "integer", minimum: 24 }, ["p: must be at least 24 (got 23)"]],
        ["above the maximum", 257, { type: "integer", maximum: 256 }, ["p: must be at most 256 (got 257)"]],
        ["not in the enum", "PT1H", { type: "string", enum: ["PT5M", "PT10M"] }, ['p: must be one of "PT5M", "PT10M" (got "PT1H")']],
        ["not matching the pattern", "Example.com", { type: "string", pattern: "^[a-z.]+$" }, ['p: must match the pattern ^[a-z.]+$ (got "Example.com")']],
        ["too short", "", { type: "string", minLength: 1 }, ['p: must be at least 1 characters long (got "")']],
        ["a bad item", ["ok", 3], { type: "array", items: { type: "string" } }, ["p[1]: must be a string (got 3)"]],
        [
            "an object missing a required field and with an unknown one",
            { policyId: "x", why: "y" },
            { type: "object", properties: { policyId: { type: "string" }, reason: { type: "string" } }, required: ["policyId", "reason"], additionalProperties: false },
            ["p.reason: is required", "p.why: is not a known field (known: policyId, reason)"],
        ],
        [
            "a bad value under additionalProperties",
            { a: 1, b: "two" },
            { type: "object", additionalProperties: { type: "integer" } },
            ['p.b: must be an integer (got "two")'],
        ],
    ];
    for (const [what, value, schema, problems] of cases) {
        test(`refuses ${what}`, () => assert.deepEqual(schemaProblems(value, schema, "p"), problems));
    }

    const accepted: Array<[string, unknown, ParameterSchema]> = [
        ["an integer as a number", 3, { type: "number" }],
        ["a number", 0.5, { type: "number", minimum: 0, maximum: 1 }],
        ["a boolean", false, { type: "boolean" }],
        ["an enum value", "PT5M", { type: "string", enum: ["PT5M"] }],
        ["any value without a type", { anything: [1] }, {}],
        ["an object with extra fields when they are allowed", { a: 1, b: 2 }, { type: "object", properties: { a: { type: "integer" } } }],
        ["an empty array", [], { type: "array", items: { type: "string", minLength: 1 } }],
    ];
    for (const [what, value, schema] of accepted) {
        test(`accepts ${what}`, () => assert.deepEqual(schemaProblems(value, schema, "p"), []));
    }
});

describe("a policy's parameters against the schema the pack serves", () => {
    // The contract's trusted parameters: the schemas the gate's policies declare (policies/contract/trust.ts).
    const trusted = trustedConfigSchema("minimumPasswordLength", "allowedConditionalAccessSkips", "allowNarrowExcludeFrom") as PolicyConfigSchema;

    test("refuses a wrong type, naming the policy and the parameter", () => {
        assert.deepEqual(policyParameterProblems("some-policy", { minimumPasswordLength: "long" }, trusted), [
            'some-policy: parameter minimumPasswordLength: must be an integer (got "long")',
        ]);
    });

    test("refuses a floor below the contract's limit", () => {
        assert.deepEqual(policyParameterProblems("some-policy", { minimumPasswordLength: 8 }, trusted), [
            `some-policy: parameter minimumPasswordLength: must be at least ${LIMITS.passwordLength.min} (got 8)`,
        ]);
    });

    test("refuses a skip without its reason and with a policy id that is not a GUID", () => {
        assert.deepEqual(
            policyParameterProblems("some-policy", { allowedConditionalAccessSkips: [{ policyId: "all" }] }, trusted),
            [
                "some-policy: parameter allowedConditionalAccessSkips[0].reason: is required",
                `some-policy: parameter allowedConditionalAccessSkips[0].policyId: must match the pattern ${
                    (trusted.properties.allowedConditionalAccessSkips.items as { properties: Record<string, { pattern: string }> }).properties.policyId.pattern
                } (got "all")`,
            ],
        );
    });

    test("refuses an unknown parameter, listing the ones the policy takes", () => {
        assert.deepEqual(policyParameterProblems("some-policy", { minimumLength: 32 }, trusted), [
            'some-policy: unknown parameter "minimumLength" (it takes minimumPasswordLength, allowedConditionalAccessSkips, allowNarrowExcludeFrom)',
        ]);
        assert.deepEqual(policyParameterProblems("plain-policy", { x: 1 }, undefined), ['plain-policy: unknown parameter "x" (it takes no parameters)']);
    });

    test("refuses a required parameter that is unset and has no default; a default satisfies it", () => {
        const schema: PolicyConfigSchema = {
            properties: { hosts: { type: "array" }, floor: { type: "integer", default: 2 } as ParameterSchema },
            required: ["hosts", "floor"],
        };
        assert.deepEqual(policyParameterProblems("p", {}, schema), ["p: parameter hosts: is required"]);
        assert.deepEqual(policyParameterProblems("p", { hosts: [] }, schema), []);
    });

    test("accepts valid values of every trusted parameter given", () => {
        assert.deepEqual(
            policyParameterProblems(
                "some-policy",
                {
                    minimumPasswordLength: 40,
                    allowedConditionalAccessSkips: [{ policyId: "7f3e2a91-4c5d-4b8e-9a12-3d6f8e1b2c47", reason: "break-glass test policy" }],
                    allowNarrowExcludeFrom: false,
                },
                trusted,
            ),
            [],
        );
    });
});
