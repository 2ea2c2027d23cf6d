// Why: the one journey the site exists for, done by keyboard only. From the top page a person
// Tabs to 「診断をはじめる」, answers a few questions (typing 日置市 and 12, choosing an industry),
// says 「わからない」 once, goes 「戻る」 once and finds the earlier answer still there, then asks
// for 「ここまでの結果を見る」 and must find results that follow from those answers.
//
// The wizard's form, as specified: each step is <form method="post" action="/diagnosis/answer">
// with hidden _csrf and field, inputs named value, and buttons name=action with values next,
// dont_know, back and results. The engine picks the order of questions, so each step is
// answered by what it asks (its field), not by its position.

import { audit } from './audit.mjs';
import { chooseOption, chooseRadio, describe, focused, pressAndWait, tab, tabTo, typeInto } from './keyboard.mjs';
import { expect } from './report.mjs';

const STEP_FORM = 'form[action="/diagnosis/answer"]';
const MAX_STEPS = 20;

/** Typed answers by field; text the person types the way they talk. */
const TYPED = {
  municipality: '日置市',
  employees: '12',
  capital: '1000万円',
  sales: '5000万円',
  minimum_wage: '1000円',
  founded: '2019年4月1日',
};

/** Which option a person picks, by field, for choices; the first option otherwise. */
const CHOSEN = {
  industry: [/食料品製造業/, /製造業/],
  org_form: [/株式会社/],
  purposes: [/設備|IT/],
  tax_arrears: [/いいえ|ない/],
};

/** The fields the walk must have answered before it goes back and says 「わからない」. */
const REQUIRED = ['municipality', 'industry', 'employees'];

/** The first Tab on the top page must offer 本文へ移動, visibly. */
export async function skipLink(report, { page }, base) {
  await report.check('keyboard: the first Tab on the top page reaches the skip link', async () => {
    await page.goto(new URL('/', base).href);
    const f = await tab(page);
    expect(f?.tag === 'a' && f.href === '#main', `the first Tab reached ${describe(f)}`);
  });
}

/**
 * Walks the diagnosis in `session`, a fresh browser context. `audits` runs axe and takes
 * screenshots of the question and results pages; `name` tells two walks apart in the report.
 */
export async function walk(report, session, base, { name, audits }) {
  const { page } = session;
  const url = (path) => new URL(path, base).href;
  const state = { answered: new Map(), history: [], wentBack: false, saidDontKnow: null };
  const requested = [];
  page.on('request', (request) => requested.push(request.url()));

  await page.goto(url('/'));
  const started = await report.check(`${name}: Tab to 「診断をはじめる」 and Enter opens the first question`, async () => {
    await tabTo(page, (f) => f.tag === 'a' && f.text.includes('診断をはじめる'), 'the link 「診断をはじめる」');
    await pressAndWait(page);
    const step = await readStep(page);
    expect(step, `Enter on 「診断をはじめる」 led to ${page.url()}, which has no ${STEP_FORM}`);
  });
  if (!started) return;
  if (audits) await audit(report, session, 'diagnosis-step', '診断（質問）');

  const reachedResults = await report.check(`${name}: answer, わからない, 戻る, then ここまでの結果を見る`, async () => {
    for (let n = 0; n < MAX_STEPS; n += 1) {
      const step = await readStep(page);
      expect(step, `expected a question at ${page.url()}, found: ${await mainText(page)}`);
      checkStep(step, state);
      console.log(`      step ${n + 1}: ${step.field} 「${step.question}」`);
      if (REQUIRED.every((f) => state.answered.has(f)) && !state.wentBack) {
        await goBackAndCheck(page, state);
      } else if (state.wentBack && !state.saidDontKnow) {
        state.saidDontKnow = step.field;
        state.history.push(step.field);
        await press(page, 'dont_know', 'わからない');
      } else if (state.saidDontKnow) {
        await press(page, 'results', 'ここまでの結果を見る');
        return;
      } else {
        await answer(page, step, state);
      }
    }
    throw new Error(`still asking after ${MAX_STEPS} steps; answered ${[...state.answered.keys()].join(', ')}`);
  });
  if (!reachedResults) return;

  await report.check(`${name}: the results page says what follows from the answers`, async () => {
    await checkResults(page, state);
  });
  await report.check(`${name}: no answer typed went into a URL`, async () => {
    const typed = [...state.answered.values()].filter((v) => /[^\x00-\x7f]/.test(v));
    expect(typed.length > 0, 'the walk typed no answer to look for');
    const leaks = requested.filter((u) => typed.some((v) => u.includes(v) || u.includes(encodeURIComponent(v))));
    expect(leaks.length === 0, `answers appear in ${leaks.join(', ')}`);
  });
  if (audits) await audit(report, session, 'diagnosis-results', '診断結果');
  if (audits) {
    await page.goto(url('/diagnosis/results?view=print'));
    await audit(report, session, 'diagnosis-results-print', '診断結果（印刷用）');
    const refused = await report.check(`${name}: an amount typed wrong is refused in Japanese and kept as typed`, async () => {
      await mistype(page, url);
    });
    if (refused) await audit(report, session, 'diagnosis-step-error', '診断（入力エラー）');
    await page.goto(url('/diagnosis/results'));
  }
  const erased = await report.check(`${name}: 回答を消去する by keyboard`, async () => {
    await erase(page);
  });
  if (!erased) return;
  if (audits) await audit(report, session, 'diagnosis-erased', '回答の消去');
  await report.check(`${name}: after erasing, the results show none of the answers`, async () => {
    await page.goto(url('/diagnosis/results'));
    const text = await mainText(page);
    expect(!text.includes('日置市'), `/diagnosis/results still shows the answers: ${text}`);
  });
}

/** The step form as the page shows it, or null when the page has none. */
async function readStep(page) {
  return page.evaluate((selector) => {
    const form = document.querySelector(selector);
    if (!form) return null;
    const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
    const controls = [...form.querySelectorAll('[name="value"]')].map((el) => ({
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type') ?? '',
      value: el.value,
      checked: Boolean(el.checked),
      label: text([...(el.labels ?? [])].map((l) => l.innerText).join(' ')),
      selected: el.tagName === 'SELECT' ? text(el.options[el.selectedIndex]?.text) : '',
      options: el.tagName === 'SELECT' ? [...el.options].filter((o) => o.value).map((o) => text(o.text)) : [],
    }));
    const legend = form.querySelector('legend') ?? form.querySelector('label') ?? document.querySelector('h1');
    return {
      field: form.querySelector('input[type="hidden"][name="field"]')?.value ?? '',
      csrf: Boolean(form.querySelector('input[type="hidden"][name="_csrf"]')?.value),
      actions: [...form.querySelectorAll('button[name="action"]')].map((b) => b.value),
      error: text(form.querySelector('.error')?.innerText),
      question: text(legend?.innerText),
      controls,
    };
  }, STEP_FORM);
}

/** What every step must offer, and that the engine does not ask again what was answered. */
function checkStep(step, state) {
  expect(step.csrf, `the step for ${step.field} has no _csrf token`);
  expect(step.field, 'the step form has no hidden field name');
  expect(!step.error, `the step for ${step.field} shows an error: ${step.error}`);
  for (const action of ['next', 'dont_know', 'results']) {
    expect(step.actions.includes(action), `the step for ${step.field} has no ${action} button (has ${step.actions})`);
  }
  if (state.history.length > 0) {
    expect(step.actions.includes('back'), `the step for ${step.field} has no 戻る button`);
  }
  const last = state.history[state.history.length - 1];
  expect(
    step.field !== last,
    `${step.field} was asked again right after it was answered`,
  );
}

/** Answers the step through its controls, by keyboard, and goes on with 次へ. */
async function answer(page, step, state) {
  const kind = controlKind(step);
  if (kind === 'text') {
    const typed = TYPED[step.field];
    if (!typed) {
      // A question the walk has no answer for is one a person would skip.
      state.history.push(step.field);
      return press(page, 'dont_know', 'わからない');
    }
    await tabTo(page, (f) => f.name === 'value', `the input for ${step.field}`);
    await typeInto(page, typed);
    state.answered.set(step.field, typed);
    state.history.push(step.field);
    if (step.field === 'municipality') {
      // Enter in a text box submits with the form's first button: that must be 次へ.
      return pressAndWait(page, 'Enter');
    }
  } else if (kind === 'select') {
    const wanted = prefer(CHOSEN[step.field], step.controls[0].options, step.field);
    await tabTo(page, (f) => f.tag === 'select' && f.name === 'value', `the list for ${step.field}`);
    const chosen = await chooseOption(page, (text) => text === wanted, wanted);
    state.answered.set(step.field, chosen);
    state.history.push(step.field);
  } else if (kind === 'radio') {
    const wanted = prefer(CHOSEN[step.field], step.controls.map((c) => c.label), step.field);
    await tabTo(page, (f) => f.type === 'radio' && f.name === 'value', `the choices for ${step.field}`);
    const chosen = await chooseRadio(page, (f) => f.label === wanted, wanted);
    state.answered.set(step.field, chosen);
    state.history.push(step.field);
  } else if (kind === 'checkbox') {
    const wanted = prefer(CHOSEN[step.field], step.controls.map((c) => c.label), step.field);
    await tabTo(page, (f) => f.type === 'checkbox' && f.name === 'value' && f.label === wanted, `the checkbox 「${wanted}」`);
    await page.keyboard.press('Space');
    const now = await focused(page);
    expect(now.checked, `Space did not tick 「${wanted}」`);
    state.answered.set(step.field, wanted);
    state.history.push(step.field);
  } else {
    throw new Error(`the step for ${step.field} has no control named value: ${JSON.stringify(step.controls)}`);
  }
  return press(page, 'next', '次へ');
}

/** 「戻る」 from the current step must show the step answered last, with its answer still in it. */
async function goBackAndCheck(page, state) {
  const previous = state.history[state.history.length - 1];
  await press(page, 'back', '戻る');
  const step = await readStep(page);
  expect(step?.field === previous, `戻る led to ${step?.field ?? page.url()}, expected ${previous}`);
  const kept = state.answered.get(previous);
  const shown = step.controls
    .map((c) => (c.tag === 'select' ? c.selected : c.type === 'radio' || c.type === 'checkbox' ? (c.checked ? c.value : '') : c.value))
    .filter(Boolean);
  if (kept !== undefined && controlKind(step) !== 'radio' && controlKind(step) !== 'checkbox') {
    expect(shown.includes(kept), `after 戻る, ${previous} shows 「${shown.join('、')}」 instead of 「${kept}」`);
  } else {
    expect(shown.length > 0, `after 戻る, ${previous} no longer shows the answer 「${kept}」`);
  }
  console.log(`      戻る kept ${previous} = 「${shown.join('、')}」`);
  state.wentBack = true;
  // 次へ with the answer as it stands: nothing retyped.
  await press(page, 'next', '次へ');
}

async function press(page, action, label) {
  await tabTo(
    page,
    (f) => f.tag === 'button' && f.name === 'action' && f.value === action,
    `the button 「${label}」`,
  );
  const f = await focused(page);
  expect(f.text.includes(label), `the ${action} button reads 「${f.text}」, expected 「${label}」`);
  const response = await pressAndWait(page, 'Enter');
  expect(response && response.status() < 400, `「${label}」 answered ${response?.status()} at ${page.url()}`);
}

/**
 * The results must follow from the answers: the answers shown back (日置市, 12 人, one
 * わからない), a 日置市 program that is not 対象外 with its location condition ✓, and each
 * verdict group's programs marked as the group says (a ✗ for every 対象外, none elsewhere).
 */
async function checkResults(page, state) {
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

/**
 * Opens the employees question again and types words instead of a number: the same question
 * must come back with a Japanese reason tied to the input and the text as typed.
 */
async function mistype(page, url) {
  await page.goto(url('/diagnosis?field=employees'));
  await tabTo(page, (f) => f.name === 'value', 'the input for employees');
  await typeInto(page, 'たくさん');
  await pressAndWait(page, 'Enter');
  const step = await readStep(page);
  expect(step?.field === 'employees', `after a wrong number, the page shows ${step?.field ?? page.url()}`);
  expect(/[ぁ-んァ-ン一-龥]/.test(step.error), `no Japanese reason beside the input: 「${step.error}」`);
  expect(step.controls[0]?.value === 'たくさん', `the text typed is gone: 「${step.controls[0]?.value}」`);
  const tied = await page.$eval('[name="value"]', (el) => ({
    invalid: el.getAttribute('aria-invalid'),
    described: (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.innerText ?? '')
      .join(' '),
  }));
  expect(tied.invalid === 'true', 'the input is not marked aria-invalid');
  expect(tied.described.includes(step.error), 'the reason is not tied to the input by aria-describedby');
  console.log(`      refused: ${step.error}`);
}

/** 「回答を消去する」 by keyboard, and the page that says the answers are gone. */
async function erase(page) {
  // The button ends a long page: from its top, Shift+Tab wraps round to the end.
  await tabTo(page, (f) => f.tag === 'button' && f.text === '回答を消去する', 'the button 「回答を消去する」', {
    back: true,
  });
  await pressAndWait(page, 'Enter');
  const h1 = await page.$eval('main h1', (h) => h.innerText.trim());
  expect(h1 === '回答を消去しました', `回答を消去する led to 「${h1}」 at ${page.url()}`);
}

function controlKind(step) {
  const first = step.controls[0];
  if (!first) return 'none';
  if (first.tag === 'select') return 'select';
  if (first.type === 'radio' || first.type === 'checkbox') return first.type;
  return 'text';
}

/** The first offered text that fits the earliest of `patterns`; the first offered without patterns. */
function prefer(patterns = [], offered, field) {
  expect(offered.length > 0 && offered.every(Boolean), `the choices for ${field} have no labels: ${offered.join(' / ')}`);
  if (patterns.length === 0) return offered[0];
  for (const pattern of patterns) {
    const hit = offered.find((text) => pattern.test(text));
    if (hit) return hit;
  }
  throw new Error(`none of the choices for ${field} fits ${patterns.join(' or ')}: ${offered.join(' / ')}`);
}

async function mainText(page) {
  return page.evaluate(() => (document.querySelector('main') ?? document.body).innerText.slice(0, 600));
}
