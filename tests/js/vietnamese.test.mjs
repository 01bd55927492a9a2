// The JS query folding must give exactly the Python results on the shared vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const vn = require("../../theme/static/js/vietnamese.js");
const vectors = JSON.parse(readFileSync(new URL("../vectors/vietnamese.json", import.meta.url), "utf8"));

test("vectors file is not empty", () => assert.ok(vectors.length > 250));

for (const v of vectors) {
  test(`vietnamese.js matches Python on ${JSON.stringify(v.input)}`, () => {
    assert.equal(vn.normalize(v.input), v.normalize);
    assert.equal(vn.fold(v.input), v.fold);
    assert.deepEqual(vn.tokenize(v.input), v.tokens);
    assert.deepEqual(vn.tokenize(v.input, true), v.folded_tokens);
    assert.equal(vn.trim(v.input), v.trim);
    assert.equal(vn.slugify(v.input), v.slug);
  });
}

test("wordRegExp finds the same syllables as tokenize, with offsets", () => {
  const text = "Covid19: Hoà Bình, 2020";
  const re = vn.wordRegExp();
  const found = [];
  let m;
  while ((m = re.exec(vn.normalize(text)))) found.push(m[0].toLowerCase());
  assert.deepEqual(found, vn.tokenize(text));
});
