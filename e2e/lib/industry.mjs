// Why: the industry question takes the owner's own words. With scripts on, the box is a
// combobox (WAI-ARIA APG, list autocomplete): typing 「ラーメン屋」 opens a listbox of proposals,
// ArrowDown marks the first one active (aria-activedescendant, aria-selected), Enter chooses it
// and the full list below follows; Escape closes. With scripts off, Enter in the box shows the
// proposals as radio buttons on the server. Both by keyboard only; axe on the open listbox
// and on the server's proposals (axe needs scripts, so that page is audited with them on).

import { audit } from './audit.mjs';
import { pressAndWait, tabTo, typeInto } from './keyboard.mjs';
import { expect } from './report.mjs';

const BOX = '#describe';

/** The combobox's ARIA state and the list's chosen value, as assistive technology sees it. */
async function comboState(page) {
  return page.evaluate((selector) => {
    const box = document.querySelector(selector);
    const list = document.getElementById(box?.getAttribute('aria-controls') ?? '');
    const active = box?.getAttribute('aria-activedescendant');
    return {
      role: box?.getAttribute('role'),
      expanded: box?.getAttribute('aria-expanded'),
      active,
      activeSelected: active ? document.getElementById(active)?.getAttribute('aria-selected') : null,
      activeText: active ? document.getElementById(active)?.innerText : null,
      listVisible: Boolean(list && !list.hidden && list.getBoundingClientRect().height > 0),
      options: list ? [...list.querySelectorAll('[role="option"]')].map((o) => o.innerText) : [],
      chosen: document.getElementById('answer')?.value,
      status: document.querySelector('.finder-status')?.innerText ?? '',
    };
  }, BOX);
}

/** The combobox by keyboard, in a session with scripts on. */
export async function combobox(report, session, base) {
  const { page } = session;
  const url = (path) => new URL(path, base).href;
  await report.check('industry: typing 「ラーメン屋」 opens a listbox of proposals', async () => {
    await page.goto(url('/diagnosis?field=industry'), { waitUntil: 'load' });
    await tabTo(page, (f) => f.name === 'describe', 'the industry finder box');
    await typeInto(page, 'ラーメン屋');
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.getAttribute('aria-expanded') === 'true',
      { timeout: 10000 },
      BOX,
    );
    const s = await comboState(page);
    expect(s.role === 'combobox', `the box has role ${s.role}`);
    expect(s.listVisible && s.options.length > 0, `no visible options: ${JSON.stringify(s)}`);
    expect(s.options[0].includes('飲食店（76）'), `the first proposal is 「${s.options[0]}」`);
  });
  await audit(report, session, 'diagnosis-industry-combobox', '診断（業種をことばで探す）');
  await report.check('industry: ArrowDown marks a proposal active, Enter chooses it', async () => {
    await tabTo(page, (f) => f.name === 'describe', 'the industry finder box', { back: true });
    await page.keyboard.press('ArrowDown');
    const moved = await comboState(page);
    expect(moved.active && moved.activeSelected === 'true', `ArrowDown left ${JSON.stringify(moved)}`);
    await page.keyboard.press('Enter');
    const chosen = await comboState(page);
    expect(chosen.chosen === '76', `the list holds 「${chosen.chosen}」 after Enter`);
    expect(chosen.expanded === 'false' && !chosen.listVisible, `the listbox stayed open: ${JSON.stringify(chosen)}`);
    expect(chosen.status.includes('選びました'), `the status says 「${chosen.status}」`);
    expect(new URL(page.url()).pathname === '/diagnosis', `Enter on a proposal left the page for ${page.url()}`);
  });
  await report.check('industry: Escape closes the listbox, a second Escape clears the box', async () => {
    await typeInto(page, '美容室');
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.getAttribute('aria-expanded') === 'true',
      { timeout: 10000 },
      BOX,
    );
    await page.keyboard.press('Escape');
    const closed = await comboState(page);
    expect(closed.expanded === 'false' && !closed.listVisible, `Escape left ${JSON.stringify(closed)}`);
    await page.keyboard.press('Escape');
    const cleared = await page.$eval(BOX, (box) => box.value);
    expect(cleared === '', `the box still holds 「${cleared}」`);
  });
  // The server's answer to 「業種を探す」 is the same page with and without scripts; axe needs
  // scripts, so it is audited here.
  const searched = await report.check('industry: 「業種を探す」 shows the proposals as choices', async () => {
    await typeInto(page, 'パン屋');
    await tabTo(page, (f) => f.tag === 'button' && f.value === 'find_industry', 'the button 「業種を探す」');
    await pressAndWait(page, 'Enter');
    const radios = await page.$$eval('input[type="radio"][name="value"]', (rs) => rs.map((r) => r.value));
    expect(radios.includes('58') && radios.includes('09'), `the follow-up answers lead to ${radios.join(', ')}`);
  });
  if (searched) await audit(report, session, 'diagnosis-industry-proposals', '診断（業種の候補）');
}

/** The same step with scripts off: Enter in the box asks the server, proposals come as radios. */
export async function plainSearch(report, session, base) {
  const { page } = session;
  await report.check('industry, no JavaScript: Enter in the box shows proposals as choices', async () => {
    await page.goto(new URL('/diagnosis?field=industry', base).href, { waitUntil: 'load' });
    await tabTo(page, (f) => f.name === 'describe', 'the industry finder box');
    await typeInto(page, 'ネットで服を売っている');
    await pressAndWait(page, 'Enter');
    const radios = await page.$$eval('input[type="radio"][name="value"]', (rs) => rs.map((r) => r.value));
    expect(radios[0] === '61', `the first proposal is ${radios[0]} (all: ${radios.join(', ')})`);
    const typed = await page.$eval(BOX, (box) => box.value);
    expect(typed === 'ネットで服を売っている', `the box holds 「${typed}」 after the search`);
  });
}
