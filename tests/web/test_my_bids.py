"""The My bids page in a real browser: a programme office's own bids, with what each needs
and what became of it; no other footprint's bid; no page for other roles."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.browser import Pages, check_accessible, screenshot
from tests.web.conftest import DemoSite

pytestmark = pytest.mark.browser

DIABETES = "Diabetes education, foot care and inpatient nursing in Hull and the East Riding"
EXTENDED_ACCESS = "Extended access and social prescribing in the Vale of York"


def card(page: object, title: str) -> object:
    return page.locator("section.nhsuk-card", has=page.get_by_role("heading", name=title))  # type: ignore[attr-defined]


def test_a_programme_office_sees_its_own_bids_and_what_became_of_them(
    pages: Pages, demo_site: DemoSite
) -> None:
    page = pages.signed_in("programme office QOQ")

    expect(page.get_by_role("heading", name="My bids", level=1)).to_be_visible()
    headings = page.locator("section.nhsuk-card h2").all_inner_texts()
    assert sorted(headings) == sorted([DIABETES, EXTENDED_ACCESS])

    with demo_site.api("programme office QOQ") as office:
        own = {b["title"]: b for b in office.get("/v1/bids").json()["items"]}
        funded = office.get(f"/v1/bids/{own[DIABETES]['id']}/benefits").json()
        decided = office.get(f"/v1/bids/{own[DIABETES]['id']}/appraisal").json()
    approved = page.locator("section.nhsuk-card").filter(has_text=DIABETES)
    expect(approved.get_by_role("link", name=DIABETES)).to_have_attribute(
        "href", f"/app/bids/{own[DIABETES]['id']}"
    )
    expect(approved).to_contain_text("Approved")
    expect(approved).to_contain_text("As at submission.")
    expect(approved).to_contain_text(f"BCR {decided['appraisal']['bcr']:.2f}")
    expect(approved).to_contain_text(f"£{funded['realised_benefits']:,.0f}")
    verdicts = {h["verdict"] for h in funded["hypotheses"]}
    expect(approved).to_contain_text("Off track" if "off_track" in verdicts else "On track")

    draft = page.locator("section.nhsuk-card").filter(has_text=EXTENDED_ACCESS)
    expect(draft).to_contain_text("Draft")
    expect(draft).to_contain_text("Preview of the draft")
    expect(draft).to_contain_text("Not decided")
    expect(draft).to_contain_text("Tracked once funded")
    draft.locator("summary").click()
    expect(draft.locator(".nhsuk-details__text")).to_contain_text("cites no evidence")
    check_accessible(page)
    screenshot(page, "my-bids")


def test_no_other_footprints_bid_is_listed(pages: Pages, demo_site: DemoSite) -> None:
    page = pages.signed_in("programme office QF7", "/app/my-bids")

    with demo_site.api("admin") as admin:
        every = admin.get("/v1/bids").json()["items"]
    with demo_site.api("programme office QF7") as office:
        own = {b["title"] for b in office.get("/v1/bids").json()["items"]}
    shown = set(page.locator("section.nhsuk-card h2").all_inner_texts())
    assert shown == own
    assert shown < {b["title"] for b in every}


@pytest.mark.parametrize("role", ["assessor Ayesha Rahman", "admin"])
def test_my_bids_is_a_programme_offices_page(pages: Pages, role: str) -> None:
    page = pages.signed_in(role)

    answer = page.goto("/app/my-bids")

    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
