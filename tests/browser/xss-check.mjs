// Loads pages in headless Chromium and reports every sign that text from
// outside ran as script: a dialog (alert, confirm, prompt), a print, a
// script the Content-Security-Policy had to block, a page error, a request
// to a marker address, and in the DOM any script but the view beacon, any
// inline event handler, any javascript: URL, any frame, object or embed.
//
//   node xss-check.mjs URLS_FILE      (one URL per line; loopback only)
//
// Prints one JSON object: {"pages": N, "findings": [...]} and exits 0;
// the caller decides. Chromium is launched as ../shared/judge/lib.sh does:
// headless, every non-loopback request sent to a dead proxy.
import { readFileSync } from "node:fs";
import { launch } from "./launch.mjs";

const urls = readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean);
for (const u of urls) {
  const host = new URL(u).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    console.error(`refusing a non-loopback URL: ${u}`);
    process.exit(2);
  }
}

const browser = await launch();
const context = await browser.newContext();
const findings = [];
let current = "";

await context.exposeBinding("__xssRan", (_source, what) => {
  findings.push({ url: current, kind: "executed", detail: String(what).slice(0, 200) });
});
// Every way a payload may try to show that it ran calls home first.
await context.addInitScript(() => {
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const real = window[name];
    window[name] = function (...args) {
      window.__xssRan?.(`${name}(${args.join(",")})`);
      return real?.apply(window, args);
    };
  }
});

const page = await context.newPage();
page.on("dialog", (d) => {
  findings.push({ url: current, kind: "dialog", detail: `${d.type()}: ${d.message()}`.slice(0, 200) });
  d.dismiss().catch(() => {});
});
page.on("console", (m) => {
  const t = m.text();
  if (/Content Security Policy|Refused to (execute|load|evaluate)/i.test(t)) {
    findings.push({ url: current, kind: "csp-blocked", detail: t.slice(0, 300) });
  }
});
page.on("pageerror", (e) => findings.push({ url: current, kind: "page-error", detail: String(e).slice(0, 200) }));
page.on("request", (r) => {
  if (r.url().includes("xss-marker") && !r.isNavigationRequest()) findings.push({ url: current, kind: "marker-request", detail: r.url() });
});

for (const url of urls) {
  current = url;
  try {
    await page.goto(url, { waitUntil: "load", timeout: 20000 });
    await page.waitForTimeout(30);
    const dom = await page.evaluate(() => {
      const bad = [];
      // The article's JSON-LD is a data block, never run: one, in <head>,
      // holding strict JSON and nothing else.
      const ld = document.querySelectorAll('script[type="application/ld+json"]');
      for (const s of document.querySelectorAll("script")) {
        if (s.hasAttribute("data-hit")) continue;
        let data = false;
        if (s.getAttribute("type") === "application/ld+json" && ld.length === 1
            && s.parentElement === document.head && s.attributes.length === 1) {
          try { data = typeof JSON.parse(s.textContent) === "object"; } catch { data = false; }
        }
        if (!data) bad.push(`script: ${s.outerHTML.slice(0, 120)}`);
      }
      // The page's own <meta>: charset, the named ones it writes, and
      // OpenGraph's; never http-equiv (a refresh is a redirect).
      const metaNames = ["viewport", "description", "robots", "twitter:card", "twitter:title",
        "twitter:description", "twitter:image"];
      const ownMeta = (el) => el.parentElement === document.head && !el.hasAttribute("http-equiv")
        && (el.getAttribute("charset") || metaNames.includes(el.getAttribute("name"))
          || /^(og|article):[a-z_]+$/.test(el.getAttribute("property") || ""));
      for (const el of document.querySelectorAll("*")) {
        for (const a of el.attributes) {
          const v = a.value.trim().toLowerCase().replace(/[\s\u0000-\u001f]/g, "");
          if (a.name.toLowerCase().startsWith("on")) bad.push(`handler ${a.name} on <${el.localName}>`);
          if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(a.name.toLowerCase())
              && (v.startsWith("javascript:") || v.startsWith("vbscript:") || v.startsWith("data:text/html"))) {
            bad.push(`${a.name}=${a.value.slice(0, 80)} on <${el.localName}>`);
          }
        }
        if (["iframe", "object", "embed", "frame", "base", "meta"].includes(el.localName)
            && !(el.localName === "meta" && ownMeta(el))) {
          bad.push(`<${el.localName}> ${el.outerHTML.slice(0, 120)}`);
        }
      }
      return bad;
    });
    for (const d of dom) findings.push({ url, kind: "dom", detail: d });
  } catch (e) {
    findings.push({ url, kind: "load-failed", detail: String(e).slice(0, 200) });
  }
}
await browser.close();
console.log(JSON.stringify({ pages: urls.length, findings }));
