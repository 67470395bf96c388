// Differential test: the same random cases evaluated by the official Cedar engine (cedar-wasm) and by
// QuantaProxy.Policy, comparing the decision, the determining policy ids and the erroring policy ids.
//   node differential.mjs --dll <QuantaProxy.Policy.Differential.dll> [--seed N] [--count N] [--case I] [--out DIR]
// --case I regenerates only case I of that seed and prints it with both answers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { Generator } from './generator.mjs';
import { FIXED_CASES } from './fixed-cases.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const here = dirname(fileURLToPath(import.meta.url));
const seed = Number(args.seed ?? 20261203);
const count = Number(args.count ?? 10000);
const outDir = args.out ?? join(here, 'out');
const onlyCase = args.case === undefined ? null : Number(args.case);
if (!args.dll) { console.error('--dll is required'); process.exit(2); }
mkdirSync(outDir, { recursive: true });

// cedar-wasm names policies parsed from text policy0, policy1, … and ignores @id. QuantaProxy.Policy uses @id when
// present, so the policies are split with Cedar's own parser and handed to it under the same ids.
function cedarAnswer(c) {
  const parts = cedar.policySetTextToParts(c.policies);
  if (parts.type !== 'success') return { parsed: false, message: parts.errors.map(e => e.message).join('; ') };
  const byId = {};
  parts.policies.forEach((p, i) => {
    const json = cedar.policyToJson(p);
    const id = json.type === 'success' && json.json.annotations?.id !== undefined ? json.json.annotations.id : `policy${i}`;
    byId[id] = p;
  });
  if (Object.keys(byId).length !== parts.policies.length) return { parsed: false, message: 'duplicate policy id' };
  const answer = cedar.isAuthorized({
    principal: c.principal, action: c.action, resource: c.resource, context: c.context, entities: c.entities,
    policies: { staticPolicies: byId },
  });
  if (answer.type !== 'success') return { parsed: true, inputRejected: true, message: answer.errors.map(e => e.message).join('; ') };
  const d = answer.response;
  return {
    parsed: true, decision: d.decision, determining: [...d.diagnostics.reason].sort(),
    errors: [...new Set(d.diagnostics.errors.map(e => e.policyId))].sort(),
    messages: d.diagnostics.errors.map(e => `${e.policyId}: ${e.error.message}`),
  };
}

function same(a, b) {
  if (a.failure || b.failure) return false;
  if (a.parsed !== b.parsed) return false;
  if (!a.parsed) return true;
  if (a.inputRejected || b.inputRejected) return a.inputRejected === b.inputRejected;
  return a.decision === b.decision && JSON.stringify(a.determining) === JSON.stringify(b.determining) &&
    JSON.stringify(a.errors) === JSON.stringify(b.errors);
}

const gen = new Generator(seed);
const cases = [];
FIXED_CASES.forEach((f, i) => cases.push({ ...f, index: -(i + 1), fixed: f.name }));
for (let i = 0; i < count; i++) {
  const c = gen.case(i);
  if (onlyCase === null || onlyCase === i) cases.push(c);
}
const selected = onlyCase === null ? cases : cases.filter(c => c.index === onlyCase);

const t0 = Date.now();
const expected = new Map(selected.map(c => [c.index, cedarAnswer(c)]));
const tCedar = Date.now() - t0;

const casesFile = join(outDir, 'cases.jsonl');
const resultsFile = join(outDir, 'results.jsonl');
writeFileSync(casesFile, selected.map(c => JSON.stringify({
  index: c.index, policies: c.policies, entities: c.entities, principal: c.principal, action: c.action, resource: c.resource, context: c.context,
})).join('\n') + '\n');
const t1 = Date.now();
const run = spawnSync('dotnet', [args.dll, casesFile, resultsFile], { stdio: ['ignore', 'inherit', 'inherit'] });
const tDotnet = Date.now() - t1;
if (run.status !== 0) { console.log('cedar-differential: 0 passed, 1 failed'); console.error(`dotnet runner exited ${run.status}`); process.exit(1); }
const actual = new Map(readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l)).map(r => {
  if (r.parsed && !r.inputRejected) { r.determining = [...r.determining].sort(); r.errors = [...new Set(r.errors)].sort(); }
  return [r.index, r];
}));

let passed = 0;
const failures = [];
const stats = { parseErrors: 0, inputRejected: 0, allow: 0, deny: 0, withErrors: 0 };
for (const c of selected) {
  const want = expected.get(c.index);
  const got = actual.get(c.index) ?? { parsed: false, failure: 'missing result' };
  let ok = same(want, got);
  if (ok && c.fixed) {
    const docDecision = want.parsed ? want.decision : 'parse-error';
    ok = docDecision === c.expected && (c.expectedErrors === undefined || JSON.stringify(c.expectedErrors) === JSON.stringify(want.errors));
  }
  if (!want.parsed) stats.parseErrors++;
  else if (want.inputRejected) stats.inputRejected++;
  else if (want.decision) { stats[want.decision]++; if (want.errors.length) stats.withErrors++; }
  if (ok) passed++;
  else failures.push({ c, want, got });
}
for (const f of failures.slice(0, onlyCase === null ? 5 : 1)) {
  const where = f.c.fixed ? `fixed case "${f.c.fixed}"` : `seed ${seed} case ${f.c.index} (reproduce: node differential.mjs --dll <dll> --seed ${seed} --case ${f.c.index})`;
  console.log(`DISAGREEMENT in ${where}`);
  console.log(`  policies:\n${f.c.policies.split('\n').map(l => '    ' + l).join('\n')}`);
  console.log(`  request: ${JSON.stringify({ principal: f.c.principal, action: f.c.action, resource: f.c.resource, context: f.c.context })}`);
  console.log(`  cedar-wasm:         ${JSON.stringify(f.want)}`);
  console.log(`  QuantaProxy.Policy: ${JSON.stringify(f.got)}`);
  if (f.c.fixed) console.log(`  documented: ${f.c.expected}${f.c.expectedErrors ? ' errors ' + JSON.stringify(f.c.expectedErrors) : ''}`);
}
if (onlyCase !== null && failures.length === 0) {
  const c = selected[0];
  console.log(c.policies); console.log(JSON.stringify({ principal: c.principal, action: c.action, resource: c.resource, context: c.context, entities: c.entities }));
  console.log('both:', JSON.stringify(expected.get(c.index)));
}
console.error(`cedar-differential: seed ${seed}, ${selected.length} cases (${FIXED_CASES.length} fixed); cedar-wasm ${cedar.getCedarVersion()} ${tCedar} ms, .NET ${tDotnet} ms; ` +
  `cedar outcomes: ${stats.allow} allow, ${stats.deny} deny (${stats.withErrors} with erroring policies), ${stats.parseErrors} parse errors, ${stats.inputRejected} entity sets refused`);
console.log(`cedar-differential: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
