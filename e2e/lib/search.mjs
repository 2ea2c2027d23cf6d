// Why: the top page's search box is the other way in for someone who knows what they want;
// it must work by keyboard alone, and the words typed must find the program they name.

import { pressAndWait, tabTo, typeInto } from './keyboard.mjs';
import { expect } from './report.mjs';

export async function searchFromTop(report, { page }, base) {
  await report.check('keyboard: search 「持続化」 from the top page', async () => {
    await page.goto(new URL('/', base).href);
    await tabTo(page, (f) => f.tag === 'input' && f.name === 'q', 'the search box');
    await typeInto(page, '持続化');
    await pressAndWait(page, 'Enter');
    const url = new URL(page.url());
    expect(url.pathname === '/programs', `the search led to ${url.pathname}`);
    const titles = await page.$$eval('main .program-list h2, main .program-list h3', (hs) =>
      hs.map((h) => h.innerText.trim()),
    );
    expect(
      titles.some((t) => t.includes('持続化')),
      `no program named 持続化 among ${titles.length} results: ${titles.slice(0, 5).join(' / ')}`,
    );
  });
}
