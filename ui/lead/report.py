"""The report the lead hands to the branch: a PDF in the desk's language, and a CSV.

The PDF is HTML laid out by ``QTextDocument`` and printed by ``QPdfWriter``, in one language
throughout (the one the desk runs in: every word through ``QCoreApplication.translate``):

- the period's figures, as ``clientsvc.center.metrics`` defines them (rates over the decided
  requests, the open ones apart, 笔均授权时间 and its parts as mm:ss);
- the charts, at their own proportions and a legible width;
- the sample: every reviewed item with the original outcome and each reviewer's verdict;
- the findings, in a table; typical rejected cases;
- a sign-off block (reviewer, lead, date).

Its text must extract as the characters printed (a search for 中心 finds it). Qt writes a
font's reverse character map into the PDF; Noto Sans CJK maps the Kangxi radicals
(U+2F00–U+2FDF) to the same glyphs as the ideographs they look like, so 心 came out as ⼼
(U+2F3C). The report is set in a face whose map has no such pairs (``REPORT_FONTS``, the
first one installed; ``./run`` installs fonts-wqy-microhei), and a test extracts the text.

The CSV is for a spreadsheet: one row per request with codes and seconds (a program reads
it), then the sample with its findings.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QImage,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)

from clientsvc.center.api import Sample, Stats
from ui import texts
from ui.lead import words

# faces whose character map sends no Kangxi radical to an ideograph's glyph (see above)
REPORT_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UKai CN")

CSV_COLUMNS = (
    "request_id",
    "outlet_id",
    "txn_type",
    "state",
    "authorizers",
    "submitted",
    "hour",
    "override",
    "total_s",
    "queue_s",
    "hold_s",
    "viewing_s",
    "second_wait_s",
    "rework_s",
    "reason_code",
    "reason_text",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        return "+".join(str(v) for v in value)
    return str(value)


def write_csv(path: Path, stats: Stats, sample: Sample | None) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads 中文
        out = csv.writer(handle)
        out.writerow(CSV_COLUMNS)
        for record in stats.records:
            r = record.model_dump()
            r["submitted"] = dt.datetime.fromtimestamp(record.submitted_ms / 1000).isoformat(
                sep=" ", timespec="seconds"
            )
            out.writerow([_cell(r[c]) for c in CSV_COLUMNS])
        if stats.vigilance:
            out.writerow([])
            out.writerow(
                ["vigilance", "authorizer", "tests", "caught", "rate", "low", "high", "missed"]
            )
            for who, v in stats.vigilance.items():
                missed = " ".join(f"{code}:{n}" for code, n in v.missed.items())
                rate = [f"{x:.3f}" if x is not None else "" for x in (v.rate, v.low, v.high)]
                out.writerow(["", who, v.tests, v.caught, *rate, missed])
        if sample is not None:
            out.writerow([])
            out.writerow(
                ["sample", sample.sample_id, "seed", sample.seed, "plan", sample.plan_fingerprint]
            )
            out.writerow(
                [
                    "request_id",
                    "txn_type",
                    "how",
                    "decided_by",
                    "original",
                    "verdicts",
                    "outcome",
                    "category",
                    "state",
                    "confirmed_by",
                    "note",
                ]
            )
            for i in sample.items:
                f = i.finding
                out.writerow(
                    [
                        i.request_id,
                        i.txn_type,
                        i.how,
                        i.decided_by,
                        i.state,
                        " ".join(f"{who}:{v}" for who, v in i.verdicts.items()),
                        *(
                            ("", "", "", "", "")
                            if f is None
                            else (f.outcome, f.category, f.state, f.confirmed_by or "", f.note)
                        ),
                    ]
                )


def report_font() -> str:
    """The first of ``REPORT_FONTS`` installed, else the first CJK face there is."""
    families = set(QFontDatabase.families())
    for family in REPORT_FONTS:
        if family in families:
            return family
    return "Noto Sans CJK SC"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _tag(tag: str, text: str) -> str:
    return f"<{tag}>{_e(text)}</{tag}>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table cellspacing="0" cellpadding="3" width="100%"><tr>{head}</tr>{body}</table>'


def report_html(
    stats: Stats,
    sample: Sample | None,
    day_from: str,
    day_to: str,
    generated: dt.datetime,
    charts: int,
) -> str:
    names = stats.names
    rates = stats.rates
    out = [
        _tag("h1", QCoreApplication.translate("report", "Authorization center report")),
        "<p>"
        + _e(
            QCoreApplication.translate("report", "Period %1 to %2 · generated %3")
            .replace("%1", day_from)
            .replace("%2", day_to)
            .replace("%3", generated.strftime("%Y-%m-%d %H:%M"))
        )
        + "</p>",
        _tag("h2", QCoreApplication.translate("report", "The figures")),
        _table(
            [
                QCoreApplication.translate("report", "Figure"),
                QCoreApplication.translate("report", "Value"),
            ],
            [
                [QCoreApplication.translate("report", "Requests"), stats.volume],
                [QCoreApplication.translate("report", "Decided by an authorizer"), stats.decided],
                [
                    QCoreApplication.translate("report", "Still open (not in the rates)"),
                    stats.pending,
                ],
                [
                    QCoreApplication.translate(
                        "report", "Ended without a verdict (timed out, cancelled, local)"
                    ),
                    stats.unanswered,
                ],
                [
                    QCoreApplication.translate("report", "Approved, of the decided"),
                    words.percent(rates.get("approved")),
                ],
                [
                    QCoreApplication.translate("report", "Rejected, of the decided"),
                    words.percent(rates.get("rejected")),
                ],
                [
                    QCoreApplication.translate("report", "Returned, of the decided"),
                    words.percent(rates.get("returned")),
                ],
                [
                    QCoreApplication.translate("report", "Approved past the machine's findings"),
                    stats.overrides,
                ],
                [
                    QCoreApplication.translate("report", "笔均授权时间 (submitted → decided)"),
                    words.duration(stats.avg_total_s),
                ],
                [
                    QCoreApplication.translate("report", "Peak hours"),
                    "、".join(f"{h}:00" for h in stats.peak_hours) or "—",
                ],
                [
                    QCoreApplication.translate(
                        "report", "Vigilance test items (counted in no figure)"
                    ),
                    stats.test_items,
                ],
            ],
        ),
        _tag("h2", QCoreApplication.translate("report", "Where the time goes")),
        _table(
            [
                QCoreApplication.translate("report", "Part"),
                QCoreApplication.translate("report", "Average"),
                QCoreApplication.translate("report", "Requests measured"),
            ],
            [
                [words.part(name), words.duration(fig.avg_s), fig.measured]
                for name, fig in stats.parts.items()
            ],
        ),
    ]
    if charts:
        out.append(_tag("h2", QCoreApplication.translate("report", "Charts")))
        out += [f'<p><img src="chart:{i}" width="640"></p>' for i in range(charts)]
    out += [
        _tag("h2", QCoreApplication.translate("report", "By authorizer")),
        _table(
            [
                QCoreApplication.translate("report", "Authorizer"),
                QCoreApplication.translate("report", "Decisions"),
                QCoreApplication.translate("report", "Approved"),
                QCoreApplication.translate("report", "Rejected"),
                QCoreApplication.translate("report", "Returned"),
                QCoreApplication.translate("report", "Average viewing"),
            ],
            [
                [
                    words.person(who, names),
                    v.decisions,
                    v.approved,
                    v.rejected,
                    v.returned,
                    words.duration(v.avg_viewing_s),
                ]
                for who, v in stats.by_authorizer.items()
            ],
        ),
        _tag("h2", QCoreApplication.translate("report", "By outlet")),
        _table(
            [
                QCoreApplication.translate("report", "Outlet"),
                QCoreApplication.translate("report", "Requests"),
                QCoreApplication.translate("report", "Decided"),
                QCoreApplication.translate("report", "Approved"),
                QCoreApplication.translate("report", "笔均授权时间"),
            ],
            [
                [
                    words.person(outlet, names),
                    v.volume,
                    v.decided,
                    words.percent(v.rates.get("approved")),
                    words.duration(v.avg_total_s),
                ]
                for outlet, v in stats.by_outlet.items()
            ],
        ),
    ]
    if stats.vigilance:
        out += [
            _tag("h2", QCoreApplication.translate("report", "Vigilance tests")),
            _tag(
                "p",
                QCoreApplication.translate(
                    "report",
                    "Items with a known defect from the lead's signed test pack, slipped into "
                    "the queue among real requests; caught when not approved. The interval is "
                    "the Wilson 95% interval.",
                ),
            ),
            _table(
                words.vigilance_headers(with_agreement=False),
                words.vigilance_rows(stats.vigilance, names),
            ),
            _tag("p", words.vigilance_footnote()),
        ]
    if sample is not None:
        out.append(_tag("h2", QCoreApplication.translate("report", "Sample re-review (抽查复审)")))
        out.append(
            "<p>"
            + _e(
                QCoreApplication.translate(
                    "report", "Sample %1 · seed %2 · plan %3 · %4 items of %5 eligible"
                )
                .replace("%1", sample.sample_id)
                .replace("%2", str(sample.seed))
                .replace("%3", sample.plan_fingerprint[:16])
                .replace("%4", str(len(sample.items)))
                .replace("%5", str(sample.eligible_count))
            )
            + "</p>"
        )
        out.append(
            _table(
                [
                    QCoreApplication.translate("report", "Request"),
                    QCoreApplication.translate("report", "Type"),
                    QCoreApplication.translate("report", "How"),
                    QCoreApplication.translate("report", "Decided by"),
                    QCoreApplication.translate("report", "Original"),
                    QCoreApplication.translate("report", "Re-review verdicts"),
                    QCoreApplication.translate("report", "Finding"),
                ],
                [
                    [
                        i.request_id,
                        texts.txn_type(i.txn_type),
                        words.how(i.how),
                        words.people(i.decided_by, names),
                        words.outcome(i.state) if i.state else "—",
                        "；".join(
                            f"{words.person(who, names)}：{words.verdict(v)}"
                            for who, v in i.verdicts.items()
                        )
                        or QCoreApplication.translate("report", "not reviewed yet"),
                        "—" if i.finding is None else words.finding_outcome(i.finding.outcome),
                    ]
                    for i in sample.items
                ],
            )
        )
        found = [i for i in sample.items if i.finding is not None]
        out.append(_tag("h2", QCoreApplication.translate("report", "Findings")))
        if found:
            out.append(
                _table(
                    [
                        QCoreApplication.translate("report", "Request"),
                        QCoreApplication.translate("report", "Decided by"),
                        QCoreApplication.translate("report", "Finding"),
                        QCoreApplication.translate("report", "Category"),
                        QCoreApplication.translate("report", "Recorded by"),
                        QCoreApplication.translate("report", "State"),
                        QCoreApplication.translate("report", "Confirmed by"),
                        QCoreApplication.translate("report", "Note"),
                    ],
                    [
                        [
                            i.request_id,
                            words.people(i.decided_by, names),
                            words.finding_outcome(f.outcome),
                            f"{f.category} {texts.error_category(f.category)}"
                            if f.category
                            else "—",
                            words.person(f.reviewer, names),
                            words.finding_state(f.state),
                            words.person(f.confirmed_by or "", names),
                            f.note or "—",
                        ]
                        for i in found
                        if (f := i.finding) is not None
                    ],
                )
            )
        else:
            out.append(_tag("p", QCoreApplication.translate("report", "No finding recorded yet.")))
    rejected = [r for r in stats.records if r.state == "rejected"][:10]
    if rejected:
        out.append(_tag("h2", QCoreApplication.translate("report", "Typical rejected cases")))
        out.append(
            _table(
                [
                    QCoreApplication.translate("report", "Request"),
                    QCoreApplication.translate("report", "Type"),
                    QCoreApplication.translate("report", "Outlet"),
                    QCoreApplication.translate("report", "Authorizer"),
                    QCoreApplication.translate("report", "Reason"),
                ],
                [
                    [
                        r.request_id,
                        texts.txn_type(r.txn_type),
                        words.person(r.outlet_id, names),
                        words.people(r.authorizers, names),
                        f"{texts.reason(r.reason_code)} {r.reason_text}".strip()
                        if r.reason_code
                        else r.reason_text or "—",
                    ]
                    for r in rejected
                ],
            )
        )
    line = "______________________"
    reviewer = QCoreApplication.translate("report", "Reviewer (复核人)")
    lead = QCoreApplication.translate("report", "Center lead (中心负责人)")
    date = QCoreApplication.translate("report", "Date")
    out += [
        _tag("h2", QCoreApplication.translate("report", "Sign-off")),
        '<table cellspacing="0" cellpadding="10" width="100%">'
        f"<tr><td>{_e(reviewer)}</td><td>{line}</td><td>{_e(date)}</td><td>{line}</td></tr>"
        f"<tr><td>{_e(lead)}</td><td>{line}</td><td>{_e(date)}</td><td>{line}</td></tr></table>",
    ]
    return "\n".join(out)


STYLE = """
h1 { font-size: 16pt; }
h2 { font-size: 12pt; margin-top: 14px; }
th { background-color: #e8edf3; font-weight: bold; text-align: left; }
td, th { border: 1px solid #b0b8c4; font-size: 8.5pt; }
p { font-size: 9pt; }
"""


def write_pdf(
    path: Path,
    stats: Stats,
    sample: Sample | None,
    charts: Sequence[QImage],
    day_from: str,
    day_to: str,
    generated: dt.datetime | None = None,
) -> None:
    """The PDF, on any thread (``charts``: the images, grabbed on the GUI thread)."""
    document = QTextDocument()
    font = QFont(report_font(), 9)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(STYLE)
    for i, image in enumerate(charts):
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{i}"), image)
    when = generated or dt.datetime.now()
    document.setHtml(report_html(stats, sample, day_from, day_to, when, len(charts)))
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
        )
    )
    writer.setResolution(96)  # the document's pixels as they are: 96 to the inch
    writer.setTitle(
        QCoreApplication.translate("report", "Authorization center report %1 to %2")
        .replace("%1", day_from)
        .replace("%2", day_to)
    )
    writer.setCreator("AuthDesk")
    page = writer.pageLayout().paintRectPixels(writer.resolution()).size()
    document.setPageSize(QSizeF(page))
    document.print_(writer)
