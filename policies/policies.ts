// Every policy of the pack, in the order they are reported. index.ts only serves this list.
import { actionGroupDeclared } from "./rules/actionGroupDeclaration";
import { alertsDeclared } from "./rules/alertDeclaration";
import { bootstrapPasswordSource } from "./rules/bootstrapPasswordSource";
import { conditionalAccessExclusions } from "./rules/conditionalAccessExclusions";
import { conditionalAccessExclusionDeclaration } from "./rules/conditionalAccessExclusionDeclaration";
import { conditionalAccessPolicyExclusion } from "./rules/conditionalAccessPolicyExclusion";
import { conditionalAccessTrustedScope } from "./rules/conditionalAccessTrustedScope";
import { emergencyAccessPresence } from "./rules/emergencyAccessPresence";
import { emergencyAccountDeclaration } from "./rules/emergencyAccountDeclaration";
import { emergencyGroupMembership } from "./rules/emergencyGroupMembership";
import { emergencyPasswordStrength } from "./rules/emergencyPasswordStrength";
import { emergencyGroupDeclaration } from "./rules/emergencyGroupDeclaration";
import { emergencyResourceOptions } from "./rules/emergencyResourceOptions";
import { globalAdministratorAssignment } from "./rules/globalAdministratorAssignment";
import { monitoringEveryAccount } from "./rules/monitoringEveryAccount";
import { monitoringSilencers } from "./rules/monitoringSilencers";
import { passkeyRequirementDeclared } from "./rules/passkeyRequirementDeclaration";
import { passwordCustody } from "./rules/passwordCustody";
import { passwordSecrecy } from "./rules/passwordSecrecy";
import { permanentGlobalAdministrator } from "./rules/permanentGlobalAdministrator";
import { restrictedManagementUnit } from "./rules/restrictedManagementUnit";
import { rolesRequirePasskeys } from "./rules/rolesRequirePasskeys";
import { sentinelRulesDeclared } from "./rules/sentinelRuleDeclaration";
import { trustedCustody } from "./rules/trustedCustody";
import { undeclaredResources } from "./rules/undeclaredResources";
import type { EmergencyPolicy } from "./lib/metadata";

export const POLICY_PACK_NAME = "entra-emergency-access";

/** Every policy with its metadata (policies/lib/metadata.ts); PolicyPack serves them as they are. */
export const policies: EmergencyPolicy[] = [
    emergencyPasswordStrength,
    trustedCustody,
    emergencyAccountDeclaration,
    emergencyResourceOptions,
    undeclaredResources,
    globalAdministratorAssignment,
    permanentGlobalAdministrator,
    emergencyGroupDeclaration,
    emergencyGroupMembership,
    conditionalAccessPolicyExclusion,
    conditionalAccessExclusions,
    conditionalAccessExclusionDeclaration,
    conditionalAccessTrustedScope,
    sentinelRulesDeclared,
    alertsDeclared,
    actionGroupDeclared,
    monitoringSilencers,
    monitoringEveryAccount,
    bootstrapPasswordSource,
    passwordSecrecy,
    passwordCustody,
    passkeyRequirementDeclared,
    rolesRequirePasskeys,
    restrictedManagementUnit,
    emergencyAccessPresence,
];
