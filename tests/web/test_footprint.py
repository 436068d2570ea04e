"""The Footprint page in a real browser: funded bids rolled up as the API rolls them up, the
bids off track, and another footprint not found for a programme office."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.browser import Pages, check_accessible, screenshot
from tests.web.conftest import DemoSite

pytestmark = pytest.mark.browser


def footprint_ids(site: DemoSite) -> dict[str, str]:
    with site.api("admin") as admin:
        return {f["code"]: f["id"] for f in admin.get("/v1/footprints").json()["items"]}


def test_an_administrator_picks_a_footprint_and_sees_it_rolled_up(
    pages: Pages, demo_site: DemoSite
) -> None:
    page = pages.signed_in("admin")
    expect(page).to_have_url(re.compile(r"/app/footprints$"))
    check_accessible(page)

    page.get_by_role("link", name="Humber, Coast and Vale").click()

    with demo_site.api("admin") as admin:
        rolled = admin.get(f"/v1/footprints/{footprint_ids(demo_site)['QOQ']}/benefits").json()
    expect(page.get_by_role("heading", name="Humber, Coast and Vale", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text(f"£{rolled['predicted_benefits']:,.0f}")
    expect(main).to_contain_text(f"£{rolled['realised_benefits']:,.0f}")
    funded = page.locator("#funded-bids tbody tr")
    expect(funded).to_have_count(rolled["total"])
    off_track = page.locator("#off-track ~ .nhsuk-card h3")
    assert sorted(off_track.all_inner_texts()) == sorted(b["title"] for b in rolled["off_track"])
    assert rolled["off_track"], "the demo has a bid off track in this footprint"
    check_accessible(page)
    screenshot(page, "footprint")


def test_a_programme_office_sees_its_own_footprint_and_no_other(
    pages: Pages, demo_site: DemoSite
) -> None:
    ids = footprint_ids(demo_site)
    page = pages.signed_in("programme office QF7", "/app/footprints")
    expect(page).to_have_url(re.compile(f"/app/footprints/{ids['QF7']}$"))
    expect(page.get_by_role("heading", name="South Yorkshire and Bassetlaw")).to_be_visible()
    check_accessible(page)

    answer = page.goto(f"/app/footprints/{ids['QOQ']}")

    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_accessible(page)
