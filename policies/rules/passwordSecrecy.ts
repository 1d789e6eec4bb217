// @pulumi/policy hands policies secret values already decrypted and unmarked, so this policy cannot see the
// secret flag itself. It follows the values instead: a generated password (a RandomPassword or RandomString result)
// may sit only in an emergency user's `password` input (the bootstrap, which the custody resource replaces) and in
// its generator's own `result` and `bcryptHash`. Anywhere else (another input, a resource name, any output of a
// resource, of the EmergencyAccess component or of the stack) it is a leak, and so is any plain encoding of it
// (base64, base64url, hex, reversed, URL-encoded) or a string that contains one. The passwords the custody resources
// set are in no state at all.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../contract/constants";
import {
    ACCOUNT_RECOGNITION_SCHEMA,
    deferUntilKnown,
    emergencyAccounts,
    isUnknown,
    rawProps,
    urnName,
    type AccountRecognition,
} from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

/** Generators whose value is a credential, with the props that may hold it. */
const GENERATORS: Record<string, readonly string[]> = {
    [TYPES.randomPassword]: ["result", "bcryptHash"],
    [TYPES.randomString]: ["result"],
};

/** Shortest text an encoding is searched for: shorter ones would match by chance. */
const SHORTEST_SEARCHED = 6;

/**
 * The forms of a password that give it away: the value, reversed, base64 (padded and not), base64url, hex (both
 * cases) and URL-encoded (three ways). Pure and exported for the tests.
 */
export function revealingForms(password: string): string[] {
    const bytes = Buffer.from(password, "utf8");
    const base64 = bytes.toString("base64");
    const hex = bytes.toString("hex");
    const forms = [
        password,
        [...password].reverse().join(""),
        base64,
        base64.replace(/=+$/, ""),
        bytes.toString("base64url"),
        hex,
        hex.toUpperCase(),
        encodeURIComponent(password),
        encodeURI(password),
        // Form encoding (URLSearchParams) and full percent-encoding also escape the specials encodeURIComponent keeps.
        new URLSearchParams({ v: password }).toString().slice(2),
        password.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`),
    ];
    return [...new Set(forms)].filter((form) => form.length >= SHORTEST_SEARCHED);
}

/** What a string decodes to when it looks like base64 or hex, so an encoded copy inside a larger encoding shows. */
function decodings(text: string): string[] {
    const decoded: string[] = [];
    const compact = text.replace(/\s+/g, "");
    if (compact.length >= 8 && /^[0-9a-fA-F]+$/.test(compact) && compact.length % 2 === 0) {
        decoded.push(Buffer.from(compact, "hex").toString("utf8"));
    }
    if (compact.length >= 8 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
        decoded.push(Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
    }
    try {
        if (/%[0-9a-fA-F]{2}/.test(text)) decoded.push(decodeURIComponent(text));
    } catch {
        // Not URL-encoded after all.
    }
    return decoded;
}

/** True when `text`, or what it decodes to, contains any of `forms`. */
function reveals(text: string, forms: readonly string[]): boolean {
    return [text, ...decodings(text)].some((candidate) => forms.some((form) => candidate.includes(form)));
}

/** Paths inside `value` whose string or object key reveals one of `forms`; a revealing key is shown as `<key>`. */
function pathsRevealing(value: unknown, forms: readonly string[], at: string): string[] {
    if (typeof value === "string") return reveals(value, forms) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsRevealing(v, forms, `${at}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => {
            const hidden = reveals(k, forms);
            const path = `${at ? `${at}.` : ""}${hidden ? "<key>" : k}`;
            return [...(hidden ? [`${path} (a key)`] : []), ...pathsRevealing(v, forms, path)];
        });
    }
    return [];
}

function describe(resource: PolicyResource, path: string): string {
    if (resource.type === TYPES.stack) return `stack output ${path}`;
    return `${path} of ${resource.type} ${urnName(resource.urn)}`;
}

export const passwordSecrecy = definePolicy<StackValidationPolicy>({
    name: "emergency-password-disallow-plain-text",
    description:
        "A generated password (a RandomPassword or RandomString result), or its base64, base64url, hex, reversed or " +
        "URL-encoded form, appears nowhere but in an emergency user's bootstrap password and its generator's own result: " +
        "not in another input or a resource name, not in any output of a resource, the component or the stack.",
    remediationSteps:
        "Remove the output, input or name that carries the generated value. Emergency passwords are kept by the " +
        "PasswordCustody resources (credential config), never by an output.",
    configSchema: { properties: { ...ACCOUNT_RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const generators = args.resources.filter((r) => r.type in GENERATORS);
        const results = generators.map((r) => rawProps(r.props).result);
        const known = results.filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
        // A bcrypt hash gives the password away to an offline guess: it may not leave its generator either.
        const hashes = generators
            .map((r) => rawProps(r.props).bcryptHash)
            .filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
        const forms = [...new Set([...known.flatMap(revealingForms), ...hashes])];
        const users = new Set(emergencyAccounts(args.resources, args.getConfig<AccountRecognition>()).map((a) => a.urn));
        if (forms.length > 0) {
            for (const resource of args.resources) {
                if (reveals(urnName(resource.urn), forms)) {
                    // The name itself is not printed: it holds the password.
                    reportViolation(`a generated password is in the name of a ${resource.type}; it must stay secret.`);
                }
                const own = GENERATORS[resource.type] ?? [];
                for (const [key, value] of Object.entries(rawProps(resource.props))) {
                    if (own.includes(key)) continue;
                    if (key === "password" && resource.type === TYPES.user && users.has(resource.urn)) continue;
                    for (const path of pathsRevealing({ [key]: value }, forms, "")) {
                        reportViolation(`a generated password is in ${describe(resource, path)}; it must stay secret.`);
                    }
                }
            }
        }
        // A first preview: the generators have not run, so their values cannot be followed yet.
        const pending = generators.filter((_, i) => isUnknown(results[i]));
        if (pending.length > 0) deferUntilKnown(`where the values of ${pending.map((r) => urnName(r.urn)).join(", ")} go`);
    },
}, {
    severity: "critical",
    rationale:
        "The password of a Global Administrator excluded from every Conditional Access policy must not leave through any " +
        "other input, name or output; an encoding is no protection, since anyone can decode it.",
    frameworks: [{ framework: "product" }],
});
