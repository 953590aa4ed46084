"""Content files: the real ones load, and every kind of mistake stops the build by name."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from webapp import content

OPERATOR_HOTLINE_FORBIDDEN = {"100", "101", "102"}  # 101 is fire, 102 police (facts §7)


@pytest.fixture(scope="module")
def real():
    return content.load()


def test_real_content_loads(real):
    assert list(real.operators) == list(content.OPERATORS)
    assert set(real.sections) == set(content.SECTIONS)
    for guide in real.operators.values():
        assert len(guide.steps) >= 5
        assert guide.hotline in real.facts and guide.prefixes in real.facts


def test_every_fact_has_a_source_and_verified_date(real):
    for fact in real.facts.values():
        assert fact.source.startswith(("https://", "http://")), fact.id
        assert fact.verified.year >= 2026, fact.id
        assert fact.confidence in {"high", "medium"}, fact.id


def test_sources_come_from_the_shared_facts_sheet(real):
    sheet_path = os.path.join(
        os.path.dirname(__file__), "..", "..", "shared", "facts", "azerbaijan-sim.md"
    )
    if not os.path.exists(sheet_path):
        pytest.skip("shared/facts is not beside the repository")
    with open(sheet_path, encoding="utf-8") as f:
        sheet = f.read()
    for fact in real.facts.values():
        github = fact.source.removeprefix("https://github.com/")  # cited as owner/repo there
        assert fact.source in sheet or github in sheet, f"{fact.id}: source not in the facts sheet"


def test_no_operator_hotline_is_an_emergency_number(real):
    for guide in real.operators.values():
        hotline = real.facts[guide.hotline]
        assert hotline.value not in OPERATOR_HOTLINE_FORBIDDEN
    assert real.facts["azercell-contact-centre"].value == "*1111"
    assert real.facts["bakcell-information-centre"].value == "555"
    assert not real.facts["nar-call-centre"].known  # never guessed


def test_unknown_facts_have_no_value_and_point_to_an_official_channel(real):
    unknown = [f for f in real.facts.values() if not f.known]
    assert unknown, "the facts sheet lists things we could not find"
    for fact in unknown:
        assert fact.value is None and fact.note, fact.id


def test_prose_carries_no_bare_numbers(real):
    """Numbers, prices and periods live in facts (with sources), not in prose."""
    texts = []
    for guide in [*real.operators.values(), *real.sections.values()]:
        texts += [guide.summary]
        for step in guide.steps:
            texts += [step.title, step.body or "", step.tip or "", *step.items]
            for option in step.options:
                texts += [option.title, option.body or "", *option.can, *option.cannot]
        texts += [line.text for line in guide.short_way]
        for q in guide.questions:
            texts += [q.question, q.answer, *q.items]
    for text in texts:
        bare = content.FACT_RE.sub("", text)
        assert not re.search(r"\d", bare), text


def test_every_operator_guide_opens_with_a_short_way_to_its_steps(real):
    low, high = content.SHORT_WAY_LINES
    for guide in real.operators.values():
        steps = [s.id for s in guide.steps]
        assert low <= len(guide.short_way) <= high, guide.id
        assert {line.step for line in guide.short_way} <= set(steps), guide.id
        # In the order of the steps it links to, and "where to go" among them.
        assert [line.step for line in guide.short_way] == sorted(
            (line.step for line in guide.short_way), key=steps.index
        ), guide.id
        assert "where-to-go" in [line.step for line in guide.short_way], guide.id
    assert all(not guide.short_way for guide in real.sections.values())


def test_fact_placeholders_are_listed_under_their_step(real):
    step = next(s for s in real.operators["azercell"].steps if s.id == "confirm-operator")
    assert "prefix-azercell" in step.facts and "mnp" in step.facts


# -- bad files ---------------------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, target)
    return target


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


BAD_EDITS = [
    # (file, old text, new text, expected file, expected entry, expected field)
    (
        "facts.toml",
        'source = "https://www.azercell.com/en/help/simcard_operations/line_activation/"\n',
        "",
        "facts.toml",
        "fact 'azercell-contact-centre'",
        "source",
    ),
    (
        "facts.toml",
        "verified = 2026-11-23",
        'verified = "23.11.2026"',
        "facts.toml",
        "fact 'azercell-contact-centre'",
        "verified",
    ),
    (
        "facts.toml",
        "verified = 2026-11-23",
        "verified = 2026-13-23",
        "facts.toml",
        "(file)",
        "(syntax)",
    ),
    (
        "facts.toml",
        'value = "*1111"\n',
        "",
        "facts.toml",
        "fact 'azercell-contact-centre'",
        "value",
    ),
    (
        "facts.toml",
        'confidence = "high"',
        'confidence = "low"',
        "facts.toml",
        "fact 'azercell-contact-centre'",
        "confidence",
    ),
    (
        "facts.toml",
        'kind = "phone"',
        "kind = 1",
        "facts.toml",
        "fact 'azercell-contact-centre'",
        "kind",
    ),
    (
        "facts.toml",
        'source = "https://www.azercell.com/en/help/simcard_operations/line_activation/"',
        'source = "www.azercell.com"',
        "facts.toml",
        "fact 'azercell-contact-centre'",
        "source",
    ),
    (
        "operators/azercell.toml",
        'title = "Make sure your number is with Azercell"\n',
        "",
        "operators/azercell.toml",
        "step 'confirm-operator'",
        "title",
    ),
    (
        "operators/azercell.toml",
        "{fact:prefix-azercell}",
        "{fact:no-such-fact}",
        "operators/azercell.toml",
        "step 'confirm-operator'",
        "text",
    ),
    (
        "operators/azercell.toml",
        'hotline = "azercell-contact-centre"',
        'hotline = "nope"',
        "operators/azercell.toml",
        "(file)",
        "hotline",
    ),
    (
        "operators/azercell.toml",
        'id = "azercell"',
        'id = "azercel"',
        "operators/azercell.toml",
        "(file)",
        "id",
    ),
    (
        "operators/azercell.toml",
        'id = "documents"',
        'id = "confirm-operator"',
        "operators/azercell.toml",
        "(file)",
        "step",
    ),
    (
        "operators/azercell.toml",
        'id = "confirm-operator"',
        'id = "confirm-operator"\ncolour = 1',
        "operators/azercell.toml",
        "step 'confirm-operator'",
        "colour",
    ),
    ("faq.toml", "[[question]]", "[[question]]\nid = 3\n", "faq.toml", "(file)", "(syntax)"),
    # The short way: each line names a step of its own file, and only mentions facts (the line
    # is a link); three to five lines; operator files only.
    (
        "operators/azercell.toml",
        'step = "before-you-go"',
        'step = "before-you-leave"',
        "operators/azercell.toml",
        "short_way #1",
        "step",
    ),
    (
        "operators/nar.toml",
        'step = "where-to-go"',
        'step = "Where"',
        "operators/nar.toml",
        "short_way #3",
        "step",
    ),
    (
        "operators/bakcell.toml",
        'step = "documents"\n',
        "",
        "operators/bakcell.toml",
        "short_way #2",
        "step",
    ),
    (
        "operators/azercell.toml",
        'text = "Unlink your banks',
        'colour = 1\ntext = "Unlink your banks',
        "operators/azercell.toml",
        "short_way #1",
        "colour",
    ),
    (
        "operators/azercell.toml",
        "Go to an Azercell Exclusive office, also",
        "Call {fact:azercell-contact-centre}, or go to an Azercell Exclusive office, also",
        "operators/azercell.toml",
        "short_way #3",
        "text",
    ),
    (
        "operators/azercell.toml",
        "Go to an Azercell Exclusive office, also",
        "Call {fact:no-such-fact:text}, or go to an Azercell Exclusive office, also",
        "operators/azercell.toml",
        "short_way #3",
        "text",
    ),
    (
        "operators/nar.toml",
        '[[short_way]]\nstep = "documents"',
        '[[not_short_way]]\nstep = "documents"',
        "operators/nar.toml",
        "(file)",
        "not_short_way",
    ),
    (
        "prepare.toml",
        'id = "prepare"',
        'id = "prepare"\n[[short_way]]\nstep = "x"\ntext = "y"\n',
        "prepare.toml",
        "(file)",
        "short_way",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "where", "entry", "field"), BAD_EDITS)
def test_bad_content_names_file_entry_and_field(content_copy, file, old, new, where, entry, field):
    edit(content_copy / file, old, new)
    with pytest.raises(content.ContentError) as info:
        content.load(str(content_copy))
    error = info.value
    assert error.path == str(content_copy / where)
    assert error.entry == entry
    assert error.field == field
    assert str(content_copy / where) in str(error) and f"'{field}'" in str(error)


def test_unknown_operator_file_stops_the_build(content_copy):
    shutil.copy(
        content_copy / "operators" / "nar.toml", content_copy / "operators" / "naxtel.toml"
    )
    with pytest.raises(content.ContentError, match="unknown operator 'naxtel'"):
        content.load(str(content_copy))


def test_missing_operator_file_stops_the_build(content_copy):
    os.remove(content_copy / "operators" / "bakcell.toml")
    with pytest.raises(content.ContentError, match="file is missing"):
        content.load(str(content_copy))


def test_an_unknown_fact_may_not_carry_a_guess(content_copy):
    edit(
        content_copy / "facts.toml",
        'id = "nar-call-centre"',
        'id = "nar-call-centre"\nvalue = "102"',
    )
    with pytest.raises(content.ContentError, match="never guess"):
        content.load(str(content_copy))


@pytest.mark.parametrize("keep", [2, 6])
def test_a_short_way_has_three_to_five_lines(content_copy, keep):
    path = content_copy / "operators" / "bakcell.toml"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("[[short_way]]")
    lines, _, steps = ("[[short_way]]" + rest).partition("[[step]]")
    blocks = [b for b in lines.split("[[short_way]]") if b.strip()]
    blocks = (blocks * 2)[:keep]
    path.write_text(
        head + "".join("[[short_way]]" + b for b in blocks) + "[[step]]" + steps, encoding="utf-8"
    )
    with pytest.raises(content.ContentError) as info:
        content.load(str(content_copy))
    assert (info.value.entry, info.value.field) == ("(file)", "short_way")
    assert f"has {keep} lines" in str(info.value)


def test_a_short_way_line_may_mention_a_fact(content_copy):
    """Mentioned, the fact is plain text in the line; as a link it would nest in the line's."""
    edit(
        content_copy / "operators" / "azercell.toml",
        "Go to an Azercell Exclusive office, also",
        "Ask {fact:azercell-contact-centre:text} where to go, or go to an Azercell Exclusive "
        "office, also",
    )
    line = content.load(str(content_copy)).operators["azercell"].short_way[2]
    assert line.step == "where-to-go" and "{fact:azercell-contact-centre:text}" in line.text


def test_an_operator_names_its_hotline_by_the_id_it_checks(content_copy):
    """Spaces around an id are dropped before the fact is looked up, and so in the guide too."""
    edit(
        content_copy / "operators" / "azercell.toml",
        'hotline = "azercell-contact-centre"',
        'hotline = " azercell-contact-centre "',
    )
    guide = content.load(str(content_copy)).operators["azercell"]
    assert guide.hotline == "azercell-contact-centre"
