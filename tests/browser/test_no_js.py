"""JavaScript disabled: every guide page is complete; nothing needs a script to be read."""

from __future__ import annotations

import pytest

from webapp import content

from .conftest import LANGUAGES

pytestmark = pytest.mark.browser

CONTENT = content.load()
GUIDES = [*CONTENT.operators, "prepare", "aftercare"]

#: Playwright's "visible" (a non-empty box, not visibility:hidden) for every element the
#: selector finds, and the same for each element ``parts`` finds inside it; in one round trip.
#: (Page scripts are off, but Playwright evaluates in its own world.)
VISIBILITY = """([selector, parts]) => {
    const visible = (el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true});
    };
    return Array.from(document.querySelectorAll(selector)).map((el) => {
        const result = {id: el.id, visible: visible(el)};
        for (const [name, part] of Object.entries(parts)) {
            result[name] = Array.from(el.querySelectorAll(part)).map(visible);
        }
        return result;
    });
}"""


@pytest.fixture
def page(new_context):
    return new_context(java_script_enabled=False).new_page()


def guide_of(name: str) -> content.Guide:
    return CONTENT.operators.get(name) or CONTENT.sections[name]


def visibility(page, selector: str, **parts: str) -> list[dict]:
    return page.evaluate(VISIBILITY, [selector, parts])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guide_pages_are_complete_without_javascript(page, lang):
    for name in GUIDES:
        guide = guide_of(name)
        page.goto(f"/{lang}/{name}/")
        assert "js-enabled" not in page.evaluate("document.documentElement.className")
        steps = visibility(
            page,
            "ol.steps > li.step",
            title=".step__title",
            body=".step__body",
            text=".step__body :is(p, li, h3):not(.facts *)",
            options=".option",
            sources=".facts--fold > summary",
            folded=".facts--fold .fact-item",
        )
        assert [s["id"] for s in steps] == [s.id for s in guide.steps], name
        for step, shown in zip(guide.steps, steps, strict=True):
            where = f"/{lang}/{name}/#{step.id}"
            assert shown["visible"] and shown["title"] == [True], where
            assert shown["body"] == [True], where
            assert shown["text"] and all(shown["text"]), where
            assert shown["options"] == [True] * len(step.options), where
            # Each facts box is a closed "Sources" disclosure: its summary shows, its facts
            # are in the page but folded away.
            boxes = (1 if step.facts else 0) + sum(1 for o in step.options if o.facts)
            assert shown["sources"] == [True] * boxes, where
            assert bool(shown["folded"]) == bool(boxes) and not any(shown["folded"]), where
        # A disclosure opens without a script, and what it shows is each fact with its source.
        first = page.locator("li.step .facts--fold").first
        first.locator("summary").click()
        assert first.evaluate("(el) => el.open")
        opened = visibility(
            page, "li.step .facts--fold[open]", facts=".fact-item", sources=".fact-item__source a"
        )
        assert len(opened) == 1 and opened[0]["facts"] and all(opened[0]["facts"]), name
        assert all(opened[0]["sources"]), name
        if name in CONTENT.operators:
            # The short way, then "where to go" with the offices' channel, all without a script.
            lines = visibility(page, ".page-heading > .short-way li a")
            assert len(lines) == len(guide.short_way) and all(a["visible"] for a in lines), name
            assert page.locator("#where-to-go .step__title").is_visible(), name
        # The controls that need the script are in the markup but hidden (scripting: none):
        # the ticks, their bar, the step toggles and "Hide all".
        hidden = visibility(
            page, "[data-module=checklist], .step__done, .step__toggle, [data-step-nav-all]"
        )
        assert len(hidden) == 2 + 2 * len(guide.steps), name
        assert not any(h["visible"] for h in hidden), name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_questions_and_sources_are_complete_without_javascript(page, lang):
    page.goto(f"/{lang}/faq/")
    questions = CONTENT.sections["faq"].questions
    shown = visibility(page, ".faq__item", question="h2", text="p, li")
    assert [q["id"] for q in shown] == [q.id for q in questions]
    for item in shown:
        assert item["visible"] and item["question"] == [True], item["id"]
        assert item["text"] and all(item["text"]), item["id"]

    page.goto(f"/{lang}/sources/")
    facts = visibility(page, ".facts__list--all > .fact-item", source=".fact-item__source a")
    assert sorted(f["id"] for f in facts) == sorted(f"fact-{f}" for f in CONTENT.facts)
    assert all(f["visible"] and f["source"] == [True] for f in facts)
