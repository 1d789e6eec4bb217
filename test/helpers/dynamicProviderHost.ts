// The real dynamic-provider host of @pulumi/pulumi (`cmd/dynamic-provider/index.js`), started as the engine
// starts it for `pulumi-nodejs:dynamic:*` resources (working directory the project root, the engine's address as
// its argument, its port read from the first line of stdout) and driven over gRPC with the calls the engine makes:
// Configure, Check, Diff, Create, Read, Update, Delete. Properties go in and come out as plain JavaScript; the
// `__provider` string is the one the program itself serializes.
//
// Usage:
//
//     const az = installFakeAzureCli();                                   // ./fakeAzureCli.ts: the host's only credential
//     const host = await startDynamicProviderHost({ env: az.env });
//     await host.configure({ "entra-emergency-access:conditionalAccess": "{...}" });
//     const provider = await exclusionProviderSource();                  // __provider as the program registers it
//     const urn = exclusionUrn(policyId);
//     const { inputs } = await host.check(urn, {}, { __provider: provider, policyId, ... });
//     const { id, properties } = await host.create(urn, inputs);
//     ...
//     await host.close();                                                // kills the host; host.stderr() keeps its log
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import { createInterface } from "node:readline";
import type * as grpcTypes from "@grpc/grpc-js";
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb";
import * as pulumi from "@pulumi/pulumi";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { TYPES } from "../../policies/contract/constants";
import { PROJECT_DIR } from "./fixtures";
import { fixturePolicies } from "./caSnapshot";

// The generated classes check `instanceof` against the grpc-js and google-protobuf copies @pulumi/pulumi loads.
const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof grpcTypes = requireFromPulumi("@grpc/grpc-js");
const { Struct }: { Struct: typeof StructType } = requireFromPulumi("google-protobuf/google/protobuf/struct_pb");

/** The host's entry point, as the engine's `pulumi-resource-pulumi-nodejs` shim runs it. */
export const DYNAMIC_PROVIDER_HOST = path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");

/** Plain JavaScript properties, as a provider's functions see them. */
export type Properties = Record<string, any>;

/** How to start the host. */
export interface DynamicProviderHostOptions {
    /** The host's whole environment. Defaults to this process's (give `installFakeAzureCli().env` for Graph). */
    readonly env?: NodeJS.ProcessEnv;
}

/** The engine's view of a Diff answer. */
export interface DiffAnswer {
    readonly changes: "none" | "some" | "unknown";
    readonly replaces: string[];
    readonly deleteBeforeReplace: boolean;
}

/** A started host and a client that speaks the provider protocol to it. */
export interface DynamicProviderHost {
    /** The host's process id. */
    readonly pid: number;
    /** Configure, as the engine sends it once before any other call: the stack's config, namespaces kept. */
    configure(config?: Record<string, string>): Promise<{ acceptSecrets: boolean }>;
    check(urn: string, olds: Properties, news: Properties): Promise<{ inputs: Properties; failures: { property: string; reason: string }[] }>;
    diff(id: string, urn: string, olds: Properties, news: Properties, oldInputs?: Properties): Promise<DiffAnswer>;
    create(urn: string, properties: Properties): Promise<{ id: string; properties: Properties }>;
    /** Read, as refresh sends it: `properties` the state, `inputs` the last inputs. An empty id means the resource is gone. */
    read(id: string, urn: string, properties: Properties, inputs?: Properties): Promise<{ id: string; properties: Properties; inputs?: Properties }>;
    update(id: string, urn: string, olds: Properties, news: Properties, oldInputs?: Properties): Promise<{ properties: Properties }>;
    delete(id: string, urn: string, properties: Properties, oldInputs?: Properties): Promise<void>;
    /** Everything the host wrote to stderr so far. */
    stderr(): string;
    /** Connections the host opened to the engine address (none of the calls above needs the engine). */
    engineConnections(): number;
    /** Closes the client, kills the host and waits for it to exit. */
    close(): Promise<void>;
}

/** `urn:pulumi:fixture::entra-emergency-access::<type>::<name>`, the URN the engine sends with every call. */
export function resourceUrn(type: string, name: string): string {
    return `urn:pulumi:fixture::entra-emergency-access::${type}::${name}`;
}

/** The URN of the exclusion of one policy, named as components/conditionalAccessExclusions.ts names it. */
export function exclusionUrn(policyId: string): string {
    return resourceUrn(TYPES.conditionalAccessExclusion, `emergency-access-ca-exclusion-${policyId}`);
}

function unary<Req, Res>(client: ResourceProviderClient, method: string, request: Req): Promise<Res> {
    const fn = (client as unknown as Record<string, (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => void>)[method];
    return new Promise((resolve, reject) => fn.call(client, request, (err, res) => (err ? reject(new Error(`${method}: ${err.details || err.message}`)) : resolve(res))));
}

/** Struct.fromJavaScript refuses undefined values; the engine never sends them either. */
function struct(properties: Properties): StructType {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(properties)) as Record<string, any>);
}

/** Starts the host as the engine does and connects to it. Kill it with `close()`; it also dies with this process. */
export async function startDynamicProviderHost(options: DynamicProviderHostOptions = {}): Promise<DynamicProviderHost> {
    // The engine passes its own gRPC address; the host keeps it but never dials it for resource calls. A real
    // listener stands in for it, so a connection would be seen rather than refused.
    let engineConnections = 0;
    const engine = net.createServer((socket) => {
        engineConnections++;
        socket.destroy();
    });
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    const engineAddress = `127.0.0.1:${(engine.address() as net.AddressInfo).port}`;

    const child: ChildProcess = spawn(process.execPath, [DYNAMIC_PROVIDER_HOST, engineAddress], {
        cwd: PROJECT_DIR,
        env: options.env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const killChild = () => child.kill("SIGKILL");
    process.once("exit", killChild);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    void exited.then(() => process.removeListener("exit", killChild));
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<string>((resolve, reject) => {
        lines.once("line", (line) => resolve(line.trim()));
        child.once("exit", (code) => reject(new Error(`dynamic provider host exited with ${code} before serving:\n${stderr.join("")}`)));
    });
    // Keep draining stdout: a provider that logs must never block on a full pipe.
    lines.on("line", () => undefined);
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

    return {
        pid: child.pid!,

        async configure(config = {}) {
            const request = new proto.ConfigureRequest();
            request.setArgs(struct(config));
            const variables = request.getVariablesMap();
            for (const [key, value] of Object.entries(config)) variables.set(key, value);
            request.setAcceptsecrets(true);
            request.setAcceptresources(true);
            request.setSendsOldInputs(true);
            request.setSendsOldInputsToDelete(true);
            const response = await unary<proto.ConfigureRequest, proto.ConfigureResponse>(client, "configure", request);
            return { acceptSecrets: response.getAcceptsecrets() };
        },

        async check(urn, olds, news) {
            const request = new proto.CheckRequest();
            request.setUrn(urn);
            request.setOlds(struct(olds));
            request.setNews(struct(news));
            const response = await unary<proto.CheckRequest, proto.CheckResponse>(client, "check", request);
            return {
                inputs: (response.getInputs()?.toJavaScript() ?? {}) as Properties,
                failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        },

        async diff(id, urn, olds, news, oldInputs) {
            const request = new proto.DiffRequest();
            request.setId(id);
            request.setUrn(urn);
            request.setOlds(struct(olds));
            request.setNews(struct(news));
            if (oldInputs) request.setOldInputs(struct(oldInputs));
            const response = await unary<proto.DiffRequest, proto.DiffResponse>(client, "diff", request);
            const changes = response.getChanges();
            return {
                changes:
                    changes === proto.DiffResponse.DiffChanges.DIFF_SOME ? "some" : changes === proto.DiffResponse.DiffChanges.DIFF_NONE ? "none" : "unknown",
                replaces: response.getReplacesList(),
                deleteBeforeReplace: response.getDeletebeforereplace(),
            };
        },

        async create(urn, properties) {
            const request = new proto.CreateRequest();
            request.setUrn(urn);
            request.setProperties(struct(properties));
            const response = await unary<proto.CreateRequest, proto.CreateResponse>(client, "create", request);
            return { id: response.getId(), properties: (response.getProperties()?.toJavaScript() ?? {}) as Properties };
        },

        async read(id, urn, properties, inputs) {
            const request = new proto.ReadRequest();
            request.setId(id);
            request.setUrn(urn);
            request.setProperties(struct(properties));
            if (inputs) request.setInputs(struct(inputs));
            const response = await unary<proto.ReadRequest, proto.ReadResponse>(client, "read", request);
            return {
                id: response.getId(),
                properties: (response.getProperties()?.toJavaScript() ?? {}) as Properties,
                inputs: response.getInputs()?.toJavaScript() as Properties | undefined,
            };
        },

        async update(id, urn, olds, news, oldInputs) {
            const request = new proto.UpdateRequest();
            request.setId(id);
            request.setUrn(urn);
            request.setOlds(struct(olds));
            request.setNews(struct(news));
            if (oldInputs) request.setOldInputs(struct(oldInputs));
            const response = await unary<proto.UpdateRequest, proto.UpdateResponse>(client, "update", request);
            return { properties: (response.getProperties()?.toJavaScript() ?? {}) as Properties };
        },

        async delete(id, urn, properties, oldInputs) {
            const request = new proto.DeleteRequest();
            request.setId(id);
            request.setUrn(urn);
            request.setProperties(struct(properties));
            if (oldInputs) request.setOldInputs(struct(oldInputs));
            await unary(client, "delete", request);
        },

        stderr: () => stderr.join(""),
        engineConnections: () => engineConnections,

        async close() {
            client.close();
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
            await exited;
            engine.close();
        },
    };
}

/**
 * A provider object serialized exactly as `@pulumi/pulumi/dynamic` serializes it into `__provider`
 * (`serializeFunction(() => provider, { allowSecrets: true })`): for providers the program does not declare.
 */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return serialized.text;
}

let recordedExclusionProvider: Promise<string> | undefined;

/**
 * The `__provider` input of a ConditionalAccessExclusion as the PROGRAM registers it: the fixture program run under
 * the mock runtime with one Conditional Access policy, its registration recorded. Run once per test process.
 */
export function exclusionProviderSource(): Promise<string> {
    recordedExclusionProvider ??= (async () => {
        // Loaded here so a suite that never needs the program does not pay for it.
        const { runFixture } = await import("./program");
        const run = await runFixture({}, { conditionalAccessPolicies: fixturePolicies.slice(0, 1) });
        const exclusion = run.resources.find((resource) => resource.type === TYPES.conditionalAccessExclusion);
        const source = exclusion?.inputs.__provider;
        if (typeof source !== "string") throw new Error("the fixture program registered no ConditionalAccessExclusion with a __provider");
        return source;
    })();
    return recordedExclusionProvider;
}
