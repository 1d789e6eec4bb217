// The Pulumi program: read and validate the stack config, build the component, export its outputs.
// Config is validated before any resource is declared, so a bad value changes nothing.
import * as pulumi from "@pulumi/pulumi";
import { STACK_OUTPUTS } from "./common/constants";
import { EmergencyAccess } from "./components";
import { loadStackConfig } from "./config";

export = async () => {
    const config = loadStackConfig();

    const emergencyAccess = new EmergencyAccess("emergency-access", {
        tenantDomain: config.tenantDomain,
        accountCount: config.accountCount,
        accountPrefix: config.accountPrefix,
        passwordLength: config.passwordLength,
        passwordRotation: config.passwordRotation,
        usageLocation: config.usageLocation,
    });

    return {
        [STACK_OUTPUTS.accountObjectIds]: emergencyAccess.accountObjectIds,
        [STACK_OUTPUTS.accountUserPrincipalNames]: emergencyAccess.accountUserPrincipalNames,
        [STACK_OUTPUTS.groupObjectId]: emergencyAccess.groupObjectId,
        // Read once with `pulumi stack output --show-secrets` (docs/runbook.md), then sealed offline.
        [STACK_OUTPUTS.passwords]: pulumi.secret(emergencyAccess.passwords),
    };
};
