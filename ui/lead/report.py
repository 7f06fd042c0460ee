"""The periodic report: a PDF (QPdfWriter: the figures, the charts, the sample's findings,
typical rejected cases) and a CSV (every request's timings and outcome, then the findings)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from clientsvc.center.api import Sample, Stats
from clientsvc.center.lead import ERROR_CATEGORIES

CSV_COLUMNS = (
    "request_id",
    "outlet_id",
    "txn_type",
    "state",
    "authorizer",
    "hour",
    "total_s",
    "queue_s",
    "viewing_s",
    "deciding_s",
    "rework_s",
    "reason_code",
    "reason_text",
)


def write_csv(path: Path, stats: Stats, sample: Sample | None) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads 中文
        out = csv.writer(handle)
        out.writerow(CSV_COLUMNS)
        for record in stats.records:
            r = record.model_dump()
            out.writerow(["" if r[c] is None else r[c] for c in CSV_COLUMNS])
        if sample is not None:
            out.writerow([])
            out.writerow(
                [
                    "sample",
                    sample.sample_id,
                    "seed",
                    sample.seed,
                    "plan",
                    sample.plan_fingerprint,
                ]
            )
            out.writerow(
                [
                    "request_id",
                    "txn_type",
                    "how",
                    "reviewed_by",
                    "outcome",
                    "category",
                    "state",
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
                        " ".join(i.reviewed_by),
                        *(
                            ("", "", "", "")
                            if f is None
                            else (f.outcome, f.category, f.state, f.note)
                        ),
                    ]
                )


def write_pdf(
    path: Path,
    stats: Stats,
    sample: Sample | None,
    charts: list[pg.PlotWidget],
    day_from: str,
    day_to: str,
) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
        )
    )
    writer.setResolution(150)
    writer.setTitle(f"AuthDesk 授权中心报告 {day_from} – {day_to}")
    painter = QPainter(writer)
    try:
        page = QRectF(painter.viewport())
        y = 0.0
        title = QFont("Noto Sans CJK SC", 16, QFont.Weight.Bold)
        body = QFont("Noto Sans CJK SC", 9)

        def line(text: str, font: QFont = body, gap: float = 1.5) -> None:
            nonlocal y
            painter.setFont(font)
            height = painter.fontMetrics().height() * gap
            if y + height > page.height():
                writer.newPage()
                y = 0.0
            painter.drawText(QRectF(0, y, page.width(), height), Qt.AlignmentFlag.AlignLeft, text)
            y += height

        rates = stats.rates
        line(f"授权中心报告 Center report · {day_from} – {day_to}", title, 2.0)
        line(f"生成 Generated {dt.datetime.now():%Y-%m-%d %H:%M}")
        line(f"业务量 Volume {stats.volume} · 已处理 decided {stats.decided}")
        line(
            f"笔均授权时间 {_n(stats.avg_total_s)} 秒 = 排队 queue {_n(stats.avg_queue_s)} + "
            f"调阅 viewing {_n(stats.avg_viewing_s)} + 决定 deciding "
            f"{_n(stats.avg_deciding_s)}; 柜员返工 teller rework {_n(stats.avg_rework_s)} 秒"
        )
        shares = [
            rates[k] * 100 for k in ("approved", "rejected", "returned", "timed_out", "cancelled")
        ]
        line(
            f"通过 approved {shares[0]:.1f}% · 拒绝 rejected {shares[1]:.1f}% · 退回 returned "
            f"{shares[2]:.1f}% · 超时 timed out {shares[3]:.1f}% · 撤销 cancelled {shares[4]:.1f}%"
        )
        line("高峰时段 Peak hours: " + ", ".join(f"{h}:00" for h in stats.peak_hours))
        y += 10
        width = (page.width() - 20) / 2
        height = width * 0.6
        for i, chart in enumerate(charts):
            if i % 2 == 0 and y + height > page.height():
                writer.newPage()
                y = 0.0
            image = chart.grab().toImage()
            target = QRectF((i % 2) * (width + 20), y, width, height)
            painter.drawImage(target, image)
            if i % 2 == 1 or i == len(charts) - 1:
                y += height + 15
        line("按授权员 By authorizer", title, 1.8)
        for who, v in stats.by_authorizer.items():
            line(f"{who or '—'}: {v.volume} 笔, 笔均 {_n(v.avg_total_s)} 秒")
        line("按网点 By outlet", title, 1.8)
        for outlet, v in stats.by_outlet.items():
            line(f"{outlet}: {v.volume} 笔, 笔均 {_n(v.avg_total_s)} 秒")
        if sample is not None:
            line("抽查复审 Sample re-review", title, 1.8)
            line(
                f"样本 {sample.sample_id} · seed {sample.seed} · plan "
                f"{sample.plan_fingerprint[:16]} · {len(sample.items)} / "
                f"{sample.eligible_count}"
            )
            for it in sample.items:
                f = it.finding
                if f is None:
                    continue
                category = ERROR_CATEGORIES.get(f.category, "") if f.category else ""
                line(
                    f"{it.request_id} {it.txn_type}: {f.outcome} {f.category} "
                    f"{category} · {f.state} · {f.note}"
                )
        rejected = [r for r in stats.records if r.state == "rejected"][:10]
        if rejected:
            line("典型拒绝案例 Typical rejected cases", title, 1.8)
            for r in rejected:
                line(
                    f"{r.request_id} {r.txn_type} @ {r.outlet_id}: "
                    f"{r.reason_code or ''} {r.reason_text or ''}"
                )
    finally:
        painter.end()


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
