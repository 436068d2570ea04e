"""The Assess page in a real browser: what a conflicted assessor is shown, scoring a bid and
declaring a conflict, each checked through the API; forms without their token refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser import Pages, api, check_accessible, screenshot, sign_in
from tests.web.conftest import DemoSite

pytestmark = pytest.mark.browser

DIABETES = "Diabetes education, foot care and inpatient nursing in Hull and the East Riding"
EXTENDED_ACCESS = "Extended access and social prescribing in the Vale of York"


def bid_titled(site: DemoSite, title: str) -> dict[str, Any]:
    with site.api("admin") as admin:
        listed = admin.get("/v1/bids", params={"limit": 20}).json()["items"]
    return next(b for b in listed if b["title"] == title)


@pytest.fixture(scope="module")
def bid_under_assessment(demo_site: DemoSite) -> dict[str, Any]:
    """The second round closed with its one bid submitted: under assessment."""
    bid = bid_titled(demo_site, EXTENDED_ACCESS)
    with demo_site.api("programme office QOQ") as office:
        assert office.post(f"/v1/bids/{bid['id']}/submit").status_code == 200
    with demo_site.api("admin") as admin:
        closed = admin.patch(
            f"/v1/rounds/{bid['round_id']}", json={"status": "closed"}, headers={"If-Match": "*"}
        )
        assert closed.status_code == 200, closed.text
    return bid


def rows(page: Any) -> list[str]:
    return page.locator("#bids tbody tr td:first-child").all_inner_texts()


def test_a_conflicted_assessor_is_not_shown_the_bids_of_its_conflict(
    pages: Pages, demo_site: DemoSite
) -> None:
    # Helen Osei declared a conflict with Hull and the East Riding (QOQ); Ayesha Rahman none.
    unconflicted = pages.signed_in("assessor Ayesha Rahman", "/app/assess")
    conflicted = pages.signed_in("assessor Helen Osei", "/app/assess")

    assert DIABETES in rows(unconflicted)
    assert DIABETES not in rows(conflicted)
    assert sorted([*rows(conflicted), DIABETES]) == sorted(rows(unconflicted))
    expect(conflicted.locator("#conflicts + ul")).to_contain_text("Hull")
    check_accessible(conflicted)

    # Asked for by address, the bid is not found: its existence is not disclosed.
    hidden = bid_titled(demo_site, DIABETES)
    answer = conflicted.goto(f"/app/assess/{hidden['id']}")
    assert answer is not None and answer.status == 404
    expect(conflicted.get_by_role("heading", name="Page not found")).to_be_visible()
    check_accessible(conflicted)


def test_an_assessor_scores_a_bid_and_the_api_has_the_scores(
    pages: Pages, demo_site: DemoSite, bid_under_assessment: dict[str, Any]
) -> None:
    page = pages.signed_in("assessor, round 2", "/app/assess")
    check_accessible(page)
    screenshot(page, "assess")

    page.get_by_role("link", name=f"Score {EXTENDED_ACCESS}").click()
    expect(page.get_by_role("heading", name=f"Score {EXTENDED_ACCESS}")).to_be_visible()
    labels = page.locator("input[id^=score-]")
    criteria = [i.get_attribute("id").removeprefix("score-") for i in labels.all()]  # type: ignore[union-attr]
    assert criteria
    for index, criterion in enumerate(criteria):
        page.locator(f"#score-{criterion}").fill(str(3 + index % 2))
        page.locator(f"#comment-{criterion}").fill(f"Comment on {criterion}.")
    check_accessible(page)
    screenshot(page, "score")
    page.get_by_role("button", name="Save scores").click()

    expect(page).to_have_url(re.compile(r"/app/assess\?scored="))
    expect(page.get_by_role("alert")).to_contain_text("Your scores are saved.")
    with demo_site.api("assessor, round 2") as assessor:
        listed = assessor.get(
            f"/v1/rounds/{bid_under_assessment['round_id']}/assessments",
            params={"bid_id": bid_under_assessment["id"]},
        ).json()["items"]
    assert [{(s["criterion"], s["score"], s["comment"]) for s in a["scores"]} for a in listed] == [
        {(c, 3.0 + i % 2, f"Comment on {c}.") for i, c in enumerate(criteria)}
    ]


def test_a_score_off_the_scale_is_shown_on_the_form_and_not_stored(
    pages: Pages, demo_site: DemoSite, bid_under_assessment: dict[str, Any]
) -> None:
    with demo_site.api("admin") as admin:
        created = admin.post(
            "/v1/api-keys",
            json={
                "role": "assessor",
                "name": "assessor scoring off the scale",
                "round_id": bid_under_assessment["round_id"],
            },
        ).json()
    page = pages.new()
    sign_in(page, created["key"], f"/app/assess/{bid_under_assessment['id']}")
    first = page.locator("input[id^=score-]").first
    for field in page.locator("input[id^=score-]").all():
        field.fill("3")
    first.fill("99")
    page.get_by_role("button", name="Save scores").click()

    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(first).to_have_value("99")
    check_accessible(page)
    with api(demo_site.url, created["key"]) as assessor:
        listed = assessor.get(f"/v1/rounds/{bid_under_assessment['round_id']}/assessments")
    assert listed.json()["items"] == []


def test_declaring_a_conflict_hides_the_bid_and_the_api_has_it(
    pages: Pages, demo_site: DemoSite, bid_under_assessment: dict[str, Any]
) -> None:
    round_id = bid_under_assessment["round_id"]
    with demo_site.api("admin") as admin:
        created = admin.post(
            "/v1/api-keys",
            json={"role": "assessor", "name": "assessor declaring", "round_id": round_id},
        ).json()
    page = pages.new()
    sign_in(page, created["key"])
    expect(page).to_have_url(re.compile(r"/app/assess$"))
    assert EXTENDED_ACCESS in rows(page)

    page.get_by_label("With").select_option(label="Humber, Coast and Vale")
    page.get_by_label("Reason").fill("Married to the Vale of York programme director.")
    page.get_by_role("button", name="Declare conflict").click()

    expect(page.get_by_role("alert")).to_contain_text("conflict of interest is declared")
    assert EXTENDED_ACCESS not in rows(page)
    expect(page.locator("#conflicts + ul")).to_contain_text("Married to the Vale of York")
    with api(demo_site.url, created["key"]) as assessor:
        declared = assessor.get(f"/v1/rounds/{round_id}/conflicts").json()["items"]
    assert [c["reason"] for c in declared] == ["Married to the Vale of York programme director."]


def test_a_form_without_its_token_is_refused(
    pages: Pages, demo_site: DemoSite, bid_under_assessment: dict[str, Any]
) -> None:
    page = pages.signed_in("assessor, round 2", "/app/assess")
    form = {"target": page.locator("#target option").nth(1).get_attribute("value"), "reason": "x"}

    missing = page.request.post("/app/assess/conflicts", form=form)
    forged = page.request.post("/app/assess/conflicts", form={**form, "csrf_token": "0" * 64})

    assert (missing.status, forged.status) == (403, 403)
    with demo_site.api("assessor, round 2") as assessor:
        declared = assessor.get(f"/v1/rounds/{bid_under_assessment['round_id']}/conflicts")
    assert declared.json()["items"] == []


def test_only_an_assessor_may_assess(pages: Pages) -> None:
    page = pages.new()
    sign_in(page, pages.keys["chair Gillian Marsh"])

    answer = page.goto("/app/assess")

    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
    check_accessible(page)
