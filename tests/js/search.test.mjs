// Loads the built fixture index (tests/generators/make_search_fixture.py) with real lunr.js,
// registers the pipeline from vietnamese.js, and runs the shared query vectors
// through the same engine the browser uses (theme/static/js/search.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lunr = require("lunr");
const vn = require("../../theme/static/js/vietnamese.js");
const engine = require("../../theme/static/js/search.js");
const dir = new URL("./fixtures/search/", import.meta.url);
const read = (name) => JSON.parse(readFileSync(new URL(name, dir), "utf8"));
const manifest = read("manifest.json");
const vectors = JSON.parse(readFileSync(new URL("../vectors/search_queries.json", import.meta.url), "utf8"));

engine.init(lunr, vn, manifest, "/");
for (const y of manifest.years) {
  engine.add(y.year, "core", read(y.core));
  engine.add(y.year, "lead", read(y.lead));
}
const slug = (url) => url.replace(/^.*\//, "").replace(/\.html$/, "");
const SLUG_OF_URL = { "lich-tiep-dan": "thong-bao-lich-tiep-dan" };
const slugs = (res) => res.map((r) => engine.url(r)).map((u) => SLUG_OF_URL[slug(u)] || slug(u));

test("pipeline labels are registered before load, and load fails without them", () => {
  assert.ok(lunr.Pipeline.registeredFunctions["vi-trimmer"]);
  assert.ok(lunr.Pipeline.registeredFunctions["vi-dual"]);
  const ser = read(`lunrpy-${manifest.years[0].year}-core.json`);
  assert.deepEqual(ser.pipeline, ["vi-trimmer"]);
  assert.throws(() => lunr.Index.load({ ...ser, pipeline: ["vi-unknown"] }), /unregistered function/);
});

test("JS pipeline functions make the same tokens as the Python pipeline", () => {
  const run = (s) => {
    const p = new lunr.Pipeline();
    p.add(lunr.Pipeline.registeredFunctions["vi-trimmer"], lunr.Pipeline.registeredFunctions["vi-dual"]);
    return p.run(vn.syllables(s).map((t) => new lunr.Token(t))).map(String);
  };
  assert.deepEqual(run("Dân vận (Sìn Hồ)"), ["dân", "dan", "vận", "van", "sìn", "sin", "hồ", "ho"]);
  assert.deepEqual(run("thuỷ HOÀ"), ["thủy", "thuy", "hòa", "hoa"]);
});

for (const y of manifest.years) {
  for (const part of ["core", "lead"]) {
    test(`decoded ${y.year}-${part} equals lunr.py's own serialisation`, () => {
      const mine = engine.expand(read(y[part]).index);
      const ref = read(`lunrpy-${y.year}-${part}.json`);
      assert.deepEqual(mine.fields, ref.fields);
      assert.deepEqual(mine.invertedIndex.map((t) => t[0]), ref.invertedIndex.map((t) => t[0]).sort());
      const refIdx = Object.fromEntries(ref.invertedIndex.map(([t, p]) => [p._index, t]));
      const toTerms = (vec, names) => Object.fromEntries(vec.flatMap((x, i) => (i % 2 ? [] : [[names(x), vec[i + 1]]])));
      const mineNames = mine.invertedIndex.map((t) => t[0]);
      const mineV = Object.fromEntries(mine.fieldVectors);
      assert.equal(mine.fieldVectors.length, ref.fieldVectors.length);
      for (const [ref_, vec] of ref.fieldVectors) {
        const a = toTerms(vec, (i) => refIdx[i]), b = toTerms(mineV[ref_], (i) => mineNames[i]);
        assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), ref_);
        for (const k in a) assert.ok(Math.abs(a[k] - b[k]) < 0.0015, `${ref_} ${k}: ${a[k]} vs ${b[k]}`);
      }
      const refPost = Object.fromEntries(ref.invertedIndex);
      for (const [term, p] of mine.invertedIndex) {
        for (const f of mine.fields) assert.deepEqual(Object.keys(p[f]).sort(), Object.keys(refPost[term][f]).sort());
      }
    });
  }
}

for (const v of vectors) {
  const name = `query ${JSON.stringify(v.q)}${v.typing ? " (typing)" : ""}${v.category ? " in " + v.category : ""}${v.year ? " in " + v.year : ""}`;
  test(name, () => {
    const res = slugs(engine.search(v.q, { typing: !!v.typing, category: v.category, year: v.year }));
    for (const s of v.include || []) assert.ok(res.includes(s), `${s} missing from ${res}`);
    for (const s of v.exclude || []) assert.ok(!res.includes(s), `${s} should not be in ${res}`);
    if (v.first) assert.equal(res[0], v.first, String(res));
    if (v.count !== undefined) assert.equal(res.length, v.count, String(res));
    for (const [a, b] of v.before || []) assert.ok(res.indexOf(a) < res.indexOf(b), `${a} before ${b}: ${res}`);
  });
}
