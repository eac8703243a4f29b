// Drives the real Apollo Client against a running Kiosque: POST, GET (useGETForQueries) and
// automatic persisted queries over GET (PersistedQueryLink with useGETForHashedQueries).
// Usage: node apollo.mjs input.json  -> prints a JSON report on stdout.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const requests = [];

// Node's fetch, recording what went over the wire.
async function recordingFetch(url, options = {}) {
  const response = await fetch(url, options);
  const headers = new Headers(options.headers || {});
  requests.push({
    url: String(url),
    method: options.method || "GET",
    contentType: headers.get("content-type"),
    hasQueryText: new URL(String(url)).searchParams.has("query") ||
      (typeof options.body === "string" && JSON.parse(options.body).query !== undefined),
    status: response.status,
    etag: response.headers.get("etag"),
  });
  return response;
}

function client(link) {
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

function http(options = {}) {
  return new HttpLink({ uri: input.url, fetch: recordingFetch, ...options });
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

async function runAll(apollo) {
  const results = [];
  for (const { query, variables } of input.queries) {
    const { data } = await apollo.query({ query: gql(query), variables, fetchPolicy: "network-only" });
    results.push(data);
  }
  return results;
}

const report = { modes: {} };
report.modes.post = await runAll(client(http()));
report.modes.get = await runAll(client(http({ useGETForQueries: true })));
const persisted = () =>
  new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(http());
const before = requests.length;
report.modes.persistedFirst = await runAll(client(persisted()));
report.modes.persistedAgain = await runAll(client(persisted()));
report.persistedRequests = requests.slice(before);

// Revalidation: the last hashed GET again, with the ETag it was given.
const last = report.persistedRequests.at(-1);
const revalidated = await fetch(last.url, {
  headers: { "If-None-Match": last.etag, "Content-Type": "application/json" },
});
report.revalidation = { status: revalidated.status, etag: revalidated.headers.get("etag") };
report.requests = requests;
process.stdout.write(JSON.stringify(report));
