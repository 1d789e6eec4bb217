// The fake Azure CLI and its loopback guard (../helpers/fakeAzureCli.ts), which every test that lets a process
// ask @azure/identity for a token relies on: `az` answers with the fake token and the expiry asked for, counts
// its calls, and the guard refuses every connection that would leave the machine. The guard is checked on top
// of a recorder that stands in for the real connect, so even a broken guard sends nothing anywhere.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { credentialChainWalks, installFakeAzureCli } from "../helpers/fakeAzureCli";
import { FAKE_GRAPH_TOKEN } from "../helpers/fakeGraph";
import { PROJECT_DIR } from "../helpers/fixtures";

const az = installFakeAzureCli({ expiresInSeconds: 1200, logCredentialChain: true });
after(() => az.remove());

function node(code: string, env: NodeJS.ProcessEnv = az.env) {
    return spawnSync(process.execPath, ["-e", code], { cwd: PROJECT_DIR, env, encoding: "utf8", timeout: 30_000 });
}

describe("fake az", () => {
    test("prints the fake token with the expiry asked for, and counts each call", () => {
        const before = az.invocations();
        const run = spawnSync("az", ["account", "get-access-token", "--output", "json", "--resource", "http://127.0.0.1:1"], {
            env: az.env,
            encoding: "utf8",
        });
        assert.equal(run.status, 0, run.stderr);
        const printed = JSON.parse(run.stdout) as { accessToken: string; expires_on: number; expiresOn: string };
        assert.equal(printed.accessToken, FAKE_GRAPH_TOKEN);
        const inSeconds = printed.expires_on - Date.now() / 1000;
        assert.ok(inSeconds > 1190 && inSeconds <= 1201, `expires in ${inSeconds} s`);
        assert.match(printed.expiresOn, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
        assert.equal(az.invocations(), before + 1);
        assert.deepEqual(az.calls().at(-1), ["account", "get-access-token", "--output", "json", "--resource", "http://127.0.0.1:1"]);
    });

    test("DefaultAzureCredential in a child narrowed to the Azure CLI gets that token, in one chain walk", () => {
        az.setExpiresIn(600);
        const before = az.invocations();
        const run = node(`
            const { DefaultAzureCredential } = require("@azure/identity");
            new DefaultAzureCredential().getToken("http://127.0.0.1:1/.default")
                .then((t) => console.log(JSON.stringify({ token: t.token, inSeconds: (t.expiresOnTimestamp - Date.now()) / 1000 })))
                .catch((e) => { console.error(e.message); process.exit(1); });`);
        assert.equal(run.status, 0, run.stderr);
        const got = JSON.parse(run.stdout) as { token: string; inSeconds: number };
        assert.equal(got.token, FAKE_GRAPH_TOKEN);
        assert.ok(got.inSeconds > 590 && got.inSeconds <= 601, `${got.inSeconds}`);
        assert.equal(az.invocations(), before + 1);
        assert.equal(credentialChainWalks(run.stderr), 1);
        assert.doesNotMatch(run.stderr, /ManagedIdentityCredential|IMDS/, "the managed identity credential is not even built");
        az.setExpiresIn(1200);
    });

    test("anything but get-access-token fails loudly", () => {
        const run = spawnSync("az", ["login"], { env: az.env, encoding: "utf8" });
        assert.equal(run.status, 2);
        assert.match(run.stderr, /only 'az account get-access-token' is supported/);
    });
});

describe("loopback guard", () => {
    test("refuses the IMDS address and Graph before connecting, and lets loopback through", () => {
        // Under the guard, a recorder replaces the real connect: whatever the guard lets through is written down
        // and never connected, so this test sends nothing even if the guard were broken.
        const recorded = path.join(az.dir, "recorded");
        fs.writeFileSync(recorded, "");
        const recorder = path.join(az.dir, "recorder.cjs");
        fs.writeFileSync(
            recorder,
            `const fs = require("fs"); const net = require("net");
             net.Socket.prototype.connect = function (...args) {
                 const o = Array.isArray(args[0]) ? args[0][0] : args[0];
                 fs.appendFileSync(${JSON.stringify(recorded)}, String(o.host) + "\\n");
                 process.nextTick(() => this.destroy(new Error("recorder: not connected")));
                 return this;
             };`,
        );
        const blockedBefore = az.blockedConnections().length;
        const run = node(
            `
            const http = require("http"), https = require("https"), net = require("net");
            const done = [];
            const finish = (what) => (e) => { done.push(what + ": " + (e && e.message)); if (done.length === 4) console.log(done.sort().join("\\n")); };
            http.get("http://169.254.169.254/metadata/identity/oauth2/token").on("error", finish("imds"));
            https.get("https://graph.microsoft.com/v1.0/").on("error", finish("graph"));
            net.connect(443, "login.microsoftonline.com").on("error", finish("login"));
            http.get("http://127.0.0.1:9/").on("error", finish("loopback"));`,
            { ...az.env, NODE_OPTIONS: `--require ${recorder} ${az.env.NODE_OPTIONS}` },
        );
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^graph: loopback guard: refused a connection to graph\.microsoft\.com$/m);
        assert.match(run.stdout, /^imds: loopback guard: refused a connection to 169\.254\.169\.254$/m);
        assert.match(run.stdout, /^login: loopback guard: refused a connection to login\.microsoftonline\.com$/m);
        assert.match(run.stdout, /^loopback: recorder: not connected$/m);
        assert.deepEqual(fs.readFileSync(recorded, "utf8").split("\n").filter(Boolean), ["127.0.0.1"]);
        assert.deepEqual(az.blockedConnections().slice(blockedBefore).sort(), [
            "169.254.169.254",
            "graph.microsoft.com",
            "login.microsoftonline.com",
        ]);
    });

    test("the environment carries no Azure credential variable and selects the Azure CLI credential only", () => {
        assert.equal(az.env.AZURE_TOKEN_CREDENTIALS, "AzureCliCredential");
        for (const name of ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "AZURE_FEDERATED_TOKEN_FILE"]) {
            assert.equal(az.env[name], undefined, name);
        }
        assert.ok(az.env.PATH?.startsWith(az.dir));
    });
});
