// Package browser loads pages in headless Chromium (Debian's `chromium`,
// which CI installs) over the DevTools protocol (chromedp): it reports every
// console error, uncaught exception and failed resource load of a page, and
// takes full-page screenshots. Tests use it to check that voc's HTML (the
// weekly report, voc serve's pages) renders cleanly in a real browser, and
// `make screenshots` (internal/browser/screenshots) to draw the pictures in
// docs/img.
package browser
