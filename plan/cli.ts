// `npm run plan -- [--stack <name>] [--config-file <file>] [--json] ...`: what `pulumi up` would declare, offline.
// This process holds the verdict: the program runs in a child process (./programHost.ts) and the policy pack in
// another (./packProcess.ts), so nothing the program does can change what this process prints or its exit code.
// Exit codes: 0 declared cleanly, 1 a mandatory policy violation, 2 a config or usage error, 3 the program failed.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startPolicyPack } from "./packProcess";
import { checkPackDir, runPlan } from "./plan";
import { ProgramError } from "./programHost";
import { UsageError, parseConfigOverrides } from "./project";

const USAGE = `Usage: npm run plan -- [--stack <name>] [--config-file <file>] [--config <key>=<value>]...
                     [--ca-snapshot <file>] [--policy-pack <dir>] [--policy-config <file>]
                     [--project-dir <dir>] [--json]

  --stack, -s <name>   stack to plan: reads Pulumi.<name>.yaml (default: prod)
  --config-file <file> use the configuration values in the specified file rather than detecting
                       the file name from the stack, as \`pulumi preview --config-file\` does
  --config, -c k=v     set a config value for this plan only, as \`pulumi preview -c\` does
                       (key without namespace means entra-emergency-access:<key>; value read as YAML)
  --ca-snapshot <file> Conditional Access policies in Graph's list format ({"value": [...]}),
                       as GET /identity/conditionalAccess/policies returns them (see README)
  --policy-pack <dir>  the policy pack folder to judge the plan with, such as a checkout of the base
                       branch's policies/ (default: policies/ next to this plan)
  --policy-config <file>
                       policy pack config: enforcement levels and parameters per policy (JSON);
                       default: the pack folder's own policy-config.json (its trusted config), if any
  --project-dir <dir>  the project to plan: its Pulumi.yaml, stack files and index.ts (default: the
                       folder this plan/ lives in). The program runs in its own process.
  --json               print one JSON object instead of the table
  --help, -h           show this help

Exit codes: 0 declared cleanly, 1 mandatory policy violation, 2 config or usage error,
3 the program failed (or ended before it finished declaring).`;

const EXIT = { ok: 0, violation: 1, usage: 2, programFailed: 3 } as const;

/** A failed run as the user reads it: config problems one per line, each naming its key. */
function reportProgramError(err: ProgramError): number {
    if (err.kind === "program") {
        process.stderr.write(`plan: the program failed: ${err.message}\n`);
        return EXIT.programFailed;
    }
    const lines = err.problems.length > 0 ? err.problems : [err.message];
    for (const line of lines) process.stderr.write(`plan: ${line}\n`);
    return EXIT.usage;
}

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
                "policy-pack": { type: "string" },
                "project-dir": { type: "string" },
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
    const projectDir = path.resolve(args["project-dir"] ?? path.join(__dirname, ".."));
    const packDir = args["policy-pack"] ? path.resolve(args["policy-pack"]) : undefined;
    try {
        if (packDir) checkPackDir(packDir);
        const configOverrides = parseConfigOverrides(args.config);
        // Start the pack first: it boots in its own process while the program runs in another.
        const pack = startPolicyPack(packDir);
        const plan = await runPlan({
            projectDir,
            stack: args.stack,
            configFile: args["config-file"] && path.resolve(args["config-file"]),
            configOverrides,
            caSnapshot: args["ca-snapshot"] && path.resolve(args["ca-snapshot"]),
            packDir,
            pack,
            policyConfigFile: args["policy-config"],
        });
        const { renderTable } = await import("./render");
        process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderTable(plan)}\n`);
        return plan.summary.mandatoryViolations > 0 ? EXIT.violation : EXIT.ok;
    } catch (err) {
        if (err instanceof ProgramError) return reportProgramError(err);
        if (err instanceof UsageError) {
            for (const line of err.message.split("\n")) process.stderr.write(`plan: ${line}\n`);
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
