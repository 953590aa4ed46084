"""Checklist ticks: kept on the device across reloads and offline use, and can be reset."""

from __future__ import annotations

import pytest

from webapp import content

from .conftest import wait_controlled, wait_offline_ready

pytestmark = pytest.mark.browser

GUIDE = "/en/azercell/"
BOXES = "[data-step-checkbox]"
PROGRESS = "[data-checklist-progress]"


def steps_total() -> int:
    return len(content.load().operators["azercell"].steps)


def ticked(page) -> list[bool]:
    return page.eval_on_selector_all(BOXES, "boxes => boxes.map(b => b.checked)")


def tick(page, *indexes: int) -> None:
    boxes = page.locator(BOXES)
    for i in indexes:
        boxes.nth(i).check()


def test_ticks_persist_across_reload_and_offline(page, context):
    total = steps_total()
    page.goto(GUIDE)
    assert page.locator(BOXES).count() == total
    assert page.locator(PROGRESS).text_content() == f"0 of {total} steps done"

    tick(page, 0, 2)
    assert page.locator(PROGRESS).text_content() == f"2 of {total} steps done"
    expected = [i in (0, 2) for i in range(total)]

    page.reload()
    assert ticked(page) == expected
    assert page.locator(PROGRESS).text_content() == f"2 of {total} steps done"

    wait_controlled(page)
    wait_offline_ready(page)
    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    assert ticked(page) == expected
    assert page.locator(PROGRESS).text_content() == f"2 of {total} steps done"

    tick(page, 1)  # ticking works offline too, and is kept
    response = page.reload()
    assert response.from_service_worker
    assert page.locator(PROGRESS).text_content() == f"3 of {total} steps done"


def test_reset_asks_first_then_clears_every_tick(page):
    total = steps_total()
    page.goto(GUIDE)
    tick(page, 0, 1)

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Reset ticks").click()
    assert ticked(page)[:2] == [True, True]

    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Reset ticks").click()
    assert messages == ["Clear all ticks on this page?"]
    assert ticked(page) == [False] * total
    assert page.locator(PROGRESS).text_content() == f"0 of {total} steps done"

    page.reload()
    assert ticked(page) == [False] * total


def test_each_guide_keeps_its_own_ticks(page):
    page.goto("/en/azercell/")
    tick(page, 0)
    page.goto("/en/bakcell/")
    assert not any(ticked(page))
    page.goto("/zh-hans/azercell/")  # the same guide in another language: the same ticks
    assert ticked(page)[0]
