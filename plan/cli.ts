// `npm run plan -- [--stack <name>] [--json]`: what `pulumi up` would declare, offline.
// Exit codes: 0 declared cleanly, 1 a mandatory policy violation, 2 a config or usage error.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/schema";
import { UsageError, parseConfigOverrides } from "./project";
import { buildPlanResult, renderTable } from "./render";
import { runProgram } from "./runProgram";

const USAGE = `Usage: npm run plan -- [--stack <name>] [--config <key>=<value>]... [--json]

  --stack, -s <name>   stack to plan: reads Pulumi.<name>.yaml (default: prod)
  --config, -c k=v     set a config value for this plan only, as \`pulumi preview -c\` does
                       (key without namespace means entra-emergency-access:<key>; value read as YAML)
  --json               print one JSON object instead of the table
  --help, -h           show this help

Exit codes: 0 declared cleanly, 1 mandatory policy violation, 2 config or usage error.`;

export const EXIT = { ok: 0, violation: 1, usage: 2 } as const;

async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s", default: "prod" },
                config: { type: "string", short: "c", multiple: true, default: [] },
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
    try {
        const configOverrides = parseConfigOverrides(args.config);
        const run = await runProgram({ projectDir, stack: args.stack, configOverrides });
        const plan = buildPlanResult(run, []);
        process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderTable(plan)}\n`);
        return plan.summary.mandatoryViolations > 0 ? EXIT.violation : EXIT.ok;
    } catch (err) {
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
