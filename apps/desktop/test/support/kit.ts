import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, SCREENSHOTS } from '../renderer/harness.js';

/** The flows drive the UI as a person does: these are the Turkish labels they read and click. */
export const LABEL = {
  code: 'Doğrulama kodu (15 hane)',
  next: 'İleri',
  pin: "Kartınızın PIN'i",
  sign: 'İmzala',
} as const;

export async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  expect(await axeViolations(page), `axe-core on ${screen}`).toEqual([]);
}

/** Saves `docs/screenshots/desktop-<name>.png`, the whole page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `desktop-${name}.png`), fullPage: true });
}

export async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel(LABEL.code).fill(code);
  await page.getByRole('button', { name: LABEL.next }).click();
}

/** Types the PIN and presses the page's İmzala button (the last one: the first is the menu's). */
export async function signWithPin(page: Page, pin: string): Promise<void> {
  await page.getByLabel(LABEL.pin).fill(pin);
  await page.getByRole('button', { name: LABEL.sign, exact: true }).last().click();
}

/** Back to the empty code field from wherever the signing tab is (İptal, then Yeni kod gir). */
export async function backToCodeEntry(page: Page): Promise<void> {
  await page.getByRole('button', { name: LABEL.sign, exact: true }).first().click();
  const cancel = page.getByRole('button', { name: 'İptal' });
  const reset = page.getByRole('button', { name: 'Yeni kod gir' });
  if ((await cancel.isVisible()) && (await cancel.isEnabled())) {
    await cancel.click();
    await reset.waitFor();
  }
  if (await reset.isVisible()) await reset.click();
  await page.getByRole('heading', { name: 'Doğrulama Kodu' }).waitFor();
  await page.getByLabel(LABEL.code).fill('');
}

/**
 * A SoftHSM2 token folder moved aside and back: to the module that is a card pulled out of the
 * reader and put in again.
 */
export class CardSlot {
  private readonly aside: string;
  private folder?: string;

  constructor(
    private readonly softHsmDir: string,
    private readonly label: string,
  ) {
    this.aside = join(softHsmDir, `aside-${label}`);
  }

  pullOut(): void {
    const root = join(this.softHsmDir, 'tokens');
    const folder = readdirSync(root).find((entry) =>
      readFileSync(join(root, entry, 'token.object')).includes(Buffer.from(this.label)),
    );
    if (!folder) throw new Error(`no token folder for ${this.label}`);
    this.folder = folder;
    rmSync(this.aside, { recursive: true, force: true });
    cpSync(join(root, folder), this.aside, { recursive: true });
    rmSync(join(root, folder), { recursive: true, force: true });
  }

  putBack(): void {
    if (!this.folder) throw new Error(`${this.label} was not pulled out`);
    cpSync(this.aside, join(this.softHsmDir, 'tokens', this.folder), { recursive: true });
  }
}
