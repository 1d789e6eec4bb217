// Turning a failed Graph call into an error a person can act on: what was asked, of which object, and what
// Graph answered (status, code, whether the retries were spent).
import { RETRYABLE_STATUS_CODES, type RetryOptions } from "./retry";

/** The HTTP status of a failed Graph call, or undefined when there was no response. */
export function statusOf(error: unknown): number | undefined {
    const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
    return typeof status === "number" && status > 0 ? status : undefined;
}

/**
 * An Error naming the object (`subject`), the method, what the call was for, the status and Graph's code, and
 * whether the retries were spent. The original error is kept as `cause`.
 */
export function graphFailure(subject: string, method: string, purpose: string, error: unknown, retry: RetryOptions): Error {
    const status = statusOf(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    const message = error instanceof Error ? error.message : String(error);
    const outcome = status !== undefined ? `HTTP ${status}` : "no HTTP response";
    const codeText = typeof code === "string" && code ? ` ${code}` : "";
    const retried = status !== undefined && RETRYABLE_STATUS_CODES.includes(status);
    const gaveUp = retried ? ` (gave up after ${retry.maxRetries} retries)` : "";
    return new Error(`${subject}: ${method} to ${purpose} failed with ${outcome}${codeText}${gaveUp}: ${message}`, {
        cause: error,
    });
}
