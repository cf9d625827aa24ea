"""A drop cap (a paragraph's first letter in a block of its own) joins its word, whichever
template reads the page.

Each case is a fixture page of a template whose paragraph `index` gets a drop cap before
its first word, printed as a ``<div>`` or a ``<p>``: inside the paragraph's ``<p>``, where
the parser closes that ``<p>`` at the block and leaves the words after it loose in its
parent, or inside a ``<div>`` paragraph. The item must be the fixture's, unchanged.
"""

from __future__ import annotations

import re

import pytest

from crawler.pages import analyse

from .test_pages_fixtures import PAGES, load_fixture

# (template/fixture, the index of the paragraph given a drop cap; CNNMoney's first is its
# lede, an <h2>)
CASES = [
    ("cnn_2013/script_stamp_wire_staff_video_tease", 1),
    ("cnn_2015/credits_by_role", 1),
    ("cnn_2015/div_paragraphs_embeds_service_notes", 1),
    ("cnn_2021/analysis_related_card_subheads", 1),
    ("cnn_money/first_published_widget", 0),
    ("reuters_2013/segou_hostage_threat_2013", 1),
    ("reuters_2015/gao_solar_results_2015", 0),
    ("reuters_2016/brief_gao_mining_2016", 0),
    ("reuters_2018/bamako_cotton_exports_2020", 1),
    ("reuters_2021/bamako_video_fact_check_es_2024", 2),
    ("reuters_blogs/great_debate_timbuktu_road_2013", 0),
    ("generic/og_meta_parsely_dateline", 1),
    ("generic/webpage_mainentity_author_strings", 1),
]
CAPS = {
    "div": '<div class="dropcap">{letter}</div>{rest}',
    "p": '<p class="dropcap">{letter}</p>{rest}',
}


@pytest.mark.parametrize("form", sorted(CAPS))
@pytest.mark.parametrize(("name", "index"), CASES, ids=[name for name, _ in CASES])
def test_a_drop_cap_joins_its_word(name: str, index: int, form: str) -> None:
    """Before, the templates (and the generic reader, for a ``<p>`` cap) gave the letter as
    a paragraph of its own or lost the paragraph it opened."""
    expected, headers, raw = load_fixture(PAGES / f"{name}.html")
    page = raw.decode("utf-8")
    words = expected["paragraphs"][index].split()[:3]
    found = re.search(r">\s*(" + r"\s+".join(map(re.escape, words)) + ")", page)
    assert found, f"paragraph {index} of {name} is not printed as it reads"
    at = found.start(1)
    word = re.match(r"\w+", page[at:])
    assert word and word.group()[0].isupper() and word.group()[1:2].islower()
    cap = CAPS[form].format(letter=word.group()[0], rest=word.group()[1:])
    body = (page[:at] + cap + page[word.end() + at :]).encode("utf-8")
    analysis = analyse(expected["url"], headers, body, source=expected["source"])
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]
    assert analysis.article["articleBody"] == expected["articleBody"]
