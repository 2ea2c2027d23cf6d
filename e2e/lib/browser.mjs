// Why: Debian's Chromium, started the one way that works on a machine without a network
// (no browser download, no background connections), and a watcher that turns what the
// browser noticed on a page (requests to other origins, failed assets, script errors, CSP
// refusals) into failures, since the site promises no external requests and no broken pages.

import puppeteer from 'puppeteer-core';

import { expect } from './report.mjs';

export const CHROMIUM = process.env.MADOGUCHI_CHROMIUM || '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--lang=ja-JP',
];

/** A generous guard against a hung page; never an assertion about speed. */
const HANG_GUARD_MS = 120_000;

export function launch() {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    defaultViewport: { width: 1280, height: 800 },
  });
}

/** A page in a browser context of its own: its own cookies, so its own diagnosis session. */
export async function openPage(browser, base, { javaScript = true } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setJavaScriptEnabled(javaScript);
  page.setDefaultTimeout(HANG_GUARD_MS);
  page.setDefaultNavigationTimeout(HANG_GUARD_MS);
  await page.setExtraHTTPHeaders({ 'Accept-Language': 'ja' });
  return { page, watcher: watch(page, base) };
}

/**
 * Records what went wrong on a page since the last `take()`. The browser asks for
 * /favicon.ico by itself; the site does not link one, so that request is not the site's fault.
 */
function watch(page, base) {
  const origin = new URL(base).origin;
  let problems = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== origin) {
      problems.push(`request to another origin: ${request.url()}`);
    }
  });
  page.on('response', (response) => {
    const request = response.request();
    const url = new URL(response.url());
    const isDocument = request.isNavigationRequest() && request.frame() === page.mainFrame();
    if (response.status() >= 400 && !isDocument && url.pathname !== '/favicon.ico') {
      problems.push(`${response.status()} for ${request.resourceType()} ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    // "Failed to load resource" repeats what the response listener already judged.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  return {
    take() {
      const taken = problems;
      problems = [];
      return taken;
    },
  };
}

/** Clicks what `selector` finds and waits for the page it leads to. */
export async function clickAndWait(page, selector) {
  const target = await page.$(selector);
  expect(target, `nothing matches ${selector} on ${page.url()}`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
}
