// Why: program pages carry HTML imported from jGrants and J-Net21, and one record can break
// what the template gets right (a link with no text, a table without headers). The page type
// is audited in full on one program every run; with MADOGUCHI_E2E_ALL_PROGRAMS=1 axe also
// runs on every program page the list links to, at desktop width, without screenshots.

import * as axe from './axe.mjs';
import { expect } from './report.mjs';

export const WANTED = process.env.MADOGUCHI_E2E_ALL_PROGRAMS === '1';

export async function auditEveryProgram(report, { page, watcher }, base) {
  await report.check('every program page: axe WCAG 2.1 AA and no errors', async () => {
    const links = await programLinks(page, base);
    expect(links.length > 0, '/programs links no program page');
    const failures = [];
    for (const href of links) {
      watcher.take();
      await page.goto(new URL(href, base).href);
      const problems = watcher.take();
      const found = await axe.violations(page);
      if (problems.length > 0 || found.length > 0) {
        failures.push(`${href}\n${[...problems.map((p) => `  ${p}`), axe.describe(found)].filter(Boolean).join('\n')}`);
      }
    }
    console.log(`      ${links.length} program pages audited`);
    expect(failures.length === 0, `${failures.length} of ${links.length} program pages fail:\n${failures.join('\n')}`);
  });
}

/** Every program page the list links to, page by page. */
async function programLinks(page, base) {
  const links = [];
  for (let n = 1; ; n += 1) {
    await page.goto(new URL(`/programs?status=all&page=${n}`, base).href);
    const found = await page.$$eval('main .program-list a[href^="/programs/"]', (as) =>
      as.map((a) => a.getAttribute('href')),
    );
    const fresh = found.filter((href) => !links.includes(href));
    if (fresh.length === 0) return links;
    links.push(...fresh);
  }
}
