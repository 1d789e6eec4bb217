// Every policy of the pack, in the order they are reported. index.ts only serves this list.
import type { Policies } from "@pulumi/policy";
import { actionGroupEnabled } from "./rules/actionGroupEnabled";
import { conditionalAccessExclusions } from "./rules/conditionalAccessExclusions";
import { conditionalAccessPolicyExclusion } from "./rules/conditionalAccessPolicyExclusion";
import { emergencyAccessPresence } from "./rules/emergencyAccessPresence";
import { emergencyAccountCloudOnly } from "./rules/emergencyAccountCloudOnly";
import { emergencyAccountEnabled } from "./rules/emergencyAccountEnabled";
import { emergencyAccountPasswordSettings } from "./rules/emergencyAccountPasswordSettings";
import { emergencyGroupMembership } from "./rules/emergencyGroupMembership";
import { emergencyPasswordStrength } from "./rules/emergencyPasswordStrength";
import { emergencyResourceProtect } from "./rules/emergencyResourceProtect";
import { globalAdministratorAssignment } from "./rules/globalAdministratorAssignment";
import { monitoringCoverage } from "./rules/monitoringCoverage";
import { passwordSecrecy } from "./rules/passwordSecrecy";
import { permanentGlobalAdministrator } from "./rules/permanentGlobalAdministrator";
import { signInRuleAlerting } from "./rules/signInRuleAlerting";

export const POLICY_PACK_NAME = "entra-emergency-access";

export const policies: Policies = [
    emergencyPasswordStrength,
    emergencyAccountEnabled,
    emergencyAccountCloudOnly,
    emergencyAccountPasswordSettings,
    emergencyResourceProtect,
    globalAdministratorAssignment,
    permanentGlobalAdministrator,
    emergencyGroupMembership,
    conditionalAccessPolicyExclusion,
    conditionalAccessExclusions,
    signInRuleAlerting,
    monitoringCoverage,
    actionGroupEnabled,
    passwordSecrecy,
    emergencyAccessPresence,
];
