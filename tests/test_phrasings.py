"""Every way KCNA introduces a reprinted document, each in a test text of its own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from communique.extract import CaptureHints, DeclarationRecord, extract


@dataclass(frozen=True)
class Case:
    lead: str
    kind: str
    title: str | None
    issuer: str | None
    points: int
    holders: list[list[str]]
    same_line: str = ""


POINTS = (
    "\n\nThe DPRK strongly condemns the provocations.\n\n"
    "The U.S. is conducting a psychological warfare in the border area. -0-\n"
)

CASES = {
    "it-says": Case(
        "A DPRK-Russia joint statement was published here. It says:",
        "joint statement",
        "DPRK-Russia joint statement",
        None,
        2,
        [["dprk"], ["dprk", "russia"]],
    ),
    "the-press-statement-says": Case(
        "Kim Yo Jong, vice department director of the Central Committee of the Workers' Party"
        " of Korea, issued a press statement on Sunday. The press statement says:",
        "press statement",
        None,
        "Kim Yo Jong, vice department director of the Central Committee of the Workers' Party"
        " of Korea",
        2,
        [["dprk"], ["dprk"]],
    ),
    "released-the-following-on-day": Case(
        "A spokesperson for the Foreign Ministry of the DPRK released the following press"
        " statement on Saturday:",
        "press statement",
        None,
        "Foreign Ministry of the DPRK",
        2,
        [["dprk"], ["dprk"]],
    ),
    "titled-on-date": Case(
        "Kim Son Gyong, vice-minister for International Organizations of the Ministry of"
        " Foreign Affairs of the DPRK, issued the following press statement titled"
        ' "Dangerous drill escalating the regional tension" on June 1:',
        "press statement",
        "Dangerous drill escalating the regional tension",
        "Kim Son Gyong, vice-minister for International Organizations of the Ministry of"
        " Foreign Affairs of the DPRK",
        2,
        [["dprk"], ["dprk"]],
    ),
    "made-public-quoted-title": Case(
        "The Ministry of National Defence of the DPRK made public the following statement"
        " \u201cHostile acts will never be tolerated\u201d on May 25:",
        "statement",
        "Hostile acts will never be tolerated",
        "Ministry of National Defence of the DPRK",
        2,
        [["dprk"], ["dprk"]],
    ),
    "follows-the-full-text": Case(
        "The DPRK Foreign Ministry issued a memorandum on Thursday. Follows the full text of"
        " the memorandum:",
        "memorandum",
        None,
        "DPRK Foreign Ministry",
        2,
        [["dprk"], ["dprk"]],
    ),
    "full-text-of-an-article-titled": Case(
        'The full text of an article by a military commentator of the DPRK titled "Who is'
        ' the real threat" says:',
        "article",
        "Who is the real threat",
        "military commentator of the DPRK",
        2,
        [["dprk"], ["dprk"]],
    ),
    "said-and-went-on": Case(
        "The statement of the Chinese Foreign Ministry noted the importance of dialogue,"
        " the statement said, and went on:",
        "statement",
        None,
        "Chinese Foreign Ministry",
        2,
        # The Chinese statement's "The DPRK ..." is China's position on the DPRK.
        [["china"], ["china"]],
    ),
    "white-paper-said": Case(
        "The Institute for American Studies of the Foreign Ministry of the DPRK published a"
        " white paper. The white paper said:",
        "white paper",
        None,
        "Institute for American Studies of the Foreign Ministry of the DPRK",
        2,
        [["dprk"], ["dprk"]],
    ),
    "he-went-on": Case(
        "Kim Jong Un made a speech at the ceremony. He went on:",
        "speech",
        None,
        "Kim Jong Un",
        2,
        [["dprk"], ["dprk"]],
    ),
    "first-point-on-the-same-line": Case(
        "A spokesman for the Committee for the Peaceful Reunification of Korea released a"
        " statement on Sunday. The statement says: The south Korean authorities must stop"
        " their smear campaign.",
        "statement",
        None,
        "Committee for the Peaceful Reunification of Korea",
        3,
        [["dprk"], ["dprk"], ["dprk"]],
        same_line="The south Korean authorities must stop their smear campaign.",
    ),
}


def _declaration(case: Case) -> DeclarationRecord:
    text = f"Headline\n\nPyongyang, June 2 (KCNA) -- {case.lead}{POINTS}"
    found = extract(text, CaptureHints(published_year=2024))
    assert found.article is not None
    (declaration,) = found.article.declarations
    return declaration


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_introduction_phrasings(case: Case) -> None:
    declaration = _declaration(case)
    assert declaration.kind == case.kind
    assert declaration.title == case.title
    assert declaration.issuer == case.issuer
    assert len(declaration.points) == case.points
    # Whom the holders speak for: the phrasings decide that, whichever body is named.
    voices = [[p.voice.slug for p in point.parties if p.voice] for point in declaration.points]
    assert voices == case.holders
    if case.same_line:
        assert declaration.points[0].text == case.same_line
    assert declaration.points[-1].text == (
        "The U.S. is conducting a psychological warfare in the border area."
    )


def test_a_named_holder_needs_a_verb_of_stance() -> None:
    text = (
        "Headline\n\nPyongyang, June 2 (KCNA) -- The DPRK-Russia joint statement says:\n\n"
        "Russia, for its part, supports the DPRK's position.\n\n"
        "The Russian side expressed its gratitude.\n\n"
        "The DPRK will be held accountable by no one.\n\n"
        "In particular, the DPRK stated that it calls for peace.\n"
    )
    found = extract(text)
    assert found.article is not None
    (declaration,) = found.article.declarations
    holders = [[p.slug for p in point.parties] for point in declaration.points]
    assert holders == [["russia"], ["russia"], ["dprk", "russia"], ["dprk"]]


def test_signing_with_initials_and_an_intro_in_the_same_sentence() -> None:
    text = (
        "Headline\n\nPyongyang, January 5 (KCNA) -- The DPRK-Russia joint declaration signed by"
        " Chairman Kim Jong Il of the DPRK and President V. V. Putin of Russia in Moscow on"
        " December 30 says:\n\nBoth sides agreed to expand exchanges.\n"
    )
    found = extract(text, CaptureHints(published_year=2001))
    assert found.article is not None
    (declaration,) = found.article.declarations
    assert declaration.intro == (
        "The DPRK-Russia joint declaration signed by Chairman Kim Jong Il of the DPRK and"
        " President V. V. Putin of Russia in Moscow on December 30 says:"
    )
    assert (declaration.signed_place, declaration.signed_year, declaration.signed_month) == (
        "Moscow",
        2000,
        12,
    )
    assert declaration.signed_from == "article"
    assert [(s.name, s.title) for s in declaration.signatories] == [
        ("Kim Jong Il", "Chairman"),
        ("V. V. Putin", "President"),
    ]


def test_an_impossible_signing_date_is_dropped_not_the_article() -> None:
    text = (
        "Headline\n\nPyongyang, July 21 (KCNA) -- The DPRK-Russia joint declaration signed by"
        " Chairman Kim Jong Il of the DPRK and President V. V. Putin of Russia in Pyongyang on"
        " July 45 was published. It says:\n\nBoth sides agreed.\n"
    )
    found = extract(text, CaptureHints(published_year=2000))
    assert found.article is not None
    (declaration,) = found.article.declarations
    assert (declaration.signed_place, declaration.signed_month, declaration.signed_day) == (
        "Pyongyang",
        None,
        None,
    )
    assert declaration.signed_year is None


def _only(lead: str, points: str = POINTS) -> DeclarationRecord:
    found = extract(f"Headline\n\nPyongyang, June 2 (KCNA) -- {lead}{points}")
    assert found.article is not None
    (declaration,) = found.article.declarations
    return declaration


def _holders(declaration: DeclarationRecord) -> list[list[str]]:
    return [[p.slug for p in point.parties] for point in declaration.points]


def test_a_message_from_a_foreign_leader_speaks_for_his_country() -> None:
    declaration = _only(
        "Kim Jong Un received a message from Xi Jinping, general secretary of the Central"
        " Committee of the Communist Party of China and president of the People's Republic of"
        " China. The message said:"
    )
    assert (declaration.kind, declaration.issuer) == ("message", "Xi Jinping")
    # The sender, the most specific party named: a head of state, who speaks for China.
    assert declaration.issuer_party is not None
    assert declaration.issuer_party.slug == "xi-jinping"
    assert declaration.issuer_party.voice is not None
    assert declaration.issuer_party.voice.slug == "china"
    # A message speaks for its sender: what it says of the DPRK is China's position.
    assert _holders(declaration) == [["xi-jinping"], ["xi-jinping"]]
    assert {h.rule for point in declaration.points for h in point.holders} == {"document"}
    assert [side.rule for side in declaration.sides] == ["sender"]
    greeting = _only(
        "Kim Jong Un received a message of greeting from Vladimir Putin, president of the"
        " Russian Federation. It says:"
    )
    assert greeting.issuer == "Vladimir Putin"
    assert [p.slug for p in greeting.parties] == ["vladimir-putin"]


@pytest.mark.parametrize(
    ("lead", "parties"),
    [
        (
            "A joint statement between the Democratic People's Republic of Korea and the Republic"
            " of Belarus was published on Friday. It says:",
            ["dprk", "belarus"],
        ),
        ("The DPRK and Laos issued a joint communique. It says:", ["dprk", "laos"]),
        (
            "The treaty between the DPRK and the Russian Federation was signed. It says:",
            ["dprk", "russia"],
        ),
    ],
)
def test_joint_documents_take_the_parties_they_are_between(lead: str, parties: list[str]) -> None:
    declaration = _only(lead, "\n\nThe two sides agreed to expand cooperation.\n")
    assert [p.slug for p in declaration.parties] == parties
    assert _holders(declaration) == [parties]
    assert declaration.issuer is None


def test_a_report_seen_is_no_report_published() -> None:
    """ "He said:" after a report on display introduces his words, a speech, not the report;
    the text names no speaker, so nobody is taken to hold them."""
    declaration = _only("A report on the harvest was displayed at the hall. He said:")
    assert (declaration.kind, declaration.issuer, declaration.parties) == ("speech", None, ())
    assert _holders(declaration) == [[], []]


@pytest.mark.parametrize(
    "lead",
    [
        "Following are major news items and articles in leading newspapers of the DPRK on Friday:",
        "Article 9 of the Constitution of Japan renounces war. A former Japanese official said:",
    ],
    ids=["press-review", "article-9"],
)
def test_no_document_where_none_is_published(lead: str) -> None:
    found = extract(f"Headline\n\nPyongyang, June 2 (KCNA) -- {lead}{POINTS}")
    assert found.article is not None
    assert found.article.declarations == ()


@pytest.mark.parametrize(
    "lead",
    [
        "The DPRK Foreign Ministry issued a statement. The crimes made by the U.S. can never be"
        " pardoned, the statement said, and went on:",
        "Kim Jong Un made a speech at the ceremony. The participants gave him a warm welcome."
        " He went on:",
    ],
)
def test_an_issuer_is_whoever_issued_the_document(lead: str) -> None:
    declaration = _only(lead)
    assert declaration.issuer in ("DPRK Foreign Ministry", "Kim Jong Un")
