// The pure decisions of graph/authenticationMethodsPolicy.ts: when a method configuration is enabled for the emergency
// group, and the PATCH body that enables it without narrowing anything. includeTargets is a collection Graph replaces
// whole, so the body must carry every target as read plus the group; a property check holds that for any configuration.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
    ALL_USERS_TARGET,
    METHOD_CONFIGURATION_IDS,
    methodConfigurationPatch,
    methodEnabledFor,
    type MethodConfiguration,
    type MethodTarget,
} from "../../graph/authenticationMethodsPolicy";
import { ACCOUNTS, GROUP, OTHER } from "../helpers/ids";

const FIDO2_TYPE = "#microsoft.graph.fido2AuthenticationMethodConfiguration";

/** A FIDO2 configuration with the given state and targets, and a few settings of Graph's default shape. */
function fido2(state: string, includeTargets: MethodTarget[], extra: Record<string, unknown> = {}): MethodConfiguration {
    return {
        "@odata.type": FIDO2_TYPE,
        id: METHOD_CONFIGURATION_IDS.fido2,
        state,
        isSelfServiceRegistrationAllowed: false,
        keyRestrictions: { isEnforced: false, enforcementType: "block", aaGuids: [] },
        includeTargets,
        excludeTargets: [],
        ...extra,
    };
}

/** The refusal for a disabled FIDO2 configuration whose other targets are `others`. */
const refusal = (others: readonly string[]): string =>
    `Authentication methods policy configuration Fido2: is disabled in this tenant, and enabling it for the group ${GROUP} would also ` +
    `switch it on for its other targets (${others.join(", ")}); nothing was changed. Enable the method for the scope you intend in the ` +
    "authentication methods policy (the emergency group alone, or more), then run again";

const group = (id: string, extra: Record<string, unknown> = {}): MethodTarget => ({ targetType: "group", id, isRegistrationRequired: false, ...extra });

describe("methodEnabledFor", () => {
    test("an enabled configuration targeting the group, or all_users, is enabled for the group", () => {
        assert.equal(methodEnabledFor(fido2("enabled", [group(GROUP)]), GROUP), true);
        assert.equal(methodEnabledFor(fido2("enabled", [group(ALL_USERS_TARGET)]), GROUP), true);
        assert.equal(methodEnabledFor(fido2("enabled", [group(GROUP.toUpperCase())]), GROUP), true, "ids compare without regard to case");
    });

    test("a disabled configuration, one targeting other groups only, or one excluding the group is not", () => {
        assert.equal(methodEnabledFor(fido2("disabled", [group(GROUP)]), GROUP), false);
        assert.equal(methodEnabledFor(fido2("enabled", [group(OTHER), group(ACCOUNTS[0])]), GROUP), false);
        assert.equal(methodEnabledFor(fido2("enabled", []), GROUP), false);
        assert.equal(
            methodEnabledFor(fido2("enabled", [group(ALL_USERS_TARGET)], { excludeTargets: [{ targetType: "group", id: GROUP }] }), GROUP),
            false,
            "an exclusion wins over all_users",
        );
    });
});

describe("methodConfigurationPatch", () => {
    test("a disabled default (all_users) is refused: enabling it would switch the method on for every user, not only the group", () => {
        const configuration = fido2("disabled", [group(ALL_USERS_TARGET)]);
        assert.throws(() => methodConfigurationPatch(configuration, GROUP, { isSelfServiceRegistrationAllowed: true }), { message: refusal([ALL_USERS_TARGET]) });
        assert.deepEqual(configuration.includeTargets, [group(ALL_USERS_TARGET)], "the configuration read is not changed");
    });

    test("a disabled configuration listing other groups (the group among them or not) is refused, naming every other target", () => {
        assert.throws(() => methodConfigurationPatch(fido2("disabled", [group(OTHER), group(GROUP.toUpperCase()), group(ACCOUNTS[0])]), GROUP), {
            message: refusal([OTHER, ACCOUNTS[0]]),
        });
        assert.throws(() => methodConfigurationPatch(fido2("disabled", [group(OTHER)]), GROUP), { message: refusal([OTHER]) });
    });

    test("a disabled configuration without targets is switched on with the group as its only target", () => {
        assert.deepEqual(methodConfigurationPatch(fido2("disabled", []), GROUP, { isSelfServiceRegistrationAllowed: true }), {
            "@odata.type": FIDO2_TYPE,
            state: "enabled",
            includeTargets: [{ targetType: "group", id: GROUP, isRegistrationRequired: false }],
            isSelfServiceRegistrationAllowed: true,
        });
    });

    test("a disabled configuration targeting only the group (any case) is only switched on", () => {
        for (const id of [GROUP, GROUP.toUpperCase()]) {
            assert.deepEqual(methodConfigurationPatch(fido2("disabled", [group(id)]), GROUP), { "@odata.type": FIDO2_TYPE, state: "enabled" });
        }
    });

    test("the group is appended to the targets as read, which travel unchanged with every property they had", () => {
        const others = [
            group(OTHER, { isRegistrationRequired: true }),
            { "@odata.type": "#microsoft.graph.passkeyAuthenticationMethodTarget", targetType: "group", id: ACCOUNTS[0], allowedPasskeyProfiles: ["p-1"] },
        ];
        const configuration = fido2("enabled", structuredClone(others));
        assert.deepEqual(methodConfigurationPatch(configuration, GROUP, { isSelfServiceRegistrationAllowed: true }), {
            "@odata.type": FIDO2_TYPE,
            includeTargets: [...others, { targetType: "group", id: GROUP, isRegistrationRequired: false }],
            isSelfServiceRegistrationAllowed: true,
        });
        assert.deepEqual(configuration.includeTargets, others, "the configuration read is not changed");
    });

    test("nothing missing is undefined: enabled for the group with every setting already equal (objects by value)", () => {
        const configuration = fido2("enabled", [group(OTHER), group(GROUP.toUpperCase())], { isSelfServiceRegistrationAllowed: true });
        assert.equal(methodConfigurationPatch(configuration, GROUP, { isSelfServiceRegistrationAllowed: true }), undefined);
        assert.equal(
            methodConfigurationPatch(configuration, GROUP, { keyRestrictions: { isEnforced: false, enforcementType: "block", aaGuids: [] } }),
            undefined,
        );
        assert.equal(methodConfigurationPatch(configuration, GROUP), undefined);
    });

    test("a setting that differs is sent alone (with @odata.type), the targets not at all", () => {
        const configuration = fido2("enabled", [group(GROUP)]);
        assert.deepEqual(methodConfigurationPatch(configuration, GROUP, { isSelfServiceRegistrationAllowed: true }), {
            "@odata.type": FIDO2_TYPE,
            isSelfServiceRegistrationAllowed: true,
        });
    });

    test("settings may not name what the merge manages (state, targets, id, @odata.type), nor may the group be empty", () => {
        const configuration = fido2("enabled", [group(GROUP)]);
        for (const key of ["state", "includeTargets", "excludeTargets", "id", "@odata.type"]) {
            assert.throws(
                () => methodConfigurationPatch(configuration, GROUP, { [key]: "x" }),
                new RegExp(`^Error: Authentication methods policy configuration Fido2: settings may not name ${key.replace(".", "\\.")} \\(the merge manages them\\)$`),
            );
        }
        assert.throws(() => methodConfigurationPatch(configuration, " "), /^Error: Authentication methods policy configuration Fido2: the group id is empty$/);
    });

    const targetArbitrary = fc.record({
        id: fc.oneof(fc.uuid(), fc.constant(ALL_USERS_TARGET), fc.constant(GROUP), fc.constant(GROUP.toUpperCase())),
        targetType: fc.constant("group"),
        isRegistrationRequired: fc.boolean(),
    }).map((target) => ({ ...target })); // plain objects, as JSON.parse makes them (fast-check's have no prototype)
    // Targets from anywhere, and targets that are only the group (so disabled configurations that may be enabled come up often).
    const groupOnlyArbitrary = fc.record({
        id: fc.constantFrom(GROUP, GROUP.toUpperCase()),
        targetType: fc.constant("group"),
        isRegistrationRequired: fc.boolean(),
    }).map((target) => ({ ...target }));
    const configurationArbitrary = fc.record({
        state: fc.constantFrom("enabled", "disabled"),
        includeTargets: fc.oneof(fc.array(targetArbitrary, { maxLength: 6 }), fc.array(groupOnlyArbitrary, { maxLength: 2 })),
        isSelfServiceRegistrationAllowed: fc.boolean(),
    });

    test("property: a disabled configuration with any target but the group is refused; otherwise the patch never drops a target, never disables, and once applied leaves the group enabled and nothing to do", () => {
        const seen = { refused: 0, switchedOn: 0, merged: 0, nothing: 0 };
        fc.assert(
            fc.property(configurationArbitrary, fc.boolean(), (generated, selfService) => {
                const configuration = fido2(generated.state, generated.includeTargets, { isSelfServiceRegistrationAllowed: generated.isSelfServiceRegistrationAllowed });
                const read = structuredClone(configuration);
                const settings = { isSelfServiceRegistrationAllowed: selfService };
                const others = configuration.includeTargets.filter((target) => target.id.toLowerCase() !== GROUP.toLowerCase()).map((target) => target.id);
                if (configuration.state !== "enabled" && others.length > 0) {
                    seen.refused++;
                    assert.throws(() => methodConfigurationPatch(configuration, GROUP, settings), { message: refusal(others) });
                    assert.deepEqual(configuration, read, "the configuration read is not changed");
                    return;
                }
                const patch = methodConfigurationPatch(configuration, GROUP, settings);
                assert.deepEqual(configuration, read, "the configuration read is not changed");
                if (patch === undefined) {
                    seen.nothing++;
                    assert.ok(methodEnabledFor(configuration, GROUP));
                    assert.equal(configuration.isSelfServiceRegistrationAllowed, selfService);
                    return;
                }
                assert.equal(patch["@odata.type"], FIDO2_TYPE);
                assert.notEqual(patch.state, "disabled");
                if (configuration.state !== "enabled") seen.switchedOn++;
                if (patch.includeTargets !== undefined) {
                    seen.merged++;
                    const sent = patch.includeTargets as MethodTarget[];
                    assert.deepEqual(sent.slice(0, configuration.includeTargets.length), configuration.includeTargets, "every target as read, in order");
                    assert.equal(sent.length, configuration.includeTargets.length + 1);
                }
                // Apply the way Graph does: each property sent replaces the stored one whole.
                const applied = { ...configuration, ...patch } as MethodConfiguration;
                assert.ok(methodEnabledFor(applied, GROUP));
                // Nothing beyond the group became live: a configuration switched on targets the group alone.
                if (configuration.state !== "enabled") assert.ok(applied.includeTargets.every((target) => target.id.toLowerCase() === GROUP.toLowerCase()));
                assert.equal(methodConfigurationPatch(applied, GROUP, settings), undefined, "a second merge changes nothing");
            }),
            { numRuns: 300 },
        );
        for (const [branch, count] of Object.entries(seen)) assert.ok(count > 0, `the generated configurations reached the ${branch} case`);
    });
});
