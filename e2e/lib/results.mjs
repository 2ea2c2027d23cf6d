// Why: the results page must say what follows from the answers given, not merely exist: the
// answers shown back, a program of the business's own city offered with its location ✓, and
// every program marked ✓ / ✗ / ？ as its verdict group says.

import { expect } from './report.mjs';

/**
 * The results must follow from the answers: the answers shown back (日置市, 12 人, one
 * わからない), a 日置市 program that is not 対象外 with its location condition ✓, and each
 * verdict group's programs marked as the group says (a ✗ for every 対象外, none elsewhere).
 */
export async function checkResults(page, state) {
  const path = new URL(page.url()).pathname;
  expect(path === '/diagnosis/results', `ここまでの結果を見る led to ${path}`);
  const seen = await page.evaluate(() => {
    const text = (el) => (el?.innerText ?? '').replace(/\s+/g, ' ').trim();
    const main = document.querySelector('main');
    const pairs = (root) =>
      [...(root?.querySelectorAll('dl > div') ?? [])].map((d) => [text(d.querySelector('dt')), text(d.querySelector('dd'))]);
    return {
      h1: text(main.querySelector('h1')),
      answers: pairs(main.querySelector('section.answers')),
      groups: [...main.querySelectorAll('section.verdict-group')].map((section) => ({
        verdict: [...section.classList].find((c) => c.startsWith('verdict-') && c !== 'verdict-group')?.slice(8),
        heading: text(section.querySelector('h2')),
        programs: [...section.querySelectorAll('li.program-card')].map((card) => ({
          title: text(card.querySelector('h3')),
          link: card.querySelector('h3 a')?.getAttribute('href') ?? '',
          issuer: Object.fromEntries(pairs(card.querySelector('dl.meta')))['発行元'] ?? '',
          // Top-level conditions decide the verdict; nested ones explain an 「いずれか」.
          // textContent: the conditions of 対象外 sit in a closed <details>, where innerText is empty.
          marks: [...card.querySelectorAll('li.condition.depth-0 > .mark')].map((m) => m.textContent.trim()),
        })),
      })),
    };
  });
  expect(seen.h1 === '診断結果', `the results page's h1 is 「${seen.h1}」`);
  const summary = seen.groups.map((g) => `${g.heading}`).join(' / ');
  console.log(`      verdict groups: ${summary}`);
  expect(seen.groups.length >= 2, `expected the verdict groups as h2 sections, found ${summary || 'none'}`);

  const answer = (pattern) => seen.answers.find(([label]) => pattern.test(label))?.[1] ?? '';
  const shownAnswers = seen.answers.map(([l, v]) => `${l}=${v}`).join('; ');
  expect(answer(/所在地|事業所/).includes('日置市'), `あなたの回答 does not show 日置市: ${shownAnswers}`);
  expect(/(^|\D)12(\D|$)/.test(answer(/従業員/)), `あなたの回答 does not show 12 employees: ${shownAnswers}`);
  expect(
    seen.answers.some(([, v]) => v.includes('わからない')),
    `あなたの回答 does not show the question answered わからない (${state.saidDontKnow}): ${shownAnswers}`,
  );

  const all = seen.groups.flatMap((g) => g.programs.map((p) => ({ ...p, verdict: g.verdict })));
  expect(all.length > 0 && all.every((p) => p.link.startsWith('/programs/')), 'the results link no program page');
  const local = all.filter((p) => p.issuer.includes('日置市'));
  expect(local.length > 0, 'no program of 日置市 is listed although the business is in 日置市');
  expect(
    local.some((p) => p.verdict !== 'ineligible' && p.marks.includes('✓')),
    `no 日置市 program is offered with a ✓ condition: ${local.map((p) => `${p.title} (${p.verdict} ${p.marks.join('')})`).join(', ')}`,
  );

  const wrong = [];
  for (const p of all.filter((p) => p.marks.length > 0)) {
    const has = (mark) => p.marks.includes(mark);
    const fits = {
      eligible: p.marks.every((m) => m === '✓'),
      conditional: !has('✗') && has('？'),
      needs_info: !has('✗') && has('？'),
      ineligible: has('✗'),
    }[p.verdict];
    if (fits === false) wrong.push(`${p.title} is ${p.verdict} but marked ${p.marks.join('')}`);
    if (fits === undefined) wrong.push(`${p.title} is in an unknown group ${p.verdict}`);
  }
  expect(wrong.length === 0, `conditions disagree with their group:\n${wrong.join('\n')}`);
  const marks = new Set(all.flatMap((p) => p.marks));
  expect(marks.has('✓') && marks.has('？') && marks.has('✗'), `expected ✓, ？ and ✗ among the conditions, found ${[...marks].join(' ')}`);
}
