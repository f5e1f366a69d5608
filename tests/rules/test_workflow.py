"""The SOP table and `decide`: every allowed and every refused transition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.workflow import (
    FIELD_LABELS,
    FIELDS,
    INITIAL_STATE,
    QUEUE,
    ROLE_LABELS,
    ROLES,
    STATE_LABELS,
    STATES,
    TRANSITIONS,
    CaseFacts,
    Transition,
    WorkflowOptions,
    choices_for,
    decide,
    decisions_for,
    decisions_of_role,
    find_transition,
    split_list,
)

# A valid answer for every field a decision can require.
VALID: dict[str, str] = {
    "alasan": "Bukan kewenangan Dinas",
    "catatan": "Lengkapi langkah usulan",
    "konfirmasi_wa": "Berhasil",
    "kondisi_korban": "Stabil, didampingi ibu",
    "langkah_usulan": "Kunjungan rumah",
    "anggota_tim": "Siti Aminah, S.Sos., Budi Santoso",
    "jenis_penjangkauan": "Kunjungan rumah, Asesmen",
    "tindakan": "Kunjungan rumah dilakukan",
    "asesmen": "Butuh konseling",
    "rekomendasi": "Rujuk ke psikolog",
    "lembaga_tujuan": "UPTD PPA",
    "layanan_diminta": "Konseling psikologis",
    "persetujuan_rujukan": "Ya",
    "laporan_akhir": "Kasus selesai ditangani",
    "status_rujukan": "Selesai",
    "tindak_lanjut": "Pemantauan oleh konselor",
    "tanggal_kunjungan": "8/12/2026",
    "cara_pemantauan": "Telepon",
    "kondisi_terkini": "Stabil, bersekolah lagi",
    "rencana_berikutnya": "Kunjungan rumah bulan depan",
    "alasan_akhir_pemantauan": "Kondisi korban stabil",
}


def filled(transition: Transition, **changes: str | None) -> dict[str, str | None]:
    values: dict[str, str | None] = {key: VALID[key] for key in transition.required}
    values.update(changes)
    return values


def row(state: str, decision: str) -> Transition:
    found = find_transition(state, decision)
    assert found is not None
    return found


def ids(t: Transition) -> str:
    return f"{t.from_state}:{t.decision}"


# --- The table itself ----------------------------------------------------------------


def test_every_required_field_has_a_valid_example() -> None:
    assert set(VALID) == set(FIELDS)


def test_table_uses_only_known_states_roles_and_fields() -> None:
    for t in TRANSITIONS:
        assert t.from_state in STATES and t.to_state in STATES
        assert t.role in ROLES
        assert set(t.required) <= set(FIELDS)
        assert t.description


def test_a_decision_label_means_one_row_per_state() -> None:
    keys = [(t.from_state, t.decision.casefold()) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


def test_every_state_is_reachable_from_intake() -> None:
    """But history: a case from before the worker (intake.history_before) starts there."""
    reached, frontier = {INITIAL_STATE, "history"}, [INITIAL_STATE]
    while frontier:
        for t in TRANSITIONS:
            if t.from_state == frontier[-1] and t.to_state not in reached:
                reached.add(t.to_state)
                frontier.insert(0, t.to_state)
        frontier.pop()
    assert reached == set(STATES)


def test_the_queue_owner_can_move_every_open_case() -> None:
    assert QUEUE["closed"] is None and QUEUE["rejected"] is None
    for state, role in QUEUE.items():
        if role is not None:
            assert decisions_for(state, role), state


def test_labels_cover_every_state_and_role() -> None:
    assert set(STATE_LABELS) == set(QUEUE) == set(STATES)
    assert STATE_LABELS["intake"] == "Penerimaan (Admin)"
    assert set(ROLE_LABELS) == {"admin", "subkoor", "kabid", "kadis", "tim", "konselor"}


def test_dropdowns() -> None:
    assert decisions_for("intake") == ("Teruskan ke Sub Koordinator", "Tolak")
    assert decisions_for("decision", "kadis") == (
        "Rujuk ke lembaga lain", "Selesai ditangani Dinas",
    )
    assert decisions_for("decision", "tim") == ()
    assert decisions_for("referred", "subkoor") == ("Tutup kasus (rujukan selesai)",)
    assert decisions_of_role("kadis").count("Buka kembali") == 1
    assert decisions_of_role("tim") == ("Laporan selesai",)
    assert choices_for("konfirmasi_wa") == ("Berhasil", "Gagal", "Tidak aman dihubungi")
    assert choices_for("anggota_tim", WorkflowOptions(staff=("A", "B"))) == ("A", "B")
    assert choices_for("catatan") == ()


# --- Every allowed transition ----------------------------------------------------------


@pytest.mark.parametrize("t", TRANSITIONS, ids=ids)
def test_every_row_applies_when_its_role_fills_its_fields(t: Transition) -> None:
    outcome = decide(t.from_state, t.role, t.decision, filled(t))
    assert outcome.applied and not outcome.refused
    assert outcome.state == t.to_state
    assert outcome.transition == t
    assert outcome.message == ""


@pytest.mark.parametrize("t", TRANSITIONS, ids=ids)
def test_decision_labels_match_loosely(t: Transition) -> None:
    typed = "  " + t.decision.upper().replace(" ", "  ") + " "
    assert decide(t.from_state, t.role, typed, filled(t)).state == t.to_state


# --- Every refused transition -----------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "role"),
    [(t, r) for t in TRANSITIONS for r in ROLES if r != t.role],
    ids=lambda v: ids(v) if isinstance(v, Transition) else str(v),
)
def test_every_row_refuses_other_roles(t: Transition, role: str) -> None:
    outcome = decide(t.from_state, role, t.decision, filled(t))
    assert outcome.refused
    assert outcome.state == t.from_state
    assert outcome.message == (
        f"Keputusan '{t.decision}' hanya dapat diambil oleh {ROLE_LABELS[t.role]}."
    )


@pytest.mark.parametrize(
    ("t", "key"),
    [(t, k) for t in TRANSITIONS for k in t.required],
    ids=lambda v: ids(v) if isinstance(v, Transition) else str(v),
)
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_every_required_field_blocks_when_blank(
    t: Transition, key: str, blank: str | None
) -> None:
    outcome = decide(t.from_state, t.role, t.decision, filled(t, **{key: blank}))
    assert outcome.refused
    assert outcome.state == t.from_state
    assert outcome.missing == (key,)
    assert outcome.message == f"Belum diisi: {FIELD_LABELS[key]}."


@pytest.mark.parametrize("t", [t for t in TRANSITIONS if t.required], ids=ids)
def test_all_missing_fields_are_named_in_table_order(t: Transition) -> None:
    outcome = decide(t.from_state, t.role, t.decision, {})
    assert outcome.missing == t.required
    assert outcome.message == "Belum diisi: " + ", ".join(FIELD_LABELS[k] for k in t.required) + "."


@pytest.mark.parametrize(
    ("state", "decision"),
    [
        (s, d)
        for s in STATES
        for d in sorted({t.decision for t in TRANSITIONS})
        if d not in decisions_for(s)
    ],
)
def test_decisions_of_other_states_are_refused(state: str, decision: str) -> None:
    t = next(t for t in TRANSITIONS if t.decision == decision)
    outcome = decide(state, t.role, decision, filled(t))
    assert outcome.refused
    assert outcome.state == state
    assert f"tidak berlaku untuk status {STATE_LABELS[state]}" in outcome.message


def test_examples_from_the_brief() -> None:
    assert decide("assignment", "kabid", "Tugaskan Tim", {}).message == (
        "Keputusan 'Tugaskan Tim' hanya dapat diambil oleh Kepala Dinas."
    )
    outcome = decide("identification", "subkoor", "Teruskan ke Kepala Bidang",
                     {"konfirmasi_wa": "Gagal"})
    assert outcome.message == "Belum diisi: Kondisi korban, Langkah usulan."
    assert outcome.missing == ("kondisi_korban", "langkah_usulan")


def test_referral_is_blocked_without_consent() -> None:
    t = row("decision", "Rujuk ke lembaga lain")
    outcome = decide("decision", "kadis", t.decision, filled(t, persetujuan_rujukan="Tidak"))
    assert outcome.refused and outcome.state == "decision"
    assert outcome.message == (
        "Rujukan tidak dapat dilakukan tanpa persetujuan korban/keluarga: "
        "Persetujuan rujukan harus 'Ya'."
    )
    blank = decide("decision", "kadis", t.decision, filled(t, persetujuan_rujukan=None))
    assert blank.missing == ("persetujuan_rujukan",)
    lower = decide("decision", "kadis", t.decision, filled(t, persetujuan_rujukan=" ya "))
    assert lower.state == "referred"


@pytest.mark.parametrize("status", ["Dikirim", "Diterima", "Ditolak"])
def test_referral_closes_only_when_done(status: str) -> None:
    t = row("referred", "Tutup kasus (rujukan selesai)")
    outcome = decide("referred", "subkoor", t.decision, {"status_rujukan": status})
    assert outcome.refused and outcome.state == "referred"
    assert "Status rujukan harus 'Selesai'" in outcome.message


def test_whatsapp_result_must_be_a_listed_choice() -> None:
    t = row("identification", "Teruskan ke Kepala Bidang")
    outcome = decide(t.from_state, t.role, t.decision, filled(t, konfirmasi_wa="ok"))
    assert outcome.refused
    assert outcome.message == (
        "Hasil konfirmasi WhatsApp harus salah satu dari: Berhasil, Gagal, Tidak aman dihubungi."
    )
    unsafe = filled(t, konfirmasi_wa="tidak aman dihubungi")
    assert decide(t.from_state, t.role, t.decision, unsafe).applied


def test_outreach_kinds_must_all_be_listed() -> None:
    t = row("assignment", "Tugaskan Tim")
    outcome = decide(t.from_state, t.role, t.decision,
                     {"jenis_penjangkauan": "Mediasi, Penggerebekan"})
    assert outcome.refused
    assert outcome.message.startswith("Jenis penjangkauan tidak ada dalam daftar: 'Penggerebekan'.")
    every = {"jenis_penjangkauan": "Kunjungan rumah, Mediasi, Advokasi, Pendampingan, Asesmen"}
    assert decide(t.from_state, t.role, t.decision, every).applied


@pytest.mark.parametrize("kinds", ["Mediasi", "pendampingan, mediasi"])
def test_mediation_is_refused_for_sexual_violence_citing_the_law(kinds: str) -> None:
    t = row("assignment", "Tugaskan Tim")
    sexual = decide(t.from_state, t.role, t.decision, {"jenis_penjangkauan": kinds},
                    facts=CaseFacts(sexual_violence=True))
    assert sexual.refused and sexual.state == "assignment"
    assert "UU 12/2022 (TPKS) Pasal 23" in sexual.message
    assert decide(t.from_state, t.role, t.decision, {"jenis_penjangkauan": kinds}).applied  # no sexual violence
    other = decide(t.from_state, t.role, t.decision, {"jenis_penjangkauan": "Pendampingan, Advokasi"},
                   facts=CaseFacts(sexual_violence=True))
    assert other.applied


def test_team_members_come_from_the_configured_staff_list() -> None:
    t = row("verification", "Setujui, usulkan Surat Tugas")
    options = WorkflowOptions(staff=("Siti Aminah, S.Sos.", "Budi Santoso", "Dra. Lina, M.Psi."))
    ok = {"anggota_tim": "siti aminah, S.Sos., Dra. Lina, M.Psi., Budi Santoso"}
    assert decide(t.from_state, t.role, t.decision, ok, options).applied
    unknown = {"anggota_tim": "Budi Santoso, Joko"}
    outcome = decide(t.from_state, t.role, t.decision, unknown, options)
    assert outcome.refused
    assert outcome.message.startswith("Anggota tim tidak ada dalam daftar: 'Joko'.")
    assert decide(t.from_state, t.role, t.decision, unknown).applied  # no list configured


def test_referral_destination_comes_from_the_configured_list() -> None:
    t = row("decision", "Rujuk ke lembaga lain")
    fields = filled(t, lembaga_tujuan="Dukun kampung")
    outcome = decide(t.from_state, t.role, t.decision, fields)
    assert outcome.refused and outcome.message.startswith("Lembaga tujuan harus salah satu dari:")
    assert decide(t.from_state, t.role, t.decision, fields, WorkflowOptions(lembaga=())).applied
    own = WorkflowOptions(lembaga=("Dukun kampung",))
    assert decide(t.from_state, t.role, t.decision, fields, own).applied


def test_missing_and_invalid_fields_are_reported_together() -> None:
    t = row("decision", "Rujuk ke lembaga lain")
    fields = filled(t, layanan_diminta="", persetujuan_rujukan="Tidak")
    outcome = decide(t.from_state, t.role, t.decision, fields)
    assert outcome.missing == ("layanan_diminta",)
    assert outcome.message.startswith("Belum diisi: Layanan yang diminta. Rujukan tidak dapat")


@pytest.mark.parametrize("decision", [None, "", "   \n"])
def test_blank_decision_does_nothing(decision: str | None) -> None:
    outcome = decide("intake", "admin", decision, {})
    assert outcome.kind == "nothing"
    assert outcome.state == "intake" and outcome.message == ""


def test_unknown_state_role_or_decision_is_refused() -> None:
    assert decide("arsip", "admin", "Tolak", {"alasan": "x"}).message == (
        "Status kasus tidak dikenal: 'arsip'."
    )
    assert decide("intake", "satpam", "Tolak", {"alasan": "x"}).message == (
        "Peran tidak dikenal: 'satpam'."
    )
    outcome = decide("intake", "admin", "Setujui", {})
    assert outcome.message == (
        "Keputusan 'Setujui' tidak berlaku untuk status Penerimaan (Admin). "
        "Pilihan: 'Teruskan ke Sub Koordinator', 'Tolak'."
    )


def test_a_long_mistyped_decision_is_clipped_in_the_message() -> None:
    outcome = decide("intake", "admin", "x" * 500, {})
    assert outcome.refused and len(outcome.message) < 200


def test_free_text_answers_never_appear_in_messages() -> None:
    secret = "RAHASIA-KORBAN"
    for t in TRANSITIONS:
        free = {k: secret for k in t.required if not FIELDS[k].choices and not FIELDS[k].configured}
        fields = filled(t, **free)
        for key in t.required:
            if FIELDS[key].choices or FIELDS[key].configured:
                fields[key] = "nilai salah"
        for role in ROLES:
            assert secret not in decide(t.from_state, role, t.decision, fields).message


# --- Lists in one cell ------------------------------------------------------------------


def test_split_list_keeps_academic_titles_with_their_names() -> None:
    assert split_list("Siti Aminah, S.Sos., Budi; Dra. Lina, M.Psi.\nJoko") == (
        ("Siti Aminah, S.Sos.", "Budi", "Dra. Lina, M.Psi.", "Joko"), (),
    )
    known = ("Siti Aminah, S.Sos.", "Budi")
    assert split_list("budi ,  siti aminah,s.sos., Tono", known) == (
        ("Budi", "Siti Aminah, S.Sos."), ("Tono",),
    )
    assert split_list(" , ;", known) == ((), ())
    assert split_list("Siti Aminah S.Sos; siti aminah", known) == (
        ("Siti Aminah, S.Sos.", "Siti Aminah, S.Sos."), (),
    )
    twins = ("Budi, S.H.", "Budi, S.E.")
    assert split_list("Budi", twins) == ((), ("Budi",))  # which Budi? staff must say
    assert split_list("Budi, S.E.", twins) == (("Budi, S.E.",), ())


# --- Property: any input, never a crash, never an unknown state ---------------------------

LABELS = sorted({t.decision for t in TRANSITIONS})


@given(
    state=st.sampled_from(STATES),
    role=st.one_of(st.sampled_from(ROLES), st.text(max_size=8)),
    decision=st.one_of(st.none(), st.sampled_from(LABELS), st.text(max_size=30)),
    fields=st.dictionaries(
        st.sampled_from(sorted(FIELDS)),
        st.one_of(st.none(), st.sampled_from(sorted(set(VALID.values()))), st.text(max_size=20)),
    ),
    staff=st.lists(st.text(min_size=1, max_size=10), max_size=3),
)
def test_decide_never_crashes_or_leaves_the_table(
    state: str, role: str, decision: str | None, fields: dict[str, str | None], staff: list[str]
) -> None:
    outcome = decide(state, role, decision, fields, WorkflowOptions(staff=tuple(staff)))
    assert outcome.state in STATES
    if outcome.applied:
        assert outcome.transition in TRANSITIONS
        assert outcome.transition is not None
        assert (outcome.transition.from_state, outcome.transition.role) == (state, role)
        assert outcome.state == outcome.transition.to_state
    else:
        assert outcome.state == state
        assert (outcome.kind == "refused") == bool(outcome.message)


def test_berhasil_for_a_reporter_who_said_whatsapp_is_unsafe_is_a_warning_not_a_refusal() -> None:
    from rules.workflow import WA_UNSAFE_CONTACT, CaseFacts, decide, decision_warnings

    fields = {"konfirmasi_wa": "berhasil", "kondisi_korban": "aman", "langkah_usulan": "kunjungan"}
    unsafe = CaseFacts(wa_unsafe=True)
    assert decide("identification", "subkoor", "Teruskan ke Kepala Bidang", fields, facts=unsafe).applied
    assert decision_warnings("Teruskan ke Kepala Bidang", "subkoor", fields, unsafe) == (WA_UNSAFE_CONTACT,)
    assert decision_warnings("Teruskan ke Kepala Bidang", "subkoor", fields, CaseFacts()) == ()
    assert decision_warnings("Teruskan ke Kepala Bidang", "subkoor", {**fields, "konfirmasi_wa": "Gagal"}, unsafe) == ()
    assert decision_warnings("Tolak", "subkoor", fields, unsafe) == ()  # no contact result with that decision
