// End-to-end tests of the public site in Debian's headless Chromium.
//
// Why: unit tests cannot tell whether a person can actually use the pages. This runner loads
// every public page type from a running madoguchi (axe-core, WCAG 2.1 AA, zero violations; no
// outside requests; screenshots at 375 px and 1280 px), then walks a whole diagnosis by keyboard
// only and checks what the results page says. With an account (MADOGUCHI_E2E_LOGIN,
// MADOGUCHI_E2E_PASSWORD) it audits every console page type and edits, previews and publishes
// a rule, then finds the change on the public site; with an expert's account too
// (MADOGUCHI_E2E_EXPERT_*) it files a consultation from a diagnosis and takes it through the
// desk to its close.
//
// Usage: node e2e/run.mjs http://127.0.0.1:8080
// Exit status 0 only when every check passed.

import { audit } from './lib/audit.mjs';
import { launch, openPage } from './lib/browser.mjs';
import * as consolePages from './lib/console.mjs';
import * as everyProgram from './lib/every-program.mjs';
import * as desk from './lib/desk.mjs';
import * as diagnosis from './lib/diagnosis.mjs';
import * as industry from './lib/industry.mjs';
import * as notices from './lib/notices.mjs';
import { PAGE_TYPES } from './lib/pages.mjs';
import { Report, expect } from './lib/report.mjs';
import { searchFromTop } from './lib/search.mjs';
import * as sheet from './lib/sheet.mjs';

const base = parseBase(process.argv[2]);
const report = new Report();
const browser = await launch();
try {
  console.log(`e2e: ${await browser.version()} against ${base}`);
  const session = await openPage(browser, base);
  for (const type of PAGE_TYPES) {
    await auditPageType(session, type);
  }
  if (everyProgram.WANTED) await everyProgram.auditEveryProgram(report, session, base);
  await diagnosis.skipLink(report, session, base);
  await searchFromTop(report, session, base);
  await diagnosis.walk(report, session, base, { name: 'keyboard', audits: true });
  // From those results: the comparison and the application sheet (and its PDF).
  await sheet.journey(report, session, base);
  // The same walk with scripts off: every step must be a plain form.
  const plain = await openPage(browser, base, { javaScript: false });
  await diagnosis.walk(report, plain, base, { name: 'keyboard, no JavaScript', audits: false });
  // The industry question in the owner's own words: a combobox with scripts, a search without.
  await industry.combobox(report, session, base);
  await industry.plainSearch(report, plain, base);
  // The staff console needs an account; the cargo wrapper always makes one.
  const staff = consolePages.account();
  if (staff) await consolePages.auditConsole(report, browser, base, staff);
  if (staff) await (await import('./lib/notices-console.mjs')).auditNoticePages(report, browser, base, staff);
  else console.log('e2e: console skipped (MADOGUCHI_E2E_LOGIN / MADOGUCHI_E2E_PASSWORD unset)');
  // The consultation desk: a business, staff and an expert, each in their own browser.
  const expert = desk.expertAccount();
  if (staff && expert) await desk.journey(report, browser, base, staff, expert);
  else console.log('e2e: desk skipped (MADOGUCHI_E2E_EXPERT_LOGIN / _PASSWORD / _ID unset)');
  // Notices: subscribe, confirm from the e-mail a real SMTP server received, unsubscribe.
  const mail = notices.maildir();
  if (mail) await notices.journey(report, browser, base, mail);
  else console.log('e2e: notices skipped (MADOGUCHI_E2E_MAILDIR unset)');
} finally {
  await browser.close();
}
process.exitCode = report.finish();

async function auditPageType(session, type) {
  const { page, watcher } = session;
  const label = `${type.label} (${type.slug})`;
  let path = type.path;
  if (typeof path === 'function') {
    const found = await report.check(`${label}: find the page`, async () => {
      path = await type.path(page, base);
    });
    if (!found) return;
  }
  watcher.take();
  const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
  const status = response?.status();
  const loaded = await report.check(`${label}: ${path} answers ${type.status ?? 200}`, async () => {
    expect(status === (type.status ?? 200), `${path} answered ${status}`);
    expect(
      (await page.$eval('html', (html) => html.lang)) === 'ja',
      `${path} does not declare lang="ja"`,
    );
  });
  if (loaded) await audit(report, session, type.slug, label);
}

function parseBase(arg) {
  try {
    const url = new URL(arg);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.origin;
  } catch {
    console.error('usage: node e2e/run.mjs BASE_URL   (for example http://127.0.0.1:8080)');
    process.exit(2);
  }
}
