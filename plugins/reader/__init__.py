"""Reader participation on article pages: comments ("Ý kiến bạn đọc", Isso in the
reader service), star ratings ("danh-gia"), the "Tin xem nhiều" block, today's date.

The build decides and the service enforces: `counter/comments.json` lists the articles
open to comments (site switch COMMENTS, front-matter `comments: false`,
COMMENTS_CLOSE_AFTER_DAYS) with the length and link limits; each article's thumbnail
goes into the counter manifest beside its title, so the service's /v1/top answer is
all the most-read block needs. Settings: see config.py.
"""


def register():
    from .plugin import register

    register()
