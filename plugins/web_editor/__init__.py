"""The web editor at /quan-tri/: Decap CMS, served from the site (never a CDN).

At ``finalized`` the build writes OUTPUT/quan-tri/index.html, config.yml and the pinned
Decap bundle (node_modules/decap-cms/dist). config.yml is generated from the content
contract, never written by hand: categories from PORTAL_CATEGORIES, the article, page
and văn bản fields with Vietnamese labels and hints, the image folder, scheduling fields.
No other page loads any of it. Settings (config.py): WEB_EDITOR (True), WEB_EDITOR_PATH,
WEB_EDITOR_REPO, WEB_EDITOR_BRANCH, WEB_EDITOR_AUTH_URL, WEB_EDITOR_LOCAL_BACKEND,
WEB_EDITOR_PUBLISH_MODE. See docs/editors.md.
"""


def register():
    from .plugin import register

    register()
