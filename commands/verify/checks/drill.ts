// Drill recency (Microsoft: validate the emergency accounts at least every 90 days): each account's last successful
// sign-in is recent. The monthly reminder uses the same thresholds and nextDrillDue to name the date a drill falls due.
import type { Fido2Method } from "../../../graph/authenticationMethods";
import type { SignInActivity } from "../../../graph/users";
import type { CheckDefinition, Evidence } from "../model";
import { PERMISSIONS, daysBetween, evidenceId, parseDate, readExistingAccounts, readFido2, readSignInActivities, readAccounts, type AccountState } from "./reads";

/** From this many days since the last successful sign-in, a drill is falling due: WARN. */
export const DRILL_WARN_DAYS = 75;
/** After this many days since the last successful sign-in, the drill is overdue: FAIL (Microsoft: every 90 days). */
export const DRILL_FAIL_DAYS = 90;

/** When the next drill falls due: DRILL_FAIL_DAYS after the last successful sign-in, or `now` for an account never used. Pure. */
export function nextDrillDue(lastSignIn: Date | undefined, now: Date): Date {
    return lastSignIn ? new Date(lastSignIn.getTime() + DRILL_FAIL_DAYS * 86_400_000) : new Date(now.getTime());
}

/** One account's drill facts. */
export interface DrillFacts {
    readonly account: AccountState;
    readonly signIn?: SignInActivity;
    readonly fido2: readonly Fido2Method[];
}

/** The newest registration date among the keys, or undefined. */
function newestKey(fido2: readonly Fido2Method[]): string | undefined {
    return fido2
        .map((method) => method.createdDateTime)
        .filter((date): date is string => parseDate(date) !== undefined)
        .sort((a, b) => (parseDate(a)?.getTime() ?? 0) - (parseDate(b)?.getTime() ?? 0))
        .at(-1);
}

/** drill-recency: one evidence per account: PASS under DRILL_WARN_DAYS, WARN to DRILL_FAIL_DAYS, FAIL after, FAIL never. Pure. */
export function judgeDrillRecency(facts: readonly DrillFacts[], missing: readonly string[], now: Date): Evidence[] {
    const evidence = facts.map(({ account, signIn, fido2 }): Evidence => {
        const subject = account.declared.userPrincipalName;
        const id = evidenceId(account);
        const last = parseDate(signIn?.lastSuccessfulSignInDateTime);
        const due = nextDrillDue(last, now);
        const details = {
            lastSuccessfulSignInDateTime: signIn?.lastSuccessfulSignInDateTime ?? null,
            lastPasswordChangeDateTime: account.state?.lastPasswordChangeDateTime ?? null,
            newestKeyRegisteredDateTime: newestKey(fido2) ?? null,
            nextDrillDue: due.toISOString(),
        };
        const since = `last password change ${details.lastPasswordChangeDateTime ?? "unknown"}, newest key registered ${details.newestKeyRegisteredDateTime ?? "never"}`;
        if (!last) {
            return { subject, ...id, status: "FAIL", detail: `Never signed in successfully: no drill on record (${since}).`, facts: { ...details, days: null } };
        }
        const days = Math.floor(daysBetween(last, now));
        const status = days > DRILL_FAIL_DAYS ? "FAIL" : days >= DRILL_WARN_DAYS ? "WARN" : "PASS";
        const verdict =
            status === "FAIL"
                ? `overdue: more than ${DRILL_FAIL_DAYS} days`
                : status === "WARN"
                  ? `due by ${due.toISOString().slice(0, 10)}`
                  : `next due by ${due.toISOString().slice(0, 10)}`;
        return {
            subject,
            ...id,
            status,
            detail: `Last successful sign-in ${signIn?.lastSuccessfulSignInDateTime}, ${days} days ago: ${verdict} (${since}).`,
            facts: { ...details, days },
        };
    });
    for (const userPrincipalName of missing) evidence.push({ subject: userPrincipalName, status: "FAIL", detail: "Not found: no drill can be judged." });
    return evidence;
}

/** The drill check. */
export const DRILL_CHECKS: readonly CheckDefinition[] = [
    {
        id: "drill-recency",
        title: `Each account signed in successfully within the last ${DRILL_FAIL_DAYS} days (a drill)`,
        severity: "high",
        sources: ["Microsoft"],
        permissions: [PERMISSIONS.users, PERMISSIONS.signInActivity, PERMISSIONS.methods],
        async run(context) {
            const [accounts, existing, activities] = await Promise.all([readAccounts(context), readExistingAccounts(context), readSignInActivities(context)]);
            const facts = await Promise.all(
                existing.map(async (account): Promise<DrillFacts> => {
                    const signIn = activities.get(account.state.id);
                    const fido2 = await readFido2(context, { id: account.state.id, userPrincipalName: account.state.userPrincipalName });
                    return { account, fido2, ...(signIn ? { signIn } : {}) };
                }),
            );
            const missing = accounts.filter((account) => !account.state).map((account) => account.declared.userPrincipalName);
            return { evidence: judgeDrillRecency(facts, missing, context.now) };
        },
    },
];
