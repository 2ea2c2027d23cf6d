// Why: the consultation desk is three people in three browsers, and only a real browser shows
// that each can do their part. A business answers the diagnosis and presses
// 「この結果で相談する」, sees what will be sent, forgets the consent once, files it and reads
// its receipt; a member of staff finds the case, starts the hearing, records notes and tags and
// introduces the expert the matching proposes, with its reasons; the expert signs in, sees
// only their cases, accepts, records two sessions and closes the case. Every new page passes
// axe (WCAG 2.1 AA) at a phone's and a desktop's width.
//
// The expert's account comes from the environment (MADOGUCHI_E2E_EXPERT_LOGIN,
// MADOGUCHI_E2E_EXPERT_PASSWORD, MADOGUCHI_E2E_EXPERT_ID: the registry entry it is linked to).

import { audit } from './audit.mjs';
import { clickAndWait, openPage } from './browser.mjs';
import { expect } from './report.mjs';

/** The expert to play, or null when the runner was started without one. */
export function expertAccount() {
  const login = process.env.MADOGUCHI_E2E_EXPERT_LOGIN;
  const password = process.env.MADOGUCHI_E2E_EXPERT_PASSWORD;
  const id = process.env.MADOGUCHI_E2E_EXPERT_ID;
  return login && password && id ? { login, password, id } : null;
}

const MESSAGE = '紙の受注票を表計算に打ち直しています。経営計画と合わせて、DXの進め方を相談したいです。';

/** The whole desk journey; `staff` and `expert` are { login, password } (expert also { id }). */
export async function journey(report, browser, base, staff, expert) {
  const url = (path) => new URL(path, base).href;
  const owner = await openPage(browser, base);
  const receipt = await fileFromDiagnosis(report, owner, url);
  await owner.page.browserContext().close();
  if (!receipt) return;

  const desk = await openPage(browser, base);
  const referred = await introduce(report, desk, url, staff, receipt, expert);
  await desk.page.browserContext().close();
  if (!referred) return;

  const advisor = await openPage(browser, base);
  await consult(report, advisor, url, expert, receipt);
  await advisor.page.browserContext().close();
}

async function fileFromDiagnosis(report, session, url) {
  const { page } = session;
  let receipt = null;
  const answered = await report.check('desk: a diagnosis answer leads to 「この結果で相談する」', async () => {
    await page.goto(url('/diagnosis?field=municipality'), { waitUntil: 'load' });
    await page.type('#answer', '日置市');
    await clickAndWait(page, 'button[name="action"][value="results"]');
    expect(new URL(page.url()).pathname === '/diagnosis/results', `answering led to ${page.url()}`);
    await clickAndWait(page, 'a[href="/consult?from=diagnosis"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('相談に添える診断結果') && text.includes('日置市'), `the form does not show what is attached:\n${text.slice(0, 600)}`);
  });
  if (!answered) return null;
  await audit(report, session, 'desk-consult-form', 'desk 相談の申し込み（診断結果つき）');

  const refused = await report.check('desk: without consent the form comes back with the message and the text kept', async () => {
    await page.click('input[name="requester"][value="business"]');
    await page.type('#f-organisation', '（例）日置金属工業株式会社');
    await page.type('#f-name', '（例）日置 一郎');
    await page.type('#f-email', 'ichiro@example.jp');
    await page.click('input[name="category"][value="strategy"]');
    await page.type('#f-message', MESSAGE);
    await clickAndWait(page, 'form.consult button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('同意'), `no consent message:\n${text.slice(0, 600)}`);
    const kept = await page.$eval('#f-message', (t) => t.value);
    expect(kept === MESSAGE, `the message was not kept: ${kept}`);
  });
  if (refused) await audit(report, session, 'desk-consult-error', 'desk 相談の申し込み（入力の確認）');

  const filed = await report.check('desk: with consent the consultation is filed and only the receipt is shown', async () => {
    await page.click('input[name="consent"]');
    await clickAndWait(page, 'form.consult button[type="submit"]');
    if (new URL(page.url()).pathname !== '/consult/received') {
      const text = await page.$eval('main', (m) => m.innerText);
      expect(false, `filing led to ${page.url()}:\n${text.slice(0, 800)}`);
    }
    receipt = (await page.$eval('.receipt strong', (s) => s.textContent)).trim();
    expect(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(receipt), `no receipt number: ${receipt}`);
    const text = await page.$eval('main', (m) => m.innerText);
    expect(!text.includes('日置 一郎') && !text.includes('ichiro@'), 'the receipt page shows personal data');
    expect(!page.url().includes(receipt), 'the receipt is in the URL');
  });
  if (!filed) return null;
  await audit(report, session, 'desk-consult-received', 'desk 相談の受付完了');
  return receipt;
}

async function introduce(report, session, url, staff, receipt, expert) {
  const { page } = session;
  await signIn(page, url, staff);
  const found = await report.check(`desk: staff find ${receipt} in the case list`, async () => {
    await page.goto(url('/console/desk?state=received'), { waitUntil: 'load' });
    const link = await page.$(`xpath/.//a[normalize-space(text())="${receipt}"]`);
    expect(link, `${receipt} is not listed`);
  });
  if (!found) return false;
  await audit(report, session, 'desk-console-list', 'desk 相談の一覧');
  await clickAndWait(page, `xpath/.//a[normalize-space(text())="${receipt}"]`);
  await audit(report, session, 'desk-console-case', 'desk 相談（受付）');

  const heard = await report.check('desk: staff start the hearing and record notes and tags', async () => {
    await clickAndWait(page, 'form[action$="/hearing"] button[type="submit"]');
    await page.select('#note-category', 'strategy');
    await setValue(page, '#note-tags', 'DX戦略 経営計画');
    await setValue(page, '#note-notes', '受注票の電子化から始めたい。経営計画も見直したい。');
    await clickAndWait(page, 'form[action$="/note"] button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('記録を保存しました'), `saving the notes answered:\n${text.slice(0, 600)}`);
  });
  if (!heard) return false;
  await audit(report, session, 'desk-console-proposals', 'desk 相談（紹介先の提案）');

  const referred = await report.check(`desk: the matching proposes ${expert.id} with reasons, and staff introduce them`, async () => {
    const radio = await page.$(`#expert-${expert.id}`);
    const proposed = await page.$$eval('.proposal label', (ls) => ls.map((l) => l.textContent.trim()));
    expect(radio, `${expert.id} is not among the proposals:\n${proposed.join('\n')}`);
    const reasons = await page.$eval(`#expert-${expert.id}`, (r) => r.closest('.proposal').querySelector('.reasons').innerText);
    expect(reasons.trim().length > 0, 'the proposal has no reasons');
    await radio.click();
    await clickAndWait(page, 'form[action$="/refer"] button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('専門家に紹介しました'), `the introduction answered:\n${text.slice(0, 600)}`);
  });
  await page.goto(url('/console/desk/figures'), { waitUntil: 'load' });
  await audit(report, session, 'desk-console-figures', 'desk 対応状況の集計');
  await registry(report, session, url, expert);
  return referred;
}

/** The administrator's registry: the list, an entry's edit form, and a form refused whole. */
async function registry(report, session, url, expert) {
  const { page } = session;
  await page.goto(url('/console/desk/experts'), { waitUntil: 'load' });
  await report.check('desk: the registry lists the expert with a link to edit', async () => {
    expect(await page.$(`a[href="/console/desk/experts/${expert.id}"]`), `no edit link for ${expert.id}`);
  });
  await audit(report, session, 'desk-console-experts', 'desk 専門家名簿');
  await page.goto(url(`/console/desk/experts/${expert.id}`), { waitUntil: 'load' });
  await audit(report, session, 'desk-console-expert-edit', 'desk 専門家の編集');
  await page.goto(url('/console/desk/experts/new'), { waitUntil: 'load' });
  await report.check('desk: a registration without a category comes back with the reasons and the name kept', async () => {
    await page.type('#expert-id', 'adv-e2e');
    await page.type('#expert-name', '（例）画面 確認');
    await clickAndWait(page, 'form.console-form button[type="submit"]');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(text.includes('分野を1つ以上選んでください'), `the refusal said:\n${text.slice(0, 600)}`);
    const name = await page.$eval('#expert-name', (i) => i.value);
    expect(name === '（例）画面 確認', `the name came back as ${name}`);
  });
  await audit(report, session, 'desk-console-expert-refused', 'desk 専門家の登録（入力の誤り）');
}

async function consult(report, session, url, expert, receipt) {
  const { page } = session;
  await signIn(page, url, expert);
  const own = await report.check('desk: the expert lands on their own cases and finds the introduction', async () => {
    expect(new URL(page.url()).pathname === '/console/desk', `signing in led to ${page.url()}`);
    const link = await page.$(`xpath/.//a[normalize-space(text())="${receipt}"]`);
    expect(link, `${receipt} is not in the expert's list`);
  });
  if (!own) return;
  await audit(report, session, 'desk-expert-list', 'desk 専門家の相談一覧');
  await clickAndWait(page, `xpath/.//a[normalize-space(text())="${receipt}"]`);
  await audit(report, session, 'desk-expert-case', 'desk 専門家の相談（承諾待ち）');
  await report.check('desk: the expert accepts, records two sessions and closes the case', async () => {
    await clickAndWait(page, 'form[action$="/accept"] button[type="submit"]');
    for (const summary of ['受注の流れを一緒に図にしました。', '受注管理の表を試し、経営計画の骨子を作りました。']) {
      await setValue(page, '#session-summary', summary);
      await clickAndWait(page, 'form[action$="/session"] button[type="submit"]');
      const text = await page.$eval('main', (m) => m.innerText);
      expect(text.includes('相談の記録を追加しました'), `recording a session answered:\n${text.slice(0, 600)}`);
    }
    await setValue(page, '#close-outcome', '受注管理をクラウドの台帳へ移す。IT導入補助金の申請を検討する。');
    await clickAndWait(page, 'form[action$="/close"] button[type="submit"]');
    const facts = await page.$eval('.case-facts', (d) => d.innerText);
    expect(facts.includes('完了') && facts.includes('2／'), `the case is not closed after two sessions:\n${facts}`);
  });
  await audit(report, session, 'desk-expert-closed', 'desk 相談（完了）');
}

async function signIn(page, url, { login, password }) {
  await page.goto(url('/console/login'), { waitUntil: 'load' });
  await page.type('#login', login);
  await page.type('#password', password);
  await clickAndWait(page, 'form[action="/console/login"] button[type="submit"]');
}

async function setValue(page, selector, text) {
  await page.$eval(selector, (el) => {
    el.value = '';
  });
  await page.type(selector, text);
}

