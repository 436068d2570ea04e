"""A funded bid's benefits: realised against predicted per hypothesis and period, RAG, missing
periods, money, verdicts; who may read them; CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import Engine

from tests.app.conftest import World
from tests.app.funded import funded_bids, months, on_trajectory, predicted, store_now

APRIL_2017 = (dt.date(2017, 4, 1), dt.date(2017, 4, 30))
JAN, FEB, MAR = months(dt.date(2018, 1, 1), 3)
AS_OF = "2018-06-30"


def period(report: dict, start: dt.date) -> dict:
    (indicator,) = report["indicators"]
    return next(p for p in indicator["periods"] if p["period_start"] == start.isoformat())


def test_the_report_has_the_spec_shape(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    store_now(engine, bid, on_trajectory(months(dt.date(2017, 4, 1), 12)))
    hypothesis_id = world.office.get(f"/v1/bids/{bid}/hypotheses").json()["items"][0]["id"]

    report = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF})

    assert report.status_code == 200, report.text
    body = report.json()
    assert {"bid_id", "indicators", "hypotheses", "predicted_benefits", "realised_benefits",
            "realised_roi"} <= body.keys()  # fmt: skip
    assert body["bid_id"] == bid and body["as_of"] == AS_OF
    (indicator,) = body["indicators"]
    assert indicator["hypothesis_id"] == hypothesis_id
    assert indicator["indicator"] == "Emergency admissions"
    assert indicator["direction"] == "decrease"
    assert set(indicator["periods"][0]) >= {"period_start", "period_end", "predicted", "realised",
        "variance", "variance_pct", "rag", "missing"}  # fmt: skip
    (verdict,) = body["hypotheses"]
    assert verdict["id"] == hypothesis_id
    assert verdict["verdict"] in {"on_track", "at_risk", "off_track", "confirmed", "refuted"}
    assert verdict["reason"]
    assert body["tracking"] == {
        "settings_version": 1,
        "amber": 0.1,
        "red": 0.25,
        "grace_days": 30,
        "cadence": "month",
        "value_per_qaly": 60_000.0,  # the round's default
    }


def test_predicted_values_are_interpolated_from_the_baseline(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    store_now(engine, bid, [(APRIL_2017, 1190.0)])

    body = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF}).json()

    april = period(body, APRIL_2017[0])
    assert april["predicted"] == pytest.approx(predicted(APRIL_2017[1]), rel=1e-9)
    assert april["predicted"] == pytest.approx(1200 - 100 * 29 / 364, rel=1e-9)
    assert april["realised"] == 1190.0
    assert april["variance"] == pytest.approx(1190.0 - april["predicted"], rel=1e-9)
    assert april["variance_pct"] == pytest.approx(april["variance"] / april["predicted"])
    march = period(body, MAR[0])
    assert march["predicted"] == pytest.approx(1100.0, rel=1e-9)


def test_rag_follows_the_rounds_tolerances_and_the_direction(world: World, engine: Engine) -> None:
    # The predicted fall by each month's end; 5% short of it is green, 20% amber, 50% red.
    (bid,) = funded_bids(world, ["approved"])
    shortfalls = {JAN: 0.05, FEB: 0.20, MAR: 0.50}
    store_now(
        engine,
        bid,
        [(p, 1200.0 - (1 - short) * (1200.0 - predicted(p[1]))) for p, short in shortfalls.items()],
    )

    body = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF}).json()

    assert [period(body, p[0])["rag"] for p in (JAN, FEB, MAR)] == ["green", "amber", "red"]


def test_a_period_past_its_grace_without_a_measurement_is_missing_never_zero(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    store_now(engine, bid, on_trajectory(months(dt.date(2017, 4, 1), 12)))  # to March 2018

    body = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF}).json()

    april, may, june = (period(body, dt.date(2018, m, 1)) for m in (4, 5, 6))
    assert april["missing"]
    assert april["realised"] is None and april["rag"] is None and april["variance"] is None
    assert not may["missing"]  # ended 30 days ago: inside the round's grace
    assert not june["missing"] and june["realised"] is None
    assert not period(body, MAR[0])["missing"]


def test_as_of_leaves_out_the_periods_after_it(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    store_now(engine, bid, on_trajectory(months(dt.date(2017, 4, 1), 12)))

    early = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": "2017-06-15"}).json()
    now = world.office.get(f"/v1/bids/{bid}/benefits").json()

    assert early["as_of"] == "2017-06-15"
    realised = [p for p in early["indicators"][0]["periods"] if p["realised"] is not None]
    assert [p["period_start"] for p in realised] == ["2017-04-01", "2017-05-01"]
    assert now["as_of"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert early["realised_benefits"] < now["realised_benefits"]


def test_money_to_date_and_a_verdict_follow_the_data(world: World, engine: Engine) -> None:
    good, bad = funded_bids(world, ["approved", "approved"])
    year = months(dt.date(2017, 4, 1), 12)
    store_now(engine, good, on_trajectory(year))
    store_now(engine, bad, on_trajectory(year, share=0.0))  # nothing moved

    good_body = world.office.get(f"/v1/bids/{good}/benefits", params={"as_of": AS_OF}).json()
    bad_body = world.office.get(f"/v1/bids/{bad}/benefits", params={"as_of": AS_OF}).json()

    assert good_body["realised_benefits"] > 0
    assert bad_body["realised_benefits"] == pytest.approx(0.0, abs=1e-6)
    assert good_body["predicted_benefits"] == pytest.approx(bad_body["predicted_benefits"])
    assert good_body["hypotheses"][0]["verdict"] in {"on_track", "confirmed"}
    assert bad_body["hypotheses"][0]["verdict"] in {"off_track", "refuted"}
    assert bad_body["hypotheses"][0]["rule"]


def test_only_funded_bids_have_benefits(world: World) -> None:
    approved, rejected = funded_bids(world, ["approved", "rejected"])
    draft = world.draft_bid(round_id=world.other_round["id"])

    assert world.admin.get(f"/v1/bids/{approved}/benefits").status_code == 200
    refused = world.admin.get(f"/v1/bids/{rejected}/benefits")
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("conflict")
    assert world.office.get(f"/v1/bids/{draft['id']}/benefits").status_code == 409


def test_whoever_sees_the_bid_sees_its_benefits_and_no_one_else(world: World) -> None:
    (bid,) = funded_bids(world, ["approved"])
    other_assessor = world.key("assessor", round_id=world.other_round["id"])
    other_integration = world.key("integration", footprint_id=world.other_footprint["id"])

    for caller in (world.office, world.integration, world.chair, world.assessor, world.admin):
        assert caller.get(f"/v1/bids/{bid}/benefits").status_code == 200
    for caller in (world.other_office, other_assessor, other_integration):
        assert caller.get(f"/v1/bids/{bid}/benefits").status_code == 404


def test_the_report_as_csv_has_a_row_per_indicator_period(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    store_now(engine, bid, [(APRIL_2017, 1190.0)])
    body = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF}).json()

    exported = world.office.get(
        f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF, "format": "csv"}
    )

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == len(body["indicators"][0]["periods"])
    april = next(r for r in rows if r["period_start"] == "2017-04-01")
    assert float(april["realised"]) == 1190.0
    assert april["missing"] == "false"
    assert float(april["predicted"]) == pytest.approx(period(body, APRIL_2017[0])["predicted"])


def test_a_rounds_own_tolerances_and_grace_set_rag_and_missing(
    world: World, engine: Engine
) -> None:
    world.reconfigure({"settings": {"benefits": {"amber": 0.3, "red": 0.6, "grace_days": 90}}})
    (bid,) = funded_bids(world, ["approved"])
    store_now(engine, bid, [(FEB, 1200.0 - 0.8 * (1200.0 - predicted(FEB[1])))])  # 20% short

    body = world.office.get(f"/v1/bids/{bid}/benefits", params={"as_of": AS_OF}).json()

    assert period(body, FEB[0])["rag"] == "green"
    assert not period(body, dt.date(2018, 4, 1))["missing"]  # ended 61 days ago: within 90
    assert period(body, JAN[0])["missing"]
    assert body["tracking"]["amber"] == 0.3 and body["tracking"]["grace_days"] == 90


def test_tolerances_must_be_ordered(world: World) -> None:
    refused = world.admin.post(
        "/v1/rounds",
        json={
            "name": "Badly tuned",
            "programme_areas": ["diabetes"],
            "settings": {"benefits": {"amber": 0.3, "red": 0.2}},
        },
    )

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].startswith("settings.benefits")


def test_the_report_as_xlsx(world: World) -> None:
    (bid,) = funded_bids(world, ["approved"])

    exported = world.office.get(f"/v1/bids/{bid}/benefits", params={"format": "xlsx"})

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert exported.content[:2] == b"PK"  # a zip, as every XLSX workbook is
