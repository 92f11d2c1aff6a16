"""Text repairs, dates, and the gazetteer: rules that hold for any input."""

from __future__ import annotations

import hashlib
import random
import re
import sys
from pathlib import Path

import pytest

from communique.extract import CaptureHints, extract
from communique.extract.dateline import find_dateline
from communique.extract.gazetteer import load_gazetteer
from communique.extract.patterns import any_of
from communique.extract.text import clean_headline, clean_paragraph, fingerprint, paragraphs

from conftest import RunCli, sql


def test_a_word_trie_matches_what_the_longest_first_alternation_matches() -> None:
    """Words that begin one another ("call", "calls", "called"), words with characters that
    mean something to the regex engine, and texts built from their pieces: the trie must find
    the same matches, the same groups, in the same places, as the plain alternation."""
    generator = random.Random(5)
    pieces = ["a", "ab", "b", "ba", " ", ".", "c", "-", "aa"]
    for _ in range(300):
        words = {"".join(generator.choices(pieces, k=generator.randint(1, 4))) for _ in range(8)}
        plain = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        text = "".join(generator.choices(pieces, k=30))
        for tail in ("", r"\b", r"(?![\w])", r"\s+(?P<next>\w*)"):
            trie = re.compile(f"(?P<word>{any_of(words)}){tail}")
            alternation = re.compile(f"(?P<word>{plain}){tail}")
            assert [m.groupdict() | {"at": m.span()} for m in trie.finditer(text)] == [
                m.groupdict() | {"at": m.span()} for m in alternation.finditer(text)
            ], (words, text, tail)
    assert any_of(["call", "calls", "called"]) == "call(?:(?:ed|s))?"
    assert re.search(any_of([]), "anything") is None


@pytest.mark.parametrize(
    ("scraped", "repaired"),
    [
        ("He met ComradeKim Jong Un today.", "He met Comrade Kim Jong Un today."),
        ("a letter toKim Jong Un , and", "a letter to Kim Jong Un, and"),
        (
            "statues of Kim Il Sungand Kim Jong Iland flowers",
            "statues of Kim Il Sung and Kim Jong Il and flowers",
        ),
        ("Kim Il Sung University\u00a0 opened. -0-", "Kim Il Sung University opened."),
    ],
)
def test_scrape_damage_is_repaired(scraped: str, repaired: str) -> None:
    assert clean_paragraph(scraped) == repaired


@pytest.mark.parametrize(
    ("headline", "clean"),
    [
        ("Floral Tribute Paid\n\n[Juche113.2.11.]", "Floral Tribute Paid"),
        ("Players Back Home\r\n\t\t\t\t[Juche113.8.2.]", "Players Back Home"),
        ("Fish Farm Built\n[2024.09.05.]", "Fish Farm Built"),
        ("Campaign Launched in  DPRK", "Campaign Launched in DPRK"),
        ("[Juche113.7.31.]", None),
        ("  \n\t[2024.02.11.]\n", None),
    ],
)
def test_headlines_lose_breaks_tabs_and_date_stamps(headline: str, clean: str | None) -> None:
    assert clean_headline(headline) == clean


def test_the_raw_text_stays_untouched(cli: RunCli, db_path: Path, tmp_path: Path) -> None:
    raw = (
        "Greetings toKim Jong Un\r\n\r\nPyongyang, May 2 (KCNA) -- He met ComradeKim Jong Un .\r\n"
    )
    page = tmp_path / "glued.txt"
    page.write_bytes(raw.encode())
    assert cli("seed", str(page)).exit_code == 0
    assert sql(db_path, "SELECT raw_text FROM documents") == [(raw,)]
    assert sql(db_path, "SELECT headline, body FROM articles") == [
        ("Greetings to Kim Jong Un", "Pyongyang, May 2 (KCNA) -- He met Comrade Kim Jong Un.")
    ]


def test_white_space_is_folded_whatever_it_is() -> None:
    """`clean_paragraph` folds only text that is unprintable or has doubled or outer spaces,
    which holds because every white space but the plain space is unprintable."""
    spaces = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    assert [space for space in spaces if space != " " and space.isprintable()] == []
    for space in spaces:
        assert clean_paragraph(f"{space}Both{space}sides{space}{space}agreed.{space}") == (
            "Both sides agreed."
        ), hex(ord(space))
    assert clean_paragraph("Both sides agreed.") == "Both sides agreed."


def test_a_hard_wrapped_paragraph_stays_one_paragraph() -> None:
    text = (
        "Both sides reached a consensus of views on not allowing any outside\n"
        "interference in the reunification of the country and its peaceful future.\n"
        "They consider it important for the countries concerned to support it.\n\n"
        "Next paragraph."
    )
    assert len(paragraphs(text)) == 2


def test_list_items_and_datelines_are_never_run_together() -> None:
    assert paragraphs("It says:\n1. First.\n2. Second point\n3. Third") == [
        "It says:",
        "1. First.",
        "2. Second point",
        "3. Third",
    ]
    assert paragraphs("A headline of some length\nPyongyang, May 2 (KCNA) -- Text.") == [
        "A headline of some length",
        "Pyongyang, May 2 (KCNA) -- Text.",
    ]


def test_datelines_in_capitals_and_with_years() -> None:
    found = find_dateline("PYONGYANG, JULY 21, 2000 (KCNA) -- Text")
    assert found is not None
    assert (found.place, found.year, found.month, found.day, found.agency.slug) == (
        "PYONGYANG",
        2000,
        7,
        21,
        "kcna",
    )
    assert find_dateline("Pyongyang, July 45 (KCNA) -- Text") is None
    assert find_dateline("On Tuesday (KCNA) -- Text") is None


@pytest.mark.parametrize(
    ("published", "signed", "year"),
    [
        ("July 21", "July 19", 2000),
        ("January 5", "December 30", 1999),
        ("March 1", "March 1", 2000),
    ],
)
def test_a_signing_date_without_year_takes_the_articles(
    published: str, signed: str, year: int
) -> None:
    text = (
        f"Headline\n\nPyongyang, {published} (KCNA) -- The DPRK-China joint statement signed by"
        f" Premier Pak of the DPRK and Premier Li of China in Beijing on {signed} was published."
        " It says:\n\nBoth sides agreed.\n"
    )
    found = extract(text, CaptureHints(published_year=2000))
    assert found.article is not None
    (declaration,) = found.article.declarations
    assert (declaration.signed_year, declaration.signed_from) == (year, "article")


def test_home_phrases_and_sides_name_their_parties() -> None:
    gazetteer = load_gazetteer()
    dprk = gazetteer.parties["dprk"]
    assert [p.slug for p in gazetteer.mentions("the Korean side and the Russian side", dprk)] == [
        "dprk",
        "russia",
    ]
    china = gazetteer.parties["china"]
    # In a Xinhua text, "the Korean side" names nobody in particular.
    assert [p.slug for p in gazetteer.mentions("the Korean side and our side", china)] == ["china"]
    assert [p.slug for p in gazetteer.mentions("south Korea and the U.S.")] == ["rok", "usa"]
    assert [p.slug for p in gazetteer.mentions("the Democratic People's Republic of Korea")] == [
        "dprk"
    ]
    assert [
        p.slug for p in gazetteer.mentions("the Democratic People\u2019s Republic of Korea")
    ] == ["dprk"]
    assert gazetteer.named("North Korea") == dprk
    assert gazetteer.mentions("Korea and the Koreans") == ()


def test_a_users_gazetteer_extends_the_packaged_one(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[parties.ruritania]\nname = "Kingdom of Ruritania"\nshort_name = "Ruritania"\n'
        'aliases = ["Ruritania"]\nadjectives = ["Ruritanian"]\n\n'
        '[parties.russia]\naliases = ["the Russian Federation"]\n',
        encoding="utf-8",
    )
    page = tmp_path / "joint.txt"
    page.write_text(
        "Talks\n\nPyongyang, May 2 (KCNA) -- A DPRK-Ruritania joint statement was issued."
        " It says:\n\nThe Ruritanian side expressed support for the DPRK.\n",
        encoding="utf-8",
    )
    without = load_gazetteer()
    assert without.named("Ruritania") is None
    result = cli("seed", "--gazetteer", str(extra), str(page))
    assert result.exit_code == 0, result.output
    assert sql(
        db_path, "SELECT pa.slug FROM point_parties pp JOIN parties pa ON pa.id = pp.party_id"
    ) == [("ruritania",)]
    assert sql(
        db_path,
        "SELECT pa.slug FROM declaration_parties dp JOIN parties pa"
        " ON pa.id = dp.party_id ORDER BY pa.slug",
    ) == [("dprk",), ("ruritania",)]
    bad = tmp_path / "bad.toml"
    bad.write_text("[parties.x]\naliases = 5\n", encoding="utf-8")
    refused = cli("seed", "--gazetteer", str(bad), str(page))
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines()[-1].startswith(f"Error: {bad}:")


@pytest.mark.parametrize(
    "text",
    [
        "Talks held in Pyongyang -- the two sides agreed.",
        "snake_case and under_scores, tabs\tand\nnew lines",
        "\u201cPeace\u201d \u2014 the sides\u2019 view\u2026 and\u00a0more",
        "Stra\u00dfe, \u00c9cole, na\u00efve: the DPRK\u2019s stand",
        "  ",
        "\u00bd 1\u00b2 \u2160 \u0661\u0662",
    ],
)
def test_fingerprint_reads_words_as_the_pattern_defines_them(text: str) -> None:
    # The definition every stored fingerprint was made by; the fast path must agree with it.
    words = re.sub(r"[\W_]+", " ", text.casefold()).strip()
    assert fingerprint(text) == hashlib.sha256(words.encode("utf-8")).hexdigest()
