import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, type CliProcess, ROOT, runCli, startCli } from "../run-cli.js";

// Debian's chromium, which .ci/run installs; a machine without it skips this file, CI fails instead
const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = join(ROOT, ".tmp", "dashboard.png");
const missing = !existsSync(CHROMIUM);

describe.skipIf(missing && !process.env.CI)("the herald dev dashboard in a real browser", () => {
  let dev: CliProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (missing)
      throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium, as .ci/run does)`);
    assertBuilt();
    dev = startCli(["dev", join(ROOT, "tests/fixtures/dashboard-catalog.ts"), "--port", "0"]);
    [browser, [, url = ""]] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 20_000 }),
      dev.waitFor(/dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/),
    ]);
    page = await browser.newPage({ viewport: { width: 1400, height: 960 } });
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => void (message.type() === "error" && problems.push(`console: ${message.text()}`)));
    // nothing but this server: a request elsewhere (a font, a CDN script) is a failure
    page.on(
      "request",
      (request) =>
        void (
          request.url().startsWith(url) ||
          request.url().startsWith("data:") ||
          problems.push(`request elsewhere: ${request.url()}`)
        ),
    );
    await page.goto(url);
    await page.locator('#live[data-state="live"]').waitFor();
    // set once: a reload would lose it, so seeing it later proves the updates came live
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    if (dev && dev.child.exitCode === null) {
      dev.child.kill("SIGINT");
      await dev.exited();
    }
  });

  async function send(name: string, payload: unknown): Promise<string> {
    const sent = await runCli(["send", name, JSON.stringify(payload), "--url", `${url}trigger`]);
    expect(sent.stderr).toBe("");
    const id = sent.stdout.match(/sent: id (\S+)/)?.[1];
    expect(id).toBeDefined();
    return id!;
  }

  const row = (id: string) => page.locator(`#event-rows tr[data-id="${id}"]`);

  it("shows events live, a failed run's error, a chain linked to its parent, and a send form that checks before sending", async () => {
    // a failing subscriber; the reason carries markup that must stay text
    const failed = await send("payment.failed", { paymentId: "p1", reason: "<img src=x onerror=alert(1)>" });
    await row(failed).and(page.locator('[data-status="failed"]')).waitFor();
    await row(failed).click();
    const error = page.locator('#detail tr[data-subscriber="chargeCard"] td.error');
    await expect.poll(() => error.textContent()).toBe("Error: card declined: <img src=x onerror=alert(1)>");
    expect(await page.locator("#detail pre.payload").textContent()).toContain(
      '"reason": "<img src=x onerror=alert(1)>"',
    );
    expect(await page.locator("#detail img").count()).toBe(0);

    // a chained pair: the child links back to its parent, in the chain tree and in "Caused by"
    const parent = await send("order.placed", { orderId: "o1", total: 42, express: true });
    const child = `${parent}/0`;
    await row(child).and(page.locator('[data-status="succeeded"]')).waitFor();
    await row(child).click();
    await page
      .locator(`#detail ul.chain > li[data-id="${parent}"] > ul > li[data-id="${child}"] > button[aria-current="true"]`)
      .waitFor();
    await page
      .locator("#detail dd button.link", { hasText: parent.slice(0, 8) })
      .first()
      .click();
    await page.locator(`#detail ul.chain > li[data-id="${parent}"] > button[aria-current="true"]`).waitFor();
    expect(await page.locator("#detail h2").textContent()).toBe("order.placed");

    // the send form: an invalid payload is refused in the page and never reaches the server
    await page.selectOption("#send-name", "user.signed_up");
    await page.fill('#send-fields [name="email"]', "not-an-email");
    await page.click('#send-form button[type="submit"]');
    await expect
      .poll(() => page.locator("#send-issues li").allTextContents())
      .toEqual(["email: Invalid email address"]);
    expect(await page.getAttribute('#send-fields [name="email"]', "aria-invalid")).toBe("true");
    const before = (await (await fetch(`${url}api/events?name=user.signed_up`)).json()) as { total: number };
    expect(before.total).toBe(0);
    // ... and a valid one is sent, appears live, and opens
    await page.fill('#send-fields [name="email"]', "ada@example.com");
    await page.selectOption('#send-fields [name="plan"]', JSON.stringify("pro"));
    await page.click('#send-form button[type="submit"]');
    await expect.poll(() => page.locator("#send-result").textContent()).toMatch(/^Sent user\.signed_up: \S+$/);
    const sentId = (await page.locator("#send-result").textContent())!.split(": ")[1]!;
    await row(sentId).and(page.locator('[data-status="succeeded"]')).waitFor();
    await expect.poll(() => page.locator("#detail pre.payload").textContent()).toContain('"email": "ada@example.com"');
    expect(await page.locator("#send-issues").isHidden()).toBe(true);

    // replay of the failed payment: a new event, failing again, marked as a replay
    await row(failed).click();
    await page.locator("#detail h2", { hasText: "payment.failed" }).waitFor();
    await page.click("#replay");
    await page.locator("#detail .note.ok", { hasText: `Replay of ${failed}` }).waitFor();
    await expect.poll(() => page.locator("#event-rows tr[data-status='failed']").count()).toBe(2);

    // the chart has a failure bar for payment.failed and success bars for the rest
    await page.locator('#chart .rate-row[data-name="payment.failed"] rect.bad').waitFor();
    await page.locator('#chart .rate-row[data-name="order.shipped"] rect.ok').waitFor();
    // filters: failed only
    await page.selectOption("#filter-status", "failed");
    await expect.poll(() => page.locator("#event-rows tr").count()).toBe(2);
    await page.selectOption("#filter-status", "");
    // the screenshot shows the chain: the shipped order under the order that caused it
    await row(child).click();
    await page.locator(`#detail ul.chain li[data-id="${child}"] > button[aria-current="true"]`).waitFor();

    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    if (process.env.HERALD_UPDATE_SCREENSHOT) copyFileSync(SCREENSHOT, join(ROOT, "docs", "dashboard.png"));
    expect(problems).toEqual([]);
  }, 60_000);
});
