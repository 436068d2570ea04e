"""The RAG of a period and the verdict on a hypothesis: every rule is written here, once.

Notation: s = +1 for an indicator whose direction is `increase`, -1 for `decrease`; b is the
baseline value; `amber` and `red` are the round's tolerances (`TrackingSettings`).

RAG of a realised level R against a predicted level P (a period, or a reading against the target):
    shortfall = s x (P - R)          (negative when R beats P)
    scale     = |P - b|              (the predicted improvement to date), or |b| when that is 0
    green     shortfall <= amber x scale      (so a period beating its prediction is green)
    amber     shortfall <= red x scale
    red       otherwise
    With scale 0 (baseline 0 and no predicted change yet): green when shortfall <= 0, else red.
    Reversing the direction and negating every value gives the same RAG; a better R never
    gives a worse RAG.

Terms used by the verdict:
    target T, target date D    the last trajectory point; target improvement = s x (T - b).
    achieved share of a level  1 - s x (T - level) / |T - b|: 1 at the target, 0 at the
        baseline (for a target that improves on it); undefined when T = b, where the RAG's
        |b| scale applies instead. Against the target, green <=> share >= 1 - amber and
        red <=> share < 1 - red.
    completion                 the end of the period containing D.
    final reading              the realised level of the expected period containing D; if it
        has no data, of the latest period with data ending on or after D.
    due periods with data      periods (expected or extra) with a realised value that ended by
        today, in order of their end date. Missing periods are skipped, never read as zero.
    forecast                   the trend's level at D (`bpv.benefits.forecast`); it counts only
        when fitted to at least 3 periods with data. Its RAG is taken against the target.

Verdict, first rule that applies:
    no_data    no observations at all.
    With a final reading (the hypothesis is judged on its outcome):
    refuted    the final reading moved the wrong way from the baseline while the target improves
               on it, or it is red against the target (achieves < 1 - red of the improvement);
    confirmed  it is green against the target (achieves >= 1 - amber of the improvement);
    at_risk    otherwise (amber: short by more than amber, not by more than red).
    Without one (still measuring, or completion + grace_days passed with no final reading):
    off_track  the last two due periods with data are both red, or the forecast is red;
    at_risk    the latest due period with data is amber or red, or the forecast is amber, or
               completion + grace_days has passed with no final reading;
    on_track   otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bpv.benefits.model import (
    Forecast,
    PeriodResult,
    Rag,
    TrackingSettings,
    Verdict,
    VerdictResult,
)
from bpv.logic_model import Direction


def sign(direction: Direction) -> float:
    """+1 when the indicator improves upwards, -1 when it improves downwards."""
    return 1.0 if direction is Direction.INCREASE else -1.0


def rag(
    realised: float,
    predicted: float,
    baseline: float,
    direction: Direction,
    settings: TrackingSettings,
) -> Rag:
    """The RAG of a realised level against a predicted one (module docstring)."""
    shortfall = sign(direction) * (predicted - realised)
    scale = abs(predicted - baseline) or abs(baseline)
    if scale == 0.0:
        return Rag.GREEN if shortfall <= 0.0 else Rag.RED
    if shortfall <= settings.amber * scale:
        return Rag.GREEN
    if shortfall <= settings.red * scale:
        return Rag.AMBER
    return Rag.RED


def achieved_share(
    level: float, baseline: float, target: float, direction: Direction
) -> float | None:
    """The share of the target improvement a level achieves; None when the target is the
    baseline."""
    improvement = abs(target - baseline)
    if improvement == 0.0:
        return None
    return 1.0 - sign(direction) * (target - level) / improvement


def judge(
    periods: Sequence[PeriodResult],
    forecast: Forecast | None,
    *,
    baseline: float,
    target: float,
    target_date: dt.date,
    completion: dt.date,
    direction: Direction,
    settings: TrackingSettings,
    today: dt.date,
) -> VerdictResult:
    """The verdict on a hypothesis from its tracked periods and forecast (module docstring)."""
    with_data = sorted(
        (p for p in periods if p.realised is not None),
        key=lambda p: (p.period_end, p.period_start),
    )
    figures: dict[str, float | str | None] = {
        "baseline": baseline,
        "target": target,
        "target_date": target_date.isoformat(),
        "amber": settings.amber,
        "red": settings.red,
        "periods_with_data": float(len(with_data)),
        "missing_periods": float(sum(p.missing for p in periods)),
    }
    if not with_data:
        return VerdictResult(Verdict.NO_DATA, "no_data: no observations yet.", figures)

    if forecast is not None:
        figures["forecast"] = forecast.value
        figures["forecast_low"] = forecast.low
        figures["forecast_high"] = forecast.high
        figures["forecast_points"] = float(forecast.points)
    due = [p for p in with_data if p.period_end <= today]
    latest = due[-1] if due else None
    previous = due[-2] if len(due) >= 2 else None
    figures["latest_period_end"] = latest.period_end.isoformat() if latest else None
    figures["latest_rag"] = latest.rag.value if latest and latest.rag else None
    figures["previous_rag"] = previous.rag.value if previous and previous.rag else None

    goal = f"the target improvement ({_num(baseline)} to {_num(target)} by {target_date})"
    final = _final_reading(with_data, target_date)
    if final is not None:
        return _judge_final(final, baseline, target, direction, settings, goal, figures)

    forecast_rag: Rag | None = None
    if forecast is not None and forecast.points >= 3:
        forecast_rag = rag(forecast.value, target, baseline, direction, settings)
        figures["forecast_rag"] = forecast_rag.value
        figures["forecast_achieved_share"] = achieved_share(
            forecast.value, baseline, target, direction
        )
    overdue = today > completion + dt.timedelta(days=settings.grace_days)
    figures["completion"] = completion.isoformat()

    def forecast_words() -> str:
        assert forecast is not None and forecast_rag is not None
        return (
            f"the forecast at completion ({_num(forecast.value)} on {forecast.date}, from "
            f"{forecast.points} periods) "
            f"{_against(forecast.value, forecast_rag, baseline, target, direction, settings)} "
            f"{goal}"
        )

    if latest is not None and previous is not None and latest.rag is previous.rag is Rag.RED:
        return VerdictResult(
            Verdict.OFF_TRACK,
            f"off_track: the last two due periods with data (ending {previous.period_end} and "
            f"{latest.period_end}) are red.",
            figures,
        )
    if forecast_rag is Rag.RED:
        return VerdictResult(Verdict.OFF_TRACK, f"off_track: {forecast_words()}.", figures)
    if latest is not None and latest.rag in (Rag.AMBER, Rag.RED):
        assert latest.rag is not None
        return VerdictResult(
            Verdict.AT_RISK,
            f"at_risk: the latest due period with data (ending {latest.period_end}) is "
            f"{latest.rag.value}.",
            figures,
        )
    if forecast_rag is Rag.AMBER:
        return VerdictResult(Verdict.AT_RISK, f"at_risk: {forecast_words()}.", figures)
    if overdue:
        return VerdictResult(
            Verdict.AT_RISK,
            f"at_risk: the period containing the target date ended on {completion}, more than "
            f"{settings.grace_days} days ago, and has no reading (nor does any later period).",
            figures,
        )
    latest_words = (
        f"the latest due period with data (ending {latest.period_end}) is green"
        if latest is not None
        else "no period with data has ended yet"
    )
    forecast_part = (
        forecast_words()
        if forecast_rag is not None
        else "there is no forecast yet (it needs 3 periods with data)"
    )
    return VerdictResult(
        Verdict.ON_TRACK, f"on_track: {latest_words}, and {forecast_part}.", figures
    )


def _final_reading(with_data: Sequence[PeriodResult], target_date: dt.date) -> PeriodResult | None:
    containing = [
        p for p in with_data if p.expected and p.period_start <= target_date <= p.period_end
    ]
    if containing:
        return containing[-1]
    after = [p for p in with_data if p.period_end >= target_date]
    return after[-1] if after else None


def _judge_final(
    final: PeriodResult,
    baseline: float,
    target: float,
    direction: Direction,
    settings: TrackingSettings,
    goal: str,
    figures: dict[str, float | str | None],
) -> VerdictResult:
    level = final.realised
    assert level is not None
    final_rag = rag(level, target, baseline, direction, settings)
    target_improvement = sign(direction) * (target - baseline)
    wrong_way = target_improvement > 0 and sign(direction) * (level - baseline) < 0
    figures["final_level"] = level
    figures["final_period_end"] = final.period_end.isoformat()
    figures["final_rag"] = final_rag.value
    figures["achieved_share"] = achieved_share(level, baseline, target, direction)
    reading = (
        f"the final reading ({_num(level)}, period ending {final.period_end}) "
        f"{_against(level, final_rag, baseline, target, direction, settings)} {goal}"
    )
    if wrong_way:
        return VerdictResult(
            Verdict.REFUTED,
            f"refuted: the final reading ({_num(level)}, period ending {final.period_end}) "
            f"moved the wrong way from the baseline {_num(baseline)}.",
            figures,
        )
    if final_rag is Rag.GREEN:
        return VerdictResult(Verdict.CONFIRMED, f"confirmed: {reading}.", figures)
    if final_rag is Rag.RED:
        return VerdictResult(Verdict.REFUTED, f"refuted: {reading}.", figures)
    return VerdictResult(Verdict.AT_RISK, f"at_risk: {reading}.", figures)


def _against(
    level: float,
    level_rag: Rag,
    baseline: float,
    target: float,
    direction: Direction,
    settings: TrackingSettings,
) -> str:
    """How a reading compares with the target, in words: '... achieves 0.8 of' + goal."""
    share = achieved_share(level, baseline, target, direction)
    if share is None:
        return f"is {level_rag.value} against"
    bound = {
        Rag.GREEN: f"at least 1 - amber = {_num(1 - settings.amber)}",
        Rag.AMBER: (
            f"below 1 - amber = {_num(1 - settings.amber)}, not below 1 - red = "
            f"{_num(1 - settings.red)}"
        ),
        Rag.RED: f"below 1 - red = {_num(1 - settings.red)}",
    }[level_rag]
    return f"achieves {_num(share)} ({bound}) of"


def _num(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"
