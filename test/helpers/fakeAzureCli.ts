// A fake Azure CLI for processes that must get a Graph token the way a developer's machine does, without any
// network: `az account get-access-token` answers with the fake Graph's token, an expiry the test controls, and a
// line per call in a file. The environment it hands out narrows DefaultAzureCredential to the Azure CLI
// credential (AZURE_TOKEN_CREDENTIALS, @azure/identity 4.13), so the managed-identity probe of 169.254.169.254
// is never even built, and preloads a guard that refuses (and records) any connection to a non-loopback address.
//
// Usage:
//
//     const az = installFakeAzureCli({ expiresInSeconds: 3600 });
//     const child = spawn(process.execPath, ["host.js"], { env: az.env });   // or startDynamicProviderHost({ env: az.env })
//     ...
//     assert.equal(az.invocations(), 1);        // one token for the whole process
//     assert.deepEqual(az.blockedConnections(), []);
//     az.remove();
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FAKE_GRAPH_TOKEN } from "./fakeGraph";

/** How to install the fake. */
export interface FakeAzureCliOptions {
    /** The access token `az` prints. Defaults to FAKE_GRAPH_TOKEN, the one the fake Graph accepts. */
    readonly token?: string;
    /** Seconds from each call until the printed token expires. Defaults to 3600. */
    readonly expiresInSeconds?: number;
    /** Sets AZURE_LOG_LEVEL=info so @azure/identity logs each credential chain walk to stderr. Defaults to false. */
    readonly logCredentialChain?: boolean;
}

/** An installed fake `az`. */
export interface FakeAzureCli {
    /** The folder holding `az`, its call log and the guard. */
    readonly dir: string;
    /** The whole environment for a child process: this process's, minus every Azure credential variable, plus the fake. */
    readonly env: NodeJS.ProcessEnv;
    /** How many times `az` ran. */
    invocations(): number;
    /** The arguments of each call, in order. */
    calls(): string[][];
    /** Hosts the guard refused to connect to (a non-loopback address), in order; empty in every passing test. */
    blockedConnections(): string[];
    /** Changes the lifetime of the tokens printed from now on. */
    setExpiresIn(seconds: number): void;
    /** Deletes the folder. */
    remove(): void;
}

/** Variables through which @azure/identity would find a real credential or a managed identity endpoint. */
const AZURE_CREDENTIAL_VARIABLES = [
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
    "AZURE_AUTHORITY_HOST",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "ARM_CLIENT_ID",
    "ARM_TENANT_ID",
    "ARM_USE_OIDC",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
];

/**
 * Preloaded into the child (NODE_OPTIONS=--require): every socket connection to a host that is not loopback is
 * refused before any packet leaves, and its host is appended to LOOPBACK_GUARD_LOG. Unix sockets pass.
 */
const GUARD_SOURCE = `"use strict";
const fs = require("fs");
const net = require("net");
const log = process.env.LOOPBACK_GUARD_LOG;
const isLoopback = (host) => host === "localhost" || host === "::1" || host === "[::1]" || /^127\\./.test(host) || host === "::ffff:127.0.0.1";
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
    let options = Array.isArray(args[0]) ? args[0][0] : args[0];
    if (typeof options === "string" && !/^\\d+$/.test(options)) return connect.apply(this, args);
    if (typeof options !== "object" || options === null) options = { port: options, host: typeof args[1] === "string" ? args[1] : undefined };
    // A Unix socket, by Node's own test (http passes path: null for TCP).
    if (options.path) return connect.apply(this, args);
    const host = String(options.host ?? "localhost");
    if (isLoopback(host)) return connect.apply(this, args);
    if (log) fs.appendFileSync(log, host + "\\n");
    process.nextTick(() => this.destroy(new Error("loopback guard: refused a connection to " + host)));
    return this;
};
`;

/** Installs a fake `az` in a new temporary folder; `remove()` it when done. */
export function installFakeAzureCli(options: FakeAzureCliOptions = {}): FakeAzureCli {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-az-"));
    const file = (name: string) => path.join(dir, name);
    const token = options.token ?? FAKE_GRAPH_TOKEN;
    if (!/^[\w.-]+$/.test(token)) throw new Error("fake az: the token must be letters, digits, '.', '_' or '-'");
    fs.writeFileSync(file("expires-in"), String(options.expiresInSeconds ?? 3600));
    fs.writeFileSync(file("calls"), "");
    fs.writeFileSync(file("blocked"), "");
    // The JSON `az account get-access-token --output json` prints (Azure CLI 2.54+: expires_on in epoch seconds).
    const az = `#!/usr/bin/env bash
{ printf 'az'; printf '\\t%s' "$@"; printf '\\n'; } >> '${file("calls")}'
if [ "$1 $2" != "account get-access-token" ]; then
    echo "fake az: only 'az account get-access-token' is supported" >&2
    exit 2
fi
expires=$(( $(date +%s) + $(cat '${file("expires-in")}') ))
printf '{"accessToken": "%s", "expiresOn": "%s", "expires_on": %d, "subscription": "00000000-0000-0000-0000-000000000000", "tenant": "00000000-0000-0000-0000-000000000000", "tokenType": "Bearer"}\\n' \\
    '${token}' "$(date -d "@$expires" '+%Y-%m-%d %H:%M:%S.000000')" "$expires"
`;
    fs.writeFileSync(file("az"), az, { mode: 0o755 });
    fs.writeFileSync(file("loopback-guard.cjs"), GUARD_SOURCE);

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of AZURE_CREDENTIAL_VARIABLES) delete env[name];
    Object.assign(env, {
        PATH: `${dir}${path.delimiter}${process.env.PATH ?? ""}`,
        AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
        // Nothing of a real Azure CLI login on this machine is read.
        AZURE_CONFIG_DIR: file("azure-config"),
        NODE_OPTIONS: `--require ${file("loopback-guard.cjs")}`,
        LOOPBACK_GUARD_LOG: file("blocked"),
    });
    if (options.logCredentialChain) env.AZURE_LOG_LEVEL = "info";
    else delete env.AZURE_LOG_LEVEL;

    const lines = (name: string) => fs.readFileSync(file(name), "utf8").split("\n").filter(Boolean);
    return {
        dir,
        env,
        invocations: () => lines("calls").length,
        calls: () => lines("calls").map((line) => line.split("\t").slice(1)),
        blockedConnections: () => lines("blocked"),
        setExpiresIn: (seconds) => fs.writeFileSync(file("expires-in"), String(seconds)),
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

/**
 * How many times DefaultAzureCredential walked its credential chain to a token, read from the @azure/identity log
 * a process wrote to stderr (needs `logCredentialChain`): one line per successful walk.
 */
export function credentialChainWalks(stderr: string): number {
    return stderr.split("\n").filter((line) => /ChainedTokenCredential => getToken\(\) => .*SUCCESS/.test(line)).length;
}
