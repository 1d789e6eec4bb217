// `npm run verify -- [--stack prod] [--json] [--junit <file>] [--markdown <file>]`: the live tenant against every
// check (commands/verify/checks/), read-only. See USAGE for the options and exit codes.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run verify -- [--stack <name>] [--config-file <file>] [--outputs <file> | --ids-file <file>]
                       [--group-id <id>] [--subscription <id>] [--what-if-matrix <file>] [--only <id,...>]
                       [--json] [--junit <file>] [--markdown <file>]
                       [--graph-endpoint <url>] [--arm-endpoint <url>] [--log-analytics-endpoint <url>]
                       [--requests-per-second <n>]
       npm run verify -- --export-auditor-configs <dir> [--stack <name>] [--outputs <file> | --ids-file <file>]
       npm run verify -- --list

Proves, read-only, that the live tenant keeps its emergency access: the accounts, their roles, the Conditional Access
exclusions and What-If, their phishing-resistant credentials, the drill's recency, the group and the restricted unit,
and the alert pipeline (every check and the auditor it implements: README, "Verify"). Nothing is written to the tenant.

  --stack, -s <name>             the stack: Pulumi.<name>.yaml (default: prod)
  --config-file <file>           read the stack config from this file instead of Pulumi.<name>.yaml
  --outputs <file>               the stack's ids from \`pulumi stack output --json > <file>\` (non-secret outputs only)
  --ids-file <file>              or the ids file the reconcile job guards (default: emergency-ids/<stack>.json)
  --group-id <id>                the emergency group's object id, when neither file gives it
  --subscription <id>            the Azure subscription of the Sentinel workspace (default: AZURE_SUBSCRIPTION_ID);
                                 without it the alert-pipeline checks are not run
  --what-if-matrix <file>        the What-If sign-ins: a JSON list of {name, application, clientAppType}
                                 (default: Azure portal, Microsoft Graph, Microsoft 365 admin, Exchange Online, each in a
                                 browser and a mobile or desktop client, and Exchange ActiveSync)
  --only <id,...>                run only these checks (ids as --list prints them)
  --json                         print the JSON report (schema: commands/verify/report.schema.json) instead of the table
  --junit <file>                 also write a JUnit XML report (one testcase per check)
  --markdown <file>              also write a Markdown report (for a job summary or an issue)
  --export-auditor-configs <dir> write Maester's, the Zero Trust Assessment's and ScubaGear's config files naming the
                                 emergency accounts and group (README, "Auditor configs"), and run no check
  --list                         list every check: id, severity, sources, permissions
  --graph-endpoint <url>         the Graph origin (default: conditionalAccess.graphEndpoint of the stack)
  --arm-endpoint <url>           the Azure Resource Manager origin (default: https://management.azure.com)
  --log-analytics-endpoint <url> the Log Analytics query origin (default: https://api.loganalytics.io)
  --requests-per-second <n>      the most Graph requests per second (default: conditionalAccess.requestsPerSecond, else 1)
  --help, -h                     show this help

Credentials: DefaultAzureCredential: the Azure CLI locally, the azure/login session (workload identity) in CI with
AZURE_TOKEN_CREDENTIALS=AzureCliCredential. A preflight reads the identity's permissions from its own token; a check it
cannot run is reported NOT_RUN with exactly what to grant, and every other check still runs.

Exit codes: 0 every check passed (warnings included), 1 a check failed, 2 a usage, config or ids error, or a check
could not run (a permission missing).`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function refuse(message: string): number {
    process.stderr.write(`verify: ${message}\n`);
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
                outputs: { type: "string" },
                "ids-file": { type: "string" },
                "group-id": { type: "string" },
                subscription: { type: "string" },
                "what-if-matrix": { type: "string" },
                only: { type: "string" },
                json: { type: "boolean", default: false },
                junit: { type: "string" },
                markdown: { type: "string" },
                "export-auditor-configs": { type: "string" },
                list: { type: "boolean", default: false },
                "graph-endpoint": { type: "string" },
                "arm-endpoint": { type: "string" },
                "log-analytics-endpoint": { type: "string" },
                "requests-per-second": { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (error) {
        process.stderr.write(`verify: ${(error as Error).message}\n\n${USAGE}\n`);
        return EXIT.usage;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    const { VERIFY_CHECKS } = await import("./checks");
    if (args.list) {
        const { renderCheckList } = await import("./checks");
        process.stdout.write(renderCheckList(VERIFY_CHECKS));
        return EXIT.ok;
    }
    if (args.outputs !== undefined && args["ids-file"] !== undefined) return refuse("--outputs and --ids-file are exclusive: give one");

    const projectDir = path.resolve(__dirname, "..", "..");
    const { validateGraphEndpoint } = await import("../../graph/client");
    const { checkRequestsPerSecond } = await import("../../graph/pacing");
    const { defaultStackFile } = await import("../reconcile/stackConfig");
    const { defaultIdsFile } = await import("../reconcile/ids");
    const declarations = await import("./declaration");
    const { DEFAULT_WHAT_IF_MATRIX } = await import("./checks/whatIf");

    let setup;
    try {
        const config = declarations.readVerifyStackConfig(path.resolve(projectDir, args["config-file"] ?? defaultStackFile(args.stack)));
        let known: import("./declaration").KnownIds = {};
        if (args.outputs !== undefined) known = declarations.readOutputsFile(path.resolve(args.outputs));
        else {
            const idsFile = path.resolve(projectDir, args["ids-file"] ?? defaultIdsFile(args.stack));
            // The default ids file may not exist yet (before the first complete deployment): accounts are then found by name.
            if (args["ids-file"] !== undefined || fs.existsSync(idsFile)) known = declarations.readIdsFile(idsFile);
        }
        if (args["group-id"] !== undefined) {
            if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args["group-id"])) return refuse(`--group-id must be an object id (a GUID), got "${args["group-id"]}"`);
            known = { ...known, groupId: args["group-id"] };
        }
        const whatIf = args["what-if-matrix"] !== undefined ? declarations.readWhatIfMatrix(path.resolve(args["what-if-matrix"])) : DEFAULT_WHAT_IF_MATRIX;
        const subscription = args.subscription ?? process.env.AZURE_SUBSCRIPTION_ID ?? undefined;
        if (subscription !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subscription)) {
            return refuse(`--subscription must be a subscription id (a GUID), got "${subscription}"`);
        }
        const only = args.only?.split(",").map((id) => id.trim()).filter(Boolean);
        const unknownIds = (only ?? []).filter((id) => !VERIFY_CHECKS.some((check) => check.id === id));
        if (unknownIds.length > 0) return refuse(`--only: unknown check ${unknownIds.join(", ")}; \`npm run verify -- --list\` lists them`);
        const rate = args["requests-per-second"];
        setup = {
            config,
            declaration: declarations.buildDeclaration(config, known, whatIf, subscription),
            checks: only ? VERIFY_CHECKS.filter((check) => only.includes(check.id)) : VERIFY_CHECKS,
            endpoint: validateGraphEndpoint(args["graph-endpoint"] ?? config.conditionalAccess.graphEndpoint),
            requestsPerSecond: rate !== undefined ? checkRequestsPerSecond(Number(rate), "--requests-per-second") : config.conditionalAccess.requestsPerSecond,
        };
    } catch (error) {
        // ConfigError, StackFileError, IdsFileError, DeclarationError and a bad option each name the key, file or option.
        return refuse((error as Error).message);
    }

    const { createGraphSession } = await import("../../graph/session");
    const session = createGraphSession({ requestsPerSecond: setup.requestsPerSecond });
    const graph = session.client(setup.endpoint);

    if (args["export-auditor-configs"] !== undefined) {
        const { resolveAuditorDeclaration } = await import("./auditorDeclaration");
        const { writeAuditorConfigs } = await import("./auditorConfigs");
        try {
            const written = writeAuditorConfigs(path.resolve(args["export-auditor-configs"]), await resolveAuditorDeclaration(graph, setup.declaration));
            process.stdout.write(`${written.map((file) => `wrote ${file}`).join("\n")}\n`);
            return EXIT.ok;
        } catch (error) {
            process.stderr.write(`verify: ${(error as Error).message}\n`);
            return EXIT.failed;
        }
    }

    const { createVerifyContext } = await import("./context");
    const { readTokenGrants } = await import("../../graph/token");
    const { ROLE_DISPLAY_NAMES } = await import("../../graph/roles");
    const { identitySummary } = await import("./preflight");
    const { exitCodeOf, runChecks } = await import("./run");
    const report = await import("./report");
    const startedAt = new Date();
    let azure;
    if (setup.declaration.monitoring?.subscriptionId) {
        const { createAzureClient } = await import("../../azure/client");
        try {
            azure = createAzureClient({
                credential: session.credential,
                armEndpoint: args["arm-endpoint"],
                logAnalyticsEndpoint: args["log-analytics-endpoint"],
            });
        } catch (error) {
            return refuse((error as Error).message);
        }
    }
    const grants = await readTokenGrants(session.credential, setup.endpoint).catch(() => undefined);
    const context = createVerifyContext({ declaration: setup.declaration, graph, azure, now: startedAt });
    const results = await runChecks(setup.checks, context, grants, ROLE_DISPLAY_NAMES);
    const exitCode = exitCodeOf(results);
    const verifyReport = report.buildReport(
        results,
        { stack: args.stack, tenantDomain: setup.declaration.tenantDomain, startedAt, finishedAt: new Date(), identity: identitySummary(grants) },
        exitCode,
    );
    if (args.junit !== undefined) fs.writeFileSync(path.resolve(args.junit), report.renderJunit(verifyReport));
    if (args.markdown !== undefined) fs.writeFileSync(path.resolve(args.markdown), report.renderMarkdown(verifyReport));
    process.stdout.write(args.json ? `${JSON.stringify(verifyReport, null, 2)}\n` : report.renderText(verifyReport));
    return exitCode;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        process.stderr.write(`verify: ${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = EXIT.usage;
    },
);
