// Why: a person who cannot use a mouse must be able to do everything. These helpers move only
// with page.keyboard (Tab, Shift+Tab, Enter, Space, arrows, typing); the page's DOM is read to
// know where the focus is and what it shows, never to click or to move the focus by script.

import { expect } from './report.mjs';

/** What the focused element is, as a person would perceive it. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type') ?? '',
      name: el.getAttribute('name') ?? '',
      value: 'value' in el ? String(el.value) : '',
      checked: Boolean(el.checked),
      href: el.getAttribute('href') ?? '',
      text: text(el.innerText ?? el.textContent),
      label: text([...(el.labels ?? [])].map((l) => l.innerText).join(' ')),
      // WCAG 2.4.7: a keyboard user must see where the focus is.
      focusVisible:
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
        style.boxShadow !== 'none',
      onScreen: rect.width > 0 && rect.height > 0,
    };
  });
}

export function describe(f) {
  if (!f) return '(nothing)';
  const attrs = [f.type && `type=${f.type}`, f.name && `name=${f.name}`, f.href && `href=${f.href}`]
    .filter(Boolean)
    .join(' ');
  const shown = f.label || f.text || f.value;
  return `<${f.tag}${attrs ? ' ' + attrs : ''}>${shown ? `「${shown.slice(0, 30)}」` : ''}`;
}

export async function tab(page, { back = false } = {}) {
  if (back) await page.keyboard.down('Shift');
  await page.keyboard.press('Tab');
  if (back) await page.keyboard.up('Shift');
  const f = await focused(page);
  expect(
    !f || (f.focusVisible && f.onScreen),
    `the keyboard focus is on ${describe(f)} but cannot be seen (no outline or box-shadow, or no size)`,
  );
  return f;
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches, starting with the current one.
 * Fails with every element passed on the way, so a missing or unreachable control is obvious.
 */
export async function tabTo(page, matches, what, { back = false, max = 80 } = {}) {
  const current = await focused(page);
  if (current && matches(current)) return current;
  const passed = [];
  for (let i = 0; i < max; i += 1) {
    const f = await tab(page, { back });
    if (f && matches(f)) return f;
    passed.push(describe(f));
  }
  throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${what}; passed ${passed.join(' → ')}`);
}

/** Presses `key` on the focused element and waits for the page it leads to. */
export async function pressAndWait(page, key = 'Enter') {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
  return response;
}

/** Replaces the text of the focused input by typing, as a person would (select all, type). */
export async function typeInto(page, text) {
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  const f = await focused(page);
  expect(f?.value === text, `typed 「${text}」 but ${describe(f)} holds 「${f?.value}」`);
}

/** Moves the focused <select> to the first option whose text matches, with arrow keys. */
export async function chooseOption(page, matches, what) {
  const state = () =>
    page.evaluate(() => {
      const s = document.activeElement;
      return { index: s.selectedIndex, options: [...s.options].map((o) => o.text.replace(/\s+/g, ' ').trim()) };
    });
  let { index, options } = await state();
  const target = options.findIndex(matches);
  expect(target >= 0, `no option for ${what} among ${options.join(' / ')}`);
  for (let i = 0; i <= options.length && index !== target; i += 1) {
    await page.keyboard.press(target > index ? 'ArrowDown' : 'ArrowUp');
    ({ index } = await state());
  }
  expect(index === target, `arrow keys stopped at 「${options[index]}」 before reaching 「${options[target]}」`);
  return options[target];
}

/** Selects the radio whose label matches in the focused radio group, with Space and ArrowDown. */
export async function chooseRadio(page, matches, what) {
  const seen = [];
  for (let i = 0; i < 40; i += 1) {
    const f = await focused(page);
    expect(f?.type === 'radio', `expected a radio button in focus for ${what}, found ${describe(f)}`);
    if (matches(f)) {
      if (!f.checked) await page.keyboard.press('Space');
      const now = await focused(page);
      expect(now.checked, `Space did not select 「${now.label}」`);
      return now.label;
    }
    if (seen.includes(f.value)) break;
    seen.push(f.value);
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no radio button for ${what}; the group offers ${seen.join(' / ')}`);
}
