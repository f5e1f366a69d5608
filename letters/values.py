"""The values of each letter's placeholders, as plain text that Word and Google Docs both take.

Lists are pre-rendered here into lines (`\\n`) with tabs (`\\t`) that line up on the
template paragraph's tab stops, so that one template design works for the local
renderer and for Docs `replaceAllText` alike (letters/README.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from config.letters import KepalaDinas, Letters, StaffMember
from config.settings import Office
from rules.dates_id import long_date

SURAT_TUGAS = "surat_tugas"
SURAT_RUJUKAN = "surat_rujukan"
_UNITS = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas",
)


def one_line(text: str) -> str:
    """Names and short fields: no line breaks or tabs that would upset the layout."""
    return " ".join(text.split())


def join_words(items: Sequence[str]) -> str:
    """`a`, `a dan b`, `a, b, dan c`."""
    items = [one_line(i) for i in items if i.strip()]
    if len(items) <= 2:
        return " dan ".join(items)
    return f"{', '.join(items[:-1])}, dan {items[-1]}"


def numbered(items: Sequence[str]) -> str:
    """`1.\\tA;` … `n.\\tZ.`: the numbered list style of official letters."""
    lines = []
    for index, item in enumerate(items, start=1):
        item = one_line(item).rstrip(";.,")
        lines.append(f"{index}.\t{item}{'.' if index == len(items) else ';'}")
    return "\n".join(lines)


def terbilang(number: int) -> str:
    """Indonesian number words for 0..999 (`12` → `dua belas`), for counts such as attachments."""
    if not 0 <= number <= 999:
        raise ValueError(f"terbilang covers 0..999, got {number}")
    if number < 12:
        return _UNITS[number]
    if number < 20:
        return f"{_UNITS[number - 10]} belas"
    if number < 100:
        tens, rest = divmod(number, 10)
        return f"{_UNITS[tens]} puluh" + (f" {_UNITS[rest]}" if rest else "")
    hundreds, rest = divmod(number, 100)
    head = "seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus"
    return head + (f" {terbilang(rest)}" if rest else "")


def daftar_anggota(members: Sequence[StaffMember]) -> str:
    """Four lines per member (Nama, NIP, Pangkat/Golongan, Jabatan), numbered."""
    lines = []
    for index, member in enumerate(members, start=1):
        lines += [
            f"{index}.\tNama\t:\t{one_line(member.nama)}",
            f"\tNIP\t:\t{one_line(member.nip)}",
            f"\tPangkat/Golongan\t:\t{one_line(member.pangkat_golongan)}",
            f"\tJabatan\t:\t{one_line(member.jabatan)}",
        ]
    return "\n".join(lines)


def labelled(rows: Mapping[str, str]) -> str:
    """`Label\\t:\\tvalue` lines, e.g. the victim's identity in a Surat Rujukan."""
    return "\n".join(f"{one_line(label)}\t:\t{one_line(value) or '-'}" for label, value in rows.items())


def tembusan(items: Sequence[str]) -> str:
    """The whole `Tembusan` section, or nothing when the letter has no copies."""
    return f"Tembusan:\n{numbered(items)}" if items else ""


def kop(office: Office) -> dict[str, str]:
    return {
        "pemerintah": one_line(office.government).upper(),
        "nama_dinas": one_line(office.name).upper(),
        "alamat_dinas": one_line(office.address),
        "telepon_dinas": one_line(office.phone),
        "laman_dinas": one_line(office.website),
        "kota": one_line(office.city),
    }


def penanda_tangan(kepala: KepalaDinas) -> dict[str, str]:
    return {
        "jabatan_kepala_dinas": one_line(kepala.jabatan).upper().rstrip(","),
        "nama_kepala_dinas": one_line(kepala.nama),
        "pangkat_kepala_dinas": one_line(kepala.pangkat),
        "nip_kepala_dinas": one_line(kepala.nip),
    }


def surat_tugas(
    office: Office,
    letters: Letters,
    *,
    nomor_surat: str,
    tanggal: date,
    anggota: Sequence[StaffMember],
    jenis_penjangkauan: Sequence[str],
    nomor_kasus: str,
    tempat: str,
    waktu: str,
) -> dict[str, str]:
    """Every placeholder of the shipped Surat Tugas template."""
    return {
        **kop(office),
        **penanda_tangan(letters.kepala_dinas),
        "nomor_surat": one_line(nomor_surat),
        "tanggal_surat": long_date(tanggal),
        "dasar": numbered(letters.dasar),
        "daftar_anggota": daftar_anggota(anggota),
        "jenis_penjangkauan": join_words([j.lower() for j in jenis_penjangkauan]) or "penjangkauan",
        "nomor_kasus": one_line(nomor_kasus),
        "tempat": one_line(tempat) or "-",
        "waktu": one_line(waktu) or "-",
        "tembusan": tembusan(letters.tembusan_surat_tugas),
    }


def surat_rujukan(
    office: Office,
    letters: Letters,
    *,
    nomor_surat: str,
    tanggal: date,
    nomor_kasus: str,
    lembaga_tujuan: str,
    identitas_korban: Mapping[str, str],
    kronologi: str,
    layanan_diberikan: str,
    kondisi_korban: str,
    layanan_diminta: str,
    lampiran: Sequence[str],
    alamat_lembaga: str = "Tempat",
) -> dict[str, str]:
    """Every placeholder of the shipped Surat Rujukan template; free text keeps its lines."""
    count = len([item for item in lampiran if item.strip()])
    return {
        **kop(office),
        **penanda_tangan(letters.kepala_dinas),
        "nomor_surat": one_line(nomor_surat),
        "tanggal_surat": long_date(tanggal),
        "nomor_kasus": one_line(nomor_kasus),
        "jumlah_lampiran": f"{count} ({terbilang(count)}) berkas" if count else "-",
        "lembaga_tujuan": one_line(lembaga_tujuan),
        "alamat_lembaga": one_line(alamat_lembaga) or "Tempat",
        "identitas_korban": labelled(identitas_korban) or "-",
        "kronologi": kronologi.strip() or "-",
        "layanan_diberikan": layanan_diberikan.strip() or "-",
        "kondisi_korban": kondisi_korban.strip() or "-",
        "layanan_diminta": layanan_diminta.strip() or "-",
        "daftar_lampiran": numbered([item for item in lampiran if item.strip()]) or "-",
        "tembusan": tembusan(letters.tembusan_surat_rujukan),
    }
