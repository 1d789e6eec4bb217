// Reading values serialized for the Pulumi engine (secrets, unknowns and resource references carry a
// signature key) and turning them into something safe to print.
import {
    specialArchiveSig,
    specialAssetSig,
    specialResourceSig,
    specialSecretSig,
    specialSigKey,
    unknownValue,
} from "@pulumi/pulumi/runtime/rpc";

/** Inputs no reader wants: a dynamic provider's serialized source (large, and different per build). */
const HIDDEN_INPUTS = new Set(["__provider"]);

export const SECRET_PLACEHOLDER = "[secret]";
const UNKNOWN_PLACEHOLDER = "[unknown]";

function signatureOf(value: unknown): string | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? ((value as Record<string, unknown>)[specialSigKey] as string | undefined)
        : undefined;
}

export function isSerializedSecret(value: unknown): boolean {
    return signatureOf(value) === specialSecretSig;
}

/** A value for display: secrets become `[secret]`, unknowns `[unknown]`, references their URN. */
export function toDisplayValue(value: unknown): unknown {
    if (value === unknownValue) return UNKNOWN_PLACEHOLDER;
    if (Array.isArray(value)) return value.map(toDisplayValue);
    if (value === null || typeof value !== "object") return value;
    const sig = signatureOf(value);
    const record = value as Record<string, unknown>;
    switch (sig) {
        case specialSecretSig:
            return SECRET_PLACEHOLDER;
        case specialResourceSig:
            return record.urn;
        case specialAssetSig:
        case specialArchiveSig:
            return "[asset]";
        default:
            return Object.fromEntries(
                Object.entries(record)
                    .filter(([key]) => !HIDDEN_INPUTS.has(key))
                    .map(([key, v]) => [key, toDisplayValue(v)]),
            );
    }
}

/** The plain value behind a serialized one (secrets unwrapped), for code that must inspect it. */
export function toPlainValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(toPlainValue);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (signatureOf(value) === specialSecretSig) return toPlainValue(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, v]) => [key, toPlainValue(v)]));
}
