/* Vietnamese text handling for search queries: the twin of plugins/vietnamese.py.
   Both are held to tests/vectors/vietnamese.json. */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.VietnameseText = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var TONES = "\u0300\u0301\u0303\u0309\u0323";
  var VOWELS = "aeiouy";
  var WORD_RE = /[^\P{L}]+|\p{Nd}+/gu;
  var COMBINING = /\p{M}/u;
  var TRIM_RE = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

  function isVowel(c) { return VOWELS.indexOf(c) >= 0; }

  // Index of the letter carrying the tone (traditional placement: hòa, thủy).
  function placeTone(letters) {
    var b = letters.map(function (g) { return g[0]; });
    var n = b.length, start = 0;
    if (n >= 2 && b[0] === "q" && b[1] === "u") start = 2;
    else if (n >= 3 && b[0] === "g" && b[1] === "i" && isVowel(b[2])) start = 2;
    var i = start;
    while (i < n && !isVowel(b[i])) i++;
    if (i === n) return start === 2 && b[0] === "g" ? 1 : -1;
    var j = i;
    while (j < n && isVowel(b[j])) j++;
    for (var k = j; k < n; k++) if (isVowel(b[k])) return -1;
    var marked = -1;
    for (k = i; k < j; k++) if (letters[k].length > 1) marked = k;
    if (marked >= 0) return marked;
    if (j < n) return j - 1;
    if (j - i >= 3) return i + 1;
    return i;
  }

  function normalizeWord(word) {
    var d = word.normalize("NFD"), letters = [], tone = null;
    for (var ch of d) {
      if (TONES.indexOf(ch) >= 0) {
        if (tone !== null && tone !== ch) return word;
        tone = ch;
      } else if (COMBINING.test(ch)) {
        if (!letters.length) return word;
        letters[letters.length - 1].push(ch);
      } else {
        letters.push([ch]);
      }
    }
    if (tone === null) return d.normalize("NFC");
    var lowered = letters.map(function (g) { return [g[0].toLowerCase()].concat(g.slice(1)); });
    for (var g of lowered) {
      var c = g[0];
      if (c.length !== 1 || !((c >= "a" && c <= "z") || c === "đ")) return word.normalize("NFC");
    }
    var pos = placeTone(lowered);
    if (pos < 0) return word.normalize("NFC");
    letters[pos] = letters[pos].concat([tone]);
    return letters.map(function (g) { return g.join(""); }).join("").normalize("NFC");
  }

  function normalize(text) {
    return text.normalize("NFC").replace(WORD_RE, normalizeWord);
  }

  function fold(text) {
    var out = "";
    for (var ch of text.normalize("NFD")) if (!COMBINING.test(ch)) out += ch;
    return out.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
  }

  function syllables(text) {
    return normalize(text).toLowerCase().match(WORD_RE) || [];
  }

  function tokenize(text, folded) {
    var t = syllables(text);
    return folded ? t.map(fold) : t;
  }

  function trim(token) { return token.replace(TRIM_RE, ""); }

  function slugify(text) {
    return fold(text.normalize("NFC")).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // A fresh global RegExp for the syllables of a text, for callers that need offsets.
  function wordRegExp() { return new RegExp(WORD_RE.source, "gu"); }

  return { normalize: normalize, fold: fold, syllables: syllables, tokenize: tokenize, trim: trim,
           slugify: slugify, wordRegExp: wordRegExp };
});
