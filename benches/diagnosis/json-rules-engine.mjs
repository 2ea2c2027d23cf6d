// The same catalogue and profiles as madoguchi's diagnosis benchmark, run through
// json-rules-engine (npm, v7) for a side-by-side ratio.
//
// Usage: node benches/diagnosis/json-rules-engine.mjs DIR [--iterations N] [--out FILE]
// Reads DIR/programs.json (benches/diagnosis/generate.py) and DIR/jre-facts.json (written by
// the Rust side, crates/core/examples/diagnosis_bench), so both engines judge the same rules
// and the same businesses.
//
// How the rules are translated, and why it is fair to json-rules-engine:
// - One Engine holds all 10,000 rules (one per program), built once (timed apart); each
//   profile is one `engine.run(facts)`, the typical use. Every rule is evaluated and its
//   RuleResult keeps every condition's result, as madoguchi keeps every node's state.
// - all/any/not map to all/any/not; field and fact conditions to conditions on facts of the
//   same name with the built-in operators (le -> lessThanInclusive, eq -> equal, in -> in, ...).
// - Derived facts (sme, small_business, deemed_large, years_since_founding) are precomputed
//   per profile by madoguchi and given as plain facts; json-rules-engine does not derive them.
// - Containment (a ward within its city and prefecture, a JSIC middle category within its
//   major) is precomputed the same way: the facts `municipality` and `industry` are the lists
//   of codes the business lies within, and `within` / `industry_in` / `purposes contains`
//   become one custom operator `containsAny` (one condition each, as in madoguchi).
// - Manual checks become `manual_checks_confirmed equal true`, given as true.
// - Unknown answers are left out and the engine runs with allowUndefinedFacts: it has no
//   third truth value, so it does less than madoguchi there (no 要確認, no missing answers).
// The cross-check at the end: every program madoguchi settles as 対象 or 条件付きで対象 must
// succeed here, every program it settles as 対象外 must fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Engine } from 'json-rules-engine';

const OPERATORS = {
  eq: 'equal', ne: 'notEqual', lt: 'lessThan', le: 'lessThanInclusive', gt: 'greaterThan',
  ge: 'greaterThanInclusive', in: 'in', not_in: 'notIn',
  within: 'containsAny', industry_in: 'containsAny', contains: 'containsAny',
};

function options(argv) {
  const usage = 'usage: json-rules-engine.mjs DIR [--iterations N] [--out FILE]';
  const parsed = { dir: null, iterations: 5, out: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--iterations') parsed.iterations = Number(argv[++i]);
    else if (argv[i] === '--out') parsed.out = argv[++i];
    else if (!parsed.dir && !argv[i].startsWith('--')) parsed.dir = argv[i];
    else throw new Error(usage);
  }
  if (!parsed.dir || !(parsed.iterations > 0)) throw new Error(usage);
  return parsed;
}

function leaf(fact, op, value) {
  const operator = OPERATORS[op];
  if (!operator) throw new Error(`operator ${op} of ${fact} has no translation`);
  const list = operator === 'containsAny' && !Array.isArray(value) ? [value] : value;
  return { fact, operator, value: list };
}

function condition(node) {
  if (node.all) return { all: node.all.map(condition) };
  if (node.any) return { any: node.any.map(condition) };
  if (node.not) return { not: condition(node.not) };
  if (node.manual !== undefined) return { fact: 'manual_checks_confirmed', operator: 'equal', value: true };
  if (node.fact) return node.op ? leaf(node.fact, node.op, node.value) : leaf(node.fact, 'eq', true);
  if (node.field) return leaf(node.field, node.op, node.value);
  throw new Error(`rule node not translated: ${JSON.stringify(node)}`);
}

function topLevel(rule) {
  const translated = condition(rule);
  return translated.all || translated.any || translated.not ? translated : { all: [translated] };
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1];
  return {
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p50: rank(0.5),
    p99: rank(0.99),
    iterations: sorted.length,
  };
}

function crossCheck(programs, verdicts, succeeded) {
  let mismatches = 0;
  programs.forEach((program, i) => {
    const ok = succeeded.has(program.id);
    const v = verdicts[i];
    if (((v === 'E' || v === 'C') && !ok) || (v === 'I' && ok)) mismatches++;
  });
  return mismatches;
}

async function main() {
  const opts = options(process.argv.slice(2));
  const programs = JSON.parse(readFileSync(`${opts.dir}/programs.json`, 'utf8'));
  const profiles = JSON.parse(readFileSync(`${opts.dir}/jre-facts.json`, 'utf8'));

  const buildStart = performance.now();
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator('containsAny', (fact, value) => Array.isArray(fact) && fact.some((c) => value.includes(c)));
  for (const program of programs) {
    engine.addRule({ name: program.id, conditions: topLevel(program.rule), event: { type: 'eligible' } });
  }
  const buildMs = performance.now() - buildStart;
  console.log(`json-rules-engine ${engineVersion()}, node ${process.version}: ${programs.length} rules added `
    + `in ${buildMs.toFixed(0)} ms; engine.run x${opts.iterations} per profile; times in ms\n`);

  // Lets the JIT settle before anything is timed, as the Rust side warms up.
  for (let i = 0; i < 2; i++) await engine.run(profiles[0].facts);

  console.log(`${'profile'.padEnd(34)} ${'mean'.padStart(8)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'success'.padStart(8)} ${'mismatch'.padStart(8)}`);
  const rows = [];
  for (const profile of profiles) {
    const samples = [];
    let last;
    for (let i = 0; i < opts.iterations; i++) {
      const start = performance.now();
      last = await engine.run(profile.facts);
      samples.push(performance.now() - start);
    }
    const succeeded = new Set(last.results.map((r) => r.name));
    const row = {
      name: profile.name,
      run_ms: summary(samples),
      successes: succeeded.size,
      mismatches: crossCheck(programs, profile.verdicts, succeeded),
    };
    rows.push(row);
    const { mean, p50, p99 } = row.run_ms;
    console.log(`${row.name.padEnd(34 - [...row.name].filter((c) => c > '\u00ff').length)} ${mean.toFixed(1).padStart(8)} `
      + `${p50.toFixed(1).padStart(8)} ${p99.toFixed(1).padStart(8)} ${String(row.successes).padStart(8)} `
      + `${String(row.mismatches).padStart(8)}`);
  }
  const means = rows.map((r) => r.run_ms.mean).sort((a, b) => a - b);
  console.log(`\nover profiles: engine.run mean median ${means[Math.floor(means.length / 2)].toFixed(1)} ms`);
  if (opts.out) {
    writeFileSync(opts.out, JSON.stringify({ version: engineVersion(), node: process.version, build_ms: buildMs, profiles: rows }, null, 1));
  }
  const mismatches = rows.reduce((n, r) => n + r.mismatches, 0);
  if (mismatches > 0) {
    console.error(`${mismatches} verdicts disagree with madoguchi: the translation is wrong somewhere`);
    process.exitCode = 1;
  }
}

function engineVersion() {
  const url = new URL('./node_modules/json-rules-engine/package.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

await main();
