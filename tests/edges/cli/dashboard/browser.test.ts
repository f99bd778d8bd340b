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
    // the send form's invalid payload is refused by the server (422) on purpose: chromium logs that response
    const expected = /the server responded with a status of 422/;
    page.on(
      "console",
      (message) =>
        void (
          message.type() === "error" &&
          !expected.test(message.text()) &&
          problems.push(`console: ${message.text()}`)
        ),
    );
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

  it("shows events live, a failed run's error, a chain linked to its parent, and a send form that shows the server's 422 with every failing path", async () => {
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
      .locator("#detail dd button.link", { hasText: parent.slice(-12) })
      .first()
      .click();
    await page.locator(`#detail ul.chain > li[data-id="${parent}"] > button[aria-current="true"]`).waitFor();
    expect(await page.locator("#detail h2").textContent()).toBe("order.placed");

    // the send form: metadata beside it; an invalid payload goes to the server, whose 422 names every failing path
    await page.selectOption("#send-name", "user.signed_up");
    expect(await page.locator("#send-meta .description").textContent()).toBe("A visitor created an account");
    expect(await page.locator("#send-meta .owner").textContent()).toBe("Owner: accounts");
    await page.fill('#send-fields [name="email"]', "not-an-email");
    await page.fill('#send-fields [name="tags"]', '["ok", 5]');
    await page.click('#send-form button[type="submit"]');
    await expect
      .poll(() => page.locator("#send-issues li").allTextContents())
      .toEqual(["email: Invalid email address", "tags.1: Invalid input: expected string, received number"]);
    expect(await page.getAttribute('#send-fields [name="email"]', "aria-invalid")).toBe("true");
    expect(await page.locator("#send-result").textContent()).toMatch(/^Not sent: VALIDATION_FAILED: /);
    const before = (await (await fetch(`${url}api/events?name=user.signed_up`)).json()) as { total: number };
    expect(before.total).toBe(0);
    // ... and the refusal is listed, with its status, code and paths
    const refusal = page.locator('#refused-rows > li[data-code="VALIDATION_FAILED"]').first();
    await refusal.waitFor();
    expect(await refusal.locator("strong").textContent()).toBe("422 VALIDATION_FAILED");
    expect(await refusal.locator("li").allTextContents()).toContain("email: Invalid email address");
    // a refusal from outside the page (curl, herald send) arrives live too, its markup as text
    await fetch(`${url}trigger`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: "no.such<img src=x onerror=alert(2)>", payload: {} }),
    });
    await page.locator('#refused-rows > li[data-code="UNKNOWN_EVENT"]').waitFor();
    expect(await page.locator("#refused-rows img").count()).toBe(0);

    // switching events resets the form: the JSON toggle, the JSON text and the last message
    await page.check("#send-raw");
    await page.selectOption("#send-name", "subscription.renewal_reminder.scheduled");
    expect(await page.locator("#send-meta .deprecated").textContent()).toBe("Deprecated: use billing.reminder.sent");
    expect(await page.isChecked("#send-raw")).toBe(false);
    expect(await page.locator("#send-result").isHidden()).toBe(true);
    expect(await page.locator("#send-issues").isHidden()).toBe(true);
    expect(await page.locator("#send-meta button.example").count()).toBe(0);

    // fill with the example, and send it
    await page.selectOption("#send-name", "user.signed_up");
    await page.click("#send-meta button.example");
    expect(await page.inputValue('#send-fields [name="email"]')).toBe("grace@example.com");
    expect(await page.inputValue('#send-fields [name="tags"]')).toBe('["beta"]');
    await page.fill('#send-fields [name="email"]', "ada@example.com");
    await page.click('#send-form button[type="submit"]');
    await expect.poll(() => page.locator("#send-result").textContent()).toMatch(/^Sent user\.signed_up: \S+$/);
    const sentId = (await page.locator("#send-result").textContent())!.split(": ")[1]!;
    await row(sentId).and(page.locator('[data-status="succeeded"]')).waitFor();
    await expect.poll(() => page.locator("#detail pre.payload").textContent()).toContain('"email": "ada@example.com"');
    expect(await page.locator("#send-issues").isHidden()).toBe(true);

    // ids sent within the same millisecond range still read differently in the list and the chain tree
    const [a, b] = await Promise.all([
      send("order.placed", { orderId: "o2", total: 1 }),
      send("order.placed", { orderId: "o3", total: 2 }),
    ]);
    await row(`${a}/0`).waitFor();
    await row(`${b}/0`).waitFor();
    const shown = await page.locator("#event-rows td.id").allTextContents();
    expect(new Set(shown).size).toBe(shown.length);
    expect(await row(a).locator("td.id").getAttribute("title")).toBe(a);
    await row(`${b}/0`).click();
    await page.locator(`#detail ul.chain li[data-id="${b}/0"] > button[aria-current="true"]`).waitFor();
    const chainIds = await page.locator("#detail ul.chain span.id").allTextContents();
    expect(chainIds).toHaveLength(2);
    expect(chainIds[0]).not.toBe((await row(a).locator("td.id").textContent()) ?? "");
    expect(b.endsWith(chainIds[0]!.replace("…", ""))).toBe(true);

    // replay of the failed payment: a new event, failing again, marked as a replay
    await row(failed).click();
    await page.locator("#detail h2", { hasText: "payment.failed" }).waitFor();
    await page.click("#replay");
    await page.locator("#detail .note.ok", { hasText: `Replay of ${failed}` }).waitFor();
    await expect.poll(() => page.locator("#event-rows tr[data-status='failed']").count()).toBe(2);

    // the chart has a failure bar for payment.failed and success bars for the rest, over a time axis
    await page.locator('#chart .rate-row[data-name="payment.failed"] rect.bad').first().waitFor();
    await page.locator('#chart .rate-row[data-name="order.shipped"] rect.ok').first().waitFor();
    const axis = await page.locator("#chart .time-axis text").allTextContents();
    expect(axis).toHaveLength(3);
    for (const label of axis) expect(label).toMatch(/^\d\d:\d\d$/);
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

    // at 420 px wide, every name wraps at its dots: no segment is split across lines
    await send("subscription.renewal_reminder.scheduled", { subscriptionId: "s1" });
    await page.setViewportSize({ width: 420, height: 900 });
    await page.locator('#event-rows td.name:has-text("renewal_reminder")').first().waitFor();
    const split = await page.evaluate(() => {
      const broken: string[] = [];
      for (const element of Array.from(document.querySelectorAll(".name, #detail h2"))) {
        for (const node of Array.from(element.childNodes)) {
          if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const lines = new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top)));
          if (lines.size > 1) broken.push(node.textContent);
        }
      }
      return broken;
    });
    expect(split).toEqual([]);
    await page.screenshot({ path: join(ROOT, ".tmp", "dashboard-420.png"), fullPage: true });
    if (process.env.HERALD_UPDATE_SCREENSHOT) copyFileSync(SCREENSHOT, join(ROOT, "docs", "dashboard.png"));
    expect(problems).toEqual([]);
  }, 60_000);
});
