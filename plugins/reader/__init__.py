"""Reader participation on article pages: comments ("Ý kiến bạn đọc", Isso in the
reader service), star ratings ("danh-gia"), the "Tin xem nhiều" block, today's date.

The build decides and the service enforces: `counter/comments.json` lists the articles
open to comments (site switch COMMENTS, front-matter `comments: false`,
COMMENTS_CLOSE_AFTER_DAYS) with the length and link limits; `counter/cards/<year>.json` map
article paths to {title, url, thumb} for the most-read block (the service never
serves titles). Settings: see config.py.
"""


def register():
    from .plugin import register

    register()
