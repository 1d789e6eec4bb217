// Runs the real policy pack the way `pulumi preview --policy-pack` does: as its own process speaking
// the Analyzer gRPC protocol (getAnalyzerInfo, configure, remediate and analyze per resource, then
// analyzeStack once). Nothing here re-implements a policy.
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type { Empty as EmptyType } from "google-protobuf/google/protobuf/empty_pb";
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { TYPES } from "../policies/contract/constants";
import { POLICY_PACK_DIR, startPolicyPack, type StartedPack } from "./packProcess";
import {
    policyConfigShapeProblems,
    policyParameterProblems,
    type EnforcementLevel,
    type PolicyConfigFile,
} from "./policyConfigSchema";
import { UsageError } from "./project";
import type { RecordedResource } from "./recordingMonitor";
import type { PlanViolation } from "./render";

// The generated protocol classes check `instanceof` against the grpc-js and google-protobuf copies that
// @pulumi/pulumi itself loads: take those, not whatever a top-level import would resolve to.
const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof grpcTypes = requireFromPulumi("@grpc/grpc-js");
const { Struct }: { Struct: typeof StructType } = requireFromPulumi("google-protobuf/google/protobuf/struct_pb");
const { Empty }: { Empty: typeof EmptyType } = requireFromPulumi("google-protobuf/google/protobuf/empty_pb");
type Struct = StructType;
type Empty = EmptyType;

export type { EnforcementLevel, PolicyConfigFile } from "./policyConfigSchema";
export { readPolicyConfigFile } from "./policyConfigFile";

const LEVELS: Record<number, EnforcementLevel> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES: Record<EnforcementLevel, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
};

export interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** JSON schema of the policy's parameters (`properties`), if it has any. */
    readonly configSchema?: { properties: Record<string, any>; required: string[] };
}

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: PolicyInfo[];
}


/** A remediation: the policy changed the resource's inputs before analysis. */
export interface PlanRemediation {
    readonly policy: string;
    readonly urn: string;
    readonly description: string;
}

function call<Req, Res>(fn: (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown, req: Req) {
    return new Promise<Res>((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

export class PolicyPackProcess {
    /** True once configure() set any policy to remediate; only then is remediate worth a round trip. */
    remediating = false;

    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerClient,
    ) {}

    /** Starts the pack (or takes one already starting) and connects to it once it serves. */
    static async start(pack: StartedPack | string = POLICY_PACK_DIR): Promise<PolicyPackProcess> {
        const started = typeof pack === "string" ? startPolicyPack(pack) : pack;
        const port = await started.port;
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
        });
        return new PolicyPackProcess(started.child, client);
    }

    async info(): Promise<PackInfo> {
        const res = await call<Empty, analyzer.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
        return {
            name: res.getName(),
            version: res.getVersion(),
            policies: res.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                const properties = schema?.getProperties()?.toJavaScript() as Record<string, any> | undefined;
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()],
                    configSchema:
                        properties && Object.keys(properties).length
                            ? { properties, required: schema!.getRequiredList() }
                            : undefined,
                };
            }),
        };
    }

    /**
     * Sends the policy config, as the CLI does: every policy gets its enforcement level and its parameters,
     * schema defaults first, then the file's values. Unknown policies, unknown levels, and parameters that are
     * unknown or do not match the policy's schema are usage errors (./policyConfigSchema.ts).
     */
    async configure(file: PolicyConfigFile = {}, pack?: PackInfo): Promise<void> {
        const info = pack ?? (await this.info());
        const known = new Map(info.policies.map((p) => [p.name, p]));
        const problems = policyConfigShapeProblems(file);
        for (const key of Object.keys(file)) {
            if (key !== "all" && !known.has(key)) problems.push(`unknown policy "${key}"`);
        }
        const allLevel = typeof file.all === "string" ? file.all : undefined;
        const req = new analyzer.ConfigureAnalyzerRequest();
        let remediating = false;
        for (const policy of info.policies) {
            const entry = file[policy.name];
            const { enforcementLevel, ...params } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
            const level = enforcementLevel ?? allLevel ?? policy.enforcementLevel;
            problems.push(...policyParameterProblems(policy.name, params, policy.configSchema));
            if (problems.length > 0) continue;
            const schemaProps = policy.configSchema?.properties ?? {};
            const defaults = Object.fromEntries(
                Object.entries(schemaProps)
                    .filter(([, s]) => s && s.default !== undefined)
                    .map(([k, s]) => [k, s.default]),
            );
            remediating ||= level === "remediate";
            const config = new analyzer.PolicyConfig();
            config.setEnforcementlevel(LEVEL_CODES[level]);
            config.setProperties(Struct.fromJavaScript({ ...defaults, ...params } as any));
            req.getPolicyconfigMap().set(policy.name, config);
        }
        // Every problem at once, each naming the policy (and the parameter), one per line.
        if (problems.length > 0) throw new UsageError(problems.map((p) => `policy config: ${p}`).join("\n"));
        await call(this.client.configure.bind(this.client), req);
        this.remediating = remediating;
    }

    /** Runs every remediate-level policy on one resource; returns the remediated inputs, if any changed them. */
    async remediate(resource: RecordedResource, inputs: Record<string, unknown>) {
        const res = await call<analyzer.AnalyzeRequest, analyzer.RemediateResponse>(
            this.client.remediate.bind(this.client),
            analyzeRequest(resource, inputs),
        );
        return res.getRemediationsList().map((r) => ({
            policy: r.getPolicyname(),
            description: r.getDescription(),
            diagnostic: r.getDiagnostic(),
            properties: r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
        }));
    }

    async analyze(resource: RecordedResource, inputs: Record<string, unknown>): Promise<PlanViolation[]> {
        const res = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(
            this.client.analyze.bind(this.client),
            analyzeRequest(resource, inputs),
        );
        return res.getDiagnosticsList().map((d) => toViolation(d, resource.urn));
    }

    async analyzeStack(resources: readonly RecordedResource[]): Promise<PlanViolation[]> {
        const req = new analyzer.AnalyzeStackRequest();
        req.setResourcesList(resources.map(stackResource));
        const res = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
            this.client.analyzeStack.bind(this.client),
            req,
        );
        const stackUrn = resources.find((r) => r.type === TYPES.stack)?.urn;
        return res.getDiagnosticsList().map((d) => toViolation(d, stackUrn));
    }

    close(): void {
        this.client.close();
        this.child.kill();
    }
}

function resourceOptions(resource: RecordedResource): analyzer.AnalyzerResourceOptions {
    const opts = new analyzer.AnalyzerResourceOptions();
    opts.setProtect(resource.options.protect === true);
    opts.setIgnorechangesList(resource.options.ignoreChanges);
    opts.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
    opts.setAliasesList(resource.options.aliases);
    if (resource.options.deleteBeforeReplace !== undefined) {
        opts.setDeletebeforereplacedefined(true);
        opts.setDeletebeforereplace(resource.options.deleteBeforeReplace);
    }
    if (resource.parent) opts.setParent(resource.parent);
    return opts;
}

// Struct.fromJavaScript throws on `undefined`; the engine never sends one either. Like the engine
// (MarshalOptions.SkipInternalKeys), analyzers never see internal `__` keys such as `__provider`.
function toStruct(value: Record<string, unknown>): Struct {
    const visible = Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("__")));
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(visible)));
}

function analyzeRequest(resource: RecordedResource, inputs: Record<string, unknown>): analyzer.AnalyzeRequest {
    const req = new analyzer.AnalyzeRequest();
    req.setType(resource.type);
    req.setUrn(resource.urn);
    req.setName(resource.name);
    req.setProperties(toStruct(inputs));
    req.setOptions(resourceOptions(resource));
    return req;
}

function stackResource(resource: RecordedResource): analyzer.AnalyzerResource {
    const r = new analyzer.AnalyzerResource();
    r.setType(resource.type);
    r.setUrn(resource.urn);
    r.setName(resource.name);
    r.setProperties(toStruct(resource.outputs));
    r.setOptions(resourceOptions(resource));
    if (resource.parent) r.setParent(resource.parent);
    r.setDependenciesList(resource.options.dependencies);
    for (const [key, urns] of Object.entries(resource.options.propertyDependencies)) {
        const deps = new analyzer.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        r.getPropertydependenciesMap().set(key, deps);
    }
    return r;
}

function toViolation(d: analyzer.AnalyzeDiagnostic, fallbackUrn: string | undefined): PlanViolation {
    return {
        policy: d.getPolicyname(),
        policyPack: d.getPolicypackname(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] as PlanViolation["enforcementLevel"],
        urn: d.getUrn() || fallbackUrn,
        message: d.getMessage(),
    };
}

export interface PolicyEvaluation {
    readonly violations: PlanViolation[];
    readonly remediations: PlanRemediation[];
}

/** How many resources are in flight to the pack at once; the engine, too, analyzes steps concurrently. */
const IN_FLIGHT = 16;

/**
 * Feeds a recorded program run to the pack as the engine would: for each resource, remediate (when a
 * policy is set to remediate) then analyze its inputs; then analyzeStack over every resource's outputs.
 * Results keep the resources' registration order.
 */
export async function evaluatePolicies(
    pack: PolicyPackProcess,
    resources: readonly RecordedResource[],
): Promise<PolicyEvaluation> {
    const perResource = async (resource: RecordedResource) => {
        if (resource.type === TYPES.stack) return { resource, violations: [], remediations: [] };
        let inputs = resource.inputs;
        const remediations: PlanRemediation[] = [];
        if (pack.remediating) {
            for (const fix of await pack.remediate(resource, inputs)) {
                if (fix.properties) inputs = fix.properties;
                remediations.push({ policy: fix.policy, urn: resource.urn, description: fix.description });
            }
        }
        const violations = await pack.analyze(resource, inputs);
        // The engine would create the remediated resource, so the stack analysis sees its new state.
        const analyzed = inputs === resource.inputs ? resource : { ...resource, inputs, outputs: { ...resource.outputs, ...inputs } };
        return { resource: analyzed, violations, remediations };
    };
    const results: Awaited<ReturnType<typeof perResource>>[] = new Array(resources.length);
    let next = 0;
    const worker = async () => {
        while (next < resources.length) {
            const i = next++;
            results[i] = await perResource(resources[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, resources.length) }, worker));
    const violations = results.flatMap((r) => r.violations);
    violations.push(...(await pack.analyzeStack(results.map((r) => r.resource))));
    return { violations, remediations: results.flatMap((r) => r.remediations) };
}

export { POLICY_PACK_DIR };
