"""Extraction rules are general: texts of other shapes, built here, go through the same rules."""

from __future__ import annotations

import pytest

from communique.errors import InputRefused
from communique.extract import CaptureHints, extract
from communique.extract.text import paragraphs
from communique.inputs.decoding import decode

JOINT_STATEMENT = """\
The Largest Security-Cleared Career Network for Defense and Intelligence Jobs - JOIN NOW

Military

DPRK and China issue joint statement

Pyongyang, January 5 (KCNA) -- A DPRK-China joint statement was made public today.
The statement signed by General Secretary Kim Jong Un of the Workers' Party of Korea and \
President Xi Jinping of the People's Republic of China in Beijing on December 30 was published.

The joint statement says:

The two sides agreed to deepen strategic communication.

China reaffirmed its support for the DPRK's line of economic construction.

The DPRK supports the one-China principle. -0-

Join the mailing list

Other stories from the site
"""


def test_a_joint_statement_in_another_section() -> None:
    extraction = extract(JOINT_STATEMENT, CaptureHints(published_year=2019))
    assert extraction.carrier is not None and extraction.carrier.slug == "globalsecurity"
    assert extraction.section == "Military"
    article = extraction.article
    assert article is not None
    assert article.headline == "DPRK and China issue joint statement"
    assert "Other stories" not in article.body
    (declaration,) = article.declarations
    assert (declaration.kind, declaration.title, declaration.intro) == (
        "joint statement",
        "DPRK-China joint statement",
        "The joint statement says:",
    )
    # Signed on 30 December, published on 5 January: the year before the article's.
    assert (declaration.signed_place, declaration.signed_year) == ("Beijing", 2018)
    assert (declaration.signed_month, declaration.signed_day) == (12, 30)
    assert [(s.name, s.title) for s in declaration.signatories] == [
        ("Kim Jong Un", "General Secretary of the Workers' Party of Korea"),
        ("Xi Jinping", "President"),
    ]
    assert [s.party.slug if s.party else None for s in declaration.signatories] == [
        None,
        "china",
    ]
    holders = [[p.slug for p in point.parties] for point in declaration.points]
    # Kim's party is not named by his signature, so the title completes who declares.
    assert holders == [["dprk", "china"], ["china"], ["dprk"]]
    assert declaration.points[-1].text == "The DPRK supports the one-China principle."


def test_title_names_the_parties_when_signatures_do_not() -> None:
    text = (
        "Talks held\n\nPyongyang, May 2 (KCNA) -- The DPRK-Laos joint communique was released.\n\n"
        "It reads:\n\nBoth sides expressed satisfaction with the talks.\n"
    )
    article = extract(text).article
    assert article is not None
    (declaration,) = article.declarations
    assert declaration.title == "DPRK-Laos joint communique"
    assert [p.slug for p in declaration.points[0].parties] == ["dprk", "laos"]


def test_dateline_with_year_and_another_agency() -> None:
    text = "Talks in Beijing\n\nBeijing, Sept. 3, 2019 (Xinhua) -- Leaders met.\n\nMore.\n"
    article = extract(text, CaptureHints(published_year=1999)).article
    assert article is not None
    assert article.source is not None and article.source.slug == "xinhua"
    assert (article.published_year, article.published_month, article.published_day) == (2019, 9, 3)
    assert article.dateline_place == "Beijing"
    assert article.lead == "Leaders met."
    assert article.declarations == ()


def test_crlf_single_newlines_and_indentation() -> None:
    text = "Headline here\r\n   Pyongyang, July 1 (KCNA) -- First.\r\n   Second.\r\n"
    article = extract(text).article
    assert article is not None
    assert article.headline == "Headline here"
    assert article.body == "Pyongyang, July 1 (KCNA) -- First.\n\nSecond."


def test_hard_wrapped_paragraphs_are_joined() -> None:
    assert paragraphs("One line\nwrapped here.\n\n  Two\n") == ["One line wrapped here.", "Two"]


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("\ufeffHeadline\n\nBody \u2019 text.\n".encode(), "utf-8"),
        ("\ufeffHeadline\n\nBody \u2019 text.\n".encode("utf-16-le"), "utf-16-le"),
        ("\ufeffHeadline\n\nBody \u2019 text.\n".encode("utf-16-be"), "utf-16-be"),
        ("Headline\n\nBody \u2019 text.\n".encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_decoding_keeps_every_byte(raw: bytes, encoding: str) -> None:
    decoded = decode(raw)
    assert decoded.encoding == encoding
    assert decoded.text.encode(encoding) == raw
    article = extract(decoded.text).article
    assert article is not None and article.headline == "Headline"


def test_bad_utf16_is_refused() -> None:
    with pytest.raises(InputRefused, match="not valid UTF-16 text"):
        decode(b"\xff\xfeA")


def test_a_title_never_reaches_into_the_previous_sentence() -> None:
    text = (
        "Report issued\n\nPyongyang, May 2 (KCNA) -- An institute studied the DPRK. The white"
        " paper was published.\n\nThe white paper says:\n\nThe DPRK will defend itself.\n"
    )
    article = extract(text).article
    assert article is not None
    (declaration,) = article.declarations
    assert (declaration.kind, declaration.title) == ("white paper", None)
    # Nobody is named as issuing it: its holder is unknown, not the agency's country.
    assert declaration.points[0].parties == ()
