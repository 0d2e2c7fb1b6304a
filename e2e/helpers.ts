/** Page helpers shared by the journeys. */
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** the few DOM pieces the page functions use (this project's Node tsconfig has no DOM lib) */
interface PageDt {
  items: { add(f: unknown): void };
}
interface PageGlobals {
  DataTransfer: new () => PageDt;
  File: new (parts: unknown[], name: string, opts: { type: string }) => unknown;
  DragEvent: new (
    type: string,
    init: { dataTransfer: PageDt; bubbles: boolean; cancelable: boolean },
  ) => unknown;
  document: { body: { dispatchEvent(e: unknown): boolean } };
  atob(s: string): string;
  __dt?: PageDt;
}

/** Simulates the OS dropping files on the window (dragenter → dragover → drop), as Chromium delivers it. */
export async function dragFilesOver(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  await page.evaluate(
    (list) => {
      const g = globalThis as unknown as PageGlobals;
      const dt = new g.DataTransfer();
      for (const f of list)
        dt.items.add(
          new g.File([Uint8Array.from(g.atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: 'audio/wav' }),
        );
      g.__dt = dt;
      g.document.body.dispatchEvent(
        new g.DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
      g.document.body.dispatchEvent(
        new g.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    },
    files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })),
  );
}

export async function dropDragged(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    if (!g.__dt) throw new Error('dragFilesOver first');
    g.document.body.dispatchEvent(
      new g.DragEvent('drop', { dataTransfer: g.__dt, bubbles: true, cancelable: true }),
    );
  });
}

export const queueRow = (page: Page, fileName: string) =>
  page.getByTestId('queue-row').filter({ hasText: fileName });
export const historyRow = (page: Page, fileName: string) =>
  page.getByTestId('history-row').filter({ hasText: fileName });

export async function waitCompleted(page: Page, fileName: string, timeout = 150_000): Promise<void> {
  const row = queueRow(page, fileName);
  await expect(row).toHaveAttribute('data-status', /completed|failed/, { timeout });
  const status = await row.getAttribute('data-status');
  if (status !== 'completed') throw new Error(`${fileName} ended ${status}: ${await row.innerText()}`);
}
