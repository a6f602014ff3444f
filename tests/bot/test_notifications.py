"""Which WhatsApp template carries a reminder or a document outside the 24-hour window."""

from __future__ import annotations

import pytest

from bot.notifications import MISSING_NAMED, Template, document_template, reminder_template


def test_h_plus_7_lists_the_missing_on_one_line() -> None:
    missing = [{"posyandu": f"P{i:02d}", "period": "2026-11"} for i in range(12)]
    missing.append({"posyandu": "Mawar", "period": "2026-10"})
    template = reminder_template("h+7", {"missing": missing, "day": "2026-11-19"})
    assert template is not None
    assert template.name == "missing"
    assert template.variables["1"] == "13"
    assert template.variables["2"] == "Oktober 2026, November 2026"
    named = ", ".join(f"P{i:02d}" for i in range(MISSING_NAMED))
    assert template.variables["3"] == f"{named} dan 3 lainnya"
    assert all("\n" not in v for v in template.variables.values())


def test_reminders_and_their_templates() -> None:
    params = {"posyandu": "Mawar", "hari_buka": "2026-12-12", "period": "2026-12"}
    assert reminder_template("h-1", params) == Template(
        "reminder", {"1": "Mawar", "2": "Sabtu, 12 Des 2026"}
    )
    assert reminder_template("h+2", params) == Template(
        "nudge", {"1": "Mawar", "2": "Desember 2026"}
    )
    assert reminder_template("rekap", params) is None
    with pytest.raises(ValueError, match="malformed h\\+7"):
        reminder_template("h+7", {})


def test_documents_ask_to_be_fetched_again() -> None:
    assert document_template(
        "area_summary", {"area_id": 3, "period": "2026-11"}, "Kecamatan Batu Aji"
    ) == Template(
        "summary",
        {"1": "Kecamatan Batu Aji", "2": "November 2026", "3": "REKAP 2026-11"},
    )
    monthly = document_template("monthly_report", {"period": "2026-10"}, "Posyandu Mawar")
    assert monthly is not None and monthly.variables["3"] == "PDF 2026-10"
    assert document_template("monthly_report", {"period": "nope"}, "Posyandu Mawar") is None
    assert document_template("other", {"period": "2026-10"}, "X") is None
