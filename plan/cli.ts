// `npm run plan -- [--stack <name>] [--config-file <file>] [--json]`: what `pulumi up` would declare, offline.
// Exit codes: 0 declared cleanly, 1 a mandatory policy violation, 2 a config or usage error.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startPolicyPack } from "./packProcess";

const USAGE = `Usage: npm run plan -- [--stack <name>] [--config-file <file>] [--config <key>=<value>]...
                     [--ca-snapshot <file>] [--policy-config <file>] [--json]

  --stack, -s <name>   stack to plan: reads Pulumi.<name>.yaml (default: prod)
  --config-file <file> use the configuration values in the specified file rather than detecting
                       the file name from the stack, as \`pulumi preview --config-file\` does
  --config, -c k=v     set a config value for this plan only, as \`pulumi preview -c\` does
                       (key without namespace means entra-emergency-access:<key>; value read as YAML)
  --ca-snapshot <file> Conditional Access policies in Graph's list format ({"value": [...]}),
                       as GET /identity/conditionalAccess/policies returns them (see README)
  --policy-config <file>
                       policy pack config: enforcement levels and parameters per policy (JSON)
  --json               print one JSON object instead of the table
  --help, -h           show this help

Exit codes: 0 declared cleanly, 1 mandatory policy violation, 2 config or usage error.`;

const EXIT = { ok: 0, violation: 1, usage: 2 } as const;

async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s", default: "prod" },
                "config-file": { type: "string" },
                config: { type: "string", short: "c", multiple: true, default: [] },
                "ca-snapshot": { type: "string" },
                "policy-config": { type: "string" },
                json: { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (err) {
        process.stderr.write(`plan: ${(err as Error).message}\n\n${USAGE}\n`);
        return EXIT.usage;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    const projectDir = path.resolve(__dirname, "..");
    // Pulumi's runtime captures a stack trace for every promise and resource it creates; with tsx's source
    // maps on, each capture is mapped back to TypeScript, which costs a third of a large plan's time. The
    // plan reports errors by message, so it keeps stack traces unmapped.
    process.setSourceMapsEnabled(false);
    // Start the pack first: it boots in its own process while this one loads Pulumi and runs the program.
    const pack = startPolicyPack();
    pack.port.catch(() => undefined);
    const { ConfigError } = await import("../config/schema");
    const { UsageError, parseConfigOverrides } = await import("./project");
    const { runPlan } = await import("./plan");
    const { readPolicyConfigFile } = await import("./policyPack");
    const { renderTable } = await import("./render");
    try {
        const plan = await runPlan({
            projectDir,
            stack: args.stack,
            configFile: args["config-file"] && path.resolve(args["config-file"]),
            configOverrides: parseConfigOverrides(args.config),
            caSnapshot: args["ca-snapshot"] && path.resolve(args["ca-snapshot"]),
            policyConfig: args["policy-config"] ? readPolicyConfigFile(args["policy-config"]) : undefined,
            pack,
        });
        process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderTable(plan)}\n`);
        return plan.summary.mandatoryViolations > 0 ? EXIT.violation : EXIT.ok;
    } catch (err) {
        pack.child.kill();
        if (err instanceof ConfigError || err instanceof UsageError) {
            process.stderr.write(`plan: ${err.message}\n`);
            return EXIT.usage;
        }
        throw err;
    }
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        process.stderr.write(`plan: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 3;
    },
);
