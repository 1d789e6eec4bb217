// Where a Graph client may send its token (graph/client.ts, graph/paging.ts): a Microsoft Graph cloud over
// https, or plain http on a loopback host for a test's fake; an origin only; and @odata.nextLink followed only
// on that endpoint. No request is made.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createGraphClient, graphScope, validateGraphEndpoint } from "../../graph/client";
import { nextLinkRequestPath } from "../../graph/paging";
import { DEFAULTS, GRAPH_ENDPOINTS } from "../../policies/contract/constants";

/** A credential that fails the test if anything asks it for a token. */
const noToken = {
    getToken(): Promise<null> {
        throw new Error("no token may be requested");
    },
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("validateGraphEndpoint", () => {
    test("accepts every Microsoft Graph cloud over https, normalized to its origin", () => {
        assert.deepEqual(GRAPH_ENDPOINTS, [
            "https://graph.microsoft.com",
            "https://graph.microsoft.us",
            "https://dod-graph.microsoft.us",
            "https://microsoftgraph.chinacloudapi.cn",
        ]);
        assert.equal(DEFAULTS.graphEndpoint, "https://graph.microsoft.com");
        for (const endpoint of GRAPH_ENDPOINTS) {
            assert.equal(validateGraphEndpoint(endpoint), endpoint);
            assert.equal(validateGraphEndpoint(`${endpoint}/`), endpoint);
            assert.equal(validateGraphEndpoint(endpoint.toUpperCase()), endpoint, "host names compare without case");
        }
    });

    test("accepts plain http on a loopback host, for a test's fake Graph", () => {
        for (const endpoint of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"]) {
            assert.equal(validateGraphEndpoint(endpoint), endpoint);
            assert.equal(validateGraphEndpoint(`${endpoint}/`), endpoint);
        }
    });

    const refused: Array<[string, string]> = [
        ["http://example.com", "clear text, off the machine"],
        ["http://graph.microsoft.com", "a Graph cloud in clear text"],
        ["https://example.com", "https, but not Microsoft Graph"],
        ["https://graph.contoso.com", "a look-alike host"],
        ["https://graph.microsoft.com.evil.example", "a Graph host as a subdomain of another"],
        ["https://graph.microsoft.com:8443", "a Graph host on another port"],
        ["https://127.0.0.1:8443", "https on loopback (only the fake's plain http is accepted there)"],
        ["ftp://127.0.0.1", "another scheme on loopback"],
    ];
    for (const [endpoint, what] of refused) {
        test(`refuses ${endpoint}: ${what}`, () => {
            assert.throws(
                () => validateGraphEndpoint(endpoint),
                new RegExp(`^Error: Graph endpoint "${escape(endpoint)}" must be one of ${escape(GRAPH_ENDPOINTS.join(", "))} \\(or plain http on 127\\.0\\.0\\.1, localhost or \\[::1\\] for a test\\)`),
            );
        });
    }

    test("refuses what is not a URL, user information, and anything beyond the origin", () => {
        assert.throws(() => validateGraphEndpoint("not a url"), /^Error: Graph endpoint "not a url" is not a URL; expected one of https:\/\/graph\.microsoft\.com, /);
        assert.throws(() => validateGraphEndpoint("https://user:pw@graph.microsoft.com"), /must not carry user information/);
        for (const endpoint of ["https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/?a=b", "http://127.0.0.1:8080/#x"]) {
            assert.throws(() => validateGraphEndpoint(endpoint), /must be an origin only, e\.g\. https:\/\/graph\.microsoft\.com; the API version \(v1\.0\) is added by the client/, endpoint);
        }
    });

    test("a client for a refused endpoint is never built, and no token is asked for", () => {
        assert.throws(() => createGraphClient({ endpoint: "http://example.com", credential: noToken }), /must be one of/);
        assert.throws(() => createGraphClient({ endpoint: "https://graph.contoso.com", credential: noToken }), /must be one of/);
        assert.equal(createGraphClient({ credential: noToken }).endpoint, DEFAULTS.graphEndpoint, "global Graph by default");
    });

    test("the token is asked for the endpoint's own scope", () => {
        assert.equal(graphScope("https://graph.microsoft.us/"), "https://graph.microsoft.us/.default");
        assert.equal(graphScope("http://127.0.0.1:9000"), "http://127.0.0.1:9000/.default");
        assert.throws(() => graphScope("https://example.com"), /must be one of/);
    });
});

describe("nextLinkRequestPath", () => {
    test("follows a nextLink on the configured endpoint, as a version and a path", () => {
        assert.deepEqual(
            nextLinkRequestPath(
                "http://127.0.0.1:9000",
                "http://127.0.0.1:9000/v1.0/identity/conditionalAccess/policies?$skiptoken=abc%3D",
            ),
            { version: "v1.0", path: "/identity/conditionalAccess/policies?$skiptoken=abc%3D" },
        );
        assert.deepEqual(
            nextLinkRequestPath("https://graph.microsoft.us", "https://graph.microsoft.us/beta/identity/conditionalAccess/policies?$skiptoken=x"),
            { version: "beta", path: "/identity/conditionalAccess/policies?$skiptoken=x" },
        );
    });

    test("refuses a nextLink to another origin, a relative one, and one without a version", () => {
        assert.throws(
            () => nextLinkRequestPath("https://graph.microsoft.com", "https://evil.example/v1.0/identity?$skiptoken=x"),
            /leaves the Graph endpoint/,
        );
        assert.throws(
            () => nextLinkRequestPath("https://graph.microsoft.com", "http://graph.microsoft.com/v1.0/identity?$skiptoken=x"),
            /leaves the Graph endpoint/,
        );
        assert.throws(() => nextLinkRequestPath("https://graph.microsoft.com", "/v1.0/identity"), /is not an absolute URL/);
        assert.throws(() => nextLinkRequestPath("https://graph.microsoft.com", "https://graph.microsoft.com/identity"), /has no API version/);
    });
});
