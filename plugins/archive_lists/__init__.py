"""Pelican's tag, category, author and year-archive lists in linear time.

Pelican 4.12 builds each archive's second ordering with a list-membership test inside a
list comprehension (``[a for a in self.dates if a in articles]``): quadratic in the
number of articles. At 10,000 articles that is ~10 s of a build, whether or not any page
changed; at 100,000 it is hours. Same lists, same order, computed with identity sets:

- the per-tag/category/author lists become ``IdList``: a ``list`` whose ``in`` is a set
  lookup (by identity, which is what ``in`` finds for Pelican's content objects);
- year archives are computed by Pelican with an empty ``articles`` list, then their
  ``articles`` are filled in one pass.
"""


def register():
    from .plugin import register

    register()
