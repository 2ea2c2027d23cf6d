// Why: what every public page type must pass, in one function, so that a page added later gets
// the same treatment: nothing broken while loading, zero axe violations at a phone's and a
// desktop's width, and a full-page screenshot at each.

import * as axe from './axe.mjs';
import { expect } from './report.mjs';
import { WIDTHS, save, setWidth } from './screenshots.mjs';

/**
 * Audits the page already loaded in `page`. `watcher` holds what went wrong while it loaded.
 * Restores the desktop width afterwards, so that a keyboard walk goes on as before.
 * `screenshots: false` for a page too long for one picture (Chromium refuses it).
 */
export async function audit(report, { page, watcher }, slug, label, { screenshots = true } = {}) {
  const problems = watcher.take();
  await report.check(`${label}: loads without errors or outside requests`, async () => {
    expect(problems.length === 0, problems.join('\n'));
  });
  for (const width of WIDTHS) {
    await setWidth(page, width);
    await report.check(`${label}: axe WCAG 2.1 AA at ${width}px`, async () => {
      const found = await axe.violations(page);
      expect(found.length === 0, `${found.length} violation(s) on ${page.url()}\n${axe.describe(found)}`);
    });
    if (!screenshots) continue;
    await report.check(`${label}: screenshot at ${width}px`, async () => {
      const path = await save(page, slug, width);
      console.log(`      ${path}`);
    });
  }
  await setWidth(page, WIDTHS[WIDTHS.length - 1]);
}
