"""Who says what: short texts in KCNA's style, two or more for each class of mistake the
attribution rules once made, and the rule stored with every attribution.

Each class test failed on the extraction of revision 0004 (commit 4123096): the agency's
country was taken for the holder when no issuer was found, the kind came from the words
quoted rather than from who says them, issuers introduced in common ways were missed, and
formulas, narration and headings were stored as points.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from communique.extract import DeclarationRecord, Vocabularies, extract
from communique.extract.gazetteer import load_gazetteer
from communique.extract.records import ATTRIBUTION_RULES, EXTRACTION_VERSION
from communique.extract.taxonomy import load_taxonomy

from conftest import RunCli, sql

BODY = (
    "\n\nThe DPRK will further strengthen its friendship with all progressive peoples.\n\n"
    "The U.S. is escalating tensions in the region. -0-\n"
)


def _document(lead: str, body: str = BODY) -> DeclarationRecord:
    found = extract(f"Headline\n\nPyongyang, June 2 (KCNA) -- {lead}{body}")
    assert found.article is not None
    (declaration,) = found.article.declarations
    return declaration


def _capture(path: Path, lead: str) -> Path:
    """A short KCNA-style capture at `path`: a headline, the lead, then `BODY`."""
    path.write_text(f"Headline\n\nPyongyang, June 2 (KCNA) -- {lead}{BODY}", encoding="utf-8")
    return path


def _holders(declaration: DeclarationRecord) -> list[list[str]]:
    """The holders as stored: the most specific party the text names."""
    return [[party.slug for party in point.parties] for point in declaration.points]


def _voices(declaration: DeclarationRecord) -> list[list[str]]:
    """The states the holders speak for, as `--party` and the quality report resolve them."""
    return [
        [party.voice.slug for party in point.parties if party.voice is not None]
        for point in declaration.points
    ]


# 1. The agency's country is no fallback: a message or letter speaks for its sender, and
# a sender that is no state leaves its points unattributed.


def test_a_reply_message_of_a_foreign_ruling_party_speaks_for_its_state() -> None:
    declaration = _document(
        "Kim Jong Un received a reply message from the Central Committee of the Communist"
        " Party of Vietnam (CPV) on July 29. The message said:"
    )
    assert declaration.kind == "message"
    assert declaration.issuer == "Central Committee of the Communist Party of Vietnam (CPV)"
    assert [(side.party.slug, side.rule) for side in declaration.sides] == [("cpv", "sender")]
    assert _holders(declaration) == [["cpv"], ["cpv"]]
    # The ruling party of a party-state speaks for it.
    assert _voices(declaration) == [["vietnam"], ["vietnam"]]


@pytest.mark.parametrize(
    "lead",
    [
        "Kim Jong Un received letters from participants in an international forum on the"
        " Juche idea. The letter said:",
        "Kim Jong Un received a letter from the congratulatory group of Koreans in Japan for"
        " celebrating the birthday of the DPRK. The letter said:",
        "Kim Jong Un received a message of greeting from G. Zhuganov, chairman of the Central"
        " Committee of the Communist Party of the Russian Federation. The message said:",
    ],
    ids=["forum-participants", "koreans-in-japan", "opposition-party"],
)
def test_a_sender_that_speaks_for_no_state_leaves_its_points_unattributed(lead: str) -> None:
    declaration = _document(lead)
    assert declaration.kind in {"letter", "message"}
    assert _voices(declaration) == [[], []]


def test_a_document_nobody_is_named_as_issuing_is_held_by_nobody() -> None:
    declaration = _document("A statement was made public on Friday. The statement says:")
    assert (declaration.issuer, declaration.parties) == (None, ())
    assert _holders(declaration) == [[], []]


def test_an_analyst_speaks_for_himself_not_his_state() -> None:
    declaration = _document(
        "Kang Jin Song, an international affairs analyst of the DPRK, released an article"
        ' titled "What is Washington after". The article says:'
    )
    assert declaration.issuer is not None and declaration.issuer.startswith("Kang Jin Song")
    assert declaration.parties == ()
    assert _holders(declaration) == [[], []]


# 2. The kind comes from who says the words, not from the words quoted.


def test_the_article_says_makes_an_article_of_the_paper_not_a_joint_declaration() -> None:
    declaration = _document(
        "Rodong Sinmun today carries an article on the anniversary of the DPRK-Russia joint"
        " declaration. The signing of the joint declaration was a landmark event, the article"
        " says, and goes on:"
    )
    assert (declaration.kind, declaration.issuer) == ("article", "Rodong Sinmun")
    assert [(side.party.slug, side.rule) for side in declaration.sides] == [
        ("rodong-sinmun", "issuer")
    ]
    assert _voices(declaration) == [["dprk"], ["dprk"]]


def test_the_paper_said_makes_an_article_of_the_paper_the_lead_names() -> None:
    declaration = _document(
        "Russian paper Patriot carried an article on the DPRK-Russia treaty. The treaty"
        " opened a new chapter in the relations between the two countries, the paper said,"
        " and went on:"
    )
    assert declaration.kind == "article"
    assert declaration.issuer == "Russian paper Patriot"
    # A foreign paper is no organ of its state: nobody is taken to hold its points.
    assert declaration.parties == ()
    assert _holders(declaration) == [[], []]


def test_an_editorial_is_an_article_of_the_paper() -> None:
    declaration = _document(
        "Rodong Sinmun Monday editorially calls for a new era of prosperity. The editorial notes:"
    )
    assert (declaration.kind, declaration.issuer) == ("article", "Rodong Sinmun")
    assert _holders(declaration) == [["rodong-sinmun"], ["rodong-sinmun"]]
    assert _voices(declaration) == [["dprk"], ["dprk"]]


# 3. Issuers introduced in other common ways.


def test_a_spokesman_in_a_statement_is_the_issuer() -> None:
    declaration = _document(
        "A spokesman for the Committee for the Peaceful Reunification of Korea in a statement"
        " on Friday termed the drills a provocation. The statement says:"
    )
    assert declaration.issuer == "Committee for the Peaceful Reunification of Korea"
    assert [(side.party.slug, side.rule) for side in declaration.sides] == [("cprk", "issuer")]
    assert _voices(declaration) == [["dprk"], ["dprk"]]


def test_a_paper_that_dedicates_an_article_is_its_issuer() -> None:
    declaration = _document(
        "Rodong Sinmun Friday dedicates an article to the anniversary of the victory. The"
        " victory was a great event, the article says, and goes on:"
    )
    assert (declaration.kind, declaration.issuer) == ("article", "Rodong Sinmun")


def test_a_white_paper_released_by_an_institute_is_the_institutes() -> None:
    declaration = _document(
        "A white paper released by the Institute for American Studies of the DPRK Foreign"
        " Ministry on Sunday disclosed the crimes of the U.S. Korean people are strictly"
        " keeping tabs on the moves of the U.S. The white paper says:"
    )
    assert declaration.kind == "white paper"
    assert declaration.issuer == "Institute for American Studies of the DPRK Foreign Ministry"
    assert declaration.issuer_party is not None
    # The institute itself, the most specific party named, a body of the DPRK.
    assert declaration.issuer_party.slug == "dprk-fm-institute-for-american-studies"
    assert _voices(declaration)[0] == ["dprk"]


def test_he_said_is_the_official_the_lead_names() -> None:
    declaration = _document(
        "Choe Son Hui, foreign minister of the DPRK, attended the forum. Peace is threatened"
        " in different parts of the world, the foreign minister said, and went on:"
    )
    assert (declaration.kind, declaration.issuer) == ("speech", "Choe Son Hui")
    assert _holders(declaration) == [["dprk"], ["dprk"]]


# 4. Formulas, narration and headings are no points.


def test_letter_formulas_and_narration_are_not_points() -> None:
    declaration = _document(
        "Kim Jong Un received a message from Yoweri Kaguta Museveni, president of the Republic"
        " of Uganda. The full text of the message is as follows:",
        "\n\nYour Excellency,\n\n"
        "I extend warm congratulations to you on the founding anniversary of the DPRK.\n\n"
        "Please accept, Your Excellency, the assurances of my highest consideration.\n\n"
        "The message wished Kim Jong Un good health and success in his work. -0-\n",
    )
    assert [point.text for point in declaration.points] == [
        "I extend warm congratulations to you on the founding anniversary of the DPRK."
    ]
    assert _holders(declaration) == [["uganda"]]


def test_headings_and_the_reporters_words_inside_a_speech_are_not_points() -> None:
    declaration = _document(
        "Kim Jong Un made a speech at the ceremony. He said:",
        "\n\nComrades,\n\n"
        "We have gathered today to celebrate a great victory.\n\n"
        "Who is the real threat\n\n"
        "Our defence capability is growing day by day.\n\n"
        "Referring to the tasks ahead, he said that the workers should redouble their efforts."
        "\n\nThank you. -0-\n",
    )
    assert [point.text for point in declaration.points] == [
        "We have gathered today to celebrate a great victory.",
        "Our defence capability is growing day by day.",
    ]


def test_a_sentence_fragment_is_no_subject() -> None:
    declaration = _document(
        "The DPRK-Russia joint statement says:",
        "\n\nThe treaty, adequately demonstrates the potential and might of the two states.\n",
    )
    (point,) = declaration.points
    assert point.subject is None
    assert [(holder.party.slug, holder.rule) for holder in point.holders] == [
        ("dprk", "document"),
        ("russia", "document"),
    ]


def test_a_party_named_in_a_unilateral_document_does_not_hold_its_points() -> None:
    """ "The U.S. claimed ..." in a DPRK statement is the DPRK's position on the U.S."""
    declaration = _document(
        "The DPRK Foreign Ministry issued a press statement on Sunday. The statement says:",
        "\n\nThe U.S. claimed that the drills are defensive.\n",
    )
    assert _holders(declaration) == [["dprk-foreign-ministry"]]
    assert _voices(declaration) == [["dprk"]]
    assert declaration.points[0].holders[0].rule == "document"


def test_an_office_named_bare_in_the_agencys_own_text_is_its_states() -> None:
    """KCNA names DPRK offices without the state and foreign ones with it: the attribution
    says it rests on that convention."""
    declaration = _document(
        "A spokesman for the Foreign Ministry released a press statement on Sunday. It says:"
    )
    assert [(side.party.slug, side.rule) for side in declaration.sides] == [("dprk", "home-office")]
    foreign = _document(
        "Russian Foreign Minister Sergei Lavrov made a speech at the meeting. He said:"
    )
    assert [(side.party.slug, side.rule) for side in foreign.sides] == [("russia", "issuer")]


def test_a_users_gazetteer_can_name_the_organs_of_a_party(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[parties.ruritania]\nname = "Kingdom of Ruritania"\nshort_name = "Ruritania"\n'
        'aliases = ["Ruritania"]\norgans = ["Zenda Gazette"]\n',
        encoding="utf-8",
    )
    vocabularies = Vocabularies(load_gazetteer(extra), load_taxonomy())
    text = (
        "Headline\n\nPyongyang, June 2 (KCNA) -- Zenda Gazette carried an article on the"
        " friendship. The friendship is growing, the article says, and goes on:" + BODY
    )
    for given, holders in ((None, [[], []]), (vocabularies, [["ruritania"], ["ruritania"]])):
        article = extract(text, vocabularies=given).article
        assert article is not None
        (declaration,) = article.declarations
        assert (declaration.kind, declaration.issuer) == ("article", "Zenda Gazette")
        assert _holders(declaration) == holders


# Every attribution records its rule, in the store too.


def test_every_rule_used_is_a_documented_rule(seeded: Path) -> None:
    rules = sql(
        seeded,
        "SELECT DISTINCT rule FROM point_parties"
        " UNION SELECT DISTINCT rule FROM declaration_parties ORDER BY 1",
    )
    assert rules == [("both-sides",), ("document",), ("stance-subject",), ("title",)]
    assert {rule for (rule,) in rules} <= set(ATTRIBUTION_RULES)


def test_the_seeds_attributions_and_their_rules_read_back_with_sqlite(seeded: Path) -> None:
    assert sql(
        seeded,
        "SELECT dp.ordinal, group_concat(pa.slug || ':' || pp.rule, ' ')"
        " FROM declaration_points dp JOIN point_parties pp ON pp.point_id = dp.id"
        " JOIN parties pa ON pa.id = pp.party_id GROUP BY dp.id ORDER BY dp.ordinal",
    ) == [
        (1, "dprk:both-sides russia:both-sides"),
        (2, "dprk:stance-subject russia:stance-subject"),
        (3, "dprk:stance-subject russia:stance-subject"),
        (4, "dprk:stance-subject"),
        (5, "dprk:stance-subject russia:stance-subject"),
        (6, "dprk:document russia:document"),
        (7, "dprk:both-sides russia:both-sides"),
    ]
    assert sql(
        seeded,
        "SELECT pa.slug, dp.rule FROM declaration_parties dp JOIN parties pa"
        " ON pa.id = dp.party_id ORDER BY pa.slug",
    ) == [("dprk", "title"), ("russia", "title")]
    assert sql(seeded, "SELECT extraction_version FROM documents") == [(EXTRACTION_VERSION,)]


@pytest.mark.usefixtures("seeded")
def test_show_prints_the_rule_beside_each_holder(cli: RunCli) -> None:
    text = cli("show", "1").stdout
    assert "  4. In particular, the DPRK stated" in text
    assert "       held by: DPRK (stance-subject)\n" in text
    assert "       held by: DPRK, Russia (both-sides)\n" in text
    assert "Speaks for:  DPRK, Russia (title)\n" in text
    shown = json.loads(cli("show", "1", "--format", "json").stdout)
    (declaration,) = shown["declarations"]
    assert declaration["points"][3]["holders"] == [
        {
            "party": "DPRK",
            "slug": "dprk",
            "rule": "stance-subject",
            "kind": "state",
            "for_state": "DPRK",
        }
    ]


def test_show_and_report_say_when_a_holder_is_unknown(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    page = tmp_path / "letter.txt"
    page.write_text(
        "Letter from forum\n\nPyongyang, June 2 (KCNA) -- Kim Jong Un received a letter from"
        " participants in an international forum. The letter said:\n\nWe will always support"
        " the cause of independence.\n",
        encoding="utf-8",
    )
    assert cli("seed", str(page)).exit_code == 0
    text = cli("show", "1").stdout
    assert "Speaks for:  unknown (the text does not say)\n" in text
    assert "       held by: unknown (the text does not say)\n" in text
    assert sql(db_path, "SELECT count(*) FROM point_parties") == [(0,)]
    report = json.loads(cli("report", "--format", "json").stdout)
    assert (report["points"], report["points_unattributed"]) == (1, 1)


# Stale rows: each document records the extraction that made its rows.


def _make_stale(db: Path, documents: list[int]) -> None:
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.executemany(
            "UPDATE documents SET extraction_version = NULL WHERE id = ?",
            [(document,) for document in documents],
        )
        connection.execute("UPDATE point_parties SET rule = NULL")


def test_commands_say_in_one_line_when_rows_are_stale_and_reparse_stale_redoes_them(
    cli: RunCli, seeded: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text(
        "Talks\n\nPyongyang, May 2 (KCNA) -- Delegations of the DPRK and Laos held talks.\n",
        encoding="utf-8",
    )
    assert cli("seed", str(other)).exit_code == 0
    assert cli("articles").stderr == ""
    _make_stale(seeded, [1])
    for command in (["articles"], ["points"], ["show", "1"], ["search", "missile"], ["report"]):
        result = cli(*command)
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            "communique: 1 document holds rows from an older extraction than this"
            " communique's; `communique reparse --stale` redoes them\n"
        )
    assert (
        json.loads(cli("report", "--format", "json").stdout)["documents_from_older_extraction"] == 1
    )
    redone = cli("reparse", "--stale")
    assert redone.exit_code == 0, redone.output
    # Only the stale document was read again; its rows now say why again.
    assert redone.stdout == (
        "1 documents reparsed: 0 documents, 1 articles and 7 points changed, 0 failed\n"
    )
    assert sql(seeded, "SELECT id, extraction_version FROM documents ORDER BY id") == [
        (1, EXTRACTION_VERSION),
        (2, EXTRACTION_VERSION),
    ]
    assert sql(seeded, "SELECT count(*) FROM point_parties WHERE rule IS NULL") == [(0,)]
    assert cli("articles").stderr == ""
    again = cli("reparse", "--stale")
    assert again.stdout == (
        "0 documents reparsed: 0 documents, 0 articles and 0 points changed, 0 failed\n"
    )


@pytest.mark.parametrize(
    ("lead", "sides"),
    [
        (
            "A spokesman for the Foreign Ministry of the Donetsk People's Republic issued the"
            " following statement:",
            [],
        ),
        (
            "Kwon Jong Gun, director general of the Department of U.S. Affairs of the Foreign"
            " Ministry, issued the following press statement on Sunday:",
            [("dprk", "home-office")],
        ),
        (
            "A statement on the collapse of talks between the DPRK and the United States was"
            " issued. It says:",
            [],
        ),
    ],
    ids=["office-of-an-unknown-state", "department-of-us-affairs", "talks-between-states"],
)
def test_what_a_description_names_is_not_always_whom_it_speaks_for(
    lead: str, sides: list[tuple[str, str]]
) -> None:
    declaration = _document(lead)
    assert [(side.party.slug, side.rule) for side in declaration.sides] == sides


@pytest.mark.slow
def test_a_description_of_repeated_phrases_is_read_at_once() -> None:
    """Endings stripped from an issuer's description are sought one at a time in its tail:
    a long run of "in a ..." once took time doubling with each repeat."""
    lead = (
        "Kim Jong Un received a message from the President of Laos, sent"
        + " in a word" * 60
        + ", and others. The message says:"
    )
    code = "import sys; from communique.extract import extract; extract(sys.stdin.read())"
    text = f"Headline\n\nPyongyang, June 2 (KCNA) -- {lead}{BODY}"
    subprocess.run([sys.executable, "-c", code], input=text, text=True, check=True, timeout=60)


# Who says what, part 2: parties with kinds and allegiance, and the head of the subject.
# Each test failed on the extraction of part 1 (commit d2d3e29).

JOINT = "The DPRK and the Russian Federation adopted a joint statement. The joint statement says:"


def _points_of(lead: str, *paragraphs: str) -> DeclarationRecord:
    return _document(lead, "".join(f"\n\n{text}" for text in paragraphs) + " -0-\n")


def _holders_and_rules(declaration: DeclarationRecord) -> list[list[tuple[str, str]]]:
    return [[(h.party.slug, h.rule) for h in point.holders] for point in declaration.points]


# 1. Organisations are not taken for states: the holder is the body the text names, with
# its kind and the state it speaks for, if any.


def test_an_opposition_party_holds_its_own_points_and_speaks_for_no_state() -> None:
    declaration = _document(
        "Kim Jong Un received a message of greeting from G. Zyuganov, chairman of the Central"
        " Committee of the Communist Party of the Russian Federation. The message said:"
    )
    (side,) = declaration.sides
    assert (side.party.slug, side.party.kind, side.rule) == (
        "russia-cprf",
        "political-party",
        "sender",
    )
    assert side.party.state is not None and side.party.state.slug == "russia"
    assert side.party.speaks_for_state is False
    assert _holders(declaration) == [["russia-cprf"], ["russia-cprf"]]
    assert _voices(declaration) == [[], []]


def test_a_ministry_holds_its_statement_and_speaks_for_its_state() -> None:
    declaration = _document(
        "A spokesperson for the DPRK Foreign Ministry issued the following press statement on"
        " Monday:"
    )
    assert [(s.party.slug, s.party.kind, s.rule) for s in declaration.sides] == [
        ("dprk-foreign-ministry", "state-body", "issuer")
    ]
    assert _voices(declaration) == [["dprk"], ["dprk"]]


def test_party_filters_resolve_allegiance(cli: RunCli, db_path: Path, tmp_path: Path) -> None:
    texts = {
        "cprf.txt": "Kim Jong Un received a message of greeting from G. Zyuganov, chairman of"
        " the Central Committee of the Communist Party of the Russian Federation. The message"
        " said:",
        "mfa.txt": "The Foreign Ministry of Russia issued the following statement on Friday:",
        "tass.txt": "TASS carried an article on the treaty. The treaty opened a new chapter,"
        " the article says, and goes on:",
    }
    for name, lead in texts.items():
        assert cli("seed", str(_capture(tmp_path / name, lead))).exit_code == 0

    def holders(*options: str) -> list[str]:
        result = cli("points", *options, "--format", "jsonl")
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        return sorted({", ".join(row["parties"]) for row in rows})

    assert holders("--party", "russia") == ["Russia", "TASS"]
    assert holders("--party", "russia", "--exact") == ["Russia"]
    assert holders("--party", "cprf") == ["CPRF"]
    db = db_path
    assert sql(
        db,
        "SELECT pa.slug, pa.kind, st.slug, pa.speaks_for_state FROM parties pa"
        " LEFT JOIN parties st ON st.id = pa.state_id ORDER BY pa.slug",
    ) == [
        ("russia", "state", None, 0),
        ("russia-cprf", "political-party", "russia", 0),
        ("tass", "media", "russia", 1),
    ]
    assert sql(db, "SELECT DISTINCT parties, speaks_for FROM point_overview ORDER BY 1") == [
        ("CPRF", None),
        ("Russia", "Russia"),
        ("TASS", "Russia"),
    ]
    shown = cli("show", "1").stdout
    assert "Speaks for:  CPRF [for no state] (sender)\n" in shown
    assert "       held by: CPRF [for no state] (document)\n" in shown
    assert "       held by: TASS [for Russia] (document)\n" in cli("show", "3").stdout
    (tass,) = json.loads(cli("show", "3", "--format", "json").stdout)["declarations"]
    assert tass["speaks_for"] == [
        {"party": "TASS", "slug": "tass", "rule": "issuer", "kind": "media", "for_state": "Russia"}
    ]
    listed = cli("parties", "--format", "csv").stdout.splitlines()
    assert listed[0] == "id,slug,name,short_name,kind,state,speaks_for_state,points,signatories"
    assert listed[2].split(",")[1:7] == [
        "russia-cprf",
        "Communist Party of the Russian Federation",
        "CPRF",
        "political-party",
        "russia",
        "0",
    ]


def test_a_gazetteer_file_without_kinds_still_loads_with_a_note(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.toml"
    old.write_text(
        '[parties.ruritania]\nname = "Kingdom of Ruritania"\nshort_name = "Ruritania"\n'
        'aliases = ["Ruritania"]\n',
        encoding="utf-8",
    )
    text = _capture(
        tmp_path / "text.txt",
        "The Foreign Ministry of Ruritania issued the following statement on Friday:",
    )
    assert cli("db", "upgrade").exit_code == 0
    result = cli("seed", "--gazetteer", str(old), str(text))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f'communique: {old}: 1 entry has no kind and is taken as a state (kind = "..." says'
        " otherwise)\n"
    )
    assert sql(db_path, "SELECT slug, kind FROM parties") == [("ruritania", "state")]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'kind = "tribe"',
            "parties.zenda has kind 'tribe'; the kinds are state, international-organisation,"
            " state-body, political-party, civil-organisation, media, person",
        ),
        (
            'kind = "media"\nstate = "atlantis"',
            "parties.zenda: state = 'atlantis' is no state this gazetteer knows (only an"
            " organisation or person belongs to a state)",
        ),
    ],
    ids=["unknown-kind", "unknown-state"],
)
def test_a_gazetteer_entry_of_an_unknown_kind_is_one_clear_error(
    cli: RunCli, tmp_path: Path, entry: str, message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'[parties.zenda]\nname = "Zenda Gazette"\nshort_name = "Zenda"\n{entry}\n',
        encoding="utf-8",
    )
    assert cli("db", "upgrade").exit_code == 0
    result = cli("seed", "--gazetteer", str(bad))
    assert result.exit_code != 0
    assert result.stderr == f"Error: {bad}: {message}\n"


# 2. The place is not the holder: the head of the noun phrase decides.


@pytest.mark.parametrize(
    ("point", "holder"),
    [
        ("The DPRK delegation to the United Nations expressed support for the resolution.", "dprk"),
        ("The Russian embassy in the DPRK stressed the need for cooperation.", "russia"),
    ],
    ids=["delegation-to", "embassy-in"],
)
def test_a_body_of_one_state_at_or_in_another_is_the_first_states(point: str, holder: str) -> None:
    declaration = _points_of(JOINT, point)
    assert _holders_and_rules(declaration) == [[(holder, "stance-subject")]]


# 3. The holder comes from the head of the subject, and each coordinated clause with a verb
# of stance adds its own.


def test_a_state_named_after_the_head_of_the_subject_holds_nothing() -> None:
    declaration = _points_of(
        JOINT,
        "The countries neighbouring Russia expressed support for the initiative.",
        "The peoples in the region of the DPRK welcomed the treaty.",
    )
    assert _holders_and_rules(declaration) == [
        [("dprk", "document"), ("russia", "document")],
        [("dprk", "document"), ("russia", "document")],
    ]


def test_several_clauses_with_several_stance_verbs_give_several_holders() -> None:
    declaration = _points_of(
        JOINT,
        "Russia denounced the sanctions, and the DPRK censured the blockade.",
        "The Russian side reaffirmed its support; the DPRK side expressed thanks.",
    )
    assert _holders_and_rules(declaration) == [
        [("dprk", "stance-subject"), ("russia", "stance-subject")],
        [("dprk", "stance-subject"), ("russia", "stance-subject")],
    ]


# 4. Both sides of a bilateral document: persons named with their office, or known to the
# gazetteer, carry their state.


def test_two_officials_who_issue_a_statement_together_are_both_its_sides() -> None:
    declaration = _points_of(
        "Choe Son Hui, foreign minister of the DPRK, and Sergei Lavrov, foreign minister of"
        " the Russian Federation, released a press statement on their talks. The press"
        " statement says:",
        "Both sides reaffirmed their friendship.",
        "The Russian side supports the DPRK.",
    )
    assert [(s.party.slug, s.rule) for s in declaration.sides] == [
        ("dprk", "named-together"),
        ("russia", "named-together"),
    ]
    assert _holders_and_rules(declaration) == [
        [("dprk", "both-sides"), ("russia", "both-sides")],
        [("russia", "stance-subject")],
    ]


def test_talks_between_two_leaders_are_both_their_states() -> None:
    declaration = _points_of(
        "A press release on the talks between Kim Jong Un and Vladimir Putin was published."
        " It reads:",
        "The two sides agreed to expand cooperation.",
        "The Russian side expressed gratitude.",
    )
    assert [(s.party.slug, s.rule) for s in declaration.sides] == [
        ("dprk", "named-together"),
        ("russia", "named-together"),
    ]
    assert _holders_and_rules(declaration) == [
        [("dprk", "both-sides"), ("russia", "both-sides")],
        [("russia", "stance-subject")],
    ]


def test_reparse_gives_stored_parties_the_kinds_a_fresh_load_gives(
    cli: RunCli, db_path: Path, tmp_path: Path
) -> None:
    text = _capture(
        tmp_path / "un.txt", "The United Nations issued the following statement on Friday:"
    )
    assert cli("seed", str(text)).exit_code == 0
    fresh = sql(db_path, "SELECT slug, kind, state_id, speaks_for_state FROM parties")
    assert fresh == [("un", "international-organisation", None, 0)]
    # As an upgrade from revision 0005 leaves it: every party a state, the rows older.
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("UPDATE parties SET kind = 'state'")
        connection.execute("UPDATE documents SET extraction_version = 2")
    assert cli("reparse", "--stale").exit_code == 0
    assert sql(db_path, "SELECT slug, kind, state_id, speaks_for_state FROM parties") == fresh


THREE = (
    "The DPRK, China and the Russian Federation adopted a joint statement. The joint statement"
    " says:"
)


@pytest.mark.parametrize(
    ("point", "holders"),
    [
        ("The visiting delegation of Russia stressed the need for peace.", ["russia"]),
        ("Delegates from Russia stressed the need for talks.", ["russia"]),
        ("Russia together with the DPRK supports the plan.", ["dprk", "russia"]),
        ("The DPRK embassy in Moscow and China stressed cooperation.", ["dprk", "china"]),
        ("Russia expressed concern, and the DPRK and Cuba voiced support.", ["dprk", "russia"]),
    ],
    ids=["participle-before-head", "from", "together-with", "second-conjunct", "later-clause"],
)
def test_the_head_keeps_what_names_who_acts(point: str, holders: list[str]) -> None:
    declaration = _points_of(THREE, point)
    assert _holders_and_rules(declaration) == [[(slug, "stance-subject") for slug in holders]]


@pytest.mark.parametrize(
    ("lead", "issuer", "sides"),
    [
        (
            "The Thailand-DPRK Friendship Association issued a statement on Friday. The"
            " statement said:",
            "Thailand-DPRK Friendship Association",
            [],
        ),
        (
            "The Swiss Committee for Supporting the Independent and Peaceful Reunification of"
            " Korea issued a statement. The statement said:",
            "Swiss Committee for Supporting the Independent and Peaceful Reunification of Korea",
            [],
        ),
        (
            "Jordanian and Angolan personages released statements to mark the anniversary."
            " He went on:",
            "Jordanian and Angolan personages",
            [],
        ),
        (
            "A spokesman for the Ministry of Foreign Affairs of the Democratic People's Republic"
            " of Korea (DPRK) issued the following statement on Friday:",
            "Ministry of Foreign Affairs of the Democratic People's Republic of Korea (DPRK)",
            [("dprk-foreign-ministry", "dprk")],
        ),
        (
            "Kim Yong Chol, chairman of the Korea Asia-Pacific Peace Committee, made public the"
            " following statement on Thursday:",
            "Kim Yong Chol, chairman of the Korea Asia-Pacific Peace Committee",
            [("dprk-kappc", "dprk")],
        ),
        (
            "Those who colonised Korea seek a disaster again. This is touching off indignation of"
            " all Koreans, Rodong Sinmun in a commentary says on Thursday. It goes on:",
            "Rodong Sinmun",
            [("rodong-sinmun", "dprk")],
        ),
        (
            "Traitor Kim went to Singapore.\n\nCommenting on this, Minju Joson Thursday terms it"
            " a crime.\n\nCiting the data, the commentary goes on:",
            "Minju Joson",
            [("minju-choson", "dprk")],
        ),
    ],
    ids=[
        "friendship-association",
        "support-committee",
        "personages",
        "name-restated-in-brackets",
        "kappc",
        "paper-after-a-sentence",
        "paper-of-the-commentary",
    ],
)
def test_issuers_and_whom_they_speak_for(
    lead: str, issuer: str, sides: list[tuple[str, str]]
) -> None:
    declaration = _document(lead)
    assert declaration.issuer == issuer
    assert [
        (s.party.slug, s.party.voice.slug if s.party.voice else None) for s in declaration.sides
    ] == sides
