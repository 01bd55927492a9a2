"""News photos: an image alone in its paragraph becomes a captioned <figure>.

    ![Nông dân thu hái chè](url "Thu hoạch chè tại xã Quảng Long.")

renders as <figure class="news-figure"><img alt=… src=…><figcaption>…</figcaption></figure>.
"""

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class FigureTreeprocessor(Treeprocessor):
    def run(self, root):
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "p" or len(child) != 1:
                    continue
                img = child[0]
                if img.tag != "img" or (child.text or "").strip() or (img.tail or "").strip():
                    continue
                figure = etree.Element("figure", {"class": "news-figure"})
                caption = img.attrib.pop("title", "").strip()
                img.tail = None
                figure.append(img)
                if caption:
                    figcaption = etree.SubElement(figure, "figcaption")
                    figcaption.text = caption
                parent.remove(child)
                parent.insert(index, figure)


class FigureExtension(Extension):
    def extendMarkdown(self, md):
        # after inline patterns (priority 20) have produced <img>
        md.treeprocessors.register(FigureTreeprocessor(md), "news_figures", 5)
