// Why: the one journey the site exists for, done by keyboard only. From the top page a person
// Tabs to 「診断をはじめる」, answers a few questions (typing 日置市 and 12, choosing an industry),
// says 「わからない」 once, goes 「戻る」 once and finds the earlier answer still there, asks for
// 「ここまでの結果を見る」 and must find results that follow from those answers, each
// 「次のいずれかを満たす」 with its alternatives nested under it (those not needed without ✗); then mistypes
// a number, types an amount the Japanese way, and erases everything with 「回答を消去する」.

import { audit } from './audit.mjs';
import { describe, pressAndWait, tab, tabTo, typeInto } from './keyboard.mjs';
import { expect } from './report.mjs';
import { ALTERNATIVES_PATH, checkAlternatives, checkResults } from './results.mjs';
import { STEP_FORM, answer, checkStep, goBackAndCheck, press, readStep } from './wizard.mjs';

const MAX_STEPS = 20;

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
  if (audits) await audit(report, session, 'diagnosis-results', '診断結果');
  await report.check(`${name}: 「次のいずれかを満たす」 nests its alternatives; one not needed shows no ✗`, async () => {
    await page.goto(url(ALTERNATIVES_PATH));
    await checkAlternatives(page);
  });
  if (audits) {
    // Every program, every <details> open: axe sees each nested list and each status. The
    // page is too long for a full-page screenshot; the other results pages have theirs.
    await page.goto(url(`${ALTERNATIVES_PATH}&view=print`));
    await audit(report, session, 'diagnosis-results-all-print', '診断結果（すべて・印刷用）', { screenshots: false });
  }
  await page.goto(url('/diagnosis/results'));
  if (audits) {
    await page.goto(url('/diagnosis/results?view=print'));
    await audit(report, session, 'diagnosis-results-print', '診断結果（印刷用）');
    const refused = await report.check(`${name}: an amount typed wrong is refused in Japanese and kept as typed`, async () => {
      await mistype(page, url);
      state.answered.set('employees (mistyped)', 'たくさん');
    });
    if (refused) await audit(report, session, 'diagnosis-step-error', '診断（入力エラー）');
    await report.check(`${name}: 資本金 typed 「1000万円」 is understood`, async () => {
      await typeAmount(page, url);
      state.answered.set('capital', '1000万円');
    });
    await page.goto(url('/diagnosis/results'));
  }
  const erased = await report.check(`${name}: 回答を消去する by keyboard`, async () => {
    await erase(page);
  });
  if (erased) {
    if (audits) await audit(report, session, 'diagnosis-erased', '回答の消去');
    await report.check(`${name}: after erasing, the results show none of the answers`, async () => {
      await page.goto(url('/diagnosis/results'));
      const text = await mainText(page);
      expect(!text.includes('日置市'), `/diagnosis/results still shows the answers: ${text}`);
    });
  }
  await report.check(`${name}: no answer typed went into a URL`, async () => {
    const typed = [...state.answered.values()].filter((v) => /[^\x00-\x7f]/.test(v));
    expect(typed.length > 0, 'the walk typed no answer to look for');
    const leaks = requested.filter((u) => typed.some((v) => u.includes(v) || u.includes(encodeURIComponent(v))));
    expect(leaks.length === 0, `answers appear in ${leaks.join(', ')}`);
  });
}

/**
 * Opens the employees question again and types words instead of a number: the same question
 * must come back with a Japanese reason tied to the input and the text as typed.
 */
async function mistype(page, url) {
  const step = await retype(page, url, 'employees', 'たくさん');
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

/** An amount typed the Japanese way is taken, and the results say it back in yen. */
async function typeAmount(page, url) {
  const step = await retype(page, url, 'capital', '1000万円');
  expect(!(step?.field === 'capital' && step.error), `「1000万円」 was refused: ${step?.error}`);
  await page.goto(url('/diagnosis/results'));
  const capital = await page.$$eval('main section.answers dl > div', (rows) =>
    rows.map((r) => [r.querySelector('dt')?.innerText ?? '', r.querySelector('dd')?.innerText ?? ''])
      .find(([label]) => label.includes('資本金'))?.[1] ?? '',
  );
  expect(/1,?000万円/.test(capital), `あなたの回答 shows 資本金 as 「${capital}」, expected 1,000万円`);
  console.log(`      資本金: ${capital}`);
}

/**
 * Opens one question by its address, as the results page's 「変更」 links do, types `text` into
 * it and presses Enter (the form's first button, 次へ); returns the step shown next.
 */
async function retype(page, url, field, text) {
  await page.goto(url(`/diagnosis?field=${field}`));
  await tabTo(page, (f) => f.name === 'value', `the input for ${field}`);
  await typeInto(page, text);
  await pressAndWait(page, 'Enter');
  return readStep(page);
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

async function mainText(page) {
  return page.evaluate(() => (document.querySelector('main') ?? document.body).innerText.slice(0, 600));
}
