// Package web tests posemu's web page end to end: the emulator and its
// control API run in-process on loopback, a real headless Chromium
// (Debian's chromium, driven with chromedp) loads the page, and the specs
// click and type on it and check what the page's DOM and the control API
// show, with the real drivers on the other side of the ptys. The suite
// skips, saying why, where no Chromium is installed.
package web
