"""Related news: Tin liên quan, Tin cùng chuyên mục, Có thể bạn quan tâm.

Sets ``article.related_news``, ``article.same_category`` and ``article.may_interest``
(lists of Article objects) for ``partials/related_news.html``. Modules (pure, no Pelican):
``tokens`` (syllable 1-2-grams), ``counts`` (sparse count matrix, counted by plugins.pool),
``count_cache`` (the counts file), ``vectors`` (TF-IDF, tags), ``topk`` (chunked sparse
products), ``ranking`` (blended score, overrides), ``same_category`` (newest of the
category), ``model`` (Doc, Result), ``config`` (the ``RELATED_NEWS`` dict); ``plugin`` is
the glue. Listed in PLUGINS as ``plugins.related_news``.
"""


def register():
    from .plugin import register

    register()
