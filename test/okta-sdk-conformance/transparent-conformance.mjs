// Okta's own Node.js management SDK (@okta/okta-sdk-nodejs, unmodified) through QuantaProxy's transparent mode: the SDK's
// orgUrl is {gateway}/okta/{integration_id} and its SSWS token is a QuantaProxy API key. It provisions a tenant, an API key,
// the sealed Okta token and an integration over the gateway's admin API, then checks that the SDK works as against Okta for
// the allowed operations, and fails the way Okta's own 403 would (OktaApiError E0000006) for the rest. It starts nothing:
// run.sh starts the sandbox and the gateway.
//
// Usage: node transparent-conformance.mjs --gateway-url URL --admin-key-file FILE --okta-url URL --okta-token TOKEN --seed-users N --seed-groups N
// Prints one line per check and ends with "transparent mode: N checks passed, M failed"; exits 1 when a check failed.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import okta from "@okta/okta-sdk-nodejs";

const { values: args } = parseArgs({
  options: {
    "gateway-url": { type: "string" },
    "admin-key-file": { type: "string" },
    "okta-url": { type: "string" },
    "okta-token": { type: "string" },
    "seed-users": { type: "string" },
    "seed-groups": { type: "string" },
  },
});
const loopback = /^http:\/\/127\.0\.0\.1:\d+\/?$/;
const gateway = (args["gateway-url"] ?? "").replace(/\/$/, "");
const oktaUrl = (args["okta-url"] ?? "").replace(/\/$/, "");
if (!loopback.test(gateway) || !loopback.test(oktaUrl)) throw new Error("--gateway-url and --okta-url must be loopback http URLs (http://127.0.0.1:PORT)");
const seedUsers = Number(args["seed-users"]);
const seedGroups = Number(args["seed-groups"]);
if (![seedUsers, seedGroups].every((n) => Number.isInteger(n) && n > 0)) throw new Error("--seed-users and --seed-groups are required");
const mode = "transparent";
const MAX_ITEMS = 10_000;
const ALLOWED = ["list_users", "get_user", "create_user", "deactivate_user", "list_groups", "get_group", "list_group_members", "get_system_log"];

async function admin(method, path, key, body) {
  const response = await fetch(gateway + path, {
    method,
    headers: { "X-API-Key": key, "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

// Provisioning, as an operator would: a tenant, its API key, the Okta token sealed in the vault, an integration.
const adminKey = readFileSync(args["admin-key-file"], "utf8").trim();
const tenant = await admin("POST", "/api/v2/tenants", adminKey, { name: "sdk-transparent" });
const hmacKey = Buffer.from(tenant.hmac_key, "base64");
const { api_key: apiKey } = await admin("POST", "/api/v2/api-keys", adminKey,
  { tenant_id: tenant.tenant_id, name: "sdk", scopes: ["proxy:invoke", "vault:seal", "integrations:write", "audit:read"] });
const { credential_id: credentialId } = await admin("POST", "/api/v2/vault/seal", apiKey,
  { credential_type: "api_key", name: "okta", secret: { token: args["okta-token"] } });
const { integration_id: integrationId } = await admin("POST", "/api/v2/integrations", apiKey,
  { system_type: "okta", name: "sdk-transparent", okta_domain: oktaUrl, credential_id: credentialId, allowed_operations: ALLOWED });
const orgUrl = `${gateway}/okta/${integrationId}`;

const client = new okta.Client({ orgUrl, authorizationMode: "SSWS", token: apiKey });
const seen = { requests: [], responses: [] };
client.requestExecutor.on("request", (request) => seen.requests.push({ url: String(request.url), method: request.method }));
client.requestExecutor.on("response", (response) => seen.responses.push({ url: response.url, status: response.status, headers: response.headers }));

async function all(collection) {
  const items = [];
  for await (const item of collection) {
    if (item === null) throw new Error(`an empty page with a next link after ${items.length} items`);
    items.push(item);
    if (items.length > MAX_ITEMS) throw new Error(`more than ${MAX_ITEMS} items: the listing does not end`);
  }
  return items;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
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

/** F(x) of docs/transparent-mode.md: 4-byte big-endian length, then x. */
function F(value) {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

const SIGNED_HEADERS = ["content-type", "link", "x-okta-request-id", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"];

/** The qp-transparent-v1 message M of an answer, rebuilt here from the spec alone. */
function signedMessage(headers, status, operation, body) {
  const signature = Object.fromEntries(headers.get("x-quantaproxy-signature").split(",").map((p) => [p.slice(0, p.indexOf("=")).trim(), p.slice(p.indexOf("=") + 1).trim()]));
  const parts = ["qp-transparent-v1", tenant.tenant_id, signature.key_id, headers.get("x-quantaproxy-audit-event"), headers.get("x-request-id"), integrationId, operation, String(status)];
  const m = Buffer.concat([...parts.map(F), ...SIGNED_HEADERS.flatMap((h) => [F(h), F(headers.get(h) ?? "")]), F(createHash("sha256").update(body).digest())]);
  return { m, signature };
}

let everyone = [];
await check("users: the listing pages 7 at a time through the gateway's rewritten links, and ends", async () => {
  const before = seen.requests.length;
  const users = await all(await client.userApi.listUsers({ limit: 7 }));
  assert(users.length >= seedUsers, `${users.length} users, fewer than the ${seedUsers} seeded`);
  assert(new Set(users.map((u) => u.id)).size === users.length, "a user came twice");
  const pages = seen.requests.slice(before);
  assert(pages.length === Math.ceil(users.length / 7), `${pages.length} pages for ${users.length} users`);
  assert(pages.every((r) => r.url.startsWith(`${orgUrl}/api/v1/users?`) && new URL(r.url).searchParams.get("limit") === "7"), "a page left the gateway or dropped limit");
  everyone = users;
});

await check("users: search by login, and a search pages 5 at a time keeping the search", async () => {
  const login = "user0007@example.com";
  const one = await all(await client.userApi.listUsers({ search: `profile.login eq "${login}"` }));
  assert(one.length === 1 && one[0].profile.login === login, `${one.length} users`);
  const before = seen.requests.length;
  const users = await all(await client.userApi.listUsers({ search: 'status eq "ACTIVE" and profile.login sw "user00"', limit: 5 }));
  const expected = everyone.filter((u) => u.status === "ACTIVE" && u.profile.login.startsWith("user00")).length;
  assert(users.length === expected, `${users.length} users, expected ${expected}`);
  const searches = seen.requests.slice(before).map((r) => new URL(r.url).searchParams.get("search"));
  assert(searches.length > 1 && searches.every((s) => s === 'status eq "ACTIVE" and profile.login sw "user00"'), "a page lost the search");
});

await check("users: get by id and by login", async () => {
  const byId = await client.userApi.getUser({ userId: everyone[3].id });
  assert(byId.id === everyone[3].id, `got ${byId.id}`);
  const byLogin = await client.userApi.getUser({ userId: everyone[5].profile.login });
  assert(byLogin.id === everyone[5].id, `got ${byLogin.id}`);
});

let created;
await check("users: create (activated), then deactivate", async () => {
  const login = `sdk.transparent.${process.pid}@example.com`;
  created = await client.userApi.createUser({ body: { profile: { firstName: "Sdk", lastName: "Transparent", email: login, login } }, activate: true });
  assert(created.id?.startsWith("00u") && created.status === "ACTIVE" && created.profile.login === login, JSON.stringify(created));
  await client.userApi.deactivateUser({ userId: created.id });
  const after = await client.userApi.getUser({ userId: created.id });
  assert(after.status === "DEPROVISIONED", `status ${after.status}`);
});

await check("users: Okta's own 404 reaches the SDK as OktaApiError E0000007", async () => {
  const error = await rejection(client.userApi.getUser({ userId: "00unobody0000000000x" }));
  assert(error instanceof okta.OktaApiError && error.status === 404 && error.errorCode === "E0000007", `${error?.name}: ${error?.message}`);
});

let groups = [];
await check("groups: list 4 at a time, get, and members 3 at a time", async () => {
  groups = await all(await client.groupApi.listGroups({ limit: 4 }));
  assert(groups.length === seedGroups, `${groups.length} groups, not ${seedGroups}`);
  const group = groups.find((g) => g.profile.name === "Group 05");
  const fetched = await client.groupApi.getGroup({ groupId: group.id });
  assert(fetched.profile.name === "Group 05", fetched.profile?.name);
  const members = await all(await client.groupApi.listGroupUsers({ groupId: group.id, limit: 3 }));
  assert(members.length > 3 && new Set(members.map((m) => m.id)).size === members.length, `${members.length} members, or one twice`);
});

await check("system log: a bounded query pages 4 at a time and keeps since/until", async () => {
  const until = new Date().toISOString();
  const since = new Date(Date.now() - 3 * 3600_000).toISOString();
  const before = seen.requests.length;
  const events = await all(await client.systemLogApi.listLogEvents({ since, until, limit: 4 }));
  assert(events.length > 4, `${events.length} events`);
  const pages = seen.requests.slice(before);
  assert(pages.length >= Math.ceil(events.length / 4), `${pages.length} pages for ${events.length} events`);
  assert(pages.every((p) => new URL(p.url).searchParams.get("since") === since && new URL(p.url).searchParams.get("until") === until), "a page lost the query");
});

let denied;
await check("forbidden: an operation the integration does not allow is OktaApiError 403 E0000006, as Okta's own", async () => {
  denied = await rejection(client.userApi.suspendUser({ userId: everyone[0].id }));
  assert(denied instanceof okta.OktaApiError && denied.status === 403 && denied.errorCode === "E0000006", `${denied?.name}: ${denied?.message}`);
  assert(denied.errorSummary === "You do not have permission to perform the requested action", denied.errorSummary);
  assert(denied.errorLink === "E0000006" && denied.errorId && Array.isArray(denied.errorCauses) && denied.errorCauses.length === 0, "the error body lacks Okta's fields");
  const apps = await rejection(all(await client.applicationApi.listApplications({ limit: 5 })));
  assert(apps instanceof okta.OktaApiError && apps.status === 403 && apps.errorCode === "E0000006", `${apps?.name}: ${apps?.message}`);
});

await check("errors: a wrong API key is OktaApiError 401 E0000011, as a wrong Okta token", async () => {
  const stranger = new okta.Client({ orgUrl, authorizationMode: "SSWS", token: "qp_live_not-a-key" });
  const error = await rejection(stranger.userApi.getUser({ userId: everyone[0].id }));
  assert(error instanceof okta.OktaApiError && error.status === 401 && error.errorCode === "E0000011", `${error?.name}: ${error?.message}`);
});

await check("audit: the refusal is a proxy.denied event, and every answer names its event", async () => {
  const id = denied?.headers?.get("x-quantaproxy-audit-event");
  assert(id, "no X-QuantaProxy-Audit-Event on the refusal");
  const { events } = await admin("GET", "/api/v2/audit/events?type=proxy.denied&limit=50", apiKey);
  assert(events.some((e) => e.event_id === id), `no proxy.denied event ${id}`);
  const answers = seen.responses.filter((r) => r.status < 400);
  assert(answers.length > 20 && answers.every((r) => r.headers.get("x-quantaproxy-audit-event") && r.headers.get("x-quantaproxy-signature")), "an answer without its event or signature");
  assert(answers.every((r) => r.headers.get("x-rate-limit-remaining") && r.headers.get("x-okta-request-id")), "Okta's headers did not pass through");
});

await check("signature: HMAC-SHA-512 over qp-transparent-v1, rebuilt from the spec, verifies; the event names SHA-256(M)", async () => {
  const response = await fetch(`${orgUrl}/api/v1/users/${everyone[2].id}`, { headers: { Authorization: `SSWS ${apiKey}`, Accept: "application/json" } });
  const body = Buffer.from(await response.arrayBuffer());
  const { m, signature } = signedMessage(response.headers, response.status, "get_user", body);
  const expected = createHmac("sha512", hmacKey).update(m).digest();
  assert(timingSafeEqual(expected, Buffer.from(signature.hmac_sha_512, "base64")), "the HMAC does not verify");
  assert(Buffer.from(signature.ml_dsa_65, "base64").length === 3309, "no ML-DSA-65 signature");
  const { events } = await admin("GET", "/api/v2/audit/events?type=proxy.call&limit=200", apiKey);
  const event = events.find((e) => e.event_id === response.headers.get("x-quantaproxy-audit-event"));
  assert(event?.response_digest === createHash("sha256").update(m).digest("hex"), "the event's response_digest is not SHA-256(M)");
  const tampered = Buffer.from(body);
  tampered[tampered.length - 2] ^= 1;
  const forged = signedMessage(response.headers, response.status, "get_user", tampered).m;
  assert(!timingSafeEqual(createHmac("sha512", hmacKey).update(forged).digest(), expected), "a changed body still verifies");
});

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`${mode} mode: ${passed} checks passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
