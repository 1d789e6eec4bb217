// What the query suites share: the account sets and windows every builder is run with, and the check that an
// input is refused with QueryInputError and an exact message.
import assert from "node:assert/strict";
import { QueryInputError, queryWindow, type QueryWindow } from "../../policies/contract/queries";
import { ACCOUNTS } from "./ids";

/** One, two and four accounts. */
export const ACCOUNT_SETS = [1, 2, 4].map((n) => ACCOUNTS.slice(0, n));

/** Every 5 and 15 minutes, hourly and daily. */
export const WINDOWS: QueryWindow[] = ["PT5M", "PT15M", "PT1H", "P1D"].map((frequency) => queryWindow(frequency));

/** `run` throws QueryInputError with exactly `message`. */
export function assertRefused(run: () => unknown, message: string): void {
    assert.throws(run, (err: unknown) => {
        assert.ok(err instanceof QueryInputError, `expected QueryInputError, got ${String(err)}`);
        assert.equal(err.message, message);
        return true;
    });
}
