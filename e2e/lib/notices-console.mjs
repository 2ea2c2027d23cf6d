// Why: the console's notice pages (the figures of every notice, one notice's breakdown, the
// dead letters and the page where staff write a notice to a segment) in a real browser, so that axe (WCAG 2.1 AA) checks them at a phone's and a
// desktop's width like every other console page. Which figures they show is checked by
// crates/web/tests/console_notices.rs; here it is only that a person can read them.

import { audit } from './audit.mjs';
import { openPage } from './browser.mjs';
import { expect } from './report.mjs';

/** Signs in with the console account and audits the notice pages. */
export async function auditNoticePages(report, browser, base, { login, password }) {
  const session = await openPage(browser, base);
  const { page } = session;
  const visit = async (path, slug, label) => {
    session.watcher.take();
    const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
    const ok = await report.check(`console ${label}: ${path} answers 200`, async () => {
      expect(response?.status() === 200, `${path} answered ${response?.status()}`);
      expect((await page.$('table caption, main h1')) !== null, `${path} has no heading`);
    });
    if (ok) await audit(report, session, `console-${slug}`, `console ${label}`);
    return ok;
  };

  const signedIn = await report.check('console お知らせ: signs in', async () => {
    await page.goto(new URL('/console/login', base).href, { waitUntil: 'load' });
    await page.type('#login', login);
    await page.type('#password', password);
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('form[action="/console/login"] button[type="submit"]'),
    ]);
    expect(new URL(page.url()).pathname === '/console', `signing in led to ${page.url()}`);
  });
  if (!signedIn) return;

  if (await visit('/console/notices', 'notices', 'お知らせの配信状況')) {
    // A notice's own page, when the run has made one.
    const first = await page.$eval('main table a[href^="/console/notices/"]', (a) => a.getAttribute('href')).catch(() => null);
    if (first) await visit(first, 'notice', 'お知らせの結果');
    else console.log('e2e: no notice yet, its figures page is not audited');
  }
  await visit('/console/notices/dead', 'notices-dead', '送信できなかったお知らせ');
  // The compose page: the notice's words, the segment (the rule builder's form or search
  // words), the channel and the schedule. What it sends is crates/web/tests/console_notice_compose.rs's.
  await visit('/console/notices/new', 'notice-compose', 'お知らせの作成');
  await page.browserContext().close();
}
