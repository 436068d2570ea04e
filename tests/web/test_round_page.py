"""The round page in a real browser: what each role sees and may do, the chair's forms posting
through the services the API uses, and the answer checked through the API."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import Pages, check_accessible, screenshot
from tests.web.conftest import DemoSite
from tests.web.panel_api import FIRST_ROUND, Api

pytestmark = pytest.mark.browser

CHAIR = "chair Gillian Marsh"
CHAIR_2 = "chair, round 2"


@pytest.fixture(scope="module")
def api(demo_site: DemoSite) -> Api:
    return Api(demo_site)


@pytest.fixture(scope="module")
def first_round(api: Api) -> str:
    return api.round_id(FIRST_ROUND)


@pytest.fixture(scope="module")
def second_round(api: Api) -> str:
    return api.close_second_round()


def chart_drawn(page: Page, chart: str) -> bool:
    drawn: bool = page.evaluate(
        "(id) => !!Chart.getChart(document.querySelector(`canvas[data-chart='${id}']`))", chart
    )
    return drawn


def test_the_chair_sees_the_ranking_the_funding_line_and_the_flags(
    pages: Pages, api: Api, first_round: str
) -> None:
    page = pages.signed_in(CHAIR, f"/app/rounds/{first_round}")

    ranking = api.get(CHAIR, f"/v1/rounds/{first_round}/ranking")
    rows = page.locator("table.bpv-ranking tr[data-bid]")
    expect(rows).to_have_count(len(ranking["items"]))
    # In the API's order, each with its rank range drawn and described.
    for index, item in enumerate(ranking["items"]):
        row = rows.nth(index)
        expect(row).to_have_attribute("data-bid", item["bid_id"])
        low = item["rank_range"][0]
        expect(row.get_by_role("img")).to_have_attribute(
            "aria-label", re.compile(f"^Rank {item['rank']} of 5; P5 to P95 rank {low}")
        )
    funded = ranking["funding_line"]["funded_count"]
    expect(rows.nth(funded - 1)).to_have_class(re.compile("bpv-funding-line"))
    expect(page.get_by_text("Funding line:", exact=True)).to_be_visible()
    assert chart_drawn(page, "vfm-chart")
    # The demo's disagreement on the lung health checks, and its moderation.
    flags = page.locator("#moderation-flags + table")
    expect(flags).to_contain_text("Lung health checks")
    expect(flags).to_contain_text("Deliverability")
    expect(flags).to_contain_text("3.20")
    # The round is decided: the chair's forms are gone.
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    check_accessible(page)
    screenshot(page, "round")


def test_an_administrator_sees_the_ranking_but_no_forms(
    pages: Pages, first_round: str, second_round: str
) -> None:
    for round_id in (first_round, second_round):
        page = pages.signed_in("admin", f"/app/rounds/{round_id}")
        expect(page.locator("table.bpv-ranking")).to_be_visible()
        expect(page.locator("form[action$='/moderations']")).to_have_count(0)
        expect(page.locator("form[action$='/decisions']")).to_have_count(0)
        expect(page.get_by_text("are the round's chair's")).to_be_visible()


def test_an_assessor_sees_its_bids_without_a_conflicted_one_and_no_ranking(
    pages: Pages, api: Api, first_round: str
) -> None:
    # Helen Osei declared a conflict with Humber, Coast and Vale (QOQ).
    page = pages.signed_in("assessor Helen Osei", f"/app/rounds/{first_round}")

    listed = page.locator("main table a")
    expect(listed).to_have_count(4)
    expect(page.locator("main")).not_to_contain_text("Diabetes education")
    expect(page.locator("table.bpv-ranking")).to_have_count(0)
    expect(page.locator("form[action*='/rounds/']")).to_have_count(0)
    check_accessible(page)


def test_an_assessor_of_another_round_finds_no_such_round(pages: Pages, first_round: str) -> None:
    page = pages.signed_in("assessor, round 2")
    answer = page.goto(f"/app/rounds/{first_round}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_a_programme_office_may_not_open_the_panels_page(pages: Pages, first_round: str) -> None:
    page = pages.signed_in("programme office QF7")
    answer = page.goto(f"/app/rounds/{first_round}")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()


def test_an_assessor_posting_the_chairs_form_is_refused(pages: Pages, second_round: str) -> None:
    page = pages.signed_in("assessor, round 2", f"/app/rounds/{second_round}")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"/app/rounds/{second_round}/portfolio",
        form={"csrf_token": token or "", "objective": "value_score"},
    )
    assert answer.status == 403


def test_the_chair_moderates_runs_the_portfolio_and_decides(
    pages: Pages, api: Api, second_round: str
) -> None:
    page = pages.signed_in(CHAIR_2, f"/app/rounds/{second_round}")
    crisis = api.bid_id("Crisis care, wave 2")

    page.get_by_label("Bid", exact=True).first.select_option(crisis)
    page.get_by_label("Moderated weighted score").fill("3.1")
    page.get_by_label("Reason").first.fill("Deliverability is better than one score says.")
    page.get_by_role("button", name="Record the moderated score").click()

    expect(page.get_by_role("status")).to_have_text("The moderated score is recorded.")
    moderations = api.get(CHAIR_2, f"/v1/rounds/{second_round}/moderations")["items"]
    assert [(m["bid_id"], m["weighted_score"]) for m in moderations] == [(crisis, 3.1)]
    expect(page.locator("#moderation-flags + table")).to_contain_text("3.10")

    page.get_by_role("button", name="Run the portfolio").click()

    expect(page.get_by_role("status")).to_contain_text("The portfolio run is stored")
    portfolio = page.locator("input[name=portfolio_id]").get_attribute("value")
    run = api.get(CHAIR_2, f"/v1/rounds/{second_round}/portfolios/{portfolio}")
    selected = page.locator("table.bpv-ranking tr[data-bid]:has(.nhsuk-tag--green)")
    expect(selected).to_have_count(len(run["selected"]))
    assert chart_drawn(page, "vfm-chart")
    check_accessible(page)
    screenshot(page, "round-chair")

    decision_form = page.locator("#decision-form")
    decision_form.get_by_label("Bid").select_option(crisis)
    decision_form.get_by_label("Approved", exact=True).check()
    decision_form.get_by_label("Rationale").fill("Inside the envelope and good value.")
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("status")).to_have_text("The decision is recorded.")
    decisions = api.get(CHAIR_2, f"/v1/rounds/{second_round}/decisions")["items"]
    assert [(d["bid_id"], d["outcome"], d["portfolio_id"]) for d in decisions] == [
        (crisis, "approved", portfolio)
    ]
    # Decided once: the bid is no longer offered.
    expect(decision_form.get_by_label("Bid").locator(f"option[value='{crisis}']")).to_have_count(0)


def test_a_moderation_off_the_scale_is_shown_on_the_form_and_not_stored(
    pages: Pages, api: Api, second_round: str
) -> None:
    page = pages.signed_in(CHAIR_2, f"/app/rounds/{second_round}")
    before = api.get(CHAIR_2, f"/v1/rounds/{second_round}/moderations", include_history=True)

    page.get_by_label("Moderated weighted score").fill("99")
    page.get_by_label("Reason").first.fill("Too high by far.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Record the moderated score").click()

    assert posted.value.status == 422
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("off the framework's weighted scale")
    expect(page.locator("#moderation-weighted_score")).to_have_value("99")
    after = api.get(CHAIR_2, f"/v1/rounds/{second_round}/moderations", include_history=True)
    assert after["total"] == before["total"]
    check_accessible(page)
