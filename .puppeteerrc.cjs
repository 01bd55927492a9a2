// pa11y drives Puppeteer; the audit uses Debian's Chromium (scripts/audit.py), so
// `npm install` must not try to download a browser (no internet but the registries).
module.exports = { skipDownload: true };
