// Why: the staff console in a real browser. Unit tests post forms the way the server expects;
// only a browser shows that a person can sign in, edit a rule, see the preview change, publish,
// and find the change on the public site, and that every console page passes axe (WCAG 2.1 AA)
// at a phone's and a desktop's width.
//
// The account comes from the environment (MADOGUCHI_E2E_LOGIN, MADOGUCHI_E2E_PASSWORD); the
// Rust wrapper creates it with `madoguchi user add` before starting the server.

import { audit } from './audit.mjs';
import { openPage } from './browser.mjs';
import { expect } from './report.mjs';

/** The account to sign in with, or null when the runner was started without one. */
export function account() {
  const login = process.env.MADOGUCHI_E2E_LOGIN;
  const password = process.env.MADOGUCHI_E2E_PASSWORD;
  return login && password ? { login, password } : null;
}

/** Every console page type and the whole edit → preview → publish → public site flow. */
export async function auditConsole(report, browser, base, { login, password }) {
  const session = await openPage(browser, base);
  const { page } = session;
  const visit = async (path, slug, label, status = 200) => {
    session.watcher.take();
    const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
    const ok = await report.check(`console ${label}: ${path} answers ${status}`, async () => {
      expect(response?.status() === status, `${path} answered ${response?.status()}`);
      expect((await page.$eval('html', (h) => h.lang)) === 'ja', `${path} does not declare lang="ja"`);
    });
    if (ok) await audit(report, session, `console-${slug}`, `console ${label}`);
    return ok;
  };

  await visit('/console/login', 'login', 'ログイン');
  const refused = await report.check('console ログイン: a wrong password is refused with a message', async () => {
    await signIn(page, login, `${password}-wrong`);
    expect(new URL(page.url()).pathname === '/console/login', `a wrong password led to ${page.url()}`);
    const error = await page.$eval('main', (m) => m.innerText);
    expect(/パスワード|ログイン/.test(error) && (await page.$('[id="login-error"], .error')), `no error shown:\n${error}`);
  });
  if (refused) await audit(report, session, 'console-login-error', 'console ログイン（エラー）');

  const signedIn = await report.check('console: signs in from the login form', async () => {
    await page.goto(new URL('/console/login', base).href, { waitUntil: 'load' });
    await signIn(page, login, password);
    expect(new URL(page.url()).pathname === '/console', `signing in led to ${page.url()}`);
  });
  if (!signedIn) return;

  await visit('/console', 'home', 'ホーム（鮮度）');
  await visit('/console/programs', 'programs', '制度の一覧');
  let program = null;
  await report.check('console: a demo program with an employee-count condition is found', async () => {
    program = await findProgramWithEmployeeRow(page, base);
  });
  if (program) {
    await visit(program.edit, 'editor', '制度の編集（条件の行つき）');
    await editPreviewPublish(report, page, base, program);
    await visit(`/console/programs/${program.id}/history`, 'history', '履歴');
    await visit(`/console/programs/${program.id}/diff?from=1&to=2`, 'diff', '版の違い');
  }
  await visit('/console/users', 'users', '利用者');
  await visit('/console/settings', 'settings', '設定');
  await visit('/console/audit', 'audit', '操作の記録');
  // Whatever the public pages audited before have counted, the page (charts, tables or the
  // empty-period message) must pass.
  await visit('/console/analytics', 'analytics', '利用状況の集計');
  await page.browserContext().close();
}

/** Types into the login form and presses its button, as a person would. */
async function signIn(page, login, password) {
  await page.type('#login', login);
  await page.type('#password', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action="/console/login"] button[type="submit"]')]);
}

/**
 * The first demo program (in the console's list) whose editor has an upper limit on the number
 * of employees with a typed value: its id, editor path and the row's number.
 */
async function findProgramWithEmployeeRow(page, base) {
  await page.goto(new URL('/console/programs?q=demo-', base).href, { waitUntil: 'load' });
  const rows = await page.$$eval('table a[href]', (links) =>
    links.map((a) => ({ edit: a.getAttribute('href'), id: a.closest('tr')?.querySelector('code')?.textContent ?? '' })),
  );
  const candidates = rows.filter((r) => r.id.startsWith('demo-') && r.edit.endsWith('/edit'));
  expect(candidates.length > 0, `/console/programs?q=demo- lists no demo program:\n${JSON.stringify(rows.slice(0, 5))}`);
  for (const candidate of candidates) {
    await page.goto(new URL(candidate.edit, base).href, { waitUntil: 'load' });
    const row = await page.evaluate(() => {
      for (const select of document.querySelectorAll('select[id$="-field"]')) {
        const n = select.id.match(/^row-(\d+)-field$/)?.[1];
        const value = document.getElementById(`row-${n}-value`);
        // An upper limit only: raising it keeps every admitted test profile admitted, so the
        // publish is not refused for a test that now fails.
        const op = document.getElementById(`row-${n}-op`)?.value;
        if (n && select.value === 'employees' && ['le', 'lt'].includes(op) && value?.tagName === 'INPUT' && /^\d+$/.test(value.value.trim())) {
          return { n, value: value.value.trim() };
        }
      }
      return null;
    });
    if (row) return { ...candidate, row: row.n, oldValue: row.value };
  }
  throw new Error(`none of ${candidates.length} demo programs has an employee-count row with a number`);
}

/** The texts of 「事業者に表示される条件」 on the editor page as it is now. */
function previewTexts(page) {
  return page.$$eval('ul.conditions-plain li', (items) => items.map((li) => li.innerText.trim()));
}

/** Presses the editor's submit button with this `action` value and waits for the new page. */
async function press(page, action) {
  const selector = `button[name="action"][value="${action}"]`;
  const button = await page.$(selector);
  expect(button, `the editor has no button ${selector}`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

/** Changes the employee threshold, checks the preview, saves, publishes, checks the public page. */
async function editPreviewPublish(report, page, base, program) {
  const before = await previewTexts(page);
  const newValue = String(Number(program.oldValue) + 7);
  let changed = [];
  const previewed = await report.check(`console editor: row ${program.row} 従業員数 ${program.oldValue} → ${newValue} shows in the preview`, async () => {
    const input = `#row-${program.row}-value`;
    await page.click(input, { clickCount: 3 });
    await page.type(input, newValue);
    await press(page, 'preview');
    const after = await previewTexts(page);
    changed = after.filter((text) => !before.includes(text));
    expect(changed.length === 1, `expected one changed condition in the preview, got:\n${changed.join('\n') || '(none)'}\nbefore:\n${before.join('\n')}`);
    expect(changed[0].includes(newValue), `the changed condition does not name ${newValue}: ${changed[0]}`);
    expect(before.some((t) => t.includes(program.oldValue)), `the preview before did not name ${program.oldValue}`);
  });
  if (!previewed) return;
  const saved = await report.check('console editor: the draft is saved', async () => {
    await press(page, 'save');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(!/エラー|できません|保存していません/.test(firstLines(text)), `saving answered:\n${firstLines(text)}`);
    expect((await page.$eval(`#row-${program.row}-value`, (i) => i.value)) === newValue, 'the saved draft lost the new value');
  });
  if (!saved) return;
  const published = await report.check('console editor: 保存して公開 publishes the draft', async () => {
    await press(page, 'publish');
    const text = await page.$eval('main', (m) => m.innerText);
    expect(/下書き\s*ありません/.test(text), `after publishing the draft is still there:\n${firstLines(text)}`);
  });
  if (!published) return;
  await report.check(`public /programs/${program.id} shows the new condition`, async () => {
    const wanted = changed[0].replace(/（根拠：.*?）$/, '');
    let body = '';
    // The catalogue reloads after a publish; a few reads cover the reload.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const response = await page.goto(new URL(`/programs/${program.id}`, base).href, { waitUntil: 'load' });
      expect(response?.status() === 200, `/programs/${program.id} answered ${response?.status()}`);
      body = await page.$eval('main', (m) => m.innerText);
      if (body.includes(wanted)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(false, `「${wanted}」 is not on the public page:\n${body.slice(0, 2000)}`);
  });
}

function firstLines(text) {
  return text.split('\n').slice(0, 12).join('\n');
}
