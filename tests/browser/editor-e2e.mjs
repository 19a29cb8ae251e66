// Drives the story editor in headless Chromium, in two phases around a
// clock the Rust test moves (so "on time" needs no waiting):
//
//   node editor-e2e.mjs write BASE PASSWORD PUBLISH_AT IMAGE_FILE
//     a contributor uploads a photo to the media library, writes a story
//     with it, a new guest contributor and a dateline with a source,
//     submits it for review; the tab is closed
//     with unsaved typing and the editor offers it back; an editor finds
//     the story on the dashboard and schedules it for PUBLISH_AT.
//   node editor-e2e.mjs live BASE PASSWORD STORY_PATH EDIT_PATH
//     the reader page shows the story; two editors edit it at once and
//     the second is shown the conflict, then saves deliberately.
//
// Accounts: cub@ (contributor), ed@ and eve@ (editors), all PASSWORD.
// Chromium is launched as ../shared/judge/lib.sh does: headless, every
// non-loopback request sent to a dead proxy. Prints one JSON object of
// what it saw; the Rust test decides.
import { launch, loopbackOnly } from "./launch.mjs";

const [phase, base, password, ...rest] = process.argv.slice(2);
loopbackOnly(base);
const browser = await launch();
const text = async (page, sel) => (await page.locator(sel).first().innerText()).replace(/\s+/g, " ").trim();

async function signIn(email, next) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/admin/sign-in?next=" + encodeURIComponent(next));
  await page.fill("#a-email", email);
  await page.fill("#a-password", password);
  await Promise.all([page.waitForURL((u) => u.pathname === next.split("?")[0]), page.click("main button[type=submit]")]);
  return { context, page };
}

const seen = {};
try {
  if (phase === "write") {
    const [publishAt, imageFile] = rest;
    const cub = await signIn("cub@example.org", "/admin/media");
    let p = cub.page;
    await p.setInputFiles("#m-file", imageFile);
    await p.fill("#m-alt", "The night train at Gyumri station");
    await p.fill("#m-caption", "The train at dawn");
    await Promise.all([p.waitForURL(/uploaded=/), p.click("main button:has-text('Upload')")]);
    const imageNumber = new URL(p.url()).searchParams.get("uploaded");
    seen.uploadNotice = await text(p, ".notice");
    await p.goto(base + "/admin/stories/new");
    seen.offersPublish = await p.locator("#st-publish").count();
    await p.fill("#st-headline", "Night Train To Gyumri");
    await p.fill("#st-body", "The night train *returns* after ten years.\n\nTickets go on sale on Monday.");
    await p.fill("#st-contributors", "Hasmik Browser");
    await p.fill("#st-sections", "Travel");
    await p.fill("#st-place", "Gyumri");
    await p.fill("#st-image", imageNumber);
    await p.fill("#st-sources", "Armenpress");
    await p.check("#st-review");
    await Promise.all([p.waitForURL(/saved=1/), p.click("text=Save the story")]);
    seen.editPath = new URL(p.url()).pathname;
    seen.stateAfterSubmit = await text(p, ".story-state strong");
    // Typing, then the tab closes before anyone saves.
    await p.fill("#st-body", "The night train *returns* after ten years.\n\nTickets go on sale on Monday.\n\nUnsaved last line.");
    await p.waitForTimeout(2600);
    await p.close();
    p = await cub.context.newPage();
    await p.goto(base + seen.editPath);
    seen.autosaveOffered = await p.locator("#autosave").isVisible();
    await p.click("[data-restore]");
    seen.restoredBody = await p.inputValue("#st-body");
    await p.close();
    // The editor finds it waiting and schedules it.
    const ed = await signIn("ed@example.org", "/admin");
    p = ed.page;
    seen.dashboardWaiting = await text(p, "section[aria-labelledby=d-review]");
    await Promise.all([p.waitForURL(/\/admin\/stories\/\d+$/), p.click("section[aria-labelledby=d-review] a")]);
    await p.check("#st-schedule");
    await p.fill("#st-at", publishAt);
    await Promise.all([p.waitForURL(/saved=2/), p.click("text=Save the story")]);
    seen.stateAfterSchedule = await text(p, ".story-state");
  } else if (phase === "live") {
    const [storyPath, editPath] = rest;
    // A phone-sized window: the picture must fit the column.
    const reader = await (await browser.newContext({ viewport: { width: 412, height: 900 } })).newPage();
    const r = await reader.goto(base + storyPath);
    seen.readerStatus = r.status();
    seen.readerHeadline = await text(reader, "h1");
    seen.readerBody = await text(reader, ".body");
    seen.guestHref = await reader.locator("a[href='/contributors/hasmik-browser']").count();
    seen.sourceHref = await reader.locator("a[href='/sources/armenpress']").count();
    const img = reader.locator("article picture img");
    seen.imageAlt = await img.getAttribute("alt");
    // The browser chose a size from the srcset, and it loaded.
    seen.imageLoaded = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
    seen.imageSrc = await img.evaluate((el) => new URL(el.currentSrc).pathname);
    seen.imageFits = await img.evaluate((el) => el.getBoundingClientRect().width <= document.documentElement.clientWidth);
    seen.pageFits = await reader.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    // Two editors open the same revision.
    const ed = await signIn("ed@example.org", editPath);
    const eve = await signIn("eve@example.org", editPath);
    await ed.page.fill("#st-headline", "Night Train To Gyumri Is Back");
    await Promise.all([ed.page.waitForURL(/saved=/), ed.page.click("text=Save the story")]);
    await eve.page.fill("#st-body", "The night train returns after a decade.\n\nTickets go on sale on Monday.");
    const [resp] = await Promise.all([
      eve.page.waitForResponse((x) => x.request().method() === "POST"),
      eve.page.click("text=Save the story"),
    ]);
    seen.conflictStatus = resp.status();
    seen.conflictText = await text(eve.page, ".conflict");
    seen.bodyKept = await eve.page.inputValue("#st-body");
    // She takes over the other editor's headline, shown in the diff, and
    // saves on purpose.
    await eve.page.fill("#st-headline", "Night Train To Gyumri Is Back");
    await Promise.all([eve.page.waitForURL(/saved=/), eve.page.click("text=Save the story")]);
    seen.afterSecondSave = await text(eve.page, "main");
    await reader.goto(base + storyPath);
    seen.readerAfter = await text(reader, "article");
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
} catch (e) {
  seen.error = String(e).slice(0, 800);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
