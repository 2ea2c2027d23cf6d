// Why: a subscription is only real if a person can make it from a result page, receive the
// e-mail, confirm it from the link in that e-mail and stop it in one click. The business
// answers the diagnosis, presses 「この条件で新しい制度のお知らせを受け取る」, forgets the
// consent once, subscribes; the server's own outbox worker delivers the confirmation to a
// real SMTP server on loopback (aiosmtpd, started by the cargo wrapper, which writes each
// message it receives as JSON into MADOGUCHI_E2E_MAILDIR); the link in it is opened in the
// browser and confirmed; the settings page leads to 「配信を停止する」, one click. Every new
// page passes axe at a phone's and a desktop's width.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { audit } from './audit.mjs';
import { clickAndWait, openPage } from './browser.mjs';
import { expect } from './report.mjs';

/** Where the SMTP sink writes what it receives, or null when the runner has no sink. */
export function maildir() {
  return process.env.MADOGUCHI_E2E_MAILDIR || null;
}

const ADDRESS = 'notice-e2e@example.jp';

export async function journey(report, browser, base, mail) {
  const url = (path) => new URL(path, base).href;
  const session = await openPage(browser, base);
  try {
    await subscribe(report, session, url, mail);
  } finally {
    await session.page.browserContext().close();
  }
}

async function subscribe(report, session, url, mail) {
  const { page } = session;
  const offered = await report.check('notices: a result page offers 「この条件で新しい制度のお知らせを受け取る」', async () => {
    await page.goto(url('/diagnosis?field=municipality'), { waitUntil: 'load' });
    await page.type('#answer', '日置市');
    await clickAndWait(page, 'button[name="action"][value="results"]');
    await clickAndWait(page, 'a[href="/notices/subscribe?from=diagnosis"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('診断の回答') && text.includes('日置市'), `the form does not show what is kept:\n${text.slice(0, 600)}`);
  });
  if (!offered) return;
  await audit(report, session, 'notices-subscribe', 'notices お知らせの登録');

  const refused = await report.check('notices: without consent the form comes back with the address kept', async () => {
    await page.type('#f-email', ADDRESS);
    await clickAndWait(page, 'form.consult button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('同意'), `no consent message:\n${text.slice(0, 600)}`);
    const kept = await page.$eval('#f-email', (input) => input.value);
    expect(kept === ADDRESS, `the address was not kept: ${kept}`);
  });
  if (refused) await audit(report, session, 'notices-subscribe-error', 'notices お知らせの登録（入力の確認）');

  const sent = await report.check('notices: with consent the confirmation is queued and the page names no address', async () => {
    await page.click('input[name="consent"]');
    await clickAndWait(page, 'form.consult button[type="submit"]');
    expect(new URL(page.url()).pathname === '/notices/sent', `subscribing led to ${page.url()}`);
    const text = await page.$eval('main', (m) => m.innerText);
    expect(!text.includes(ADDRESS), 'the page shows the address');
  });
  if (!sent) return;
  await audit(report, session, 'notices-sent', 'notices 確認のメールを送りました');

  let link = null;
  await report.check('notices: the confirmation e-mail reaches the SMTP server with its link', async () => {
    const message = await waitForMail(mail, ADDRESS);
    const text = message.parts.find((p) => p.content_type === 'text/plain')?.content ?? '';
    expect(message.parts.some((p) => p.content_type === 'text/html'), 'no HTML part beside the text');
    link = text.match(/https?:\/\/\S+\/notices\/confirm\/\S+/)?.[0] ?? null;
    expect(link, `no confirmation link in:\n${text}`);
  });
  if (!link) return;

  const confirmed = await report.check('notices: the link asks first, and one button confirms', async () => {
    await page.goto(link, { waitUntil: 'load' });
    await clickAndWait(page, 'main form button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('登録が完了しました'), `not confirmed:\n${text.slice(0, 600)}`);
  });
  if (!confirmed) return;
  await audit(report, session, 'notices-confirmed', 'notices 登録が完了しました');

  const managed = await report.check('notices: the settings page shows what is kept', async () => {
    await clickAndWait(page, 'main a[href^="/notices/manage/"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('登録済み') && text.includes('日置市'), `settings page:\n${text.slice(0, 600)}`);
  });
  if (!managed) return;
  await audit(report, session, 'notices-manage', 'notices お知らせの登録内容');

  await report.check('notices: 「配信を停止する」 stops it in one click', async () => {
    await clickAndWait(page, 'main a[href^="/notices/unsubscribe/"]');
    await audit(report, session, 'notices-unsubscribe', 'notices 配信の停止', { screenshots: false });
    await clickAndWait(page, 'main form button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('登録を削除しました'), `not stopped:\n${text.slice(0, 600)}`);
    await page.goBack({ waitUntil: 'load' });
    await page.reload({ waitUntil: 'load' });
    const gone = await page.$eval('main', (m) => m.innerText);
    expect(gone.includes('登録が見つかりません'), `the subscription is still there:\n${gone.slice(0, 600)}`);
  });
}

/** The first message the sink received for `to`, waiting while the worker delivers it. */
async function waitForMail(dir, to) {
  for (let tries = 0; tries < 300; tries++) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    for (const name of names) {
      const message = JSON.parse(await readFile(join(dir, name), 'utf8'));
      if (message.rcpt_tos.includes(to)) return message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(false, `no e-mail to ${to} arrived in ${dir}`);
}
