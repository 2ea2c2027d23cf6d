// Why: one step of the wizard, read and answered by keyboard. Each step is
// <form method="post" action="/diagnosis/answer"> with hidden _csrf and field, controls named
// value (a text box, a <select>, radio buttons or checkboxes) and buttons name=action with the
// values next 「次へ」, dont_know 「わからない」, back 「戻る」 and results 「ここまでの結果を見る」.
// The engine picks the order of questions, so a step is answered by what it asks (its field).

import { chooseOption, chooseRadio, focused, pressAndWait, tabTo, typeInto } from './keyboard.mjs';
import { expect } from './report.mjs';

export const STEP_FORM = 'form[action="/diagnosis/answer"]';

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

/** The step form as the page shows it, or null when the page has none. */
export async function readStep(page) {
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
export function checkStep(step, state) {
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
export async function answer(page, step, state) {
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
export async function goBackAndCheck(page, state) {
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

export async function press(page, action, label) {
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
