"""The Google Docs letter writer through google-api-python-client over the API double."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document

from config.settings import Settings
from googledouble import GoogleDouble
from letters import values as letter_values
from letters.google_writer import GoogleLetterWriter
from letters.writer import TEMPLATES
from sync.cycle.letters_step import LetterOrder
from sync.stores.google_retry import RetryPolicy

SETTINGS = Settings()


def template_text(kind: str) -> list[str]:
    document = Document(str(TEMPLATES / f"{kind}.docx"))
    lines = [p.text for p in document.paragraphs]
    lines += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return lines


@pytest.fixture
def google() -> tuple[GoogleDouble, GoogleLetterWriter, str]:
    double = GoogleDouble()
    drive = double.create_shared_drive("SAPA")
    folder = double.create_folder("Surat SAPA", drive, app_created=True)
    templates = {kind: double.create_document(f"Template {kind}", template_text(kind), parents=[folder],
                                              drive_id=drive, app_created=True)
                 for kind in ("surat_tugas", "surat_rujukan")}
    writer = GoogleLetterWriter(double.service("drive", "v3"), double.service("docs", "v1"), folder, templates,
                                retry=RetryPolicy(sleep=lambda _: None))
    double.reset_counts()
    return double, writer, folder


def order(story: str = "Korban dipukul.") -> LetterOrder:
    filled = letter_values.surat_rujukan(
        SETTINGS.office, SETTINGS.letters, nomor_surat="400.2.4/1/DSP3A/2026", tanggal=date(2026, 11, 28),
        nomor_kasus="SAPA-2026-0001", lembaga_tujuan="UPTD PPA", identitas_korban={"Nama/inisial": "Bunga"},
        kronologi=story, layanan_diberikan="Kunjungan rumah", kondisi_korban="Aman",
        layanan_diminta="Konseling", lampiran=["Laporan asesmen"],
    )
    return LetterOrder("SAPA-2026-0001-SR", "surat_rujukan", "SAPA-2026-0001", "400.2.4/1/DSP3A/2026", filled)


def test_a_letter_costs_two_requests_and_is_not_shared(google) -> None:  # type: ignore[no-untyped-def]
    double, writer, _ = google
    writer.settled()  # steady state: no look-up for copies of an earlier crash
    link = writer.draft(order())
    assert dict(double.counts) == {"drive.files.copy": 1, "docs.documents.batchUpdate": 1}
    document_id = link.split("/d/")[1].split("/")[0]
    text = double.document_text(document_id)
    assert "{{" not in text and "UPTD PPA" in text and "400.2.4/1/DSP3A/2026" in text
    assert double.anyone_permissions() == []


def test_reporter_text_cannot_inject_a_placeholder(google) -> None:  # type: ignore[no-untyped-def]
    double, writer, _ = google
    writer.settled()
    link = writer.draft(order("Pelaku menulis {{nomor_surat}} dan }}{{lembaga_tujuan}}"))
    text = double.document_text(link.split("/d/")[1].split("/")[0])
    assert "{{" not in text
    assert "nomor_surat" in text  # kept as the reporter wrote it, only made inert


def test_a_new_process_finds_the_copy_a_crashed_one_made(google) -> None:  # type: ignore[no-untyped-def]
    double, writer, folder = google
    first = writer.draft(order())  # then the process dies before the sheet write
    again = GoogleLetterWriter(double.service("drive", "v3"), double.service("docs", "v1"), folder,
                               writer._templates, retry=RetryPolicy(sleep=lambda _: None))
    double.reset_counts()
    assert again.draft(order()) == first
    # found, and filled again in case the crash came before its filling: no second document
    assert dict(double.counts) == {"drive.files.list": 1, "docs.documents.batchUpdate": 1}


def test_the_same_process_retrying_makes_no_request(google) -> None:  # type: ignore[no-untyped-def]
    double, writer, _ = google
    writer.settled()
    link = writer.draft(order())
    double.reset_counts()
    assert writer.draft(order()) == link
    assert sum(double.counts.values()) == 0


def test_a_redraft_with_new_values_makes_a_new_document(google) -> None:  # type: ignore[no-untyped-def]
    double, writer, _ = google
    writer.settled()
    first = writer.draft(order("versi 1"))
    second = writer.draft(order("versi 2"))
    assert first != second
    assert dict(double.counts) == {"drive.files.copy": 2, "docs.documents.batchUpdate": 2}


@pytest.mark.parametrize("lost", ["503 after the copy was made", "timeout after the copy was made"])
def test_a_copy_whose_answer_is_lost_is_found_not_made_twice(google, lost: str) -> None:  # type: ignore[no-untyped-def]
    double, writer, folder = google
    writer.settled()  # steady state: the answer is lost in this process, not after a crash
    if lost.startswith("503"):
        double.fail_next("drive.files.copy", status=503, applied=True)
    else:
        double.timeout_next("drive.files.copy", applied=True)
    link = writer.draft(order())
    copies = [f for f in double.files.values() if folder in f.parents and not f.trashed and f.name.startswith("SAPA")]
    assert len(copies) == 1, [f.name for f in copies]
    assert copies[0].id in link and "{{" not in double.document_text(copies[0].id)


def test_a_refused_copy_is_simply_tried_again_and_a_lasting_failure_is_transient(  # type: ignore[no-untyped-def]
    google,
) -> None:
    from rules.errors import TransientError

    double, writer, _ = google
    writer.settled()
    double.fail_next("drive.files.copy", status=429)  # refused before anything was done: no look-up needed
    writer.draft(order())
    assert double.counts["drive.files.copy"] == 2 and "drive.files.list" not in double.counts
    double.fail_next("drive.files.copy", status=503, times=50)
    with pytest.raises(TransientError, match=r"the copy of the letter template for .* after 6 attempts"):
        writer.draft(order("Cerita lain."))


def test_drive_and_docs_retry_with_the_policy_the_worker_injects(google) -> None:  # type: ignore[no-untyped-def]
    """One retry for Sheets, Drive and Docs: the writer's waits are the injected policy's, not
    googleapiclient's own (which sleeps on the real clock)."""
    double, _, folder = google
    policy = RetryPolicy(sleep=lambda _: None, random=lambda: 0.5)
    writer = GoogleLetterWriter(double.service("drive", "v3"), double.service("docs", "v1"), folder,
                                {k: v for k, v in google[1]._templates.items()}, retry=policy)
    writer.settled()
    double.fail_next("drive.files.copy", status=429)
    double.fail_next("docs.documents.batchUpdate", status=503)
    writer.draft(order())
    assert policy.slept == [0.5, 0.5]
    assert dict(double.counts) == {"drive.files.copy": 2, "docs.documents.batchUpdate": 2}
