// Every attack of the gate's matrix, one table per area. test/process/packedPolicyPack.test.ts judges each with the
// in-repo sources, the packed tarball and the plan's pack; test/process/gateAttacks.test.ts checks the list's shape.
import type { Attack } from "./attack";
import { BASELINE_ATTACKS } from "./baseline";
import { CREDENTIAL_ATTACKS } from "./credentials";
import { IDENTITY_ATTACKS, SCOPE_ATTACKS } from "./identity";
import { MONITORING_ATTACKS } from "./monitoring";
import { ONBOARDING_ATTACKS } from "./onboarding";

export type { Attack } from "./attack";

export const ATTACKS: readonly Attack[] = [...BASELINE_ATTACKS, ...CREDENTIAL_ATTACKS, ...IDENTITY_ATTACKS, ...SCOPE_ATTACKS, ...MONITORING_ATTACKS, ...ONBOARDING_ATTACKS];
