// Drives the QuantaProxy Okta sandbox with Okta's own Node.js management SDK (@okta/okta-sdk-nodejs, unmodified), as a new
// user would: if the SDK can tell the sandbox from Okta, a check here fails. It starts nothing: run.sh starts the sandbox and
// passes its URL and credentials.
//
// Usage: node sdk-conformance.mjs --org-url URL --mode ssws --token TOKEN --seed-users N --seed-groups N --seed-apps N
//        node sdk-conformance.mjs --org-url URL --mode private-key --client-id ID --private-key-file FILE --seed-users N ...
// Prints one line per check and ends with "<mode>: N checks passed, M failed"; exits 1 when a check failed.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import okta from "@okta/okta-sdk-nodejs";

const { values: args } = parseArgs({
  options: {
    "org-url": { type: "string" },
    mode: { type: "string" },
    token: { type: "string" },
    "client-id": { type: "string" },
    "private-key-file": { type: "string" },
    "seed-users": { type: "string" },
    "seed-groups": { type: "string" },
    "seed-apps": { type: "string" },
  },
});
const orgUrl = args["org-url"];
const mode = args.mode;
const seedUsers = Number(args["seed-users"]);
const seedGroups = Number(args["seed-groups"]);
const seedApps = Number(args["seed-apps"]);
if (!orgUrl || !/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(orgUrl)) throw new Error("--org-url must be a loopback http URL (http://127.0.0.1:PORT)");
if (!["ssws", "private-key"].includes(mode)) throw new Error("--mode must be ssws or private-key");
if (![seedUsers, seedGroups, seedApps].every((n) => Number.isInteger(n) && n > 0)) throw new Error("--seed-users, --seed-groups and --seed-apps are required");

// No collection in this org is near this size: a listing that yields more is paging forever.
const MAX_ITEMS = 10_000;
const ALL_SCOPES = ["okta.users.read", "okta.users.manage", "okta.groups.read", "okta.apps.read", "okta.logs.read"];

function privateKeyJwk() {
  const secret = JSON.parse(readFileSync(args["private-key-file"], "utf8"));
  return secret.private_key_jwk;
}

/** A client in this run's mode. */
function newClient({ scopes = ALL_SCOPES } = {}) {
  if (mode === "ssws") return new okta.Client({ orgUrl, authorizationMode: "SSWS", token: args.token });
  const jwk = privateKeyJwk();
  return new okta.Client({
    orgUrl,
    authorizationMode: "PrivateKey",
    clientId: args["client-id"],
    scopes,
    privateKey: jwk,
    keyId: jwk.kid,
  });
}

/** Every request the SDK sends and every answer it gets, for checks on the wire. */
function observe(client) {
  const seen = { requests: [], responses: [] };
  client.requestExecutor.on("request", (request) => seen.requests.push({ url: String(request.url), method: request.method, headers: { ...request.headers } }));
  client.requestExecutor.on("response", (response) => seen.responses.push({ url: response.url, status: response.status, headers: response.headers }));
  return seen;
}

async function all(collection) {
  const items = [];
  for await (const item of collection) {
    // The SDK yields null for an empty page that still has a next link (a polling query): a listing must not have one.
    if (item === null) throw new Error(`an empty page with a next link after ${items.length} items`);
    items.push(item);
    if (items.length > MAX_ITEMS) throw new Error(`more than ${MAX_ITEMS} items: the listing does not end`);
  }
  return items;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function sameList(actual, expected, what) {
  assert(actual.length === expected.length && actual.every((v, i) => v === expected[i]),
    `${what}: expected [${expected.slice(0, 8).join(", ")}${expected.length > 8 ? ", …" : ""}] (${expected.length}), got [${actual.slice(0, 8).join(", ")}${actual.length > 8 ? ", …" : ""}] (${actual.length})`);
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded; it should have failed");
}

const results = [];
async function check(name, body) {
  try {
    await body();
    results.push(true);
    console.log(`  ok      ${mode} ${name}`);
  } catch (error) {
    results.push(false);
    console.log(`  FAILED  ${mode} ${name}: ${error?.message ?? error}`);
  }
}

const client = newClient();
const wire = observe(client);
const run = `${mode}-${process.pid}`;
let everyone = [];

await check("users: the default listing pages through every non-DEPROVISIONED user, 7 at a time, and ends", async () => {
  const before = wire.requests.length;
  const users = await all(await client.userApi.listUsers({ limit: 7 }));
  const ids = users.map((u) => u.id);
  assert(new Set(ids).size === ids.length, "a user came twice");
  assert(users.every((u) => u.status !== "DEPROVISIONED"), "a DEPROVISIONED user is listed");
  assert(users.length >= seedUsers, `${users.length} users, fewer than the ${seedUsers} seeded`);
  // Token requests (PrivateKey mode) go to the same executor; only the listing's pages count.
  const pages = wire.requests.slice(before).filter((r) => r.url.includes("/api/v1/users"));
  assert(pages.length === Math.ceil(users.length / 7), `${pages.length} pages for ${users.length} users`);
  assert(pages.every((r) => new URL(r.url).searchParams.get("limit") === "7"), "a next link dropped limit");
  everyone = users;
});

await check("users: search by login finds that user only", async () => {
  const login = "user0007@example.com";
  const users = await all(await client.userApi.listUsers({ search: `profile.login eq "${login}"` }));
  sameList(users.map((u) => u.profile.login), [login], "logins");
});

await check("users: a search pages 5 at a time and every page keeps the search", async () => {
  const before = wire.requests.length;
  const users = await all(await client.userApi.listUsers({ search: 'status eq "ACTIVE" and profile.login sw "user00"', limit: 5 }));
  const expected = everyone.filter((u) => u.status === "ACTIVE" && u.profile.login.startsWith("user00")).map((u) => u.id).sort();
  sameList(users.map((u) => u.id), expected, "ids");
  const searches = wire.requests.slice(before).filter((r) => r.url.includes("/api/v1/users")).map((r) => new URL(r.url).searchParams.get("search"));
  assert(searches.length > 1 && searches.every((s) => s === 'status eq "ACTIVE" and profile.login sw "user00"'), "a page lost the search");
});

await check("users: filter status eq STAGED", async () => {
  const users = await all(await client.userApi.listUsers({ filter: 'status eq "STAGED"' }));
  sameList(users.map((u) => u.id), everyone.filter((u) => u.status === "STAGED").map((u) => u.id), "ids");
});

await check("users: q is a prefix match that does not page", async () => {
  const users = await all(await client.userApi.listUsers({ q: "First1" }));
  assert(users.length === 10 && users.every((u) => u.profile.firstName.startsWith("First1")), `${users.length} users for q=First1`);
});

await check("users: an invalid search is OktaApiError 400 E0000031", async () => {
  const error = await rejection(all(await client.userApi.listUsers({ search: 'profile.login eq "unterminated' })));
  assert(error instanceof okta.OktaApiError, `${error?.name}: ${error?.message}`);
  assert(error.status === 400 && error.errorCode === "E0000031", error.message);
  assert(Array.isArray(error.errorCauses) && error.errorId && error.errorLink === "E0000031", "the error body lacks Okta's fields");
});

await check("users: get by id", async () => {
  const target = everyone[3];
  const user = await client.userApi.getUser({ userId: target.id });
  assert(user.id === target.id && user.profile.login === target.profile.login, `got ${user.id} ${user.profile?.login}`);
});

if (mode === "ssws") {
  await check("users: get by login", async () => {
    const target = everyone[5];
    const user = await client.userApi.getUser({ userId: target.profile.login });
    assert(user.id === target.id, `got ${user.id}`);
  });
} else {
  // The SDK's proof names the path as it sent it (user0005%40example.com); Okta compares it with the decoded path and refuses
  // it (okta/okta-sdk-nodejs#521, okta/okta-sdk-python#541). The sandbox does the same, so the SDK cannot tell them apart.
  await check("users: get by login is refused with invalid_dpop_proof for the percent-encoded htu, as Okta refuses it", async () => {
    const error = await rejection(client.userApi.getUser({ userId: everyone[5].profile.login }));
    const challenge = error.headers?.get("www-authenticate") ?? "";
    assert(challenge.includes('error="invalid_dpop_proof"') && challenge.includes("'htu' claim"), `${error?.name}: ${error?.message} ${challenge}`);
  });
}

let created;
await check("users: create (activated)", async () => {
  const login = `sdk.${run}@example.com`;
  created = await client.userApi.createUser({ body: { profile: { firstName: "Sdk", lastName: run, email: login, login } }, activate: true });
  assert(created.id?.startsWith("00u") && created.status === "ACTIVE" && created.profile.login === login, JSON.stringify(created));
});

await check("users: deactivate; the default listing leaves the user out, a search finds it", async () => {
  assert(created, "no user was created");
  await client.userApi.deactivateUser({ userId: created.id });
  const after = await client.userApi.getUser({ userId: created.id });
  assert(after.status === "DEPROVISIONED", `status ${after.status}`);
  const listed = await all(await client.userApi.listUsers({ limit: 200 }));
  assert(!listed.some((u) => u.id === created.id), "the DEPROVISIONED user is in the default listing");
  const searched = await all(await client.userApi.listUsers({ search: `status eq "DEPROVISIONED" and profile.login eq "${created.profile.login}"` }));
  sameList(searched.map((u) => u.id), [created.id], "search status eq DEPROVISIONED");
});

await check("users: an unknown user is OktaApiError 404 E0000007 with Okta's error body", async () => {
  const error = await rejection(client.userApi.getUser({ userId: "00unobody0000000000x" }));
  assert(error instanceof okta.OktaApiError, `${error?.name}: ${error?.message}`);
  assert(error.status === 404 && error.errorCode === "E0000007", error.message);
  assert(error.errorSummary.startsWith("Not found: Resource not found:") && error.errorId && error.errorLink === "E0000007" && Array.isArray(error.errorCauses), error.message);
  assert(error.headers.get("x-okta-request-id"), "no X-Okta-Request-Id on the error");
});

let groups = [];
await check("groups: list pages 4 at a time through every group", async () => {
  groups = await all(await client.groupApi.listGroups({ limit: 4 }));
  assert(groups.length === seedGroups, `${groups.length} groups, not ${seedGroups}`);
  assert(groups.some((g) => g.profile.name === "Everyone" && g.type === "BUILT_IN"), "no Everyone group");
});

await check("groups: search and filter", async () => {
  const builtIn = await all(await client.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' }));
  sameList(builtIn.map((g) => g.profile.name), ["Everyone"], "filter type eq BUILT_IN");
  const named = await all(await client.groupApi.listGroups({ search: 'profile.name sw "Group 1"', limit: 3 }));
  sameList(named.map((g) => g.profile.name).sort(), groups.map((g) => g.profile.name).filter((n) => n.startsWith("Group 1")).sort(), "search profile.name sw");
});

await check("groups: get, and members paged 3 at a time", async () => {
  const group = groups.find((g) => g.profile.name === "Group 05");
  assert(group, "no Group 05");
  const fetched = await client.groupApi.getGroup({ groupId: group.id });
  assert(fetched.profile.name === "Group 05", fetched.profile?.name);
  const members = await all(await client.groupApi.listGroupUsers({ groupId: group.id, limit: 3 }));
  const ids = members.map((m) => m.id);
  assert(ids.length > 3 && new Set(ids).size === ids.length, `${ids.length} members, or one twice`);
});

let apps = [];
await check("applications: list pages 5 at a time through every app", async () => {
  apps = await all(await client.applicationApi.listApplications({ limit: 5 }));
  assert(apps.length === seedApps, `${apps.length} apps, not ${seedApps}`);
  assert(apps.every((a) => a.id.startsWith("0oa") && a.label && a.signOnMode), "an app lacks id, label or signOnMode");
});

await check("applications: get, filter and assigned users", async () => {
  const app = await client.applicationApi.getApplication({ appId: apps[1].id });
  assert(app.id === apps[1].id && app.label === apps[1].label, `${app.id} ${app.label}`);
  const bookmarks = await all(await client.applicationApi.listApplications({ filter: 'name eq "bookmark"' }));
  assert(bookmarks.length > 0 && bookmarks.every((a) => a.name === "bookmark"), "filter name eq bookmark");
  const users = await all(await client.applicationApi.listApplicationUsers({ appId: apps[0].id, limit: 10 }));
  assert(users.length > 10 && users.every((u) => u.credentials?.userName), `${users.length} app users`);
});

let recent = [];
await check("system log: a polling query keeps a next link after the last event", async () => {
  const collection = await client.systemLogApi.listLogEvents({ limit: 1000 });
  for (;;) {
    const { value } = await collection.next();
    if (value === null) break;
    recent.push(value);
    assert(recent.length <= MAX_ITEMS, "no end to the events");
  }
  assert(recent.length > 20, `${recent.length} events in the last 7 days`);
  assert(collection.nextUri && new URL(collection.nextUri).searchParams.get("after"), "a polling query must keep a next link");
  assert(new URL(collection.nextUri).searchParams.get("limit") === "1000", "the next link dropped limit");
});

await check("system log: a bounded query ends with exactly its events, 4 a page", async () => {
  // The SDK's LogEvent has published as a Date; the query takes ISO 8601 text.
  const since = new Date(recent[3].published).toISOString();
  const until = new Date(recent[20].published).toISOString();
  const before = wire.requests.length;
  const events = await all(await client.systemLogApi.listLogEvents({ since, until, limit: 4 }));
  sameList(events.map((e) => e.uuid), recent.slice(3, 20).map((e) => e.uuid), "uuids");
  const pages = wire.requests.slice(before).filter((r) => r.url.includes("/api/v1/logs"));
  assert(pages.length === Math.ceil(17 / 4), `${pages.length} pages`);
  for (const page of pages.slice(1)) {
    const query = new URL(page.url).searchParams;
    assert(query.get("since") && query.get("until") && query.get("limit") === "4", `a next link lost the query: ${page.url}`);
  }
});

await check("wire: every answer has X-Okta-Request-Id, X-Rate-Limit-* and application/json", async () => {
  const api = wire.responses.filter((r) => new URL(r.url).pathname.startsWith("/api/v1/"));
  assert(api.length > 20, `${api.length} answers seen`);
  for (const r of api) {
    assert(r.headers.get("x-okta-request-id") && r.headers.get("date"), `${r.url}: no X-Okta-Request-Id or Date`);
    // The sandbox counts a request against the rate limit once it is authenticated; a 401 carries no budget.
    if (r.status !== 401)
      for (const name of ["x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"]) assert(r.headers.get(name), `${r.url}: no ${name}`);
    if (r.status !== 204) assert((r.headers.get("content-type") ?? "").startsWith("application/json"), `${r.url}: content-type ${r.headers.get("content-type")}`);
  }
});

if (mode === "ssws") {
  await check("errors: a wrong SSWS token is OktaApiError 401 E0000011", async () => {
    const stranger = new okta.Client({ orgUrl, authorizationMode: "SSWS", token: "00not-a-token" });
    const error = await rejection(stranger.userApi.getUser({ userId: everyone[0].id }));
    assert(error instanceof okta.OktaApiError && error.status === 401 && error.errorCode === "E0000011", `${error?.name}: ${error?.message}`);
  });
} else {
  await check("oauth: the SDK learns the DPoP nonce, gets a DPoP-bound token and sends a fresh proof with every call", async () => {
    const token = wire.requests.filter((r) => r.url.endsWith("/oauth2/v1/token"));
    const nonceOf = (r) => JSON.parse(Buffer.from(r.headers.DPoP.split(".")[1], "base64url").toString()).nonce;
    assert(token.length >= 2 && token.every((r) => r.headers.DPoP), `${token.length} token requests, or one without a proof`);
    assert(!nonceOf(token[0]) && nonceOf(token[1]), "the first token request has no nonce, the second has the one the sandbox handed out");
    const api = wire.requests.filter((r) => r.url.includes("/api/v1/"));
    assert(api.every((r) => r.headers.Authorization.startsWith("DPoP ") && r.headers.DPoP), "a call without DPoP");
    assert(new Set(api.map((r) => r.headers.DPoP)).size === api.length, "a proof was reused");
  });

  await check("errors: a token without okta.groups.read gets 403 insufficient_scope with an empty body, as Okta answers", async () => {
    const narrow = newClient({ scopes: ["okta.users.read"] });
    const users = await all(await narrow.userApi.listUsers({ limit: 2, search: 'profile.login eq "user0001@example.com"' }));
    assert(users.length === 1, "the granted scope works");
    const error = await rejection(all(await narrow.groupApi.listGroups({ limit: 2 })));
    assert(error.status === 403, `${error?.name}: ${error?.message}`);
    const challenge = error.headers.get("www-authenticate") ?? "";
    assert(challenge.startsWith("DPoP ") && challenge.includes('error="insufficient_scope"') && challenge.includes('scope="okta.groups.read"'), challenge);
  });
}

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`${mode} mode: ${passed} checks passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
