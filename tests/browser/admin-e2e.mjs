// Drives the admin in headless Chromium as an editor would: sign in (sent
// to the sign-in form first), find the waiting comment in the moderation
// queue, tick it, approve it, see the story's count change on the reader
// site, sign out. Chromium is launched as ../shared/judge/lib.sh does:
// headless, every non-loopback request sent to a dead proxy.
//
//   node admin-e2e.mjs BASE STORY_PATH EMAIL PASSWORD
//
// Prints one JSON object of what it saw; the Rust test decides.
import { launch, loopbackOnly } from "./launch.mjs";

const [base, story, email, password] = process.argv.slice(2);
loopbackOnly(base);
const browser = await launch();
const seen = {};
try {
  const page = await (await browser.newContext()).newPage();
  const count = async () => {
    await page.goto(base + story);
    return (await page.locator("span.comments").first().innerText()).replace(/\s+/g, " ").trim();
  };
  seen.countBefore = await count();
  await page.goto(base + "/admin/comments");
  seen.sentTo = new URL(page.url()).pathname;
  await page.fill("#a-email", email);
  await page.fill("#a-password", "not the password");
  await page.click("button[type=submit]");
  seen.wrongPasswordError = await page.locator(".form-error").innerText();
  seen.emailKept = await page.inputValue("#a-email");
  await page.fill("#a-password", password);
  await Promise.all([page.waitForURL(/\/admin\/comments/), page.click("main button[type=submit]")]);
  seen.afterSignIn = new URL(page.url()).pathname;
  seen.queueRows = await page.locator("tbody tr").count();
  seen.queueText = await page.locator("tbody").innerText();
  await page.locator("tbody input[type=checkbox]").first().check();
  await Promise.all([page.waitForURL(/\/admin\/comments/), page.click("button[value=approve]")]);
  seen.queueAfter = await page.locator("main").innerText();
  seen.countAfter = await count();
  await page.goto(base + "/admin");
  await Promise.all([page.waitForURL(/\/admin\/sign-in/), page.click("header button[type=submit]")]);
  await page.goto(base + "/admin");
  seen.afterSignOut = new URL(page.url()).pathname;
} catch (e) {
  seen.error = String(e).slice(0, 500);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
