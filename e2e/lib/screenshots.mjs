// Why: full-page pictures of every page type at a phone's and a desktop's width, kept under
// target/e2e-screenshots/ for a person to review what the checks cannot judge.

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const WIDTHS = [375, 1280];
const HEIGHT = 800;

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../target/e2e-screenshots/', import.meta.url));

export async function setWidth(page, width) {
  await page.setViewport({ width, height: HEIGHT });
}

export async function save(page, slug, width) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${slug}-${width}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
