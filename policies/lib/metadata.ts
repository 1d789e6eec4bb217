// Structured metadata of every policy, as pulumi/compliance-policies keeps it: a severity, a rationale, and the
// frameworks and controls the policy implements. `definePolicy` turns it into the fields @pulumi/policy serves
// to the CLI and Pulumi Cloud (severity, framework, tags), so the same facts reach the README, the tests and a
// policy group's compliance view without living in comments.
import type {
    PolicyComplianceFramework,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A framework as this pack knows it; PolicyComplianceFramework's other fields are derived per policy. */
interface Framework {
    readonly name: string;
    readonly version?: string;
    readonly reference?: string;
}

/** The frameworks the pack maps to. Each control id used with them is the one its own source publishes. */
export const FRAMEWORKS = {
    microsoft: {
        name: "Microsoft emergency access guidance",
        version: "2026-06-04",
        reference: "https://learn.microsoft.com/entra/identity/role-based-access-control/security-emergency-access",
    },
    maester: { name: "Maester", reference: "https://maester.dev/docs/tests/maester" },
    zeroTrustAssessment: { name: "Microsoft Zero Trust Assessment", reference: "https://aka.ms/zerotrust/assessment" },
    cis: { name: "CIS Microsoft 365 Foundations Benchmark" },
    scubaGear: { name: "CISA ScubaGear", reference: "https://github.com/cisagov/ScubaGear" },
    prowler: { name: "Prowler", reference: "https://hub.prowler.com" },
    nist80063b: { name: "NIST SP 800-63B", reference: "https://pages.nist.gov/800-63-4/sp800-63b.html" },
    product: { name: "entra-emergency-access (this product's own invariants)" },
} as const satisfies Record<string, Framework>;

export type FrameworkId = keyof typeof FRAMEWORKS;

/** One framework a policy implements, and the controls of it (none for guidance without numbered controls). */
export interface FrameworkMapping {
    readonly framework: FrameworkId;
    readonly controls?: readonly string[];
}

/** What every policy states besides its check. */
export interface PolicyMetadata {
    /** How bad a violation is. */
    readonly severity: Severity;
    /** Why the rule exists: what fails, and when, if it is broken. */
    readonly rationale: string;
    /** The frameworks and controls it implements, the primary one first. */
    readonly frameworks: readonly [FrameworkMapping, ...FrameworkMapping[]];
}

/** A policy of this pack: @pulumi/policy's own fields plus its metadata. */
export type EmergencyPolicy = (ResourceValidationPolicy | StackValidationPolicy) & { readonly metadata: PolicyMetadata };

type WithoutMetadataFields<P> = Omit<P, "severity" | "framework" | "tags">;

/** `framework:control` tags, e.g. `maester:MT.1005`, and `framework` alone for guidance without controls. */
export function frameworkTags(metadata: PolicyMetadata): string[] {
    return metadata.frameworks.flatMap(({ framework, controls }) =>
        controls && controls.length > 0 ? controls.map((control) => `${framework}:${control}`) : [framework],
    );
}

/** The policy with its metadata attached and the served fields (severity, framework, tags) derived from it. */
export function definePolicy<P extends ResourceValidationPolicy | StackValidationPolicy>(
    policy: WithoutMetadataFields<P>,
    metadata: PolicyMetadata,
): P & { readonly metadata: PolicyMetadata } {
    const primary = metadata.frameworks[0];
    const known: Framework = FRAMEWORKS[primary.framework];
    const framework: PolicyComplianceFramework = {
        name: known.name,
        version: known.version ?? "",
        reference: known.reference ?? "",
        specification: (primary.controls ?? []).join(", "),
    };
    const served = { ...policy, severity: metadata.severity, framework, tags: frameworkTags(metadata), metadata };
    return served as unknown as P & { readonly metadata: PolicyMetadata };
}
