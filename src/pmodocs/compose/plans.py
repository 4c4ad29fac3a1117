"""Communication, Risk, Quality and Configuration Management plans -> document blocks."""

from __future__ import annotations

from ..document import Block, Heading, Paragraph
from ..facts import Facts
from ..model import Communication, ConfigurationPlan, Content, QualityPlan, RiskPlan
from .charts import risk_heat_map
from .common import bullets, fmt_date, names, table, yes_no


def communication_blocks(content: Content, doc: Communication, facts: Facts) -> list[Block]:
    name = content.party_name
    return [
        Heading(1, "Principles"), bullets(doc.principles),
        Heading(1, "Stakeholders"),
        table("Stakeholders", ("Role", "Side", "Interest", "Influence", "Needs"),
              [(name(s.role), content.role(s.role).side, s.interest, s.influence, s.needs)
               for s in doc.stakeholders], wide=True, kind="stakeholders"),
        Heading(1, "Communication items"),
        table("Communication items", ("Item", "Audience", "Purpose", "Channel", "Frequency", "Owner"),
              [(i.item, names(content, i.audience), i.purpose, i.channel, i.frequency, name(i.owner))
               for i in doc.items], wide=True, kind="communication-items"),
        Heading(1, "Meetings"),
        table("Meetings", ("Meeting", "Chair", "Attendees", "Frequency", "Purpose"),
              [(m.name, name(m.chair), names(content, m.attendees), m.frequency, m.purpose)
               for m in doc.meetings], wide=True, kind="meetings"),
        Heading(1, "Reports"),
        table("Reports", ("Report", "Audience", "Frequency", "Owner", "Contents", "Expenditure"),
              [(r.name, names(content, r.audience), r.frequency, name(r.owner), r.contents,
                yes_no(r.expenditure)) for r in doc.reports], wide=True, kind="reports"),
    ]


def risk_blocks(content: Content, doc: RiskPlan, facts: Facts) -> list[Block]:
    name = content.party_name
    return [
        Heading(1, "Risk management process"),
        table("Risk management process", ("#", "Step", "Description", "Owner"),
              [(i, s.step, s.description, name(s.owner)) for i, s in enumerate(doc.process, 1)],
              widths=(0.4, 1.5, 4, 1.5)),
        Paragraph(f"Review cadence: {doc.review_cadence}"),
        Heading(1, "Probability and impact scales"),
        table("Probability scale", ("Level", "Label", "Description"),
              [(s.level, s.label, s.description) for s in doc.scales.probability], widths=(0.6, 1.2, 5)),
        table("Impact scale", ("Level", "Label", "Description"),
              [(s.level, s.label, s.description) for s in doc.scales.impact], widths=(0.6, 1.2, 5)),
        Paragraph("Score = probability × impact (1 to 25)."),
        Heading(1, "Risk register"),
        risk_heat_map(doc),
        table("Risk register", ("Id", "Risk", "Category", "P", "I", "Score", "Owner", "Strategy",
                                "Response", "Trigger", "State"),
              [(r.id, r.title, r.category, r.probability, r.impact, r.score, name(r.owner),
                r.strategy, r.response, r.trigger, r.state)
               for r in sorted(doc.risks, key=lambda r: (-r.score, r.id))],
              wide=True, kind="risk-register"),
    ]


def quality_blocks(content: Content, doc: QualityPlan, facts: Facts) -> list[Block]:
    name = content.party_name
    return [
        Heading(1, "QA strategy"), Paragraph(doc.strategy),
        table("QA roles", ("Role", "Responsibility"),
              [(name(r.role), r.responsibility) for r in doc.roles], widths=(1.5, 5)),
        Heading(1, "Independent verification and validation"),
        Paragraph(f"IV&V is provided by {name(doc.ivv.provider)} and reports to "
                  f"{name(doc.ivv.reports_to)}. {doc.ivv.reporting}"),
        bullets(doc.ivv.scope),
        Heading(1, "Test and evaluation"), Paragraph(doc.test_evaluation.strategy),
        table("Test levels", ("Level", "Owner", "Entry", "Exit"),
              [(t.level, name(t.owner), t.entry, t.exit) for t in doc.test_evaluation.levels]),
        Heading(1, "Standards"),
        table("Documentation, design, coding and testing standards",
              ("Area", "Standard", "Reference", "Owner", "State"),
              [(s.area, s.standard, s.reference, name(s.owner), s.state) for s in doc.standards],
              kind="standards"),
        Heading(1, "Reviews and audits"),
        table("Reviews and audits", ("Review", "Kind", "Frequency", "Owner", "Scope"),
              [(r.review, r.kind, r.frequency, name(r.owner), r.scope) for r in doc.reviews]),
        Heading(1, "Quality assurance surveillance plan (QASP)"),
        table("QASP metrics", ("Id", "Metric", "Standard", "Acceptable quality level",
                               "Surveillance", "Frequency",
                               *(["Provider"] if any(q.provider for q in doc.qasp) else [])),
              [(q.id, q.metric, q.standard, q.acceptable_quality_level, q.surveillance, q.frequency,
                *([name(q.provider) if q.provider else "—"] if any(x.provider for x in doc.qasp)
                  else []))
               for q in doc.qasp], wide=True, kind="qasp"),
        *qasp_results(content, doc),
    ]


def qasp_results(content: Content, doc: QualityPlan) -> list[Block]:
    """Measured QASP results per period (and provider), if any have been recorded."""
    rows = [(q.id, r.period, _provider(content, r.provider or q.provider), r.result,
             q.acceptable_quality_level, yes_no(r.met))
            for q in doc.qasp for r in q.results]
    if not rows:
        return []
    met = sum(r.met for q in doc.qasp for r in q.results)
    return [Heading(2, "QASP results"),
            Paragraph(f"{met} of {len(rows)} measured results met the acceptable quality level."),
            table("QASP results by period", ("Metric", "Period", "Provider", "Result",
                                             "Acceptable quality level", "Met"),
                  rows, wide=True, kind="qasp-results")]


def configuration_blocks(content: Content, doc: ConfigurationPlan, facts: Facts) -> list[Block]:
    name = content.party_name
    rn = doc.release_numbering
    return [
        Heading(1, "Approach"), Paragraph(doc.approach),
        Heading(1, "Configuration items"),
        table("Configuration items", ("Id", "Item", "Kind", "Owner", "Baseline"),
              [(i.id, i.item, i.kind, name(i.owner), i.baseline) for i in doc.items],
              kind="configuration-items"),
        Heading(1, "Baselines"),
        table("Baselines", ("Id", "Baseline", "Established", "Approved by", "Contents"),
              [(b.id, b.name, fmt_date(b.established), name(b.approved_by), b.contents)
               for b in doc.baselines]),
        Heading(1, "Release numbering"),
        Paragraph(f"{rn.scheme} Example: {rn.example}."), bullets(rn.rules),
        Heading(1, content.program.labels.site_versions),
        table(content.program.labels.site_versions, (content.program.labels.site, "Release",
                                                     "Installed", "Verified"),
              [(name(s.site), s.release, fmt_date(s.installed), yes_no(s.verified))
               for s in doc.site_versions], kind="site-versions"),
        Heading(1, "Tools"),
        table("CM tools", ("Tool", "Purpose"), [(t.tool, t.purpose) for t in doc.tools], widths=(1.5, 5)),
        Heading(1, "Configuration audits"),
        table("Configuration audits", ("Audit", "Kind", "Frequency", "Owner"),
              [(a.audit, a.kind, a.frequency, name(a.owner)) for a in doc.audits]),
        Heading(1, "Roles"),
        table("CM roles", ("Role", "Responsibility"),
              [(name(r.role), r.responsibility) for r in doc.roles], widths=(1.5, 5)),
        Heading(1, "Link to change control"), Paragraph(doc.change_control_link),
    ]


def _provider(content: Content, pid: str | None) -> str:
    return content.party_name(pid) if pid else "—"
