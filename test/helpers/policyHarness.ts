// Calls one policy's own validate function in-process, the way @pulumi/policy's server does (props
// behind the same unknown-checking proxy, preview's "can't run" turned into a deferral), with the fixture
// stack as the compliant example. The whole pack over gRPC is exercised by test/process/policyPack.test.ts.
// Pick resources out of a stack with ./select.ts.
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { UNKNOWN_VALUE } from "../../policies/contract/constants";
import type { RecordedResource } from "../../plan/recordingMonitor";
import { runProgram } from "../../plan/runProgram";
import { toPlainValue } from "../../plan/serialized";
import { readPolicySnapshot } from "../../plan/snapshot";
import { CA_SNAPSHOT } from "./fixtures";
import { cachedFixture } from "./fixtureCache";
import { fixtureRunOptions } from "./program";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(value: T): T;
    UnknownValueError: new (...args: any[]) => Error;
};

/** A resource as a test writes it: plain inputs and outputs, options by name. */
export interface TestResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
    protect: boolean;
    /** Options.ignoreChanges as registered; none when left out. */
    ignoreChanges?: string[];
    /** URNs of the resources it depends on (dependsOn and inputs), as the engine hands them to stack policies; none when left out. */
    dependencies?: string[];
    /** URNs each input depends on, by input name, as the engine hands them to stack policies; none when left out. */
    propertyDependencies?: Record<string, string[]>;
    /** Options.aliases; none when left out. */
    aliases?: string[];
    /** Options.deleteBeforeReplace; unset when left out. */
    deleteBeforeReplace?: boolean;
}

const fixtures = new Map<string, Promise<TestResource[]>>();

function toTestResource(r: RecordedResource): TestResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: toPlainValue(r.inputs) as Record<string, any>,
        outputs: toPlainValue(r.outputs) as Record<string, any>,
        protect: r.options.protect === true,
        ignoreChanges: [...r.options.ignoreChanges],
        dependencies: [...r.options.dependencies],
        propertyDependencies: structuredClone(r.options.propertyDependencies),
    };
}

/**
 * The fixture stack with the Conditional Access snapshot, as plain data; a fresh deep copy each call. `overrides` are
 * stack config values on top of the fixture's (`{ limitedAccount: true }`), each set of them run once per process.
 */
export async function fixtureStack(overrides: Record<string, unknown> = {}): Promise<TestResource[]> {
    const key = JSON.stringify(overrides);
    let fixture = fixtures.get(key);
    if (!fixture) {
        const what = key === "{}" ? "" : ` and ${key}`;
        fixture = cachedFixture(`policy-harness fixture stack with the CA snapshot${what}`, () =>
            runProgram(fixtureRunOptions(overrides, { conditionalAccessPolicies: readPolicySnapshot(CA_SNAPSHOT) })).then((run) =>
                run.resources.map(toTestResource),
            ),
        );
        fixtures.set(key, fixture);
    }
    return structuredClone(await fixture);
}

export interface Verdict {
    /** Violation messages, in order. */
    readonly violations: string[];
    /** The "can't run during preview" message, when the policy deferred part of its check. */
    readonly deferred?: string;
}

async function capture(run: (report: (message: string) => void) => Promise<void> | void): Promise<Verdict> {
    const violations: string[] = [];
    try {
        await run((message) => violations.push(message));
        return { violations };
    } catch (err) {
        if (err instanceof proxy.UnknownValueError) return { violations, deferred: (err as Error).message };
        throw err;
    }
}

/** Runs a resource policy's validateResource on one resource's inputs, as `analyze` would. */
export function validateResource(
    policy: ResourceValidationPolicy,
    resource: TestResource,
    config: Record<string, unknown> = {},
): Promise<Verdict> {
    const validations = [policy.validateResource ?? []].flat();
    return capture(async (report) => {
        for (const validate of validations) {
            await validate(
                {
                    type: resource.type,
                    urn: resource.urn,
                    name: resource.name,
                    props: proxy.unknownCheckingProxy(structuredClone(resource.inputs)),
                    opts: {
                        protect: resource.protect,
                        ignoreChanges: [...(resource.ignoreChanges ?? [])],
                        aliases: [...(resource.aliases ?? [])],
                        deleteBeforeReplace: resource.deleteBeforeReplace,
                        additionalSecretOutputs: [],
                        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                        parent: resource.parent,
                    },
                    stackTags: new Map(),
                    getConfig: <T>() => config as T,
                    isType: () => false,
                    asType: () => undefined,
                    notApplicable: () => {
                        throw new Error("not applicable");
                    },
                },
                (message) => report(String(message)),
            );
        }
    });
}

/** Runs a resource policy over every resource of a stack; returns every violation. */
export async function validateEachResource(
    policy: ResourceValidationPolicy,
    resources: TestResource[],
    config: Record<string, unknown> = {},
): Promise<Verdict> {
    const violations: string[] = [];
    let deferred: string | undefined;
    for (const resource of resources) {
        const verdict = await validateResource(policy, resource, config);
        violations.push(...verdict.violations);
        deferred ??= verdict.deferred;
    }
    return { violations, deferred };
}

/** Runs a stack policy over the resources' outputs, as `analyzeStack` would. */
export function validateStack(
    policy: StackValidationPolicy,
    resources: TestResource[],
    config: Record<string, unknown> = {},
): Promise<Verdict> {
    const policyResources: PolicyResource[] = resources.map(
        (r): PolicyResource => ({
            type: r.type,
            urn: r.urn,
            name: r.name,
            props: proxy.unknownCheckingProxy(structuredClone(r.outputs)),
            opts: {
                protect: r.protect,
                ignoreChanges: [...(r.ignoreChanges ?? [])],
                aliases: [],
                additionalSecretOutputs: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                parent: r.parent,
            },
            // Filled in below: the engine hands stack policies the resources themselves.
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        }),
    );
    const resolve = (urns: readonly string[]) =>
        urns
            .map((urn) => policyResources.find((candidate) => candidate.urn === urn))
            .filter((found): found is PolicyResource => found !== undefined);
    policyResources.forEach((resource, i) => {
        resource.dependencies = resolve(resources[i].dependencies ?? []);
        resource.propertyDependencies = Object.fromEntries(
            Object.entries(resources[i].propertyDependencies ?? {}).map(([key, urns]) => [key, resolve(urns)]),
        );
    });
    return capture((report) =>
        policy.validateStack({
            resources: policyResources,
            getConfig: <T>() => config as T,
            stackTags: new Map(),
            notApplicable: () => {
                throw new Error("not applicable");
            },
        } as any, (message) => report(String(message))),
    );
}

/** Sets a property on both the inputs and the outputs of a resource (what a changed program would do). */
export function setProp(resource: TestResource, key: string, value: unknown): void {
    for (const props of [resource.inputs, resource.outputs]) {
        if (value === undefined) delete props[key];
        else props[key] = value;
    }
}

/** Updates both inputs and outputs with a function. */
export function updateProps(resource: TestResource, update: (props: Record<string, any>) => void): void {
    update(resource.inputs);
    update(resource.outputs);
}

/** The value the engine sends for an input not known yet (during preview). */
export const UNKNOWN = UNKNOWN_VALUE;
