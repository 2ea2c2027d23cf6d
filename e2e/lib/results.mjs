// Why: the results page must say what follows from the answers given, not merely exist: the
// answers shown back, a program of the business's own city offered with its location ✓, and
// every program marked ✓ / ✗ / ？ as its verdict group says; and the conditions as the tree they
// are, an 「いずれか」's alternatives nested in its <li>, those not needed marked － rather than ✗.

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

/** The alternatives check runs over every program, whatever its application window. */
export const ALTERNATIVES_PATH = '/diagnosis/results?window=all';

/**
 * 「次のいずれかを満たす」 reads as the tree it is: on the results page now loaded, every such
 * condition holds its alternatives in a list nested in its own <li> (not indented by CSS alone),
 * and an alternative not needed because a sibling is met shows no ✗, says so in words, and sits
 * under a ✓. Which programs have one is found at run time (the catalogue changes), but there
 * must be at least one of each: else the check would prove nothing.
 */
export async function checkAlternatives(page) {
  const found = await page.evaluate(() => {
    const squash = (s) => s.replace(/\s+/g, ' ').trim();
    // The <li>'s own words, without its nested lists; textContent, as 対象外 sits in a closed <details>.
    const own = (li) =>
      squash([...li.childNodes].filter((n) => !(n.nodeType === 1 && /^(UL|OL)$/.test(n.tagName))).map((n) => n.textContent).join(''));
    const mark = (li) => li.querySelector(':scope > .mark')?.textContent.trim() ?? '';
    const title = (li) => squash(li.closest('li.program-card')?.querySelector('h3')?.textContent ?? '');
    const anyNodes = [...document.querySelectorAll('main li.condition')].filter((li) => own(li).includes('次のいずれかを満たす'));
    return {
      anyNodes: anyNodes.map((li) => {
        const nested = li.querySelector(':scope > ul, :scope > ol');
        return {
          program: title(li),
          mark: mark(li),
          nested: nested?.tagName ?? null,
          alternatives: nested ? [...nested.children].filter((c) => c.tagName === 'LI').map(own) : [],
        };
      }),
      notNeeded: [...document.querySelectorAll('main li.condition.not-needed')].map((li) => {
        const parent = li.parentElement?.closest('li.condition');
        return {
          program: title(li),
          text: own(li),
          mark: mark(li),
          // A not-needed alternative's parent is its any (✓), or a not-needed group above it.
          parentMark: parent ? mark(parent) : '',
          parentNotNeeded: parent?.classList.contains('not-needed') ?? false,
          crossesBelow: [...li.querySelectorAll('li.condition > .mark')].filter((m) => m.textContent.includes('✗')).length,
        };
      }),
    };
  });
  const { anyNodes, notNeeded } = found;
  expect(anyNodes.length > 0, 'no 「次のいずれかを満たす」 among the conditions of any program');
  const flat = anyNodes.filter((n) => !n.nested || n.alternatives.length === 0);
  expect(
    flat.length === 0,
    `「次のいずれかを満たす」 without its alternatives in a nested list: ${flat.map((n) => n.program).join(', ')}`,
  );
  console.log(`      次のいずれかを満たす: ${anyNodes.length} in ${new Set(anyNodes.map((n) => n.program)).size} programs, e.g. ${anyNodes[0].program}: ${anyNodes[0].alternatives.join(' / ')}`);
  expect(notNeeded.length > 0, 'no alternative is shown as not needed, although some 「いずれか」 is met by another alternative');
  const wrong = notNeeded.filter(
    (n) =>
      n.mark === '✗' ||
      n.crossesBelow > 0 ||
      !n.text.includes('不要') ||
      !(n.parentNotNeeded || (n.parentMark === '✓')),
  );
  expect(
    wrong.length === 0,
    `alternatives not needed but shown otherwise:\n${wrong.map((n) => `${n.program}: ${n.mark} ${n.text} (under ${n.parentMark})`).join('\n')}`,
  );
  console.log(`      not needed: ${notNeeded.length}, e.g. ${notNeeded[0].program}: ${notNeeded[0].mark} ${notNeeded[0].text}`);
}
