// A resource monitor for Pulumi's mock runtime that records every RegisterResourceRequest whole:
// inputs exactly as serialized for the engine (secrets and unknowns marked) and the resource options
// the engine would see (protect, retainOnDelete, ...), which the `setMocks` callbacks never receive.
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { setMockOptions } from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";

// `getStore` is exported by the runtime's JavaScript (setMocks uses it) but not by its typings.
interface RuntimeStore {
    supportsSecrets: boolean;
    supportsResourceReferences: boolean;
    supportsOutputValues: boolean;
    supportsDeletedWith: boolean;
    supportsAliasSpecs: boolean;
    supportsTransforms: boolean;
    supportsInvokeTransforms: boolean;
}
const getStore = (runtimeState as unknown as { getStore(): RuntimeStore }).getStore;

/** JSON as the engine sees it: secrets as `{"4dabf18193072939515e22adb298388d": "1b47...", value}`. */
export type SerializedValue = unknown;

/** The resource options the engine receives; `undefined` when the program did not set the option. */
export interface RecordedOptions {
    readonly protect?: boolean;
    readonly retainOnDelete?: boolean;
    readonly deleteBeforeReplace?: boolean;
    readonly ignoreChanges: string[];
    readonly additionalSecretOutputs: string[];
    readonly replaceOnChanges: string[];
    readonly dependencies: string[];
    /** For each input, the resources its value came from. */
    readonly propertyDependencies: Record<string, string[]>;
    readonly aliases: string[];
    readonly provider?: string;
    readonly deletedWith?: string;
}

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** URN of the parent; undefined only for the stack itself. */
    readonly parent?: string;
    readonly custom: boolean;
    readonly id?: string;
    /** Inputs, serialized as sent to the engine. */
    readonly inputs: Record<string, SerializedValue>;
    /** Outputs: the provider's state for custom resources, registered outputs for components and the stack. */
    outputs: Record<string, SerializedValue>;
    readonly options: RecordedOptions;
}

// The runtime types the request as `any`; these are the getters of resource_pb.RegisterResourceRequest used here.
interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    hasProtect(): boolean;
    getProtect(): boolean;
    hasRetainondelete(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getReplaceonchangesList(): string[];
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getAliasurnsList(): string[];
    getProvider(): string;
    getDeletedwith(): string;
}

type Callback = (err: unknown, response: unknown) => void;

function propertyDependencies(req: RegisterResourceRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
        result[key] = deps.getUrnsList();
    });
    return result;
}

/** Internal inputs (`__provider`: a dynamic provider's serialized source, tens of kilobytes). */
const isInternalKey = (key: string) => key.startsWith("__");

export class RecordingMonitor extends MockMonitor {
    /** Every registered resource, in registration order. */
    readonly records: RecordedResource[] = [];
    private readonly byUrn = new Map<string, RecordedResource>();
    // Every dynamic resource carries the same serialized provider; keep one copy, not one per resource.
    private readonly internedInternals = new Map<string, string>();

    private intern(inputs: Record<string, unknown>): Record<string, unknown> {
        for (const [key, value] of Object.entries(inputs)) {
            if (!isInternalKey(key) || typeof value !== "string") continue;
            const kept = this.internedInternals.get(value);
            if (kept === undefined) this.internedInternals.set(value, value);
            else inputs[key] = kept;
        }
        return inputs;
    }

    override async registerResource(req: RegisterResourceRequest, callback: Callback): Promise<void> {
        await super.registerResource(req, (err: unknown, response: any) => {
            if (!err) {
                const urn: string = response.getUrn();
                const record: RecordedResource = {
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    id: response.getId() || undefined,
                    inputs: this.intern(req.getObject()?.toJavaScript() ?? {}),
                    outputs: req.getCustom() ? this.intern(response.getObject()?.toJavaScript() ?? {}) : {},
                    options: {
                        protect: req.hasProtect() ? req.getProtect() : undefined,
                        retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
                        deleteBeforeReplace: req.getDeletebeforereplacedefined()
                            ? req.getDeletebeforereplace()
                            : undefined,
                        ignoreChanges: req.getIgnorechangesList(),
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                        replaceOnChanges: req.getReplaceonchangesList(),
                        dependencies: req.getDependenciesList(),
                        propertyDependencies: propertyDependencies(req),
                        aliases: req.getAliasurnsList(),
                        provider: req.getProvider() || undefined,
                        deletedWith: req.getDeletedwith() || undefined,
                    },
                };
                this.records.push(record);
                this.byUrn.set(urn, record);
            }
            callback(err, response);
        });
    }

    override registerResourceOutputs(req: any, callback: Callback): void {
        super.registerResourceOutputs(req, (err: unknown, response: unknown) => {
            const record = this.byUrn.get(req.getUrn());
            if (!err && record) record.outputs = req.getOutputs()?.toJavaScript() ?? {};
            callback(err, response);
        });
    }

    override supportsFeature(req: any, callback: Callback): void {
        // As the stock mock monitor, plus no transforms: registering one would start a callback server
        // that the mock runtime cannot serve.
        const unsupported = new Set(["outputValues", "transforms", "invokeTransforms"]);
        const hasSupport = !unsupported.has(req.getId());
        callback(null, { getHassupport: () => hasSupport });
    }
}

/**
 * Installs a recording monitor in the mock runtime, with the same feature flags `setMocks` sets
 * (`setMockOptions` resets them, after which secrets would be sent as plain strings).
 */
export function installRecordingMonitor(mocks: pulumi.runtime.Mocks, project: string, stack: string): RecordingMonitor {
    const monitor = new RecordingMonitor(mocks);
    setMockOptions(monitor, project, stack, false);
    const store = getStore();
    store.supportsSecrets = true;
    store.supportsResourceReferences = true;
    store.supportsOutputValues = false;
    store.supportsDeletedWith = true;
    store.supportsAliasSpecs = true;
    store.supportsTransforms = false;
    store.supportsInvokeTransforms = false;
    return monitor;
}
