// Search as you type over the built demo portal (content/), with real lunr.js and the engine
// the browser runs (theme/static/js/search.js), issue 19: every prefix of every title, with
// and without diacritics, finds that article, and never fewer articles than the whole title.
// Builds the demo with Pelican into a temp dir (5 s on an idle machine); SEARCH_DEMO_OUTPUT=<built site>
// reuses a build instead.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const lunr = require("lunr");
const vn = require("../../theme/static/js/vietnamese.js");
const engine = require("../../theme/static/js/search.js");

function demoOutput() {
  if (process.env.SEARCH_DEMO_OUTPUT) return process.env.SEARCH_DEMO_OUTPUT;
  const tmp = mkdtempSync(join(tmpdir(), "search-typing-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const venv = join(ROOT, ".venv", "bin", "python");
  const out = join(tmp, "output");
  // Pelican itself, as the portal's build runs it; no counter widgets (as tests/conftest.py).
  execFileSync(existsSync(venv) ? venv : "python3",
    ["-m", "pelican", "content", "-s", "pelicanconf.py", "-o", out, "--fatal", "errors", "-q"],
    { cwd: ROOT, env: { ...process.env, COUNTER_URL: "" }, stdio: ["ignore", "ignore", "inherit"] });
  return out;
}

const dir = join(demoOutput(), "tim-kiem");
const read = (name) => JSON.parse(readFileSync(join(dir, name), "utf8"));
const manifest = read("chi-muc.json");
engine.init(lunr, vn, manifest, "/");
const titles = [];
for (const y of manifest.years) {
  const core = read(y.core);
  engine.add(y.year, "core", core);
  engine.add(y.year, "lead", read(y.lead));
  for (const row of core.docs) titles.push({ title: row[0], url: engine.url({ row }) });
}
engine.warm();

const MODES = {
  header: { typing: true, titlesOnly: true },  // the header box: titles, tags, category
  page: { typing: true },  // /tim-kiem/ while the reader types: leads too
  submitted: {},  // /tim-kiem/?q=... or Enter: the same match set, finished-query ranking
};
const urls = (q, mode) => engine.search(q, MODES[mode]).map((r) => engine.url(r));
// Every code-point prefix that holds a syllable ("Đổ", "Đổi", "Đổi m", "Đổi mới,", ...).
const prefixes = (text) => {
  const cps = Array.from(text);
  return cps.map((_, i) => cps.slice(0, i + 1).join("")).filter((p) => vn.syllables(p).length);
};

test("the demo index is built and holds every year", () => {
  assert.ok(manifest.years.length >= 5 && titles.length >= 40, `${titles.length} titles`);
});

for (const { title, url } of titles) {
  test(`every prefix of "${title}" finds it, and at least what the whole title finds`, () => {
    for (const text of [title, vn.fold(title)]) {
      for (const mode of Object.keys(MODES)) {
        // The whole title as typed (still open), ended by a space, and (page) submitted.
        const wholes = [text, text + " "].map((q) => urls(q, mode));
        if (mode !== "header") wholes.push(urls(text, "submitted"), urls(text + " ", "submitted"));
        const whole = new Set(wholes.flat());
        assert.ok(whole.has(url), `${mode}: "${text}" does not find itself`);
        for (const p of prefixes(text)) {
          const got = new Set(urls(p, mode));
          assert.ok(got.has(url), `${mode}: "${p}" does not find "${title}"`);
          for (const u of whole) assert.ok(got.has(u), `${mode}: "${p}" lost ${u}, which "${text}" finds`);
        }
      }
    }
  });
}

test("a one-letter query finds something in every mode, and a prefix of any syllable does", () => {
  for (const mode of Object.keys(MODES)) {
    for (const q of ["đ", "d", "n", "t", "s", "nậm p", "nam p", "sin h", "chuyen doi s"]) {
      assert.ok(urls(q, mode).length > 0, `${mode}: "${q}"`);
    }
  }
});

const has = (r, words) => vn.fold(r.title.toLowerCase()).includes(words);
test("while typing, exact diacritics and adjacent syllables rank first: \"dân vậ\" -> dân vận", () => {
  for (const mode of ["header", "page"]) {
    for (const q of ["dân v", "dân vậ", "dân vận", "dan va", "dan van"]) {
      const res = engine.search(q, MODES[mode]);
      const first = res.findIndex((r) => !r.title.toLowerCase().includes("dân vận"));
      const adjacent = res.filter((r) => r.title.toLowerCase().includes("dân vận")).length;
      assert.ok(adjacent >= 3 && first === adjacent, `${mode} "${q}": ${res.map((r) => r.title).join(" | ")}`);
    }
    // Typed with the look-alike's diacritics, the look-alike comes first.
    for (const q of ["dàn vă", "dàn văn"]) {
      const res = engine.search(q, MODES[mode]);
      assert.ok(res[0].title.startsWith("Dàn văn công"), `${mode} "${q}": ${res[0].title}`);
      assert.ok(res.some((r) => has(r, "dan van")), q);
    }
  }
});

test("a finished query ranks as before: its whole-word results first, in lunr's order", () => {
  // "q " (ended by a space) is the whole-word query; "q" submitted adds the prefix-only
  // matches of its last syllable after those, and must not reorder them.
  for (const { title } of titles) {
    const words = vn.syllables(title);
    for (let k = 1; k <= words.length; k++) {
      const q = words.slice(0, k).join(" ");
      const whole = urls(q + " ", "submitted"), got = urls(q, "submitted");
      assert.deepEqual(got.slice(0, whole.length), whole, q);
    }
  }
});

test("prefixScores equals lunr's own scores when every syllable is a whole word", () => {
  // With no open syllable it computes exactly lunr's query (the same formula on the same
  // weights); this holds the prefix scorer to lunr where they can be compared.
  const L = lunr;
  for (const y of manifest.years) {
    for (const part of ["core", "lead"]) {
      const idx = L.Index.load(engine.expand(read(y[part]).index));
      for (const { title } of titles.slice(0, 20)) {
        for (const q of [title, vn.fold(title), vn.syllables(title).slice(0, 2).join(" ")]) {
          const syl = vn.syllables(q);
          const want = {};
          idx.query((qq) => syl.forEach((s) => {
            const f = vn.fold(s);
            qq.term(f, { usePipeline: false, presence: L.Query.presence.REQUIRED });
            if (f !== s) qq.term(s, { usePipeline: false, boost: 3 });
          })).forEach((r) => { want[r.ref] = r.score; });
          const got = engine.prefixScores(y.year, part, q + " ");
          assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${y.year}-${part} "${q}"`);
          for (const ref in want) assert.ok(Math.abs(got[ref] - want[ref]) < 1e-4 * want[ref] + 1e-6, `${q} ${ref}`);
        }
      }
    }
  }
});
