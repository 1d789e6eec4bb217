// Microsoft Sentinel analytics rules: an incident for every emergency sign-in and every change to the
// accounts or their group. Every input comes from the contract's declaration (policies/contract/declaration/
// monitoring.ts), which the policy pack judges by too, and the queries from its builders (policies/contract/queries.ts).
import * as securityinsights from "@pulumi/azure-native/securityinsights";
import * as pulumi from "@pulumi/pulumi";
import { CHANGE_RULE_SUFFIX, SIGN_IN_RULE_SUFFIX } from "../policies/contract/constants";
import { EMERGENCY_RESOURCE_OPTIONS } from "../policies/contract/declaration/identity";
import { changeRuleDeclaration, signInRuleDeclaration } from "../policies/contract/declaration/monitoring";
import { changeQuery, signInQuery, type QueryWindow } from "../policies/contract/queries";

/** Where the rules live and how often they run. */
export interface SentinelSettings {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly workspaceName: pulumi.Input<string>;
    readonly window: QueryWindow;
}

export interface SentinelRules {
    readonly signInRule: securityinsights.ScheduledAlertRule;
    readonly changeRule: securityinsights.ScheduledAlertRule;
}

export function declareSentinelRules(
    name: string,
    settings: SentinelSettings,
    accountIds: pulumi.Input<string[]>,
    groupId: pulumi.Input<string>,
    parent: pulumi.Resource,
): SentinelRules {
    const place = { resourceGroupName: settings.resourceGroupName, workspaceName: settings.workspaceName };
    // Rules are protected like the accounts: deleting one would silence the alarm without a trace.
    const opts = { parent, ...EMERGENCY_RESOURCE_OPTIONS };

    const signInRule = new securityinsights.ScheduledAlertRule(
        `${name}${SIGN_IN_RULE_SUFFIX}`,
        signInRuleDeclaration(place, settings.window, pulumi.output(accountIds).apply((ids) => signInQuery(ids, settings.window))),
        opts,
    );
    const changeRule = new securityinsights.ScheduledAlertRule(
        `${name}${CHANGE_RULE_SUFFIX}`,
        changeRuleDeclaration(
            place,
            settings.window,
            pulumi.all([accountIds, groupId]).apply(([ids, group]) => changeQuery(ids, group, settings.window)),
        ),
        opts,
    );
    return { signInRule, changeRule };
}
