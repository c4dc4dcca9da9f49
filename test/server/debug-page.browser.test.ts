import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialHTTP } from '../../src/client/dial-http.js';
import type { Client } from '../../src/client/client.js';
import { debugRoute } from '../../src/server/debug-page.js';
import type { Server } from '../../src/server/server.js';
import { startDemoServer } from '../helpers.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, requireChromium } from '../support/require-chromium.js';

const haveChromium = await requireChromium();

const HOSTILE_SERVICE = '<script>alert("svc")</script>';
const HOSTILE_METHOD = '<img src=x onerror=alert(1)>';

/** fieldText reads one cell of a method's row, as the browser shows it. */
function fieldText(page: Page, method: string, field: string): Promise<string> {
  return page.locator(`tr[data-method="${method.replace(/["\\]/g, '\\$&')}"] [data-field="${field}"]`).innerText();
}

describe.skipIf(!haveChromium)('debug page in a real browser (Chromium)', () => {
  let server: Server;
  let client: Client;
  let url: string;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    let port: number;
    let address: string;
    ({ server, port, address } = await startDemoServer());
    server.register(HOSTILE_SERVICE, { [HOSTILE_METHOD]: () => 1 });
    server.addHttpRoute(debugRoute(server));
    url = `http://127.0.0.1:${port}/debug/rpc`;
    client = await dialHTTP(address);
    for (let i = 0; i < 3; i++) await client.call('Arith.Multiply', { A: i, B: 2 });
    for (let i = 0; i < 2; i++) await client.call('Echo.Fail', 'boom').catch(() => undefined);
    await client.call(`${HOSTILE_SERVICE}.${HOSTILE_METHOD}`, null);

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme: 'light' });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    await server?.close();
  });

  it('shows the call and error counts and open connections', async () => {
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('netrpc · services');
    expect(await fieldText(page, 'Arith.Multiply', 'calls')).toBe('3');
    expect(await fieldText(page, 'Arith.Multiply', 'errors')).toBe('0');
    expect(await fieldText(page, 'Echo.Fail', 'calls')).toBe('2');
    expect(await fieldText(page, 'Echo.Fail', 'errors')).toBe('2');
    expect(await fieldText(page, 'Arith.Add', 'calls')).toBe('0');
    expect(await fieldText(page, 'Arith.Add', 'meanMs')).toBe('—');
    expect(await fieldText(page, 'Arith.Multiply', 'meanMs')).toMatch(/^\d+(\.\d+)? (µs|ms|s)$/);
    expect(await page.locator('dd[data-field="connections"]').innerText()).toBe('1');
    expect(await page.locator('dd[data-field="calls"]').innerText()).toBe('6');
    expect(await page.locator('dd[data-field="errors"]').innerText()).toBe('2');
    expect(await page.locator('section[data-service]').count()).toBe(3);
  });

  it('applies its inline CSS under its own CSP and runs no script', async () => {
    await page.goto(url);
    // A string expression: this project's tsconfig has no DOM types.
    const style = await page.evaluate<{ bg: string; scripts: number; errorsCell: string }>(`({
      bg: getComputedStyle(document.body).backgroundColor,
      scripts: document.scripts.length,
      errorsCell: getComputedStyle(document.querySelector('tr[data-method="Echo.Fail"] [data-field="errors"]')).color,
    })`);
    expect(style.bg).toBe('rgb(247, 247, 245)');
    expect(style.scripts).toBe(0);
    expect(style.errorsCell).toBe('rgb(179, 38, 30)'); // errors > 0 stand out
    expect(pageErrors).toEqual([]);
  });

  it('shows hostile names as text, never as markup', async () => {
    await page.goto(url);
    const section = page.locator('section[data-service]').nth(2);
    expect(await section.locator('h2').evaluate((h) => h.firstChild?.textContent)).toBe(HOSTILE_SERVICE);
    expect(await fieldText(page, `${HOSTILE_SERVICE}.${HOSTILE_METHOD}`, 'name')).toBe(HOSTILE_METHOD);
    expect(await fieldText(page, `${HOSTILE_SERVICE}.${HOSTILE_METHOD}`, 'calls')).toBe('1');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('shows fresh counts on reload (no caching)', async () => {
    await page.goto(url);
    expect(await fieldText(page, 'Arith.Multiply', 'calls')).toBe('3');
    await client.call('Arith.Multiply', { A: 5, B: 5 });
    await page.reload();
    expect(await fieldText(page, 'Arith.Multiply', 'calls')).toBe('4');
  });

  it('links to the JSON form', async () => {
    await page.goto(url);
    await page.getByRole('link', { name: 'JSON' }).click();
    await page.waitForURL(/format=json$/);
    const json = JSON.parse(await page.locator('body').innerText()) as { services: { name: string }[] };
    expect(json.services.map((s) => s.name)).toEqual(['Arith', 'Echo', HOSTILE_SERVICE]);
  });

  it('fits a phone-width screen without page-level horizontal scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(url);
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it('renders a screenshot (saved to $NETRPC_SCREENSHOT when set)', async () => {
    await page.goto(url);
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.NETRPC_SCREENSHOT) await writeFile(process.env.NETRPC_SCREENSHOT, png);
  });

  it('draws calls per second as inline SVG: the screenshot shows call and error bars in proportion', async () => {
    await page.goto(url);
    const chart = page.locator('figure.chart');
    expect(await chart.locator('svg').count()).toBe(1);
    const sum = async (selector: string): Promise<number> =>
      (await chart.locator(selector).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).reduce((a, b) => a + b, 0);
    const calls = await sum('rect.calls');
    const errors = await sum('rect.errs');
    expect(calls).toBe(Number(await page.locator('dd[data-field="calls"]').getAttribute('data-value')));
    expect(errors).toBe(2);

    // Count the pixels of each colour in a screenshot of the chart, decoded by a page without the CSP.
    const png = await chart.screenshot();
    const painter = await browser.newPage();
    try {
      const counts = await painter.evaluate<{ accent: number; bad: number }>(`(async () => {
        const img = new Image();
        img.src = 'data:image/png;base64,${png.toString('base64')}';
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width; canvas.height = img.height;
        const g = canvas.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, img.width, img.height).data;
        let accent = 0, bad = 0;
        const near = (i, r, gg, b) => Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - gg) < 12 && Math.abs(d[i + 2] - b) < 12;
        for (let i = 0; i < d.length; i += 4) {
          if (near(i, 0, 117, 143)) accent++;
          else if (near(i, 179, 38, 30)) bad++;
        }
        return { accent, bad };
      })()`);
      expect(counts.accent).toBeGreaterThan(100);
      expect(counts.bad).toBeGreaterThan(20);
      // Error bars are drawn over call bars of the same width and scale: their areas keep the counts' ratio.
      const share = counts.bad / (counts.bad + counts.accent);
      expect(Math.abs(share - errors / calls)).toBeLessThan(0.08);
    } finally {
      await painter.close();
    }
  });
});
