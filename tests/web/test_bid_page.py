"""The bid page in a real browser: the logic model drawn with its findings and its gap, the
hypotheses, the appraisal's figures and charts as the API gives them, benefits once funded, and
the same scope as the API's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.web.views.formats import pounds
from tests.web.browser import SCREENSHOTS, Pages, check_accessible, screenshot
from tests.web.conftest import DemoSite
from tests.web.panel_api import Api

pytestmark = pytest.mark.browser

URGENT_CARE = "Integrated urgent care"
LUNG_HEALTH = "Lung health checks"


@pytest.fixture(scope="module")
def api(demo_site: DemoSite) -> Api:
    return Api(demo_site)


def chart_drawn(page: Page, chart: str) -> bool:
    drawn: bool = page.evaluate(
        "(id) => !!Chart.getChart(document.querySelector(`canvas[data-chart='${id}']`))", chart
    )
    return drawn


def test_the_logic_model_is_drawn_with_its_findings_and_its_gap(pages: Pages, api: Api) -> None:
    bid = api.bid_id(URGENT_CARE)
    page = pages.signed_in("programme office QF7", f"/app/bids/{bid}")

    model = api.get("programme office QF7", f"/v1/bids/{bid}/logic-model")
    findings = api.get("programme office QF7", f"/v1/bids/{bid}/logic-model/findings")
    graph = page.locator(".bpv-logic-model svg")
    expect(graph.locator("g.bpv-node")).to_have_count(len(model["nodes"]))
    expect(graph.locator("path.bpv-edge")).to_have_count(len(model["edges"]))
    # The demo bid's two nodes off every input-to-impact path are drawn as the gap.
    off_path = sorted(
        key for f in findings["findings"] if f["code"] == "off_path_node" for key in f["nodes"]
    )
    assert len(off_path) == 2
    gap = graph.locator("g.bpv-node--gap")
    assert sorted(gap.evaluate_all("nodes => nodes.map(n => n.dataset.key)")) == off_path
    # Left to right: every input stands left of every impact.
    xs = graph.evaluate(
        """svg => [...svg.querySelectorAll('g.bpv-node')].map(g => [
            [...g.classList].find(c => c.startsWith('bpv-node--') && c.length > 10),
            g.getBoundingClientRect().x])"""
    )
    inputs = [x for kind, x in xs if kind == "bpv-node--input"]
    impacts = [x for kind, x in xs if kind == "bpv-node--impact"]
    assert max(inputs) < min(impacts)
    expect(page.get_by_text("A gap in the delivery chain:")).to_be_visible()
    expect(page.locator("#logic-model ~ table").first).to_contain_text("Warning")
    # The same graph as tables, for those who do not see the drawing.
    page.get_by_text("The logic model as tables").click()
    off_chain = page.locator("details td", has_text="Off the chain")
    expect(off_chain).to_have_count(len(off_path))


def test_the_appraisal_shows_the_apis_figures_and_draws_its_charts(pages: Pages, api: Api) -> None:
    bid = api.bid_id(URGENT_CARE)
    page = pages.signed_in("programme office QF7", f"/app/bids/{bid}")

    appraisal = api.get("programme office QF7", f"/v1/bids/{bid}/appraisal")["appraisal"]
    npsv = page.get_by_role("row", name="NPSV (PV benefits - PV costs)")
    expect(npsv).to_contain_text(pounds(appraisal["before_optimism_bias"]["npsv"]))
    expect(npsv).to_contain_text(pounds(appraisal["after_optimism_bias"]["npsv"]))
    monte_carlo = appraisal["monte_carlo"]
    description = page.locator("#npsv-description")
    expect(description).to_contain_text(pounds(monte_carlo["npsv"]["p5"]))
    expect(description).to_contain_text(pounds(monte_carlo["npsv"]["p95"]))
    expect(description).to_contain_text(
        f"P(NPSV > 0) = {monte_carlo['probability_npsv_positive'] * 100:.1f}%"
    )
    for chart in ("npsv-chart", "tornado-chart"):
        assert chart_drawn(page, chart)
    tornado_rows = page.locator("#tornado ~ table").first.locator("tbody tr")
    expect(tornado_rows).to_have_count(len(appraisal["tornado"]))
    hypotheses = api.get("programme office QF7", f"/v1/bids/{bid}/hypotheses")["items"]
    expect(page.locator("#hypotheses ~ div table tbody tr")).to_have_count(len(hypotheses))
    check_accessible(page)
    screenshot(page, "bid")


def test_a_funded_bid_shows_predicted_against_realised(pages: Pages, api: Api) -> None:
    bid = api.bid_id(LUNG_HEALTH)
    page = pages.signed_in("programme office QWO", f"/app/bids/{bid}")

    report = api.get("programme office QWO", f"/v1/bids/{bid}/benefits")
    section = page.locator("#benefits-section")
    expect(section.locator("section")).to_have_count(len(report["indicators"]))
    for index, indicator in enumerate(report["indicators"], start=1):
        verdict = indicator["verdict"].replace("_", " ").capitalize()
        expect(section.locator(f"#indicator-{index}-heading")).to_contain_text(verdict)
        assert chart_drawn(page, f"indicator-{index}-chart")
    expect(section).to_contain_text(pounds(report["realised_benefits"]))
    # The period tables give every point of the charts.
    first = report["indicators"][0]
    due = [p for p in first["periods"] if p["due"]]
    expect(section.locator("section").first.locator("details tbody tr")).to_have_count(len(due))
    check_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / "bid-benefits.png"), animations="disabled")


def test_a_draft_has_its_appraisal_computed_and_no_benefits(pages: Pages, api: Api) -> None:
    bid = api.bid_id("Extended access")
    page = pages.signed_in("programme office QOQ", f"/app/bids/{bid}")

    expect(page.get_by_role("heading", name="Appraisal")).to_be_visible()
    expect(page.locator("#benefits-section")).to_have_count(0)
    expect(page.get_by_text("the figures stored when the bid was submitted")).to_have_count(0)
    check_accessible(page)


def test_another_footprints_bid_answers_not_found(pages: Pages, api: Api) -> None:
    page = pages.signed_in("programme office QF7")
    answer = page.goto(f"/app/bids/{api.bid_id(LUNG_HEALTH)}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_an_assessor_finds_no_bid_it_declared_a_conflict_with(pages: Pages, api: Api) -> None:
    page = pages.signed_in("assessor Helen Osei")
    conflicted = page.goto(f"/app/bids/{api.bid_id('Diabetes education')}")
    assert conflicted is not None and conflicted.status == 404
    allowed = page.goto(f"/app/bids/{api.bid_id(URGENT_CARE)}")
    assert allowed is not None and allowed.status == 200
