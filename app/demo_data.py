"""The demo data set: three Yorkshire and Humber STPs, their organisations, an open 2017/18
transformation round and six bids, written as the request shapes the service layer takes.

Names and codes are the real 2017/18 ones (ODS codes for NHS bodies, ONS codes for councils);
the figures are illustrative, of the size such bids carried.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from app.schemas.appraisals import RoundMonteCarlo, RoundSettings
from app.schemas.bids import CostKind, CostLine, Level, Risk
from app.schemas.common import YearAmount
from app.schemas.distributions import Triangular
from app.schemas.hypotheses import (
    AdditionalityIn,
    BaselineIn,
    EdgeRefIn,
    HypothesisCreate,
    MonetisationIn,
    TrajectoryPointIn,
)
from app.schemas.logic_models import EdgeIn, EvidenceIn, IndicatorIn, LogicModelIn, NodeIn
from app.schemas.places import FootprintCreate, OrganisationKind
from app.schemas.rounds import RoundCreate
from bpv.hypotheses import BenefitType
from bpv.logic_model import Direction, EvidenceGrade, NodeKind, Term

# Baselines are 2016/17 outturns; targets fall at the end of each later financial year.
BASELINE_DATE = dt.date(2017, 3, 31)
FUNDED_YEARS = (2017, 2018, 2019)

SHORT, MEDIUM, LONG = Term.SHORT, Term.MEDIUM, Term.LONG
HIGH, MODERATE, LOW = EvidenceGrade.HIGH, EvidenceGrade.MODERATE, EvidenceGrade.LOW
CASH, NON_CASH, SOCIETAL, QALY = (
    BenefitType.CASH_RELEASING,
    BenefitType.NON_CASH_RELEASING,
    BenefitType.SOCIETAL,
    BenefitType.QALY,
)


# Places and the round


@dataclass(frozen=True)
class DemoOrganisation:
    code: str
    name: str
    kind: OrganisationKind
    footprints: tuple[str, ...]  # footprint codes


SYB, WYH, HCV = "QF7", "QWO", "QOQ"

FOOTPRINTS = (
    FootprintCreate(code=SYB, name="South Yorkshire and Bassetlaw", population=1_500_000),
    FootprintCreate(code=WYH, name="West Yorkshire and Harrogate", population=2_600_000),
    FootprintCreate(code=HCV, name="Humber, Coast and Vale", population=1_400_000),
)


def _organisations(
    kind: OrganisationKind, *rows: tuple[str, str, tuple[str, ...]]
) -> list[DemoOrganisation]:
    return [DemoOrganisation(code, name, kind, footprints) for code, name, footprints in rows]


ORGANISATIONS = (
    *_organisations(
        OrganisationKind.CCG,
        ("03N", "NHS Sheffield CCG", (SYB,)),
        ("02X", "NHS Doncaster CCG", (SYB,)),
        ("02Q", "NHS Bassetlaw CCG", (SYB,)),
        ("02W", "NHS Bradford Districts CCG", (WYH,)),
        ("03C", "NHS Leeds West CCG", (WYH,)),
        ("03F", "NHS Hull CCG", (HCV,)),
        ("02Y", "NHS East Riding of Yorkshire CCG", (HCV,)),
        ("03Q", "NHS Vale of York CCG", (HCV,)),
    ),
    *_organisations(
        OrganisationKind.TRUST,
        ("RHQ", "Sheffield Teaching Hospitals NHS Foundation Trust", (SYB,)),
        ("TAH", "Sheffield Health and Social Care NHS Foundation Trust", (SYB,)),
        # These three serve more than one STP: places overlap.
        ("RXE", "Rotherham Doncaster and South Humber NHS Foundation Trust", (SYB, HCV)),
        ("RGD", "Leeds and York Partnership NHS Foundation Trust", (WYH, HCV)),
        ("RX8", "Yorkshire Ambulance Service NHS Trust", (SYB, WYH, HCV)),
        ("RR8", "Leeds Teaching Hospitals NHS Trust", (WYH,)),
        ("RAE", "Bradford Teaching Hospitals NHS Foundation Trust", (WYH,)),
        ("TAD", "Bradford District Care NHS Foundation Trust", (WYH,)),
        ("RWA", "Hull and East Yorkshire Hospitals NHS Trust", (HCV,)),
        ("RV9", "Humber NHS Foundation Trust", (HCV,)),
    ),
    *_organisations(
        OrganisationKind.LOCAL_AUTHORITY,
        ("E08000019", "Sheffield City Council", (SYB,)),
        ("E08000035", "Leeds City Council", (WYH,)),
        ("E06000010", "Hull City Council", (HCV,)),
        ("E06000014", "City of York Council", (HCV,)),
    ),
    *_organisations(
        OrganisationKind.VOLUNTARY_SECTOR,
        ("VCS-SHEFFIELD-MIND", "Sheffield Mind", (SYB,)),
        ("VCS-LEEDS-MENCAP", "Leeds Mencap", (WYH,)),
        ("VCS-YORK-CVS", "York CVS", (HCV,)),
    ),
)

PROGRAMME_AREAS = (
    "mental health",
    "cancer",
    "diabetes",
    "urgent care",
    "learning disabilities",
    "primary care",
)

ROUND = RoundCreate(
    name="Transformation Fund 2017/18",
    programme_areas=list(PROGRAMME_AREAS),
    settings=RoundSettings(
        base_year=2017,
        # Cost uplift by how firm a cost line's estimate is.
        optimism_bias_table={
            EvidenceGrade.HIGH: 0.05,
            EvidenceGrade.MODERATE: 0.15,
            EvidenceGrade.LOW: 0.3,
            EvidenceGrade.VERY_LOW: 0.5,
        },
        confidence_weighted=True,
        persistence_years=2,
        monte_carlo=RoundMonteCarlo(
            samples=10_000,
            seed=2017,
            cost_uncertainty=Triangular(kind="triangular", low=0.95, mode=1.0, high=1.3),
            benefit_uncertainty=Triangular(kind="triangular", low=0.5, mode=1.0, high=1.2),
        ),
    ),
)


# Builders for logic models, hypotheses and costs


def rise(name: str, unit: str) -> IndicatorIn:
    return IndicatorIn(name=name, unit=unit, direction=Direction.INCREASE)


def fall(name: str, unit: str) -> IndicatorIn:
    return IndicatorIn(name=name, unit=unit, direction=Direction.DECREASE)


def evidence(source: str, grade: EvidenceGrade) -> EvidenceIn:
    return EvidenceIn(source=source, grade=grade)


def node(
    kind: NodeKind,
    key: str,
    label: str,
    *indicators: IndicatorIn,
    term: Term | None = None,
    owner: str | None = None,
) -> NodeIn:
    return NodeIn(
        key=key, kind=kind, label=label, term=term, owner=owner, indicators=list(indicators)
    )


def resource(key: str, label: str, owner: str) -> NodeIn:
    return node(NodeKind.INPUT, key, label, owner=owner)


def activity(key: str, label: str, owner: str) -> NodeIn:
    return node(NodeKind.ACTIVITY, key, label, owner=owner)


def output(key: str, label: str, *indicators: IndicatorIn) -> NodeIn:
    return node(NodeKind.OUTPUT, key, label, *indicators)


def outcome(key: str, term: Term, label: str, *indicators: IndicatorIn) -> NodeIn:
    return node(NodeKind.OUTCOME, key, label, *indicators, term=term)


def impact(key: str, label: str, *indicators: IndicatorIn) -> NodeIn:
    return node(NodeKind.IMPACT, key, label, *indicators)


def link(
    source: str,
    target: str,
    rationale: str,
    cited: EvidenceIn | None,
    confidence: float,
    assumptions: str | None = None,
) -> EdgeIn:
    return EdgeIn(
        source=source,
        target=target,
        rationale=rationale,
        assumptions=assumptions,
        evidence=cited,
        confidence=confidence,
    )


def funds(source: str, *targets: str, rationale: str, cited: EvidenceIn) -> list[EdgeIn]:
    """Edges from one input to the activities it pays for, which share a rationale."""
    return [link(source, target, rationale, cited, 0.95) for target in targets]


def year_ends(*values: float) -> list[TrajectoryPointIn]:
    """Targets at 31 March of each financial year after the baseline, in order."""
    return [
        TrajectoryPointIn(date=dt.date(BASELINE_DATE.year + n, 3, 31), value=value)
        for n, value in enumerate(values, start=1)
    ]


def claim(
    on: Sequence[str],
    indicator: IndicatorIn,
    baseline: float,
    targets: Sequence[float],
    rationale: str,
    cited: EvidenceIn,
    confidence: float,
    *,
    value_per_unit: float | None = None,
    benefit: BenefitType = NON_CASH,
    additionality: AdditionalityIn | None = None,
) -> HypothesisCreate:
    """A success hypothesis on an edge (two node keys) or a path (more than two)."""
    source, target = on[0], on[-1]
    return HypothesisCreate(
        edge=EdgeRefIn(source=source, target=target) if len(on) == 2 else None,
        path=list(on) if len(on) > 2 else None,
        indicator=indicator,
        baseline=BaselineIn(value=baseline, date=BASELINE_DATE),
        trajectory=year_ends(*targets),
        rationale=rationale,
        evidence=cited,
        confidence=confidence,
        monetisation=(
            MonetisationIn(value_per_unit=value_per_unit, benefit_type=benefit)
            if value_per_unit is not None
            else None
        ),
        additionality=additionality,
    )


def cost(name: str, kind: CostKind, amounts: Sequence[float], grade: EvidenceGrade) -> CostLine:
    """A cost line with one amount per funded year (a zero year is left out)."""
    flows = [YearAmount(year=y, amount=a) for y, a in zip(FUNDED_YEARS, amounts, strict=True) if a]
    return CostLine(name=name, kind=kind, flows=flows, confidence_grade=grade)


def risk(description: str, likelihood: Level, impact: Level, mitigation: str) -> Risk:
    return Risk(
        description=description, likelihood=likelihood, impact=impact, mitigation=mitigation
    )


@dataclass(frozen=True)
class DemoBid:
    footprint: str  # a footprint code
    lead: str  # organisation codes from here on
    partners: tuple[str, ...]
    title: str
    programme_area: str
    intervention: str
    cost_lines: tuple[CostLine, ...]
    risks: tuple[Risk, ...]
    logic_model: LogicModelIn
    hypotheses: tuple[HypothesisCreate, ...]
    submit: bool

    @property
    def requested_funding(self) -> list[YearAmount]:
        """The whole cost, year by year: the demo bids ask the fund for all of it."""
        by_year: dict[int, float] = defaultdict(float)
        for line in self.cost_lines:
            for flow in line.flows:
                by_year[flow.year] += flow.amount
        return [YearAmount(year=year, amount=by_year[year]) for year in sorted(by_year)]


# The six bids


def crisis_care() -> DemoBid:
    admissions = fall("Acute mental health admissions", "admissions per year")
    excess_days = fall("Excess bed days, patients with mental illness", "bed days per year")
    out_of_area = fall("Inappropriate out-of-area placement bed days", "bed days per year")
    crisis_ed = fall("Out-of-hours ED attendances in mental health crisis", "attendances per year")
    experience = rise("Service users rating crisis care good or very good", "%")
    fyfv = evidence(
        "Implementing the Five Year Forward View for Mental Health (NHS England, 2016)", LOW
    )
    liaison = evidence(
        "Parsonage and Fossey (2011), Economic evaluation of a liaison psychiatry service, "
        "Centre for Mental Health",
        MODERATE,
    )
    crisis_rct = evidence(
        "Johnson et al. (2005), Randomised controlled trial of acute mental health care by a "
        "crisis resolution team: the north Islington crisis study, BMJ 331:599",
        HIGH,
    )
    safe_haven = evidence(
        "Aldershot Safe Haven evaluation (Surrey and Borders Partnership, 2016)", LOW
    )
    survey = evidence("CQC Community Mental Health Survey 2017", LOW)
    nodes = [
        resource("funding", "Transformation funding 2017/18 to 2019/20", "NHS Sheffield CCG"),
        resource(
            "staff", "Liaison psychiatrists and crisis nurses", "Sheffield Health and Social Care"
        ),
        activity(
            "core24",
            "Extend hospital liaison psychiatry to Core 24",
            "Sheffield Health and Social Care",
        ),
        activity(
            "crht",
            "Run crisis resolution and home treatment 24/7",
            "Sheffield Health and Social Care",
        ),
        activity("cafe", "Open an evening crisis café with the voluntary sector", "Sheffield Mind"),
        output(
            "ed_seen",
            "ED referrals seen within one hour",
            rise("ED referrals seen within 1 hour", "%"),
        ),
        output(
            "home_treatment", "Home treatment episodes", rise("Home treatment episodes", "episodes")
        ),
        output("cafe_visits", "Crisis café visits", rise("Crisis café visits", "visits per month")),
        outcome(
            "ed_waits", SHORT, "Shorter ED waits in crisis", fall("Mean ED time in crisis", "hours")
        ),
        outcome(
            "gatekept",
            SHORT,
            "Every admission gatekept by the crisis team",
            rise("Admissions gatekept by the crisis team", "%"),
        ),
        outcome("ed_diverted", SHORT, "Fewer crisis attendances at ED out of hours", crisis_ed),
        outcome("fewer_admissions", MEDIUM, "Fewer acute psychiatric admissions", admissions),
        outcome(
            "shorter_stays",
            MEDIUM,
            "Shorter acute stays for patients with mental illness",
            excess_days,
        ),
        outcome("no_oap", MEDIUM, "No inappropriate out-of-area placements", out_of_area),
        outcome("recovery", LONG, "Better experience of and recovery from crisis", experience),
        impact(
            "beds",
            "Acute and mental health beds released",
            fall("Mental health bed days", "bed days"),
        ),
        impact("suicide", "Fewer suicides", fall("Suicide rate", "per 100,000 population")),
    ]
    edges = [
        *funds(
            "funding",
            "core24",
            "crht",
            "cafe",
            rationale="Pays for the new posts and the café contract.",
            cited=fyfv,
        ),
        *funds(
            "staff",
            "core24",
            "crht",
            rationale="Recruited posts staff the extended hours.",
            cited=fyfv,
        ),
        link(
            "core24",
            "ed_seen",
            "A 24/7 team on site can meet the one-hour response standard.",
            liaison,
            0.85,
        ),
        link(
            "crht",
            "home_treatment",
            "A 24/7 team can offer home treatment at any hour.",
            crisis_rct,
            0.85,
        ),
        link("cafe", "cafe_visits", "An open, known alternative will be used.", safe_haven, 0.7),
        link(
            "ed_seen",
            "ed_waits",
            "Prompt assessment ends the wait for a mental health review.",
            liaison,
            0.8,
        ),
        link(
            "ed_seen",
            "shorter_stays",
            "Liaison review speeds discharge of medical inpatients.",
            liaison,
            0.65,
        ),
        link(
            "home_treatment",
            "gatekept",
            "The team assesses everyone before admission.",
            crisis_rct,
            0.8,
        ),
        link(
            "home_treatment",
            "fewer_admissions",
            "Home treatment replaces some admissions.",
            crisis_rct,
            0.7,
        ),
        link(
            "cafe_visits",
            "ed_diverted",
            "People in crisis go to the café instead of ED.",
            safe_haven,
            0.5,
            assumptions="The café is open when most crisis attendances happen (18:00 to 01:00).",
        ),
        link(
            "gatekept",
            "fewer_admissions",
            "Gatekeeping diverts admissions that home treatment can avoid.",
            crisis_rct,
            0.7,
        ),
        link(
            "fewer_admissions",
            "no_oap",
            "Local beds free up for those who need admission.",
            fyfv,
            0.6,
        ),
        link(
            "ed_waits",
            "recovery",
            "Less time in ED in crisis improves experience of care.",
            survey,
            0.5,
        ),
        link(
            "ed_diverted",
            "recovery",
            "A calm setting helps people recover from crisis.",
            safe_haven,
            0.45,
        ),
        link("fewer_admissions", "beds", "Avoided admissions release bed days.", crisis_rct, 0.7),
        link("shorter_stays", "beds", "Shorter stays release acute bed days.", liaison, 0.65),
        link("no_oap", "beds", "Out-of-area placements stop.", fyfv, 0.6),
        link(
            "recovery", "suicide", "Good crisis care lowers suicide risk after crisis.", fyfv, 0.35
        ),
    ]
    hypotheses = [
        claim(
            ["crht", "home_treatment", "gatekept", "fewer_admissions"],
            admissions,
            1450,
            [1400, 1300, 1230],
            "24/7 home treatment with gatekeeping avoids about one admission in six; each avoided "
            "admission saves a 28-day stay at £350 a bed day (NHS Reference Costs 2016/17).",
            crisis_rct,
            0.65,
            value_per_unit=9800,
            additionality=AdditionalityIn(
                deadweight=0.1, displacement=0.05, attribution=0.2, drop_off=0.1
            ),
        ),
        claim(
            ["ed_seen", "shorter_stays"],
            excess_days,
            6200,
            [5600, 5000, 4800],
            "Liaison review shortens medical stays of patients with co-morbid mental illness; an "
            "excess bed day costs £300 (NHS Reference Costs 2016/17).",
            liaison,
            0.6,
            value_per_unit=300,
            additionality=AdditionalityIn(deadweight=0.15, attribution=0.1, drop_off=0.05),
        ),
        claim(
            ["fewer_admissions", "no_oap"],
            out_of_area,
            3100,
            [1800, 600, 0],
            "Released local beds end spot-purchased placements at £610 a bed day.",
            fyfv,
            0.55,
            value_per_unit=610,
            benefit=CASH,
            additionality=AdditionalityIn(deadweight=0.2, attribution=0.1),
        ),
        claim(
            ["cafe_visits", "ed_diverted"],
            crisis_ed,
            2900,
            [2750, 2600, 2550],
            "A third of café visitors would otherwise have gone to ED; an attendance costs £148.",
            safe_haven,
            0.4,
            value_per_unit=148,
            additionality=AdditionalityIn(deadweight=0.25, displacement=0.1, attribution=0.15),
        ),
        claim(
            ["ed_waits", "recovery"],
            experience,
            62,
            [66, 72, 76],
            "Experience of crisis care tracks the time people wait for help.",
            survey,
            0.5,
        ),
    ]
    return DemoBid(
        footprint=SYB,
        lead="TAH",
        partners=("RXE", "RHQ", "03N", "VCS-SHEFFIELD-MIND"),
        title="Crisis care and Core 24 liaison mental health in Sheffield and Doncaster",
        programme_area="mental health",
        intervention=(
            "Extend liaison psychiatry at the Northern General Hospital to the Core 24 standard, "
            "run crisis resolution and home treatment around the clock, and open an evening "
            "crisis café with Sheffield Mind."
        ),
        cost_lines=(
            cost("Core 24 liaison team", CostKind.REVENUE, [420_000, 610_000, 610_000], MODERATE),
            cost(
                "24/7 crisis resolution and home treatment",
                CostKind.REVENUE,
                [350_000, 520_000, 520_000],
                MODERATE,
            ),
            cost("Crisis café contract", CostKind.REVENUE, [60_000, 120_000, 120_000], LOW),
            cost("Crisis café fit-out", CostKind.CAPITAL, [45_000, 0, 0], HIGH),
        ),
        risks=(
            risk(
                "Psychiatrists and band 6 nurses are hard to recruit.",
                Level.HIGH,
                Level.HIGH,
                "Joint posts with RDaSH; rotation through the home treatment team.",
            ),
        ),
        logic_model=LogicModelIn(nodes=nodes, edges=edges),
        hypotheses=tuple(hypotheses),
        submit=True,
    )


def lung_health_checks() -> DemoBid:
    early_stage = rise("Lung cancers diagnosed at stage 1 or 2", "%")
    curative = rise("Lung cancer patients treated with curative intent", "%")
    deaths = fall("Lung cancer deaths under 75", "deaths per year")
    emergency = fall("Emergency admissions with lung cancer", "admissions per year")
    quits = rise("Four-week smoking quits after a lung health check", "quitters per year")
    within_28 = rise("Suspected lung cancer diagnosed or ruled out within 28 days", "%")
    manchester = evidence(
        "Crosbie et al. (2018), Implementing lung cancer screening: baseline results from a "
        "community-based Lung Health Check pilot in deprived areas of Manchester, Thorax",
        MODERATE,
    )
    nlst = evidence("National Lung Screening Trial Research Team (2011), NEJM 365:395-409", HIGH)
    audit = evidence(
        "National Lung Cancer Audit annual report 2017 (Royal College of Physicians)", MODERATE
    )
    pathway = evidence("National Optimal Lung Cancer Pathway (NHS England, 2017)", LOW)
    routes = evidence("Routes to Diagnosis 2006-2015 (Public Health England, NCRAS)", MODERATE)
    nice_quits = evidence(
        "NICE PH10 Stop smoking services, and the NICE tobacco return on investment tool", MODERATE
    )
    nodes = [
        resource(
            "funding",
            "Transformation funding 2017/18 to 2019/20",
            "West Yorkshire and Harrogate Cancer Alliance",
        ),
        resource(
            "scanner", "Mobile low-dose CT scanner and radiographers", "Leeds Teaching Hospitals"
        ),
        activity(
            "invite", "Invite ever-smokers aged 55 to 74 from GP registers", "CCGs and GP practices"
        ),
        activity(
            "checks",
            "Run nurse-led lung health checks in community venues",
            "Leeds Teaching Hospitals",
        ),
        activity("ldct", "Scan those at high risk with low-dose CT", "Leeds Teaching Hospitals"),
        activity(
            "stop_smoking",
            "Offer opt-out stop-smoking support at every check",
            "Leeds City Council",
        ),
        activity(
            "optimal_pathway",
            "Adopt the national optimal lung cancer pathway",
            "Leeds and Bradford trusts",
        ),
        output("checked", "Lung health checks completed", rise("Lung health checks", "checks")),
        output("scanned", "Low-dose CT scans performed", rise("Low-dose CT scans", "scans")),
        output(
            "quit_attempts", "Quit attempts supported", rise("Supported quit attempts", "attempts")
        ),
        output("fast_tracked", "Patients on the 28-day pathway", within_28),
        outcome("early", SHORT, "More lung cancers found early", early_stage),
        outcome("quit", SHORT, "More smokers quit", quits),
        outcome("treated", MEDIUM, "More curative-intent treatment", curative),
        outcome(
            "fewer_emergencies", MEDIUM, "Fewer diagnoses after emergency presentation", emergency
        ),
        outcome(
            "survival", LONG, "Higher one-year survival", rise("One-year lung cancer survival", "%")
        ),
        impact("mortality", "Fewer premature deaths from lung cancer", deaths),
        impact(
            "late_costs",
            "Less spent on late-stage and emergency cancer care",
            fall("Emergency bed days with lung cancer", "bed days per year"),
        ),
    ]
    edges = [
        *funds(
            "funding",
            "invite",
            "checks",
            "stop_smoking",
            "optimal_pathway",
            rationale="Pays for the checks, the stop-smoking advisers and pathway navigators.",
            cited=pathway,
        ),
        *funds(
            "scanner",
            "ldct",
            rationale="The scanner and radiographers run the scans.",
            cited=manchester,
        ),
        link(
            "invite",
            "checked",
            "A letter from their own GP brings ever-smokers to a check.",
            manchester,
            0.8,
        ),
        link(
            "checks",
            "checked",
            "Checks held in supermarkets and community centres are attended.",
            manchester,
            0.75,
            assumptions="Uptake of about half of those invited, as in Manchester.",
        ),
        link(
            "ldct",
            "scanned",
            "Everyone at 1.51% or more six-year risk (PLCOm2012) is scanned.",
            manchester,
            0.85,
        ),
        link(
            "stop_smoking",
            "quit_attempts",
            "An opt-out offer at the check starts quit attempts.",
            nice_quits,
            0.7,
        ),
        link(
            "optimal_pathway",
            "fast_tracked",
            "Straight-to-CT and one-stop clinics cut the time to diagnosis.",
            pathway,
            0.7,
        ),
        link(
            "checked",
            "early",
            "Symptomatic people found at checks are referred sooner.",
            manchester,
            0.55,
        ),
        link(
            "scanned",
            "early",
            "Screening finds cancers before symptoms, mostly at stage 1 or 2.",
            nlst,
            0.8,
        ),
        link(
            "quit_attempts",
            "quit",
            "Supported attempts succeed about three times as often.",
            nice_quits,
            0.6,
        ),
        link(
            "fast_tracked",
            "treated",
            "Quicker diagnosis keeps more patients fit for surgery.",
            pathway,
            0.55,
        ),
        link(
            "early",
            "treated",
            "Early-stage cancers can be treated with curative intent.",
            audit,
            0.85,
        ),
        link(
            "early", "fewer_emergencies", "Cancers found early are not found in A&E.", routes, 0.7
        ),
        link("treated", "survival", "Curative treatment raises one-year survival.", audit, 0.8),
        link(
            "fewer_emergencies",
            "survival",
            "Emergency presentation carries the worst survival.",
            routes,
            0.7,
        ),
        link(
            "quit",
            "mortality",
            "Quitting lowers the risk of lung cancer and other disease.",
            nice_quits,
            0.6,
        ),
        link("survival", "mortality", "Higher survival means fewer premature deaths.", nlst, 0.75),
        link(
            "fewer_emergencies",
            "late_costs",
            "Emergency admissions are the costliest route.",
            routes,
            0.65,
        ),
    ]
    hypotheses = [
        claim(
            ["scanned", "early"],
            early_stage,
            27,
            [32, 38, 45],
            "Eight in ten screen-detected cancers in Manchester were stage 1 or 2.",
            manchester,
            0.7,
        ),
        claim(
            ["early", "treated"],
            curative,
            19,
            [22, 26, 29],
            "Curative-intent treatment follows early diagnosis in most fit patients.",
            audit,
            0.65,
        ),
        claim(
            ["early", "treated", "survival", "mortality"],
            deaths,
            610,
            [605, 590, 570],
            "Low-dose CT screening cut lung cancer mortality by 20% in NLST; each death under 75 "
            "avoided gains about six discounted QALYs.",
            nlst,
            0.5,
            value_per_unit=6.0,
            benefit=QALY,
            additionality=AdditionalityIn(deadweight=0.1, attribution=0.3),
        ),
        claim(
            ["fewer_emergencies", "late_costs"],
            emergency,
            720,
            [690, 640, 600],
            "Fewer cancers found in A&E means fewer emergency admissions at £2,900 each.",
            routes,
            0.55,
            value_per_unit=2900,
            additionality=AdditionalityIn(deadweight=0.15, attribution=0.2, drop_off=0.05),
        ),
        claim(
            ["quit_attempts", "quit"],
            quits,
            0,
            [450, 900, 1000],
            "A supported quit attempt succeeds at four weeks about half the time; each quitter "
            "is worth £1,900 to society (NICE tobacco ROI tool).",
            nice_quits,
            0.6,
            value_per_unit=1900,
            benefit=SOCIETAL,
            additionality=AdditionalityIn(deadweight=0.3, drop_off=0.25),
        ),
        claim(
            ["optimal_pathway", "fast_tracked"],
            within_28,
            41,
            [60, 75, 80],
            "Straight-to-CT and one-stop clinics meet the 28-day standard for most patients.",
            pathway,
            0.65,
        ),
    ]
    return DemoBid(
        footprint=WYH,
        lead="RR8",
        partners=("RAE", "02W", "03C", "E08000035"),
        title="Lung health checks and a rapid lung cancer pathway in Leeds and Bradford",
        programme_area="cancer",
        intervention=(
            "Invite ever-smokers aged 55 to 74 in the most deprived wards of Leeds and Bradford "
            "to a lung health check with low-dose CT for those at high risk, offer stop-smoking "
            "support at every check, and adopt the national optimal lung cancer pathway."
        ),
        cost_lines=(
            cost(
                "Lung health check nurses and admin",
                CostKind.REVENUE,
                [380_000, 560_000, 560_000],
                MODERATE,
            ),
            cost(
                "Low-dose CT scanning and reporting",
                CostKind.REVENUE,
                [240_000, 390_000, 390_000],
                MODERATE,
            ),
            cost("Mobile CT unit set-up", CostKind.CAPITAL, [150_000, 0, 0], HIGH),
            cost("Stop-smoking advisers", CostKind.REVENUE, [40_000, 80_000, 80_000], LOW),
        ),
        risks=(
            risk(
                "Uptake in the most deprived wards is lower than planned.",
                Level.MEDIUM,
                Level.HIGH,
                "Community venues, evening sessions and a second invitation letter.",
            ),
            risk(
                "Incidental findings swamp respiratory clinics.",
                Level.MEDIUM,
                Level.MEDIUM,
                "An agreed incidental-findings protocol with primary care.",
            ),
        ),
        logic_model=LogicModelIn(nodes=nodes, edges=edges),
        hypotheses=tuple(hypotheses),
        submit=True,
    )


def diabetes_care() -> DemoBid:
    targets = rise("People with diabetes meeting all three NICE treatment targets", "%")
    amputations = fall("Major amputations in people with diabetes", "amputations per year")
    inpatient_days = fall("Excess bed days of inpatients with diabetes", "bed days per year")
    complications = fall("Admissions for diabetes complications", "admissions per year")
    desmond = evidence(
        "Davies et al. (2008), Effectiveness of the DESMOND programme: cluster randomised "
        "controlled trial, BMJ 336:491",
        MODERATE,
    )
    foot = evidence(
        "Kerr (2017), Diabetic foot care in England: an economic study (Diabetes UK)", MODERATE
    )
    ng19 = evidence("NICE NG19 Diabetic foot problems: prevention and management (2015)", MODERATE)
    inpatient = evidence("National Diabetes Inpatient Audit 2016 (NHS Digital)", LOW)
    ukpds = evidence("Stratton et al. (2000), UKPDS 35, BMJ 321:405", HIGH)
    ng28 = evidence("NICE NG28 Type 2 diabetes in adults: management (2015)", HIGH)
    nodes = [
        resource(
            "funding", "Diabetes treatment and care funding 2017/18 to 2019/20", "NHS Hull CCG"
        ),
        resource(
            "clinicians",
            "Podiatrists, diabetes specialist nurses and dietitians",
            "Hull and East Yorkshire Hospitals",
        ),
        activity(
            "education",
            "Offer DESMOND and X-PERT education, evenings and online",
            "Humber NHS Foundation Trust",
        ),
        activity(
            "foot_team",
            "Set up a multidisciplinary foot care team",
            "Hull and East Yorkshire Hospitals",
        ),
        activity(
            "inpatient_team",
            "Run a seven-day inpatient diabetes nursing service",
            "Hull and East Yorkshire Hospitals",
        ),
        output(
            "educated",
            "Newly diagnosed people attending education",
            rise("Newly diagnosed attending education within 12 months", "%"),
        ),
        output(
            "feet_seen",
            "Active foot disease seen within 24 hours",
            rise("Active foot disease seen by the foot team within 24 hours", "%"),
        ),
        output(
            "inpatients_seen",
            "Inpatients with diabetes reviewed by a specialist nurse",
            rise("Inpatients with diabetes reviewed by a specialist nurse", "%"),
        ),
        outcome(
            "self_care",
            SHORT,
            "Confidence to manage diabetes",
            rise("Patient activation level 3 or 4", "%"),
        ),
        outcome(
            "control", SHORT, "Better control of glucose, blood pressure and cholesterol", targets
        ),
        outcome("fewer_amputations", MEDIUM, "Fewer major amputations", amputations),
        outcome("safer_stays", MEDIUM, "Fewer inpatient harms and shorter stays", inpatient_days),
        outcome(
            "fewer_complications",
            LONG,
            "Fewer heart, stroke and kidney complications",
            complications,
        ),
        impact(
            "healthier_lives",
            "Longer, healthier lives with diabetes",
            fall("Premature mortality in people with diabetes", "per 100,000"),
        ),
        impact(
            "lower_costs",
            "Less spent on the complications of diabetes",
            fall("Spend on diabetes complications", "£ million"),
        ),
    ]
    edges = [
        *funds(
            "funding",
            "education",
            "foot_team",
            "inpatient_team",
            rationale="Pays for the posts and the extra education places.",
            cited=ng28,
        ),
        *funds(
            "clinicians",
            "foot_team",
            "inpatient_team",
            rationale="The new posts staff both services.",
            cited=ng19,
        ),
        link(
            "education",
            "educated",
            "Evening and online places reach people who work.",
            desmond,
            0.75,
        ),
        link(
            "foot_team",
            "feet_seen",
            "A same-day foot team triages referrals within 24 hours.",
            ng19,
            0.8,
        ),
        link(
            "inpatient_team",
            "inpatients_seen",
            "Seven-day cover reaches weekend admissions.",
            inpatient,
            0.8,
        ),
        link(
            "educated",
            "self_care",
            "Structured education builds confidence to self-manage.",
            desmond,
            0.7,
        ),
        link(
            "self_care", "control", "People who self-manage meet more treatment targets.", ng28, 0.6
        ),
        link(
            "educated",
            "control",
            "Education improves weight and risk factors at 12 months.",
            desmond,
            0.55,
        ),
        link(
            "feet_seen",
            "fewer_amputations",
            "Rapid treatment of active foot disease saves limbs.",
            foot,
            0.7,
        ),
        link(
            "inpatients_seen",
            "safer_stays",
            "Specialist review prevents hypos and speeds discharge.",
            inpatient,
            0.65,
        ),
        link(
            "control",
            "fewer_complications",
            "Each 1% fall in HbA1c cuts microvascular events by 37%.",
            ukpds,
            0.6,
        ),
        link(
            "fewer_amputations",
            "healthier_lives",
            "Amputation halves five-year survival.",
            foot,
            0.7,
        ),
        link(
            "fewer_amputations",
            "lower_costs",
            "An amputation and its aftercare cost over £20,000.",
            foot,
            0.7,
        ),
        link("safer_stays", "lower_costs", "Shorter stays release bed days.", inpatient, 0.6),
        link(
            "fewer_complications",
            "healthier_lives",
            "Complications drive the excess mortality.",
            ukpds,
            0.65,
        ),
        link(
            "fewer_complications",
            "lower_costs",
            "Complication admissions are the largest cost.",
            ng28,
            0.6,
        ),
    ]
    hypotheses = [
        claim(
            ["educated", "control"],
            targets,
            38.5,
            [40, 42, 44],
            "Structured education lifts the share meeting all three targets (National Diabetes "
            "Audit).",
            desmond,
            0.55,
        ),
        claim(
            ["feet_seen", "fewer_amputations"],
            amputations,
            42,
            [40, 35, 30],
            "Multidisciplinary foot teams cut major amputations by up to a half; each costs "
            "£22,000 in hospital and rehabilitation.",
            foot,
            0.6,
            value_per_unit=22_000,
            additionality=AdditionalityIn(deadweight=0.1, attribution=0.15),
        ),
        claim(
            ["inpatients_seen", "safer_stays"],
            inpatient_days,
            9800,
            [9000, 8200, 7800],
            "Inpatient specialist nursing shortens stays of people with diabetes; £300 a bed day.",
            inpatient,
            0.55,
            value_per_unit=300,
            additionality=AdditionalityIn(deadweight=0.1, displacement=0.05, attribution=0.1),
        ),
        claim(
            ["control", "fewer_complications", "healthier_lives"],
            complications,
            1850,
            [1840, 1790, 1720],
            "Better control prevents heart, stroke and kidney admissions; each avoided gains about "
            "0.35 QALYs.",
            ukpds,
            0.45,
            value_per_unit=0.35,
            benefit=QALY,
            additionality=AdditionalityIn(deadweight=0.2, attribution=0.25, drop_off=0.1),
        ),
    ]
    return DemoBid(
        footprint=HCV,
        lead="03F",
        partners=("RWA", "RV9", "02Y", "E06000010"),
        title="Diabetes education, foot care and inpatient nursing in Hull and the East Riding",
        programme_area="diabetes",
        intervention=(
            "More structured education places (DESMOND, X-PERT) at evenings and online, a "
            "multidisciplinary foot care team seeing active foot disease within 24 hours, and a "
            "seven-day inpatient diabetes specialist nursing service."
        ),
        cost_lines=(
            cost("Structured education places", CostKind.REVENUE, [90_000, 150_000, 150_000], HIGH),
            cost(
                "Multidisciplinary foot care team",
                CostKind.REVENUE,
                [160_000, 240_000, 240_000],
                MODERATE,
            ),
            cost(
                "Inpatient diabetes specialist nurses",
                CostKind.REVENUE,
                [110_000, 170_000, 170_000],
                MODERATE,
            ),
        ),
        risks=(
            risk(
                "People newly diagnosed do not take up education places.",
                Level.MEDIUM,
                Level.MEDIUM,
                "Referral at diagnosis by default, with online and evening options.",
            ),
        ),
        logic_model=LogicModelIn(nodes=nodes, edges=edges),
        hypotheses=tuple(hypotheses),
        submit=True,
    )


def integrated_urgent_care() -> DemoBid:
    ed_dispositions = fall("NHS 111 calls ending in an ED disposition", "%")
    attendances = fall("Type 1 A&E attendances", "attendances per year")
    conveyances = fall("Ambulance conveyances to ED", "conveyances per year")
    admissions = fall(
        "Emergency admissions for ambulatory care sensitive conditions", "admissions per year"
    )
    satisfied = rise("NHS 111 callers very or fairly satisfied", "%")
    spec = evidence("Integrated Urgent Care Service Specification (NHS England, 2017)", LOW)
    nhs111 = evidence(
        "Turner et al. (2012), Evaluation of NHS 111 pilot sites, University of Sheffield", MODERATE
    )
    arp = evidence(
        "Turner et al. (2017), Ambulance Response Programme evaluation, University of Sheffield",
        MODERATE,
    )
    acsc = evidence(
        "Purdy (2010), Avoiding hospital admissions: what does the research evidence say? "
        "(King's Fund)",
        LOW,
    )
    nodes = [
        resource(
            "funding", "Integrated urgent care funding 2017/18 to 2019/20", "NHS Doncaster CCG"
        ),
        resource(
            "clinicians",
            "GPs, advanced paramedics and pharmacists in the clinical hub",
            "Yorkshire Ambulance Service",
        ),
        activity(
            "hub",
            "Run a clinical assessment service behind NHS 111 and 999",
            "Yorkshire Ambulance Service",
        ),
        activity(
            "directory",
            "Review the Directory of Services for every urgent care service",
            "CCG urgent care commissioners",
        ),
        activity(
            "booking",
            "Book 111 callers straight into GP and urgent treatment centre slots",
            "Yorkshire Ambulance Service",
        ),
        output(
            "assessed",
            "NHS 111 calls assessed by a clinician",
            rise("111 calls assessed by a clinician", "%"),
        ),
        # Nothing yet says what the reviewed profiles change: a gap in the delivery chain.
        output(
            "profiles",
            "Directory of Services profiles reviewed",
            rise("Directory profiles reviewed in the last six months", "%"),
        ),
        output(
            "booked",
            "Appointments booked directly from NHS 111",
            rise("Direct bookings from 111", "bookings"),
        ),
        output(
            "hear_treat",
            "999 calls closed with hear-and-treat advice",
            rise("999 calls closed with hear and treat", "%"),
        ),
        outcome("fewer_ed_referrals", SHORT, "Fewer 111 callers sent to ED", ed_dispositions),
        outcome("fewer_conveyances", SHORT, "Fewer ambulance conveyances to ED", conveyances),
        outcome("fewer_attendances", MEDIUM, "Fewer type 1 A&E attendances", attendances),
        outcome("fewer_admissions", MEDIUM, "Fewer avoidable emergency admissions", admissions),
        outcome(
            "four_hours",
            LONG,
            "A&E four-hour standard met",
            rise("A&E patients seen within four hours", "%"),
        ),
        impact(
            "capacity",
            "Emergency bed capacity released",
            fall("Emergency bed days", "bed days per year"),
        ),
        impact("right_care", "Right care, first time", satisfied),
    ]
    edges = [
        *funds(
            "funding",
            "hub",
            "directory",
            "booking",
            rationale="Pays for hub clinicians and the booking system.",
            cited=spec,
        ),
        *funds(
            "clinicians",
            "hub",
            rationale="The clinicians staff the hub from 08:00 to midnight.",
            cited=spec,
        ),
        link("hub", "assessed", "Calls the hub takes get a clinical assessment.", nhs111, 0.85),
        link("hub", "hear_treat", "Clinicians close low-acuity 999 calls by phone.", arp, 0.8),
        link(
            "directory", "profiles", "Commissioners review every profile twice a year.", spec, 0.9
        ),
        link(
            "booking",
            "booked",
            "Open slots in extended-access hubs can be booked by 111.",
            spec,
            0.75,
        ),
        link(
            "assessed",
            "fewer_ed_referrals",
            "Clinicians send fewer callers to ED than call handlers do.",
            nhs111,
            0.7,
        ),
        link(
            "booked",
            "fewer_ed_referrals",
            "A booked slot replaces advice to attend ED.",
            spec,
            0.55,
        ),
        link(
            "hear_treat", "fewer_conveyances", "Calls closed by phone need no ambulance.", arp, 0.75
        ),
        link(
            "fewer_ed_referrals",
            "fewer_attendances",
            "Fewer callers told to go means fewer attend.",
            nhs111,
            0.6,
        ),
        link(
            "fewer_conveyances",
            "fewer_attendances",
            "Each conveyance avoided is an attendance avoided.",
            arp,
            0.75,
        ),
        link(
            "fewer_conveyances",
            "fewer_admissions",
            "Conveyed patients are often admitted.",
            acsc,
            0.5,
        ),
        link(
            "fewer_attendances", "four_hours", "Lower demand lets ED meet the standard.", spec, 0.5
        ),
        link(
            "fewer_admissions",
            "four_hours",
            "Beds free up, so patients leave ED sooner.",
            acsc,
            0.45,
        ),
        link("fewer_admissions", "capacity", "Avoided admissions release bed days.", acsc, 0.6),
        link(
            "fewer_ed_referrals",
            "right_care",
            "Callers are treated where they should be.",
            nhs111,
            0.6,
        ),
        link("four_hours", "right_care", "Timely emergency care is right care.", spec, 0.5),
    ]
    hypotheses = [
        claim(
            ["assessed", "fewer_ed_referrals"],
            ed_dispositions,
            9.8,
            [8.5, 7.5, 7.0],
            "Clinician-assessed calls end in an ED disposition about a third less often.",
            nhs111,
            0.6,
        ),
        claim(
            ["fewer_ed_referrals", "fewer_attendances"],
            attendances,
            412_000,
            [405_000, 398_000, 395_000],
            "Fewer ED dispositions mean fewer attendances, at £148 each (NHS Reference Costs "
            "2016/17).",
            nhs111,
            0.5,
            value_per_unit=148,
            additionality=AdditionalityIn(deadweight=0.15, displacement=0.1, attribution=0.25),
        ),
        claim(
            ["hear_treat", "fewer_conveyances"],
            conveyances,
            168_000,
            [163_000, 158_000, 156_000],
            "Each call closed by phone saves the £210 between see-and-convey and hear-and-treat.",
            arp,
            0.6,
            value_per_unit=210,
            additionality=AdditionalityIn(deadweight=0.1, attribution=0.15),
        ),
        claim(
            ["fewer_conveyances", "fewer_admissions"],
            admissions,
            14_200,
            [13_900, 13_500, 13_300],
            "Fewer conveyances of people with ambulatory care sensitive conditions avoid "
            "admissions at £1,650 each.",
            acsc,
            0.45,
            value_per_unit=1650,
            additionality=AdditionalityIn(deadweight=0.2, attribution=0.3, drop_off=0.1),
        ),
        claim(
            ["four_hours", "right_care"],
            satisfied,
            88,
            [89, 90, 91],
            "Callers seen in the right place, on time, report better experience.",
            spec,
            0.4,
        ),
    ]
    return DemoBid(
        footprint=SYB,
        lead="RX8",
        partners=("02X", "02Q", "03N", "RHQ"),
        title="Integrated urgent care: a clinical hub behind NHS 111 and 999 in South Yorkshire",
        programme_area="urgent care",
        intervention=(
            "A clinical assessment service of GPs, advanced paramedics and pharmacists behind "
            "NHS 111 and 999, direct booking into GP extended-access and urgent treatment "
            "centre slots, and a Directory of Services review."
        ),
        cost_lines=(
            cost("Clinical hub staffing", CostKind.REVENUE, [720_000, 980_000, 980_000], MODERATE),
            cost("Direct booking interfaces", CostKind.CAPITAL, [210_000, 40_000, 0], LOW),
            cost("Directory of Services leads", CostKind.REVENUE, [60_000, 60_000, 60_000], HIGH),
        ),
        risks=(
            risk(
                "GP sessions in the hub go unfilled at weekends.",
                Level.HIGH,
                Level.MEDIUM,
                "Advanced paramedics cover; sessional rates agreed across the STP.",
            ),
        ),
        logic_model=LogicModelIn(nodes=nodes, edges=edges),
        hypotheses=tuple(hypotheses),
        submit=True,
    )


def transforming_care() -> DemoBid:
    admissions = fall(
        "Inpatient admissions of people with a learning disability or autism", "admissions per year"
    )
    reviewed = rise("Admissions preceded by a care and treatment review", "%")
    discharges = rise(
        "Discharges of people in hospital for five years or more", "discharges per year"
    )
    inpatients = fall("Inpatients with a learning disability or autism", "people")
    brs = evidence("Building the Right Support (NHS England, LGA and ADASS, 2015)", LOW)
    ng11 = evidence("NICE NG11 Challenging behaviour and learning disabilities (2015)", MODERATE)
    ng93 = evidence(
        "NICE NG93 Learning disabilities and behaviour that challenges: service design (2018)",
        MODERATE,
    )
    ctr = evidence("Care and Treatment Reviews: policy and guidance (NHS England, 2017)", LOW)
    nodes = [
        resource(
            "funding",
            "Transforming Care funding 2017/18 to 2019/20",
            "West Yorkshire Transforming Care Partnership",
        ),
        resource(
            "workforce",
            "Positive behaviour support practitioners and learning disability nurses",
            "Leeds and York Partnership",
        ),
        activity(
            "intensive_support",
            "Run a community intensive support team, 8am to 8pm, 7 days",
            "Leeds and York Partnership",
        ),
        activity("reviews", "Hold a care and treatment review before every admission", "CCGs"),
        activity(
            "training",
            "Train support staff and families in positive behaviour support",
            "Leeds Mencap",
        ),
        activity(
            "housing",
            "Commission bespoke supported housing with the councils",
            "Leeds City Council",
        ),
        output(
            "supported",
            "People supported by the intensive support team",
            rise("People supported", "people"),
        ),
        output("ctrs", "Pre-admission care and treatment reviews", reviewed),
        output(
            "trained",
            "Staff and carers trained in positive behaviour support",
            rise("People trained", "people"),
        ),
        output("homes", "Bespoke community homes commissioned", rise("Bespoke homes", "homes")),
        outcome(
            "fewer_breakdowns",
            SHORT,
            "Fewer placement breakdowns",
            fall("Placement breakdowns", "per year"),
        ),
        outcome("fewer_admissions", MEDIUM, "Fewer inpatient admissions", admissions),
        outcome("discharged", MEDIUM, "Long-stay patients discharged home", discharges),
        outcome(
            "good_lives",
            LONG,
            "Good lives in the community",
            rise("Adults with a learning disability in settled accommodation", "%"),
        ),
        impact(
            "fewer_beds",
            "Inpatient beds reduced as Building the Right Support sets out",
            inpatients,
        ),
        impact(
            "equal_health",
            "Fewer premature deaths of people with a learning disability",
            fall("Deaths under 65 of people with a learning disability", "% of deaths"),
        ),
    ]
    edges = [
        *funds(
            "funding",
            "intensive_support",
            "reviews",
            "training",
            "housing",
            rationale="Pays for the team, the reviews, the training and housing set-up.",
            cited=brs,
        ),
        *funds(
            "workforce",
            "intensive_support",
            "training",
            rationale="The practitioners deliver both.",
            cited=ng11,
        ),
        link(
            "intensive_support",
            "supported",
            "The team takes referrals at risk of admission.",
            ng93,
            0.8,
        ),
        link(
            "reviews",
            "ctrs",
            "Commissioners convene a review before agreeing any admission.",
            ctr,
            0.85,
        ),
        link("training", "trained", "Providers release staff for training.", ng11, 0.7),
        link(
            "housing",
            "homes",
            "Councils and housing associations build to specification.",
            brs,
            0.55,
            assumptions="Capital for the homes comes from NHS England's Transforming Care capital.",
        ),
        link(
            "supported",
            "fewer_breakdowns",
            "Intensive support at crisis keeps placements going.",
            ng93,
            0.65,
        ),
        link(
            "trained",
            "fewer_breakdowns",
            "Positive behaviour support reduces behaviour that challenges.",
            ng11,
            0.6,
        ),
        link(
            "ctrs",
            "fewer_admissions",
            "A review finds a community alternative for many.",
            ctr,
            0.55,
        ),
        link(
            "fewer_breakdowns",
            "fewer_admissions",
            "Most admissions follow a placement breakdown.",
            brs,
            0.6,
        ),
        link("homes", "discharged", "A home built for someone lets them leave hospital.", brs, 0.6),
        link("discharged", "good_lives", "Living in a settled home in the community.", brs, 0.6),
        link(
            "fewer_breakdowns",
            "good_lives",
            "Stable placements keep people in their community.",
            ng93,
            0.55,
        ),
        link(
            "fewer_admissions", "fewer_beds", "Fewer admissions mean fewer beds needed.", brs, 0.65
        ),
        link(
            "discharged", "fewer_beds", "Long-stay discharges empty beds that can close.", brs, 0.6
        ),
        link(
            "good_lives",
            "equal_health",
            "Good community support improves health care access.",
            ng93,
            0.35,
        ),
    ]
    hypotheses = [
        claim(
            ["supported", "fewer_breakdowns", "fewer_admissions"],
            admissions,
            38,
            [34, 28, 24],
            "Intensive support at the point of crisis avoids admissions costing about £60,000 "
            "each, net of the community package.",
            ng93,
            0.5,
            value_per_unit=60_000,
            additionality=AdditionalityIn(deadweight=0.1, attribution=0.2, drop_off=0.05),
        ),
        claim(
            ["reviews", "ctrs"],
            reviewed,
            55,
            [80, 90, 95],
            "Commissioners agree no admission without a review.",
            ctr,
            0.7,
        ),
        claim(
            ["homes", "discharged"],
            discharges,
            2,
            [4, 6, 6],
            "Each long-stay discharge saves £60,000 a year of inpatient cost over the community "
            "package.",
            brs,
            0.55,
            value_per_unit=60_000,
            benefit=CASH,
            additionality=AdditionalityIn(deadweight=0.1, attribution=0.1),
        ),
        claim(
            ["discharged", "fewer_beds"],
            inpatients,
            112,
            [100, 85, 72],
            "Discharges and avoided admissions bring inpatients to the national planning rate.",
            brs,
            0.5,
        ),
    ]
    return DemoBid(
        footprint=WYH,
        lead="RGD",
        partners=("02W", "TAD", "E08000035", "VCS-LEEDS-MENCAP"),
        title="Transforming Care: intensive community support in West Yorkshire",
        programme_area="learning disabilities",
        intervention=(
            "A community intensive support team, care and treatment reviews before every "
            "admission, positive behaviour support training for providers and families, and "
            "bespoke homes for people leaving long hospital stays."
        ),
        cost_lines=(
            cost(
                "Community intensive support team",
                CostKind.REVENUE,
                [310_000, 460_000, 460_000],
                MODERATE,
            ),
            cost(
                "Positive behaviour support training",
                CostKind.REVENUE,
                [80_000, 80_000, 40_000],
                HIGH,
            ),
            cost(
                "Housing commissioning and transition packages",
                CostKind.REVENUE,
                [120_000, 180_000, 180_000],
                LOW,
            ),
        ),
        risks=(
            risk(
                "Community providers cannot be found for people with complex needs.",
                Level.HIGH,
                Level.HIGH,
                "A framework of specialist providers commissioned across the STP.",
            ),
        ),
        logic_model=LogicModelIn(nodes=nodes, edges=edges),
        hypotheses=tuple(hypotheses),
        submit=False,
    )


def extended_access() -> DemoBid:
    minor_attendances = fall("Minor type 1 A&E attendances", "attendances per year")
    wellbeing = rise("Mean WEMWBS gain for people referred", "points")
    consultations = fall(
        "GP consultations by people referred to social prescribing", "consultations per year"
    )
    drug_admissions = fall("Emergency admissions for adverse drug reactions", "admissions per year")
    gpfv = evidence("General Practice Forward View (NHS England, 2016)", LOW)
    whittaker = evidence(
        "Whittaker et al. (2016), Associations between extending access to primary care and "
        "emergency department visits, PLoS Medicine",
        MODERATE,
    )
    rotherham = evidence(
        "Dayson and Bashir (2014), The social and economic impact of the Rotherham Social "
        "Prescribing Pilot, Sheffield Hallam University",
        LOW,
    )
    adr = evidence(
        "Pirmohamed et al. (2004), Adverse drug reactions as cause of admission, BMJ 329:15",
        MODERATE,
    )
    nodes = [
        resource(
            "funding",
            "GP Forward View and transformation funding 2017/18 to 2019/20",
            "NHS Vale of York CCG",
        ),
        resource(
            "workforce",
            "Sessional GPs, practice nurses, pharmacists and link workers",
            "GP federations",
        ),
        activity(
            "hubs", "Offer evening and weekend appointments from three GP hubs", "GP federations"
        ),
        activity(
            "link_workers", "Place a social prescribing link worker in every practice", "York CVS"
        ),
        activity("pharmacists", "Clinical pharmacists review repeat medicines", "GP practices"),
        output(
            "appointments",
            "Extra appointments each week",
            rise("Extra appointments", "minutes per 1,000 patients per week"),
        ),
        output(
            "referred",
            "People referred to social prescribing",
            rise("Social prescribing referrals", "people"),
        ),
        output(
            "med_reviews",
            "Structured medication reviews",
            rise("Structured medication reviews", "reviews"),
        ),
        outcome(
            "access",
            SHORT,
            "Easier to get an appointment",
            rise("GP Patient Survey: good experience of making an appointment", "%"),
        ),
        outcome("wellbeing", SHORT, "Better wellbeing for people referred", wellbeing),
        outcome("fewer_minor_ae", MEDIUM, "Fewer minor A&E attendances", minor_attendances),
        outcome(
            "less_gp_demand",
            MEDIUM,
            "Fewer repeat consultations by frequent attenders",
            consultations,
        ),
        outcome("safer_prescribing", MEDIUM, "Fewer medicine-related admissions", drug_admissions),
        impact(
            "system",
            "Urgent care demand within the system's capacity",
            fall("Emergency admissions", "per 1,000 population"),
        ),
        impact(
            "resilience",
            "A resilient general practice",
            rise("Practices rated good or outstanding", "%"),
        ),
    ]
    edges = [
        *funds(
            "funding",
            "hubs",
            "link_workers",
            "pharmacists",
            rationale="Pays for sessions and posts.",
            cited=gpfv,
        ),
        *funds(
            "workforce",
            "hubs",
            "pharmacists",
            rationale="Sessional staff run the hubs and reviews.",
            cited=gpfv,
        ),
        link(
            "hubs",
            "appointments",
            "Three hubs add 30 minutes per 1,000 patients a week.",
            gpfv,
            0.85,
        ),
        link(
            "link_workers",
            "referred",
            "Practices refer people with social needs to the link worker.",
            rotherham,
            0.75,
        ),
        link(
            "pharmacists",
            "med_reviews",
            "Pharmacists review people on ten or more medicines first.",
            gpfv,
            0.8,
        ),
        link("appointments", "access", "More appointments make booking easier.", gpfv, 0.7),
        link(
            "appointments",
            "fewer_minor_ae",
            "Evening and weekend slots replace minor A&E visits.",
            whittaker,
            0.6,
        ),
        link("referred", "wellbeing", "Community activities improve wellbeing.", rotherham, 0.55),
        # A draft: the evidence for this link is still being gathered.
        link(
            "wellbeing",
            "less_gp_demand",
            "People with better wellbeing consult less often.",
            None,
            0.4,
        ),
        link(
            "med_reviews", "safer_prescribing", "Reviews stop medicines that cause harm.", adr, 0.6
        ),
        link(
            "access",
            "resilience",
            "Demand spread over the week eases pressure on practices.",
            gpfv,
            0.45,
        ),
        link(
            "fewer_minor_ae",
            "system",
            "Fewer minor attendances ease pressure on ED.",
            whittaker,
            0.55,
        ),
        link(
            "safer_prescribing",
            "system",
            "Avoided drug-related admissions release beds.",
            adr,
            0.55,
        ),
        link(
            "less_gp_demand",
            "resilience",
            "Fewer repeat consultations free clinician time.",
            rotherham,
            0.45,
        ),
    ]
    hypotheses = [
        claim(
            ["appointments", "fewer_minor_ae"],
            minor_attendances,
            61_000,
            [58_500, 55_000, 53_000],
            "Extended access cut minor ED attendances by about a quarter in Greater Manchester; a "
            "minor attendance costs £76.",
            whittaker,
            0.5,
            value_per_unit=76,
            additionality=AdditionalityIn(
                deadweight=0.1, displacement=0.05, attribution=0.2, drop_off=0.05
            ),
        ),
        claim(
            ["referred", "wellbeing"],
            wellbeing,
            0,
            [3, 4, 4],
            "People referred in Rotherham gained three to four WEMWBS points.",
            rotherham,
            0.5,
        ),
        claim(
            ["wellbeing", "less_gp_demand"],
            consultations,
            5400,
            [4900, 4500, 4400],
            "GP consultations fell by a fifth after referral in Rotherham; each costs £37.",
            rotherham,
            0.4,
            value_per_unit=37,
            additionality=AdditionalityIn(deadweight=0.2, attribution=0.2, drop_off=0.15),
        ),
        claim(
            ["med_reviews", "safer_prescribing"],
            drug_admissions,
            480,
            [450, 420, 410],
            "One admission in 16 is caused by an adverse drug reaction; each costs £2,000.",
            adr,
            0.4,
            value_per_unit=2000,
            additionality=AdditionalityIn(deadweight=0.15, attribution=0.25),
        ),
    ]
    return DemoBid(
        footprint=HCV,
        lead="03Q",
        partners=("E06000014", "VCS-YORK-CVS", "RGD"),
        title="Extended access and social prescribing in the Vale of York",
        programme_area="primary care",
        intervention=(
            "Evening and weekend GP appointments from three hubs, a social prescribing link "
            "worker in every practice, and clinical pharmacists reviewing repeat medicines."
        ),
        cost_lines=(
            cost(
                "Extended access hub sessions", CostKind.REVENUE, [420_000, 560_000, 560_000], HIGH
            ),
            cost(
                "Social prescribing link workers",
                CostKind.REVENUE,
                [110_000, 150_000, 150_000],
                MODERATE,
            ),
            cost("Clinical pharmacists", CostKind.REVENUE, [90_000, 120_000, 120_000], MODERATE),
        ),
        risks=(
            risk(
                "Weekend appointments are not taken up.",
                Level.MEDIUM,
                Level.MEDIUM,
                "Bookable by practices and NHS 111; slots moved to evenings if unused.",
            ),
        ),
        logic_model=LogicModelIn(nodes=nodes, edges=edges),
        hypotheses=tuple(hypotheses),
        submit=False,
    )


BIDS = (
    crisis_care(),
    lung_health_checks(),
    diabetes_care(),
    integrated_urgent_care(),
    transforming_care(),
    extended_access(),
)
