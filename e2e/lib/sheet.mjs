// Why: from the results page a business must reach the application sheet and the comparison
// with plain checkboxes and submit buttons, and both pages must pass axe like every other page;
// the PDF link must give a PDF.

import { audit } from './audit.mjs';
import { clickAndWait } from './browser.mjs';
import { expect } from './report.mjs';

/** Results → compare the first two programs → back → sheet of the first one (and its PDF). */
export async function journey(report, session, base) {
  const { page, watcher } = session;
  const results = new URL('/diagnosis/results', base).href;
  const tick = async (count) => {
    const boxes = await page.$$('input[type="checkbox"][name="p"]');
    expect(boxes.length >= count, `only ${boxes.length} program(s) to choose on the results page`);
    for (const box of boxes.slice(0, count)) await box.click();
  };
  const h1 = () => page.$eval('main h1', (el) => el.textContent.trim());

  // The keyboard walk ends by erasing its answers: answer the place again, as a form would.
  const answered = await report.check('sheet: the place answered again (日置市)', async () => {
    await page.goto(new URL('/diagnosis?field=municipality', base).href, { waitUntil: 'load' });
    await page.$eval('[name="value"]', (el) => { el.value = '日置市'; });
    await clickAndWait(page, 'button[name="action"][value="next"]');
  });
  if (!answered) return;
  watcher.take();
  await page.goto(results, { waitUntil: 'load' });
  const compared = await report.check('sheet: two programs ticked and compared side by side', async () => {
    await tick(2);
    await clickAndWait(page, 'button[formaction="/diagnosis/compare"]');
    expect((await h1()) === '制度の比較', `the comparison's h1 is 「${await h1()}」`);
    const columns = await page.$$eval('table.compare thead th', (ths) => ths.length);
    expect(columns === 3, `expected 2 program columns, found ${columns - 1}`);
  });
  if (compared) await audit(report, session, 'compare', 'comparison (/diagnosis/compare)');

  watcher.take();
  await page.goto(results, { waitUntil: 'load' });
  const sheet = await report.check('sheet: one program ticked gives a pre-filled sheet', async () => {
    await tick(1);
    await clickAndWait(page, 'form#choose-programs button.primary');
    expect((await h1()) === '申請・相談シート', `the sheet's h1 is 「${await h1()}」`);
    const text = await page.$eval('main', (el) => el.innerText);
    expect(text.includes('日置市'), 'the sheet does not show the place answered');
    expect(text.includes('まだわからないこと'), 'the sheet does not say what is still unknown');
  });
  if (sheet) {
    await audit(report, session, 'sheet', 'application sheet (/diagnosis/sheet)', { screenshots: false });
    await report.check('sheet: the PDF link gives a PDF', async () => {
      const head = await page.evaluate(async () => {
        const href = document.querySelector('a[href^="/diagnosis/sheet.pdf"]').getAttribute('href');
        const response = await fetch(href);
        const bytes = new Uint8Array(await response.arrayBuffer());
        return { type: response.headers.get('content-type'), magic: String.fromCharCode(...bytes.slice(0, 5)) };
      });
      expect(head.type === 'application/pdf' && head.magic === '%PDF-', `got ${head.type} ${head.magic}`);
    });
  }
}
