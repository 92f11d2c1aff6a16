"""The founding input, extracted field by field: the golden test of extraction."""

from __future__ import annotations

import pytest

from communique.extract import CaptureHints, Extraction, extract
from communique.extract.records import DeclarationRecord

DPRK = "dprk"
RUSSIA = "russia"

POINT_TEXTS = [
    "Both sides reached a consensus of views on not allowing any outside interference in the "
    "reunification of the country and consider it important for the countries concerned to "
    "support it.",
    "The DPRK and Russia have confirmed their respect for the objective and principle of the UN "
    "Charter and oppose interference in other states' internal affairs and support each other's "
    "efforts to defend its independence, sovereignty and territorial integrity.",
    "The DPRK and Russia call for strengthening strategic and regional stability and, at the same "
    "time, further reducing factors of use of force in international relations.",
    "In particular, the DPRK stated that its missile program does not pose any threat to anybody "
    "but is purely peaceful in its nature.",
    "The DPRK and Russia are convinced that both sides should cooperate with each other in "
    "combating any form of international terrorism and multi-national criminal activities.",
    "All peoples of the world should expand equitable and mutually beneficial international "
    "cooperation to ensure sustainable economic growth while cementing their own economic "
    "foundations.",
    "Acknowledging the invariable importance of cooperative relations between the two countries, "
    "both sides manifested the willingness to actively develop trade, economic and scientific and "
    "technological ties between the two sides and pay attention to cooperation in security, "
    "national defence and other fields.",
]


@pytest.fixture
def extraction(seed_text: str) -> Extraction:
    return extract(seed_text, CaptureHints(published_year=2000))


@pytest.fixture
def declaration(extraction: Extraction) -> DeclarationRecord:
    assert extraction.article is not None
    (declaration,) = extraction.article.declarations
    return declaration


def test_page_furniture_is_globalsecuritys(extraction: Extraction) -> None:
    assert extraction.carrier is not None
    assert extraction.carrier.slug == "globalsecurity"
    assert extraction.carrier.name == "GlobalSecurity.org"
    assert extraction.section == "Weapons of Mass Destruction (WMD)"
    assert extraction.warnings == ()
    article = extraction.article
    assert article is not None
    assert article.headline == "Landmark event in DPRK-Russia history"
    assert "Security Clearance" not in article.body
    assert "mailing list" not in article.body


def test_source_dateline_and_date(extraction: Extraction) -> None:
    article = extraction.article
    assert article is not None
    assert article.source is not None
    assert (
        article.source.slug,
        article.source.name,
        article.source.kind,
        article.source.country,
    ) == (
        "kcna",
        "Korean Central News Agency",
        "news agency",
        "DPRK",
    )
    assert article.dateline_place == "Pyongyang"
    assert (article.published_year, article.published_month, article.published_day) == (2000, 7, 21)


def test_year_is_unknown_without_the_manifest(seed_text: str) -> None:
    article = extract(seed_text).article
    assert article is not None
    assert (article.published_year, article.published_month, article.published_day) == (None, 7, 21)


def test_lead_and_body(extraction: Extraction) -> None:
    article = extraction.article
    assert article is not None
    assert article.lead is not None
    assert article.lead.startswith("Papers here today including Rodong Sinmun, the organ of")
    assert article.lead.endswith("against all the policies of aggression and war.")
    assert article.body.startswith("Pyongyang, July 21 (KCNA) -- Papers here today")
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[1] == "It says:"
    assert paragraphs[2:] == POINT_TEXTS
    assert article.body.endswith("national defence and other fields.")


def test_one_joint_declaration_signed_in_pyongyang(declaration: DeclarationRecord) -> None:
    assert declaration.kind == "joint declaration"
    assert declaration.title == "DPRK-Russia joint declaration"
    assert declaration.intro == "It says:"
    assert declaration.signed_place == "Pyongyang"
    assert (declaration.signed_year, declaration.signed_month, declaration.signed_day) == (
        2000,
        7,
        19,
    )


def test_two_signatories_with_their_parties(declaration: DeclarationRecord) -> None:
    signatories = [
        (s.name, s.title, s.party.slug if s.party else None) for s in declaration.signatories
    ]
    assert signatories == [
        ("Kim Jong Il", "Chairman of the National Defence Commission", DPRK),
        ("V. V. Putin", "President", RUSSIA),
    ]
    putin = declaration.signatories[1]
    assert putin.party is not None
    assert (putin.party.name, putin.party.short_name) == ("Russian Federation", "Russia")


def test_seven_points_verbatim_in_order(declaration: DeclarationRecord) -> None:
    assert [point.ordinal for point in declaration.points] == [1, 2, 3, 4, 5, 6, 7]
    assert [point.text for point in declaration.points] == POINT_TEXTS


def test_point_subjects(declaration: DeclarationRecord) -> None:
    assert [point.subject for point in declaration.points] == [
        "Both sides",
        "The DPRK and Russia",
        "The DPRK and Russia",
        "the DPRK",
        "The DPRK and Russia",
        "All peoples of the world",
        "both sides",
    ]


def test_point_4_is_the_dprk_alone(declaration: DeclarationRecord) -> None:
    assert [party.slug for party in declaration.points[3].parties] == [DPRK]


def test_every_other_point_is_held_by_both_parties(declaration: DeclarationRecord) -> None:
    holders = {point.ordinal: [p.slug for p in point.parties] for point in declaration.points}
    assert holders == {
        1: [DPRK, RUSSIA],
        2: [DPRK, RUSSIA],
        3: [DPRK, RUSSIA],
        4: [DPRK],
        5: [DPRK, RUSSIA],
        6: [DPRK, RUSSIA],
        7: [DPRK, RUSSIA],
    }


def test_fingerprint_ignores_furniture_case_and_spacing(seed_text: str) -> None:
    original = extract(seed_text).article
    assert original is not None
    body_lines = [line for line in seed_text.splitlines()[6:-1] if line.strip()]
    recaptured = "Landmark event in DPRK-Russia history\n" + "\n".join(
        "  " + line.replace("'", "\u2019").replace("It says:", "IT   SAYS:") for line in body_lines
    )
    other = extract(recaptured).article
    assert other is not None
    assert other.body != original.body
    assert other.fingerprint == original.fingerprint
    assert len(original.fingerprint) == 64
