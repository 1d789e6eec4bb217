// The policy pack: `pulumi preview --policy-pack policies` and `npm run plan` serve it. Every policy is
// mandatory unless a policy config file says otherwise.
import { PolicyPack } from "@pulumi/policy";
import { warmUpKqlValidator } from "./contract/kql/validator";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { enforcementLevel: "mandatory", policies });

// The engine sends its first resource only after the program has started and registered it. Loading
// the KQL validator (about a second) now, rather than at the sign-in rule, overlaps it with that wait.
setTimeout(warmUpKqlValidator, 0);
