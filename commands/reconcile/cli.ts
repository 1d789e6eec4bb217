// `npm run reconcile -- [--stack <name>] [--ids-file <file>] [--json] [--dry-run]`: the emergency exclusions on
// every user-scoped Conditional Access policy, now, without Pulumi. See USAGE for the options and exit codes.
import * as path from "node:path";
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run reconcile -- [--stack <name>] [--config-file <file>] [--ids-file <file>]
                          [--graph-endpoint <url>] [--requests-per-second <n>] [--dry-run] [--json]
       npm run reconcile -- --refresh-ids <outputs.json> [--stack <name>] [--ids-file <file>]

Lists every Conditional Access policy once and adds the emergency accounts and group to the exclusions of each
policy the stack targets (the same plan and the same code as \`pulumi up\`), touching nothing else.

  --stack, -s <name>         the stack whose conditionalAccess config applies: Pulumi.<name>.yaml (default: prod)
  --config-file <file>       read the stack config from this file instead of Pulumi.<name>.yaml
  --ids-file <file>          the emergency ids (default: emergency-ids/<name>.json), keys
                             emergencyAccountObjectIds and emergencyAccessGroupObjectId, as the deploy job prints them
  --graph-endpoint <url>     the Graph origin (default: conditionalAccess.graphEndpoint of the stack)
  --requests-per-second <n>  the most Graph requests per second (default: conditionalAccess.requestsPerSecond, else 1)
  --dry-run                  list what is missing; write nothing
  --json                     print one JSON object instead of the table
  --refresh-ids <file>       no Graph at all: write the ids file from \`pulumi stack output --json\` (saved to <file>;
                             only the two non-secret outputs are read) and say whether the committed copy was stale
  --help, -h                 show this help

Credentials: DefaultAzureCredential (in CI the azure/login session of the reconcile identity, which needs only
Policy.Read.All, Policy.ReadWrite.ConditionalAccess and Application.Read.All).

Exit codes: 0 every targeted policy excludes the emergency ids (or, with --dry-run, the listing worked),
1 some policy could not be read or written (the report names it and why; nothing else was left half-done),
2 a usage, config or ids file error (nothing was requested),
3 (--refresh-ids only) the ids file changed: commit it, or the reconcile job guards stale ids.`;

const EXIT = { ok: 0, failed: 1, usage: 2, idsChanged: 3 } as const;

async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s", default: "prod" },
                "config-file": { type: "string" },
                "ids-file": { type: "string" },
                "graph-endpoint": { type: "string" },
                "requests-per-second": { type: "string" },
                "dry-run": { type: "boolean", default: false },
                json: { type: "boolean", default: false },
                "refresh-ids": { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (error) {
        process.stderr.write(`reconcile: ${(error as Error).message}\n\n${USAGE}\n`);
        return EXIT.usage;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    const projectDir = path.resolve(__dirname, "..", "..");
    const { validateGraphEndpoint } = await import("../../graph/client");
    const { checkRequestsPerSecond } = await import("../../graph/pacing");
    const { createGraphSession } = await import("../../graph/session");
    const { defaultIdsFile, readEmergencyIds, refreshIdsFile } = await import("./ids");
    const { reconcileExclusions, reportFailed } = await import("./reconcile");
    const { renderJson, renderTable } = await import("./render");
    const { defaultStackFile, readConditionalAccessConfig } = await import("./stackConfig");

    if (args["refresh-ids"] !== undefined) {
        try {
            const idsFile = path.resolve(projectDir, args["ids-file"] ?? defaultIdsFile(args.stack));
            const changed = refreshIdsFile(path.resolve(args["refresh-ids"]), idsFile);
            process.stdout.write(changed ? `${idsFile} changed: commit it so the reconcile job guards these ids.\n` : `${idsFile} is up to date.\n`);
            return changed ? EXIT.idsChanged : EXIT.ok;
        } catch (error) {
            process.stderr.write(`reconcile: ${(error as Error).message}\n`);
            return EXIT.usage;
        }
    }

    let setup;
    try {
        const stackFile = path.resolve(projectDir, args["config-file"] ?? defaultStackFile(args.stack));
        const config = readConditionalAccessConfig(stackFile);
        const idsFile = args["ids-file"] ?? defaultIdsFile(args.stack);
        const ids = readEmergencyIds(path.resolve(projectDir, idsFile));
        const rate = args["requests-per-second"];
        setup = {
            ids,
            scope: { excludeFrom: config.excludeFrom, skip: config.skip },
            endpoint: validateGraphEndpoint(args["graph-endpoint"] ?? config.graphEndpoint),
            requestsPerSecond:
                rate !== undefined ? checkRequestsPerSecond(Number(rate), "--requests-per-second") : config.requestsPerSecond,
        };
    } catch (error) {
        // ConfigError, IdsFileError, StackFileError and a bad option all name the key, file or option at fault.
        process.stderr.write(`reconcile: ${(error as Error).message}\n`);
        return EXIT.usage;
    }

    const session = createGraphSession({ requestsPerSecond: setup.requestsPerSecond });
    let report;
    try {
        report = await reconcileExclusions(session.client(setup.endpoint), {
            ids: setup.ids,
            scope: setup.scope,
            dryRun: args["dry-run"],
        });
    } catch (error) {
        // The listing itself failed (no token, 403, Graph down): nothing was written.
        process.stderr.write(`reconcile: ${(error as Error).message}\n`);
        return EXIT.failed;
    }
    process.stdout.write(`${args.json ? renderJson(report) : renderTable(report)}\n`);
    return reportFailed(report) ? EXIT.failed : EXIT.ok;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        process.stderr.write(`reconcile: ${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = EXIT.failed;
    },
);
