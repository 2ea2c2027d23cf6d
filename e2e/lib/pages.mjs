// Why: every public page type the site serves without a diagnosis session, with how to reach
// it. The pages of a diagnosis in progress are audited along the keyboard walk (diagnosis.mjs).

/** `path` is a string or a function of the page that finds it (a program page is any program). */
export const PAGE_TYPES = [
  { slug: 'top', label: 'トップ', path: '/' },
  { slug: 'programs', label: '一覧', path: '/programs' },
  { slug: 'program', label: '制度詳細', path: firstProgram },
  { slug: 'not-found', label: '404', path: '/e2e-no-such-page', status: 404 },
  { slug: 'closing-soon', label: '締切が近い制度', path: '/programs/closing-soon' },
  { slug: 'new', label: '新着', path: '/programs/new' },
  { slug: 'search', label: '検索結果', path: '/programs?q=%E8%A8%AD%E5%82%99&window=open' },
  { slug: 'search-empty', label: '検索結果（該当なし）', path: '/programs?q=zzzz' },
  { slug: 'no-answers', label: '診断結果（回答なし）', path: '/diagnosis/results' },
  { slug: 'consult', label: '相談の申し込み', path: '/consult' },
  { slug: 'experts', label: '専門家・連携企業', path: '/experts' },
  { slug: 'expert', label: '専門家の紹介', path: firstExpert },
  { slug: 'privacy', label: '個人情報の取り扱い', path: '/privacy' },
  { slug: 'subscribe-search', label: 'お知らせの登録（検索条件）', path: '/notices/subscribe?q=%E8%A8%AD%E5%82%99&kind=subsidy' },
];

/** The first expert the public list links to. */
async function firstExpert(page, base) {
  await page.goto(new URL('/experts', base).href);
  const href = await page.evaluate(
    () => document.querySelector('main a[href^="/experts/"]')?.getAttribute('href') ?? null,
  );
  if (!href) throw new Error('/experts links no expert page');
  return href;
}

/** The first program the list links to. */
async function firstProgram(page, base) {
  await page.goto(new URL('/programs?status=all', base).href);
  const href = await page.evaluate(
    () => document.querySelector('main a[href^="/programs/"]')?.getAttribute('href') ?? null,
  );
  if (!href) throw new Error('/programs links no program page');
  return href;
}
