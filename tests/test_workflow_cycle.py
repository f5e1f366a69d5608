"""The SOP workflow on a spreadsheet, driven by typing decisions as staff would (contract suite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rules.workflow import STATE_LABELS
from sync.commands.demo_walk import (
    ASSIGN,
    CLOSE,
    FILE,
    FINAL_REPORT,
    FORWARD,
    IDENTIFY,
    REFER,
    REFER_NO_CONSENT,
    REJECT,
    REPORT,
    VERIFY,
)
from sync.commands.selftest.office import Backend, LocalBackend, response_row
from sync.cycle.tabs import I, L, R
from tests.conftest import NOW
from tests.test_cycle import current_status, records

START = NOW


def tab_of(settings, role: str) -> str:  # type: ignore[no-untyped-def]
    return {"admin": settings.tabs.intake, "subkoor": settings.tabs.subkoor, "kabid": settings.tabs.kabid,
            "kadis": settings.tabs.kadis, "tim": settings.tabs.tim, "konselor": settings.tabs.konselor}[role]


def act(backend: Backend, settings, case_id: str, step) -> None:  # type: ignore[no-untyped-def]
    role, cells = step
    for header, value in cells.items():
        backend.type_into(tab_of(settings, role), I.ID, case_id, header, value)


def register(backend: Backend, settings) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    return {str(r[R.ID]): r for r in records(backend, settings.tabs.case_register)}


def row(backend: Backend, settings, role: str, case_id: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return next(r for r in records(backend, tab_of(settings, role)) if r[I.ID] == case_id)


def test_the_steps_to_closure_by_the_office(backend, settings, ctx, cycle) -> None:
    backend.create([response_row(in_danger="Ya")], settings)
    cycle()
    case = "SAPA-2026-0001"
    states = []
    for k, step in enumerate([FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT, CLOSE, FINAL_REPORT, FILE], start=1):
        act(backend, settings, case, step)
        result = cycle(NOW + timedelta(hours=k))
        assert [e.code for e in result.events if not e.code.startswith("letter_")] == ["transition"], step
        states.append(register(backend, settings)[case][R.STATE_KEY])
        assert not cycle(NOW + timedelta(hours=k)).plan  # a decision is applied once
    assert states == ["identification", "verification", "assignment", "outreach", "decision", "final_report",
                      "filing", "closed"]
    record = register(backend, settings)[case]
    assert record[R.STATE] == STATE_LABELS["closed"]
    assert all(record[f"Tgl {label.split(' (')[0]}"] for label in
               [STATE_LABELS[s] for s in ("intake", "identification", "verification", "assignment", "outreach",
                                          "decision", "final_report", "filing", "closed")])
    assert record[R.DUE] is None  # no clock runs on a closed case
    log = [r for r in records(backend, settings.tabs.log) if r[L.CODE] == "transition"]
    assert [r[L.ROLE] for r in log] == ["Admin", "Sub Koordinator", "Kepala Bidang", "Kepala Dinas",
                                        "Tim Penjangkauan", "Kepala Dinas", "Sub Koordinator", "Admin"]
    report = current_status(backend, ctx)
    assert report["by_state"] == {"closed": 1}


def test_mediation_on_a_sexual_violence_case_is_refused_citing_the_law(backend, settings, ctx, cycle) -> None:
    """UU 12/2022 (TPKS) Pasal 23: no settlement outside the judicial process; another outreach kind passes."""
    backend.create([response_row(violence_types="Seksual, Psikis")], settings)
    cycle()
    case = "SAPA-2026-0001"
    for step in [FORWARD, IDENTIFY, VERIFY]:
        act(backend, settings, case, step)
        cycle()
    mediation = {"Keputusan": "Tugaskan Tim", "Jenis penjangkauan": "Pendampingan, Mediasi"}
    act(backend, settings, case, ("kadis", mediation))
    assert cycle().events == []
    assert register(backend, settings)[case][R.STATE_KEY] == "assignment"
    assert "UU 12/2022 (TPKS) Pasal 23" in str(row(backend, settings, "kadis", case)[I.MESSAGE])
    act(backend, settings, case, ASSIGN)
    cycle()
    assert register(backend, settings)[case][R.STATE_KEY] == "outreach"


def test_referral_needs_consent_and_then_follows_its_status(backend, settings, ctx, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    case = "SAPA-2026-0001"
    for step in [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT]:
        act(backend, settings, case, step)
        cycle()
    act(backend, settings, case, REFER_NO_CONSENT)
    result = cycle()
    assert result.events == []
    assert register(backend, settings)[case][R.STATE_KEY] == "decision"
    assert "tanpa persetujuan" in str(row(backend, settings, "kadis", case)[I.MESSAGE])
    act(backend, settings, case, REFER)
    cycle()
    record = register(backend, settings)[case]
    assert (record[R.STATE_KEY], record[R.REFERRAL], record[R.DESTINATION]) == ("referred", "Dikirim", "UPTD PPA")
    backend.type_into(settings.tabs.subkoor, I.ID, case, "Status rujukan", "Diterima")
    result = cycle()
    assert [e.code for e in result.events] == ["referral_status"]
    assert register(backend, settings)[case][R.REFERRAL] == "Diterima"
    assert current_status(backend, ctx)["by_state"] == {"referred": 1}


def test_rejected_with_a_reason_and_reopened_by_the_kepala_dinas(backend, settings, ctx, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    case = "SAPA-2026-0001"
    backend.type_into(settings.tabs.intake, I.ID, case, I.DECISION, "Tolak")
    cycle()
    assert "Belum diisi: Alasan" in str(row(backend, settings, "admin", case)[I.MESSAGE])
    act(backend, settings, case, REJECT)
    cycle()
    assert current_status(backend, ctx)["by_state"] == {"rejected": 1}
    backend.type_into(settings.tabs.kadis, I.ID, case, I.DECISION, "Buka kembali")
    backend.type_into(settings.tabs.kadis, I.ID, case, "Alasan", "Pelapor memberi informasi baru.")
    cycle()
    assert register(backend, settings)[case][R.STATE_KEY] == "identification"


def test_a_decision_by_the_wrong_role_or_at_the_wrong_step_is_refused_with_a_message(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    case = "SAPA-2026-0001"
    act(backend, settings, case, FORWARD)
    cycle()
    backend.type_into(settings.tabs.subkoor, I.ID, case, I.DECISION, "Teruskan ke Kepala Bidang")
    result = cycle()
    assert result.events == []
    message = str(row(backend, settings, "subkoor", case)[I.MESSAGE])
    assert "Belum diisi" in message and "Kondisi korban" in message and "Langkah usulan" in message
    backend.type_into(settings.tabs.subkoor, I.ID, case, I.DECISION, "Tugaskan Tim")
    cycle()
    assert "tidak berlaku untuk status Identifikasi" in str(row(backend, settings, "subkoor", case)[I.MESSAGE])
    backend.type_into(settings.tabs.intake, I.ID, case, I.DECISION, "Teruskan ke Kepala Bidang")
    cycle()
    assert "hanya dapat diambil oleh Sub Koordinator" in str(row(backend, settings, "admin", case)[I.MESSAGE])
    assert register(backend, settings)[case][R.STATE_KEY] == "identification"


def test_a_returned_case_does_not_bounce_back_on_the_old_decision(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    case = "SAPA-2026-0001"
    for step in [FORWARD, IDENTIFY]:
        act(backend, settings, case, step)
        cycle()
    backend.type_into(settings.tabs.kabid, I.ID, case, I.DECISION, "Kembalikan ke Sub Koordinator")
    backend.type_into(settings.tabs.kabid, I.ID, case, "Catatan", "Lengkapi kondisi keluarga.")
    cycle()
    assert register(backend, settings)[case][R.STATE_KEY] == "identification"
    cycle()
    assert register(backend, settings)[case][R.STATE_KEY] == "identification"  # still waiting for new input
    assert "kembali ke tahap Anda" in str(row(backend, settings, "subkoor", case)[I.MESSAGE])
    backend.type_into(settings.tabs.subkoor, I.ID, case, "Kondisi korban", "Ibu korban mendampingi; aman.")
    cycle()
    assert register(backend, settings)[case][R.STATE_KEY] == "verification"


def test_each_role_sees_only_its_columns_and_darurat_shows_everywhere(backend, settings, ctx, cycle) -> None:
    backend.create([response_row(in_danger="Ya", reporter_name="Pelapor Rahasia")], settings)
    cycle()
    case = "SAPA-2026-0001"
    for step in [FORWARD, IDENTIFY, VERIFY, ASSIGN]:
        act(backend, settings, case, step)
        cycle()
    for role, layout in ctx.tabs.roles.items():
        table = backend.tab(layout.name)
        assert tuple(table[0]) == layout.headers, role
        if role != "konselor":  # the Konselor's tab lists a case once it is closed or referred
            assert row(backend, settings, role, case)[I.RISK] == "DARURAT", role
    tim = backend.tab(settings.tabs.tim)
    assert "Pelapor Rahasia" not in repr(tim) and "+6281234567890" not in repr(tim)
    assert I.ADDRESS in tim[0] and I.REPORTER not in tim[0] and I.PHONE not in tim[0]
    assert row(backend, settings, "tim", case)[I.TURN] == "Ya"
    assert row(backend, settings, "kadis", case)[I.TURN] is None


def test_whatsapp_link_is_discreet_and_absent_when_not_safe(backend, settings, cycle) -> None:
    backend.create([response_row(story="a", victim_name="Mawar"),
                    response_row(story="b", wa_safe="Tidak", reporter_phone="0813-1111-2222")], settings)
    cycle()
    for case in ("SAPA-2026-0001", "SAPA-2026-0002"):
        act(backend, settings, case, FORWARD)
    cycle()
    safe = row(backend, settings, "subkoor", "SAPA-2026-0001")
    assert safe[I.WA_LINK] == "WhatsApp +62 812-3456-7890"  # a clickable cell that names the number
    link = str(backend.link(settings.tabs.subkoor, I.ID, "SAPA-2026-0001", I.WA_LINK))
    assert link.startswith("https://wa.me/6281234567890?text=")
    from urllib.parse import unquote

    text = unquote(link.split("text=", 1)[1])
    assert "SAPA-2026-0001" in text and "Mawar" not in text and "kekerasan" not in text.casefold()
    unsafe = row(backend, settings, "subkoor", "SAPA-2026-0002")
    assert unsafe[I.WA_LINK] is None and "TIDAK aman" in str(unsafe[I.WA_NOTE])
    assert backend.link(settings.tabs.subkoor, I.ID, "SAPA-2026-0002", I.WA_LINK) is None


def test_clocks_turn_nearly_late_then_late_with_a_fixed_clock(backend, settings, ctx, cycle) -> None:
    received = datetime(2026, 11, 28, 9, 0)  # WIB
    backend.create([response_row(timestamp=received, in_danger="Tidak", victim_age="30", violence_types="Psikis",
                                 kecamatan="Singkawang Barat")], settings)
    cycle(datetime(2026, 11, 28, 2, 10, tzinfo=UTC))  # 09:10 WIB
    intake = row(backend, settings, "admin", "SAPA-2026-0001")
    assert intake[I.RISK] == "Rendah" and intake[I.CLOCK] == "Tepat waktu"
    nearly = datetime(2026, 11, 28, 21, 0, tzinfo=UTC)  # 04:00 WIB: 5 of 24 hours left
    cycle(nearly)
    assert row(backend, settings, "admin", "SAPA-2026-0001")[I.CLOCK] == "Hampir terlambat"
    assert current_status(backend, ctx, nearly)["nearly_overdue"] == 1
    late = datetime(2026, 11, 29, 3, 30, tzinfo=UTC)  # 10:30 WIB next day: 24 h first contact passed
    cycle(late)
    assert row(backend, settings, "admin", "SAPA-2026-0001")[I.CLOCK] == "Terlambat"
    assert current_status(backend, ctx, late)["overdue"] == 1
    assert register(backend, settings)["SAPA-2026-0001"][R.CLOCK] == "Terlambat"


def test_a_probable_duplicate_is_linked_not_merged(backend, settings, ctx, cycle) -> None:
    backend.create([response_row(story="a")], settings)
    cycle()
    backend.create([response_row(story="a"),
                    response_row(story="b lain", timestamp=datetime(2026, 11, 28, 11))], settings)
    cycle()
    records_ = register(backend, settings)
    assert set(records_) == {"SAPA-2026-0001", "SAPA-2026-0002"}
    assert "SAPA-2026-0001" in str(records_["SAPA-2026-0002"][R.DUPLICATES])
    assert current_status(backend, ctx)["cases"] == 2


def test_a_deleted_role_row_comes_back_with_its_case_data(backend, settings, cycle) -> None:
    backend.create([response_row(story="a"), response_row(story="b", victim_name="Melati")], settings)
    cycle()
    for case in ("SAPA-2026-0001", "SAPA-2026-0002"):
        act(backend, settings, case, FORWARD)
    cycle()
    backend.delete_row(settings.tabs.subkoor, I.ID, "SAPA-2026-0002")
    result = cycle()
    assert [(e.code, e.subject) for e in result.events] == [("row_restored", "SAPA-2026-0002")]
    assert row(backend, settings, "subkoor", "SAPA-2026-0002")[I.VICTIM] == "Melati"


def test_rows_staff_insert_are_left_alone_and_cases_keep_their_rows(backend, settings, cycle) -> None:
    backend.create([response_row(story=f"s{n}", victim_name=f"K{n}") for n in range(1, 4)], settings)
    cycle()
    backend.insert_row(settings.tabs.intake, 3, ["catatan rapat", None, None])
    backend.insert_row(settings.tabs.intake, 2)
    backend.type_into(settings.tabs.intake, I.ID, "SAPA-2026-0003", I.ADMIN_NOTE, "untuk tiga")
    act(backend, settings, "SAPA-2026-0002", FORWARD)
    result = cycle()
    assert [e.code for e in result.events] == ["transition"]
    rows = records(backend, settings.tabs.intake)
    assert [r[I.ID] for r in rows] == ["SAPA-2026-0001", "catatan rapat", "SAPA-2026-0002", "SAPA-2026-0003"]
    by_id = {r[I.ID]: r for r in rows}
    assert by_id["SAPA-2026-0003"][I.ADMIN_NOTE] == "untuk tiga" and by_id["SAPA-2026-0003"][I.VICTIM] == "K3"
    assert by_id["SAPA-2026-0002"][I.STATE] == STATE_LABELS["identification"]
    assert not cycle().plan


# --- property: staff edits never leak into another case's row -------------------------

EDIT = st.one_of(
    st.tuples(st.just("sort"), st.sampled_from(["subkoor", "admin"]), st.sampled_from([I.VICTIM, I.ID, I.RISK]),
              st.booleans()),
    st.tuples(st.just("type"), st.sampled_from(["subkoor", "admin"]), st.integers(1, 4),
              st.sampled_from(["Kondisi korban", "Langkah usulan", I.ADMIN_NOTE, "Alasan"])),
    st.tuples(st.just("delete"), st.sampled_from(["subkoor", "admin"]), st.integers(1, 4), st.none()),
)


@pytest.mark.slow
@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_random_staff_edits_never_change_another_cases_row(tmp_path_factory, settings, ctx, edits) -> None:
    from sync.cycle.run import run_cycle

    backend = LocalBackend(tmp_path_factory.mktemp("prop"))
    names = {f"SAPA-2026-{n:04d}": f"Korban{n}" for n in range(1, 5)}
    backend.create([response_row(story=f"s{n}", victim_name=f"Korban{n}",
                                 timestamp=datetime(2026, 11, 28, 8, n)) for n in range(1, 5)], settings)
    run_cycle(backend.store(), ctx, NOW)
    for case in names:
        act(backend, settings, case, FORWARD)
    run_cycle(backend.store(), ctx, NOW)
    typed: dict[tuple[str, str, str], str] = {}
    for kind, role, a, b in edits:
        tab = tab_of(settings, role)
        if kind == "sort":
            backend.sort_rows(tab, a, reverse=b)
        elif kind == "delete":
            case = f"SAPA-2026-{a:04d}"
            if any(r[I.ID] == case for r in records(backend, tab)):
                backend.delete_row(tab, I.ID, case)
                typed = {k: v for k, v in typed.items() if not (k[0] == role and k[1] == case)}
        else:
            case = f"SAPA-2026-{a:04d}"
            header = b if (role == "admin") == (b in (I.ADMIN_NOTE, "Alasan")) else (
                I.ADMIN_NOTE if role == "admin" else "Kondisi korban")
            if any(r[I.ID] == case for r in records(backend, tab)):
                value = f"catatan untuk {case}"
                backend.type_into(tab, I.ID, case, header, value)
                typed[(role, case, header)] = value
        run_cycle(backend.store(), ctx, NOW)
    for role in ("admin", "subkoor"):
        rows = records(backend, tab_of(settings, role))
        assert sorted(r[I.ID] for r in rows) == sorted(names)  # deleted rows came back
        for r in rows:
            assert r[I.VICTIM] == names[str(r[I.ID])]
            for (typed_role, case, header), value in typed.items():
                if typed_role == role and header in r:
                    assert (r[header] == value) == (r[I.ID] == case) or r[header] != value
                    if r[I.ID] == case:
                        assert r[header] == value


def test_berhasil_for_a_reporter_who_said_whatsapp_is_not_safe_warns_in_the_row_and_the_log(
    backend, settings, cycle
) -> None:
    backend.create([response_row(wa_safe="Tidak", story="satu"), response_row(story="dua")], settings)
    cycle()
    for case in ("SAPA-2026-0001", "SAPA-2026-0002"):
        act(backend, settings, case, FORWARD)
    cycle(NOW + timedelta(hours=1))
    for case in ("SAPA-2026-0001", "SAPA-2026-0002"):
        act(backend, settings, case, IDENTIFY)  # "Hasil konfirmasi WhatsApp": "Berhasil"
    result = cycle(NOW + timedelta(hours=2))
    warned = [e for e in result.events if e.code == "wa_unsafe_contact"]
    assert [e.subject for e in warned] == ["SAPA-2026-0001"]  # applied all the same, and said once in the log
    assert "TIDAK aman" in warned[0].detail and "Berhasil" in warned[0].detail
    assert any("TIDAK aman" in str(r.get(L.DETAIL)) for r in records(backend, settings.tabs.log))
    unsafe, safe = (str(row(backend, settings, "subkoor", f"SAPA-2026-000{n}")[I.MESSAGE]) for n in (1, 2))
    assert unsafe.startswith("⚠ Pelapor menyatakan WhatsApp TIDAK aman") and "✓ Sudah diterapkan" in unsafe
    assert "TIDAK aman" not in safe
    assert register(backend, settings)["SAPA-2026-0001"][R.STATE_KEY] == "verification"
    assert not cycle(NOW + timedelta(hours=2, minutes=1)).plan  # the warning stays in the row: nothing to rewrite


def test_an_applied_decision_says_so_with_its_time_and_a_refused_one_off_turn_stays_in_view(
    backend, settings, cycle
) -> None:
    backend.create([response_row()], settings)
    cycle()
    case = "SAPA-2026-0001"
    act(backend, settings, case, FORWARD)
    cycle(NOW + timedelta(minutes=5))  # 10:05 WIB
    admin = row(backend, settings, "admin", case)
    assert str(admin[I.MESSAGE]).startswith("✓ Sudah diterapkan 28/11 10:05: Teruskan ke Sub Koordinator")
    assert not admin[I.TURN]  # no longer the Admin's: the filter leaves it out of the Admin's view
    act(backend, settings, case, ("admin", {I.DECISION: "Tolak"}))  # the Admin's decision, not the Admin's step
    cycle(NOW + timedelta(minutes=10))
    admin = row(backend, settings, "admin", case)
    assert str(admin[I.MESSAGE]).startswith("✗") and admin[I.TURN] == "Periksa"  # shown until corrected
    assert row(backend, settings, "subkoor", case)[I.TURN] == "Ya"
