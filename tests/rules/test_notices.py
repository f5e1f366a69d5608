"""Who is told what: the pure notification rules, with fixed times (nothing here reads the clock)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from rules.notices import (
    MAX_CHARS,
    CaseBrief,
    Happening,
    Notice,
    NoticePolicy,
    default_policy,
    in_quiet_hours,
    notices,
)

NOW = datetime(2026, 12, 7, 2, 4, 9)
STAMP = "20261207020409"
LINKS = {
    "admin": "https://docs.google.com/spreadsheets/d/abc/edit#gid=11",
    "subkoor": "https://docs.google.com/spreadsheets/d/abc/edit#gid=22",
    "kabid": "https://docs.google.com/spreadsheets/d/abc/edit#gid=33",
    "review": "https://docs.google.com/spreadsheets/d/abc/edit#gid=44",
}
POLICY = default_policy(LINKS)


def brief(n: int, risk: str | None = "Sedang", state: str = "intake", queue: str | None = "admin",
          due: datetime | None = datetime(2026, 12, 7, 8, 0), since: datetime | None = NOW,
          late: bool = False, nearly_late: bool = False) -> CaseBrief:
    return CaseBrief(f"SAPA-2026-{n:04d}", risk, state, queue, due, since, late, nearly_late)


def run(happenings: list[Happening], *cases: CaseBrief, policy: NoticePolicy = POLICY,
        now: datetime = NOW) -> list[Notice]:
    return notices(happenings, {c.case_id: c for c in cases}, policy, now)


def by_key(found: list[Notice]) -> dict[str, Notice]:
    return {n.key: n for n in found}


# --- A new DARURAT case ---------------------------------------------------------------------


def test_a_darurat_case_is_told_at_once_to_admin_and_subkoor() -> None:
    case = brief(1, risk="DARURAT", due=datetime(2026, 12, 7, 3, 0))
    found = by_key(run([Happening("case_created", case.case_id)], case))
    notice = found["darurat:SAPA-2026-0001"]
    assert notice.audience == ("admin", "subkoor")
    assert notice.urgent
    assert notice.text.startswith("DARURAT")
    assert "SAPA-2026-0001" in notice.text
    assert "Penerimaan (Admin)" in notice.text
    assert "batas kontak pertama 07/12 03:00 WIB" in notice.text
    assert "hubungi pelapor sekarang" in notice.text
    assert LINKS["admin"] in notice.text and LINKS["subkoor"] in notice.text


def test_a_darurat_case_is_not_repeated_in_the_admins_turn_list() -> None:
    darurat, other = brief(1, risk="DARURAT"), brief(2, risk="Rendah")
    found = by_key(run([Happening("case_created", darurat.case_id)], darurat))
    assert list(found) == ["darurat:SAPA-2026-0001"]
    found = by_key(run([Happening("case_created", c.case_id) for c in (darurat, other)], darurat, other))
    turn = found[f"turn:admin:{STAMP}"]
    assert "SAPA-2026-0002" in turn.text and "SAPA-2026-0001" not in turn.text
    assert not turn.urgent


def test_a_case_of_another_risk_gets_no_emergency_message() -> None:
    case = brief(1, risk="Sedang")
    assert [n.key for n in run([Happening("case_created", case.case_id)], case)] == [f"turn:admin:{STAMP}"]


# --- Your turn ------------------------------------------------------------------------------


def test_cases_entering_a_step_make_one_message_per_role() -> None:
    a = brief(1, risk="Rendah", state="identification", queue="subkoor", due=datetime(2026, 12, 9, 9, 0))
    b = brief(2, risk="Sedang", state="identification", queue="subkoor", due=datetime(2026, 12, 8, 9, 30))
    c = brief(3, state="verification", queue="kabid")
    new = brief(4, risk="Rendah")
    happenings = [
        Happening("transition", a.case_id, detail="Penerimaan → Identifikasi"),
        Happening("transition", b.case_id, detail="Penerimaan → Identifikasi"),
        Happening("transition", c.case_id, detail="Identifikasi → Verifikasi"),
        Happening("case_created", new.case_id),
        Happening("to_review", "TINJAU-2026-0001", detail="Uji coba"),
    ]
    found = by_key(run(happenings, a, b, c, new))
    assert sorted(found) == [f"turn:{r}:{STAMP}" for r in ("admin", "kabid", "subkoor")]
    subkoor = found[f"turn:subkoor:{STAMP}"]
    assert subkoor.audience == ("subkoor",)
    assert "2 kasus" in subkoor.text
    # the soonest deadline first; ID, risk, step and deadline on its line
    assert subkoor.text.index("SAPA-2026-0002") < subkoor.text.index("SAPA-2026-0001")
    assert "- SAPA-2026-0002 · Sedang · Identifikasi · batas 08/12 09:30 WIB" in subkoor.text
    assert LINKS["subkoor"] in subkoor.text
    admin = found[f"turn:admin:{STAMP}"]
    assert "SAPA-2026-0004" in admin.text and "- TINJAU-2026-0001 · tinjauan" in admin.text
    assert LINKS["review"] in admin.text
    assert "Uji coba" not in admin.text


def test_a_turn_list_with_a_darurat_case_is_urgent_and_puts_it_first() -> None:
    calm = brief(1, risk="Rendah", state="identification", queue="subkoor", due=datetime(2026, 12, 7, 4, 0))
    hot = brief(2, risk="DARURAT", state="identification", queue="subkoor", due=datetime(2026, 12, 7, 5, 0))
    found = run([Happening("transition", c.case_id) for c in (calm, hot)], calm, hot)
    assert len(found) == 1 and found[0].urgent
    assert found[0].text.index("SAPA-2026-0002") < found[0].text.index("SAPA-2026-0001")


def test_a_case_that_leaves_every_queue_gives_no_turn() -> None:
    closed = brief(1, state="closed", queue=None, due=None)
    assert run([Happening("transition", closed.case_id)], closed) == []


def test_a_decision_that_keeps_the_step_is_nobodys_turn() -> None:
    referred = brief(1, state="referred", queue="subkoor", due=None)
    visit = Happening("transition", referred.case_id, detail="Dirujuk ke lembaga lain → Dirujuk ke lembaga lain")
    assert run([visit], referred) == []
    reopened = replace(visit, detail="Dirujuk ke lembaga lain → Identifikasi")
    assert [n.key for n in run([reopened], replace(referred, state="identification"))] == [f"turn:subkoor:{STAMP}"]


def test_two_hundred_cases_in_one_cycle_are_cut_to_thirty_and_counted() -> None:
    cases = [brief(n, state="identification", queue="subkoor") for n in range(1, 201)]
    (notice,) = run([Happening("transition", c.case_id) for c in cases], *cases)
    assert len(notice.text) <= MAX_CHARS
    assert len(re.findall(r"SAPA-2026-\d{4}", notice.text)) == 30
    assert "200 kasus" in notice.text and "dan 170 kasus lain" in notice.text
    assert LINKS["subkoor"] in notice.text  # the link is never the part cut away


def test_long_ids_and_links_still_fit_the_limit() -> None:
    policy = default_policy({"subkoor": "https://example.org/" + "x" * 500})
    cases = [replace(brief(n, state="identification", queue="subkoor"), case_id=f"KASUS-{'9' * 150}-{n}")
             for n in range(200)]
    (notice,) = run([Happening("transition", c.case_id) for c in cases], *cases, policy=policy)
    assert len(notice.text) <= MAX_CHARS
    assert "kasus lain" in notice.text and "x" * 500 in notice.text


# --- Nearly late, late ----------------------------------------------------------------------


def test_a_late_case_is_told_to_its_role_and_the_role_above() -> None:
    case = brief(1, risk="Rendah", state="identification", queue="subkoor", late=True)
    found = by_key(run([Happening("deadline_missed", case.case_id, role="subkoor")], case))
    assert sorted(found) == [f"late:kabid:{STAMP}", f"late:subkoor:{STAMP}"]
    own, above = found[f"late:subkoor:{STAMP}"], found[f"late:kabid:{STAMP}"]
    assert own.audience == ("subkoor",) and above.audience == ("kabid",)
    assert "Terlambat" in own.text and "Tangani sekarang" in own.text
    assert "Identifikasi (Sub Koordinator)" in above.text and "Anda atasannya" in above.text
    assert "Ingatkan petugasnya" in above.text
    assert not own.urgent


@pytest.mark.parametrize(("role", "above"), [("admin", "subkoor"), ("subkoor", "kabid"), ("tim", "kabid"),
                                             ("kabid", "kadis"), ("kadis", None)])
def test_the_role_above(role: str, above: str | None) -> None:
    case = brief(1, queue=role, late=True)
    audiences = {n.audience for n in run([Happening("deadline_missed", case.case_id, role=role)], case)}
    assert audiences == {(role,)} | ({(above,)} if above else set())


def test_late_cases_are_grouped_per_role_own_step_first() -> None:
    mine = brief(1, risk="DARURAT", state="verification", queue="kabid", late=True)
    below = [brief(n, state="identification", queue="subkoor", late=True) for n in range(2, 42)]
    happenings = [Happening("deadline_missed", c.case_id, role=c.queue_role) for c in [mine, *below]]
    found = by_key(run(happenings, mine, *below))
    kabid = found[f"late:kabid:{STAMP}"]
    assert "41 kasus" in kabid.text and kabid.urgent  # one of them is DARURAT
    assert kabid.text.index("Di tahap Anda") < kabid.text.index("SAPA-2026-0001") < kabid.text.index(
        "Di tahap Sub Koordinator")
    assert "dan 11 kasus lain" in kabid.text
    assert found[f"late:subkoor:{STAMP}"].text.count("SAPA-") == 30
    assert not found[f"late:subkoor:{STAMP}"].urgent
    assert [n.key for n in found.values() if n.audience == ("kadis",)] == [f"late:kadis:{STAMP}"]


def test_a_nearly_late_case_is_told_to_its_role_only() -> None:
    case = brief(1, state="outreach", queue="tim", nearly_late=True)
    (notice,) = run([Happening("deadline_near", case.case_id, role="tim")], case)
    assert notice.key == f"near:tim:{STAMP}" and notice.audience == ("tim",)
    assert "Hampir terlambat" in notice.text and "SAPA-2026-0001" in notice.text


def test_a_deadline_without_a_role_goes_to_the_cases_queue() -> None:
    case = brief(1, state="assignment", queue="kadis")
    (notice,) = run([Happening("deadline_near", case.case_id)], case)
    assert notice.audience == ("kadis",)


# --- A refused decision ---------------------------------------------------------------------


def test_a_refused_decision_is_told_to_its_role_without_the_cell_text() -> None:
    case = brief(1, state="verification", queue="kabid")
    typed = "Anggota tim tidak ada dalam daftar: 'Budi (rumah Jl. Melati 5)'."
    (notice,) = run([Happening("decision_refused", case.case_id, role="kabid", detail=typed)], case)
    assert notice.key == f"refused:SAPA-2026-0001:kabid:{STAMP}"
    assert notice.audience == ("kabid",) and not notice.urgent
    assert "Keputusan Anda untuk SAPA-2026-0001 belum diterapkan" in notice.text
    assert "Pesan Sistem" in notice.text and LINKS["kabid"] in notice.text
    assert "Melati" not in notice.text


def test_a_refusal_without_a_role_is_ignored() -> None:
    case = brief(1)
    assert run([Happening("decision_refused", case.case_id)], case) == []


# --- The worker itself ----------------------------------------------------------------------


@pytest.mark.parametrize(("code", "urgent", "headline"), [
    ("sync_alarm", True, "ALARM"),
    ("register_lost", True, "Daftar Kasus"),
    ("channel_down", True, "saluran notifikasi"),
    ("sync_recovered", True, "pulih"),
    ("form_structure", False, "susunan tab respons"),
    ("answers_removed", False, "jawaban hilang"),
])
def test_the_workers_own_events_go_to_the_operator(code: str, urgent: bool, headline: str) -> None:
    (notice,) = run([Happening(code, "", detail="Kolom 'Usia korban' tidak ditemukan.")])
    assert notice.key == f"{code}:{STAMP}"
    assert notice.audience == ("operator",)
    assert notice.urgent is urgent
    assert headline in notice.text.splitlines()[0]
    assert "Kolom 'Usia korban' tidak ditemukan." in notice.text


def test_several_findings_make_one_message_and_a_settled_form_says_so() -> None:
    findings = [Happening("form_structure", "", detail=f"Temuan {i}: " + "x" * 1000) for i in range(10)]
    (notice,) = run(findings)
    assert len(notice.text) <= MAX_CHARS and "temuan lain" in notice.text
    (settled,) = run([Happening("form_structure", "")])
    assert "sesuai konfigurasi lagi" in settled.text


def test_unknown_codes_and_cases_without_a_brief_give_nothing() -> None:
    case = brief(1)
    happenings = [
        Happening("response_edited", case.case_id), Happening("released", "TINJAU-2026-0001"),
        Happening("transition", "SAPA-2026-0999"), Happening("deadline_missed", "SAPA-2026-0999", role="kabid"),
        Happening("deadline_near", "SAPA-2026-0999", role="kabid"),
    ]
    assert run(happenings, case) == []


# --- The daily digest -----------------------------------------------------------------------


def test_the_digest_counts_each_roles_queue_and_names_the_oldest() -> None:
    cases = [
        brief(1, risk="DARURAT", state="identification", queue="subkoor", since=datetime(2026, 12, 6, 9, 0),
              late=True),
        brief(2, state="identification", queue="subkoor", since=datetime(2026, 12, 4, 15, 30), nearly_late=True),
        brief(3, state="final_report", queue="subkoor", since=datetime(2026, 12, 5, 8, 0)),
        brief(4, state="referred", queue="subkoor", due=None, since=datetime(2026, 10, 1, 8, 0)),
        brief(5, state="verification", queue="kabid", since=datetime(2025, 12, 30, 10, 0), late=True),
        brief(6, state="closed", queue=None, due=None),
    ]
    found = by_key(run([Happening("daily_digest", "")], *cases))
    assert sorted(found) == ["digest:kabid:20261207", "digest:subkoor:20261207"]  # nobody else waits
    subkoor = found["digest:subkoor:20261207"]
    assert subkoor.audience == ("subkoor",) and not subkoor.urgent
    assert "3 kasus menunggu Anda: 1 DARURAT, 1 terlambat, 1 hampir terlambat." in subkoor.text
    assert "Menunggu paling lama: SAPA-2026-0002 (sejak 04/12 15:30 WIB)" in subkoor.text
    assert "1 kasus rujukan menunggu lembaga tujuan" in subkoor.text
    assert LINKS["subkoor"] in subkoor.text
    assert "(sejak 30/12/2025 10:00 WIB)" in found["digest:kabid:20261207"].text  # another year: said


def test_no_digest_without_its_event() -> None:
    case = brief(1)
    assert run([], case) == []


# --- Keys, privacy, quiet hours -------------------------------------------------------------


def everything() -> tuple[list[Happening], list[CaseBrief]]:
    cases = [brief(1, risk="DARURAT"), brief(2, state="identification", queue="subkoor", late=True),
             brief(3, state="verification", queue="kabid", nearly_late=True)]
    secret = "Siti Aminah, 081234567890, Jl. Melati 5, usia 14"
    happenings = [
        Happening("case_created", "SAPA-2026-0001", detail=secret),
        Happening("to_review", "TINJAU-2026-0001", detail=secret),
        Happening("transition", "SAPA-2026-0002", detail=secret),
        Happening("deadline_missed", "SAPA-2026-0002", role="subkoor", detail=secret),
        Happening("deadline_near", "SAPA-2026-0003", role="kabid", detail=secret),
        Happening("decision_refused", "SAPA-2026-0003", role="kabid", detail=secret),
        Happening("daily_digest", "", detail=secret),
        Happening("sync_alarm", "", detail="Google menolak penulisan."),
    ]
    return happenings, cases


def test_the_same_input_gives_the_same_keys_and_a_later_cycle_new_ones() -> None:
    happenings, cases = everything()
    first = run(happenings, *cases)
    assert first == run(happenings, *cases)
    assert len({n.key for n in first}) == len(first) == 11
    later = {n.key for n in run(happenings, *cases, now=NOW + timedelta(seconds=30))}
    assert later & {n.key for n in first} == {"darurat:SAPA-2026-0001", "digest:kabid:20261207",
                                              "digest:subkoor:20261207", "digest:admin:20261207"}


def test_a_case_message_is_built_from_the_brief_only() -> None:
    """An event's detail never reaches a message about a case: the texts are the same without it."""
    happenings, cases = everything()
    blank = [replace(h, detail="") if h.code != "sync_alarm" else h for h in happenings]
    found = run(happenings, *cases)
    assert found == run(blank, *cases)
    for notice in found:
        assert "Siti" not in notice.text and "Melati" not in notice.text
        assert not re.search(r"\d{8,}", notice.text), notice.text  # no phone number
        assert len(notice.text) <= MAX_CHARS


@pytest.mark.parametrize(("now", "start", "end", "quiet"), [
    (time(22, 0), time(21, 0), time(6, 0), True),
    (time(3, 0), time(21, 0), time(6, 0), True),
    (time(21, 0), time(21, 0), time(6, 0), True),
    (time(6, 0), time(21, 0), time(6, 0), False),
    (time(12, 0), time(21, 0), time(6, 0), False),
    (time(13, 0), time(12, 0), time(14, 0), True),
    (time(14, 0), time(12, 0), time(14, 0), False),
    (time(11, 59), time(12, 0), time(14, 0), False),
    (time(3, 0), time(21, 0), time(21, 0), False),
    (time(3, 0), None, time(6, 0), False),
    (time(3, 0), time(21, 0), None, False),
])
def test_quiet_hours(now: time, start: time | None, end: time | None, quiet: bool) -> None:
    assert in_quiet_hours(now, start, end) is quiet
