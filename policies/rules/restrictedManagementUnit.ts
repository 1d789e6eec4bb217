// The restricted-management administrative unit (config restrictedManagement): when declared, it is the contract's
// restricted unit, and it holds exactly the emergency accounts and their group. Its members are judged against the
// stack's accounts and group, so a unit that lets an account out (or takes a stranger in) is refused.
import type { StackValidationPolicy } from "@pulumi/policy";
import { sameId } from "../contract/conditionalAccess";
import { TYPES } from "../contract/constants";
import { RESTRICTED_MANAGEMENT_UNIT_DECLARATION } from "../contract/declaration/administrativeUnit";
import { judgeInputs, show } from "../contract/declaration/inputs";
import {
    RECOGNITION_SCHEMA,
    containsUnknown,
    deferUntilKnown,
    emergencyAccounts,
    emergencyGroup,
    rawProps,
    urnName,
    type Recognition,
} from "../lib/emergency";
import { definePolicy } from "../lib/metadata";

export const restrictedManagementUnit = definePolicy<StackValidationPolicy>({
    name: "emergency-administrative-unit-require-declaration",
    description:
        "A restricted-management administrative unit is declared as the contract says (isMemberManagementRestricted true, its display " +
        "name and description, a Microsoft Graph endpoint, no other input) and holds every emergency account and the emergency group, " +
        "and nothing else.",
    remediationSteps: "Keep the unit EmergencyAccess declares with restrictedManagement: true; its members follow the accounts and the group.",
    configSchema: { properties: { ...RECOGNITION_SCHEMA } },
    validateStack: (args, reportViolation) => {
        const units = args.resources.filter((r) => r.type === TYPES.restrictedManagementUnit);
        if (units.length === 0) return;
        const config = args.getConfig<Recognition>();
        const expected = [
            ...emergencyAccounts(args.resources, config).map((account) => ({ what: account.userPrincipalName, id: account.objectId })),
            { what: "the emergency group", id: rawProps(emergencyGroup(args.resources, config)?.props ?? {}).objectId as string | undefined },
        ];
        let unknown = false;
        for (const unit of units) {
            const props = rawProps(unit.props);
            const name = urnName(unit.urn);
            const verdict = judgeInputs(props, RESTRICTED_MANAGEMENT_UNIT_DECLARATION, containsUnknown);
            for (const problem of verdict.problems) reportViolation(`${name}: ${problem}`);
            // During a first preview the member ids are unknown: the rest is judged now, the members on `pulumi up`.
            if (verdict.unknown.length > 0) {
                unknown = true;
                continue;
            }
            const members: string[] = Array.isArray(props.memberIds) ? props.memberIds : [];
            if (expected.some((e) => e.id === undefined || containsUnknown(e.id))) {
                unknown = true;
                continue;
            }
            for (const { what, id } of expected) {
                if (!members.some((member) => sameId(member, id!))) reportViolation(`${name} does not hold ${what} (${id}).`);
            }
            const strangers = members.filter((member) => !expected.some((e) => sameId(member, e.id!)));
            if (strangers.length > 0) reportViolation(`${name} holds ${show(strangers)}, which are neither an emergency account nor the emergency group.`);
        }
        if (units.length > 1) reportViolation(`${units.length} restricted-management units are declared; one holds the accounts and the group.`);
        if (unknown) deferUntilKnown("the restricted-management unit's members");
    },
}, {
    severity: "high",
    rationale:
        "Inside a restricted-management unit, tenant-wide User, Groups and Authentication Administrators and applications with tenant-wide " +
        "permissions can no longer disable an account, reset its methods or change the group: an account left outside keeps that exposure.",
    frameworks: [{ framework: "cis", controls: ["1.1.2"] }, { framework: "microsoft" }, { framework: "product" }],
});
