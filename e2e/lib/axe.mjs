// Why: axe-core on the page exactly as a person gets it, with the site's CSP in force.
//
// The CSP allows same-origin scripts only, so page.addScriptTag({path}) (an inline <script>)
// is refused by the browser and axe never loads. The DevTools protocol's Runtime.evaluate,
// which page.evaluate(string) uses, is not subject to the page's CSP: axe is evaluated that
// way, and the policy stays on for the page itself (no setBypassCSP, no reload).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];

/** The violations of WCAG 2.1 A/AA that axe finds on the page as it is now. */
export async function violations(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async (tags) => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    },
    TAGS,
  );
}

/** Each violation's id, help and target nodes, for a failure message. */
export function describe(found) {
  return found
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    at ${n.target}\n${(n.summary ?? '').replace(/^/gm, '       ')}`)
        .join('\n');
      return `  ${v.id} (${v.impact}): ${v.help}\n${nodes}`;
    })
    .join('\n');
}
