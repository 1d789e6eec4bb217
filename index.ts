// The Pulumi program: read and validate the stack config, find the Conditional Access policies the
// accounts must be excluded from, build the component and export its outputs. Config is validated
// before anything is read from the tenant or declared, so a bad value changes nothing.
import { EmergencyAccess } from "./components/emergencyAccess";
import { loadStackConfig } from "./config";
import { createGraphClient } from "./graph/client";
import { listConditionalAccessPolicies } from "./graph/conditionalAccess";
import { STACK_OUTPUTS } from "./policies/contract/constants";
import { conditionalAccessScope } from "./program/exclusionPlan";
import type { ProgramOptions } from "./program/options";

export = async (options: ProgramOptions = {}) => {
    const config = loadStackConfig();
    const { graphEndpoint, requestsPerSecond } = config.conditionalAccess;
    const policies =
        options.conditionalAccessPolicies ??
        (await listConditionalAccessPolicies(createGraphClient({ endpoint: graphEndpoint, requestsPerSecond })));
    const exclusions = conditionalAccessScope(policies, config.conditionalAccess);

    const emergencyAccess = new EmergencyAccess("emergency-access", {
        tenantDomain: config.tenantDomain,
        accountCount: config.accountCount,
        limitedAccount: config.limitedAccount,
        restrictedManagement: config.restrictedManagement,
        accountPrefix: config.accountPrefix,
        passwordLength: config.passwordLength,
        passwordRotation: config.passwordRotation,
        credential: config.credential,
        usageLocation: config.usageLocation,
        sentinel: config.sentinel,
        alerts: config.alerts,
        conditionalAccess: { ...exclusions, graphEndpoint },
    });

    return {
        [STACK_OUTPUTS.accountObjectIds]: emergencyAccess.accountObjectIds,
        [STACK_OUTPUTS.accountUserPrincipalNames]: emergencyAccess.accountUserPrincipalNames,
        ...(emergencyAccess.limitedAccountObjectId ? { [STACK_OUTPUTS.limitedAccountObjectId]: emergencyAccess.limitedAccountObjectId } : {}),
        [STACK_OUTPUTS.groupObjectId]: emergencyAccess.groupObjectId,
        [STACK_OUTPUTS.passkeyRequirements]: emergencyAccess.passkeyRequirements,
        ...(emergencyAccess.administrativeUnitId ? { [STACK_OUTPUTS.administrativeUnitId]: emergencyAccess.administrativeUnitId } : {}),
        // No output carries a password: passkey mode discards it, sealed mode exports only age envelopes.
        [STACK_OUTPUTS.credentialMode]: emergencyAccess.credentialMode,
        // Only in sealed mode: in passkey mode there is nothing to retrieve, not even an empty output.
        ...(emergencyAccess.passwordEnvelopes ? { [STACK_OUTPUTS.passwordEnvelopes]: emergencyAccess.passwordEnvelopes } : {}),
        [STACK_OUTPUTS.excludedPolicyIds]: emergencyAccess.excludedPolicyIds,
        [STACK_OUTPUTS.skippedPolicies]: emergencyAccess.skippedPolicies,
        // The declared intent, independent of the tenant: the pack judges it against the trusted allow-list.
        [STACK_OUTPUTS.conditionalAccessScope]: { excludeFrom: config.conditionalAccess.excludeFrom, skip: config.conditionalAccess.skip },
        [STACK_OUTPUTS.signInRuleId]: emergencyAccess.signInRuleId,
        [STACK_OUTPUTS.changeRuleId]: emergencyAccess.changeRuleId,
        [STACK_OUTPUTS.actionGroupId]: emergencyAccess.actionGroupId,
    };
};
