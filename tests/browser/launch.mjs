// Chromium as ../shared/judge/lib.sh launches it: headless, every
// non-loopback request sent to a dead proxy. Every browser test uses it.
import { chromium } from "playwright-core";

/// Refuses anything but a loopback base address.
export function loopbackOnly(base) {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
    console.error(`refusing a non-loopback base: ${base}`);
    process.exit(2);
  }
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--proxy-server=http://127.0.0.1:9",
      "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
      "--disable-dev-shm-usage",
    ],
  });
}
