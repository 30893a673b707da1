"""Small documents as organizers publish them, built by the tests: a two-page Chinese rules PDF
cut by numbered clauses, an English Word file with headings, a Chinese web page with navigation
around its article. Their facts are not in the bundled knowledge base, so an answer from them
shows the import worked."""

from __future__ import annotations

import io

RULES_PAGES = [
    [
        "全球音视频开发者与创作者大赛参赛规则",
        "第一条 总则",
        "本规则适用于全球音视频开发者与创作者大赛，由大赛组委会负责解释。",
        "第二条 赛事日程",
        "大赛分为报名、初赛、复赛和决赛四个阶段，各阶段的具体时间以组委会公告为准。",
    ],
    [
        "第三条 知识产权",
        "参赛作品须为原创，使用开源代码或开源素材时须在作品说明中注明出处和许可证，",
        "否则视为侵权。作品的知识产权归参赛者所有。",
        "第四条 违规处理",
        "抄袭他人作品、请人代做或组织刷票的队伍，将被取消参赛资格并收回已获奖项。",
    ],
]

GUIDE_SECTIONS = [
    (
        "Video format",
        "Entries must be MP4 files encoded with H.264, no longer than ten minutes and no larger "
        "than 2 GB. Subtitles are welcome but not required.",
    ),
    (
        "Demo day",
        "Each finalist team gets eight minutes on stage: five minutes to demonstrate its work "
        "and three minutes of questions from the judges. Bring your own laptop and an HDMI "
        "adapter.",
    ),
]

FAQ_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<title>决赛观赛指南 - 全球音视频开发者与创作者社区</title></head>
<body>
<nav><ul>
<li><a href="/">首页</a></li><li><a href="/news">社区新闻</a></li>
<li><a href="/contest">大赛</a></li><li><a href="/about">关于我们</a></li>
</ul></nav>
<header><div class="logo">全球音视频开发者与创作者社区</div></header>
<main><article>
<h1>决赛观赛指南</h1>
<p>本指南面向入围决赛的队伍和前来观赛的社区成员，由大赛组委会整理发布。</p>
<h2>住宿安排</h2>
<p>决赛期间，组委会为每支入围决赛的队伍提供两晚住宿，酒店位于马栏山视频文创园附近，入住时请出示参赛证。</p>
<h2>线上直播</h2>
<p>决赛全程在社区官网和哔哩哔哩同步直播，无法到场的成员可以在线观看并参与弹幕互动。</p>
</article></main>
<aside><a href="/2023">往届回顾</a> <a href="/partners">合作伙伴</a></aside>
<footer><p>版权所有 © 2024 全球音视频开发者与创作者社区</p><a href="/privacy">隐私政策</a></footer>
</body></html>
"""

NAVIGATION_PAGE = (
    "<!doctype html><html><head><title>站点导航</title></head><body><nav>"
    + " ".join(f'<a href="/section/{n}">栏目{n}</a>' for n in range(60))
    + "</nav><p>欢迎访问</p></body></html>"
)


def rules_pdf(password: str | None = None) -> bytes:
    """The rules as a two-page PDF with a text layer (reportlab's built-in Chinese font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, encrypt=password)
    document.setTitle("大赛规则")
    for lines in RULES_PAGES:
        document.setFont("STSong-Light", 11)
        for number, line in enumerate(lines):
            document.drawString(56, 780 - 22 * number, line)
        document.showPage()
    document.save()
    return buffer.getvalue()


def scanned_pdf() -> bytes:
    """A PDF whose pages are pictures only, as a scanner makes them: no text layer."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    for _page in range(2):
        document.rect(56, 500, 400, 250, fill=1)  # the "scan"
        document.showPage()
    document.save()
    return buffer.getvalue()


def guide_docx() -> bytes:
    """The submission guide as a Word file with a title and heading styles."""
    from docx import Document

    document = Document()
    document.core_properties.title = "Submission guide"
    document.add_heading("Submission guide", level=0)
    document.add_paragraph("What finalists need to know before they submit and present.")
    for heading, text in GUIDE_SECTIONS:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
