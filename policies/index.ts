// The policy pack: `pulumi preview --policy-pack policies` and `npm run plan` serve it. Every policy is
// mandatory unless a policy config file says otherwise.
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

// No Kusto warm-up: a rule's query that equals the builder's output is judged without parsing it, so the prod
// stack never loads Kusto (about 2 s of CPU and 110 MB), and a query that differs loads it on first use. A
// warm-up here ran before the gRPC server printed its port, and delayed every plan by that much.
new PolicyPack(POLICY_PACK_NAME, { enforcementLevel: "mandatory", policies });
