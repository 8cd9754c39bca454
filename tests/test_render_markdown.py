"""reconciliation.md never carries an outlet's raw HTML, link or image (issue 19, defect 11)."""

from __future__ import annotations

import re

import pytest

from service.config import Settings
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM
from service.pipeline.reconcile import reconcile
from service.render.markdown import render_markdown, table_cell
from service.schemas import ArticleIn
from tests.conftest import SEEDS

HOSTILE_OUTLET = "<img src=x onerror=alert(1)>Daily"
HOSTILE_TITLE = "<script>alert('t')</script> Ministers spoke"
HOSTILE_SENTENCE = (
    "The ministry said on Thursday that <b onclick=alert(2)>talks</b> would go on "
    "![pixel](http://tracker.example/p.png) and [more](javascript:alert(3)) after the call."
)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("AT&T | B", "AT&amp;T \\| B"),
        ("![i](http://t/p.png)", "!\\[i\\](http://t/p.png)"),
        (" a |\n b ", "a \\| b"),
    ],
)
def test_table_cell_escapes_html_links_and_pipes(raw: str, escaped: str) -> None:
    assert table_cell(raw) == escaped


async def test_the_markdown_output_escapes_outlet_title_and_text(settings: Settings) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in SEEDS]
    articles = [
        ArticleIn(
            text=f"{HOSTILE_SENTENCE}\n{seeds[0]}", outlet=HOSTILE_OUTLET, title=HOSTILE_TITLE
        ),
        ArticleIn(text=seeds[1], outlet="AFP"),
    ]
    rec = await reconcile(
        articles, llm=StructuredLLM(FakeBackend(responder=fake_responder)), settings=settings
    )
    assert any("<b onclick" in c.statement for c in rec.all_claims())  # the hostile text is in
    md = render_markdown(rec)
    assert "<" not in md and ">" not in md.replace("&gt;", "")
    assert not re.search(r"(?<!\\)\]\(", md)  # every "](" of a would-be link is escaped
    assert "&lt;img src=x onerror=alert(1)&gt;Daily" in md  # still readable, as text

    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(md)
    for tag in ("<img", "<script", "<b ", "<a "):
        assert tag not in html
