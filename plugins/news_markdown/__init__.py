"""Markdown extensions for news articles (no Pelican import).

Enabled in pelicanconf.MARKDOWN as "plugins.news_markdown:NewsMarkdownExtension".
"""

from .figures import FigureExtension as NewsMarkdownExtension
from .figures import FigureTreeprocessor

__all__ = ["NewsMarkdownExtension", "FigureTreeprocessor", "makeExtension"]


def makeExtension(**kwargs):  # Markdown's entry-point convention
    return NewsMarkdownExtension(**kwargs)
