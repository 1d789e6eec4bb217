// Weakening changes as a changed program would declare them, applied to recorded resources (a fixture run):
// each returns a function from resources to changed resources, so attack-matrix tables read as data.
import type { RecordedOptions, RecordedResource } from "../../plan/recordingMonitor";
import { toPlainValue } from "../../plan/serialized";
import { first, one, type Match } from "./select";

export type Mutation = (resources: RecordedResource[]) => RecordedResource[];

/** Applies `update` to the first matching resource's inputs and outputs. */
export function change(match: Match, update: (props: Record<string, any>) => void): Mutation {
    return (resources) => {
        const resource = first(resources, match);
        update(resource.inputs);
        update(resource.outputs);
        return resources;
    };
}

/** Applies `update` to every matching resource's inputs and outputs. */
export function changeEach(match: Match, update: (props: Record<string, any>) => void): Mutation {
    return (resources) => {
        for (const resource of resources.filter((r) => match(r))) {
            update(resource.inputs);
            update(resource.outputs);
        }
        return resources;
    };
}

/** Replaces resource options of every matching resource. */
export function withOptions(match: Match, options: Partial<RecordedOptions>): Mutation {
    return (resources) => resources.map((r) => (match(r) ? { ...r, options: { ...r.options, ...options } } : r));
}

/** Drops every matching resource. */
export function remove(match: Match): Mutation {
    return (resources) => resources.filter((r) => !match(r));
}

/** Adds a resource built from the current resources. */
export function add(build: (resources: RecordedResource[]) => RecordedResource): Mutation {
    return (resources) => [...resources, build(resources)];
}

/** Several mutations in order. */
export function all(...mutations: Mutation[]): Mutation {
    return (resources) => mutations.reduce((changed, mutate) => mutate(changed), resources);
}

/** A plain (deserialized) output of the one matching resource. */
export function plainOutput(resources: readonly RecordedResource[], match: Match, key: string): any {
    return toPlainValue(one(resources, match).outputs[key]);
}

/**
 * A resource of `type` named `name`, declared at the stack's top level (or under `parent`), with the given props
 * as inputs and outputs and default options.
 */
export function newResource(
    resources: readonly RecordedResource[],
    type: string,
    name: string,
    props: Record<string, unknown>,
    parent?: RecordedResource,
): RecordedResource {
    const owner = parent ?? resources[0];
    const [urnPrefix, project, ownerChain] = owner.urn.split("::");
    return {
        urn: `${urnPrefix}::${project}::${ownerChain}$${type}::${name}`,
        type,
        name,
        parent: owner.urn,
        custom: true,
        inputs: structuredClone(props),
        outputs: structuredClone(props),
        options: {
            protect: false,
            ignoreChanges: [],
            additionalSecretOutputs: [],
            replaceOnChanges: [],
            dependencies: [],
            propertyDependencies: {},
            aliases: [],
        },
    };
}
