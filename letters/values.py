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
from rules.numbers_id import counted, in_words

NO_RANK = "-"  # StaffMember.pangkat_golongan of a non-civil-servant
SURAT_TUGAS = "surat_tugas"
SURAT_RUJUKAN = "surat_rujukan"
LAPORAN_PENJANGKAUAN = "laporan_penjangkauan"
KRONOLOGI_KEJADIAN = "kronologi_kejadian"
LAPORAN_AKHIR = "laporan_akhir"


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
    return in_words(number)


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
    """The whole `Tembusan` section after an empty line, or nothing when the letter has no copies."""
    return f"\nTembusan:\n{numbered(items)}" if items else ""


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
    kepada: str = "",
) -> dict[str, str]:
    """Every placeholder of the shipped Surat Rujukan template; free text keeps its lines.

    `kepada` is the addressee after "Yth.", the head of the destination by title
    ("Kepala UPTD PPA Kota Singkawang"; config.destinations); `lampiran` the documents
    that exist, which the header counts in words ("2 (dua) berkas")."""
    attached = [item for item in lampiran if item.strip()]
    return {
        **kop(office),
        **penanda_tangan(letters.kepala_dinas),
        "nomor_surat": one_line(nomor_surat),
        "tanggal_surat": long_date(tanggal),
        "nomor_kasus": one_line(nomor_kasus),
        "jumlah_lampiran": counted(len(attached), "berkas"),
        "kepada": one_line(kepada) or one_line(lembaga_tujuan),
        "lembaga_tujuan": one_line(lembaga_tujuan),
        "alamat_lembaga": one_line(alamat_lembaga) or "Tempat",
        "identitas_korban": labelled(identitas_korban) or "-",
        "kronologi": kronologi.strip() or "-",
        "layanan_diberikan": layanan_diberikan.strip() or "-",
        "kondisi_korban": kondisi_korban.strip() or "-",
        "layanan_diminta": layanan_diminta.strip() or "-",
        "daftar_lampiran": numbered(attached) or "-",
        "tembusan": tembusan(letters.tembusan_surat_rujukan),
    }


def signer(who: str, member: StaffMember | None) -> dict[str, str]:
    """A report's signature placeholders `jabatan_<who>`, `nama_<who>`, `pangkat_<who>`, `nip_<who>`; an
    unnamed signer leaves room to write the name by hand, and one without a rank (not a civil servant)
    leaves its line empty."""
    if member is None:
        return {f"jabatan_{who}": "Tim Penjangkauan", f"nama_{who}": "(.............................)",
                f"pangkat_{who}": "", f"nip_{who}": "-"}
    rank = one_line(member.pangkat_golongan)
    return {f"jabatan_{who}": one_line(member.jabatan).rstrip(","), f"nama_{who}": one_line(member.nama),
            f"pangkat_{who}": "" if rank == NO_RANK else rank, f"nip_{who}": one_line(member.nip)}


def daftar_tim(members: Sequence[StaffMember]) -> str:
    """`1.<TAB>Name (Position);` per member of the outreach team."""
    return numbered([f"{one_line(m.nama)} ({one_line(m.jabatan)})" for m in members])


def timeline(entries: Sequence[tuple[date, str]]) -> str:
    """`28 November 2026<TAB>:<TAB>what happened` lines, oldest first, as a chronology lists them."""
    return "\n".join(f"{long_date(day)}\t:\t{one_line(text)}" for day, text in sorted(entries, key=lambda e: e[0]))


def _text(value: str) -> str:
    """Free text keeps its lines; blank is `-`, never an empty section."""
    return value.strip() or "-"


def laporan_penjangkauan(
    office: Office,
    letters: Letters,
    *,
    tanggal: date,
    nomor_kasus: str,
    nomor_surat_tugas: str,
    anggota: Sequence[StaffMember],
    jenis_penjangkauan: Sequence[str],
    waktu: str,
    tempat: str,
    tindakan: str,
    asesmen: str,
    rekomendasi: str,
    tindak_lanjut: str,
) -> dict[str, str]:
    """Every placeholder of the Laporan Hasil Penjangkauan: signed by the first member of the team."""
    return {
        **kop(office),
        "tanggal_surat": long_date(tanggal),
        "nomor_kasus": one_line(nomor_kasus),
        "kepada": one_line(letters.kepala_dinas.jabatan).rstrip(","),
        "nomor_surat_tugas": one_line(nomor_surat_tugas) or "-",
        "jenis_penjangkauan": join_words([j.lower() for j in jenis_penjangkauan]) or "penjangkauan",
        "daftar_tim": daftar_tim(anggota) or "-",
        "waktu_tempat": labelled({"Waktu": waktu, "Tempat": tempat}),
        "tindakan": _text(tindakan),
        "asesmen": _text(asesmen),
        "rekomendasi": _text(rekomendasi),
        "tindak_lanjut": _text(tindak_lanjut),
        **signer("pelapor", anggota[0] if anggota else None),
    }


def kronologi_kejadian(
    office: Office,
    *,
    tanggal: date,
    nomor_kasus: str,
    identitas_korban: Mapping[str, str],
    keterangan_kejadian: Mapping[str, str],
    uraian_kejadian: str,
    riwayat_penanganan: Sequence[tuple[date, str]],
    penyusun: StaffMember | None,
) -> dict[str, str]:
    """Every placeholder of the Kronologi Kejadian the Surat Rujukan attaches."""
    return {
        **kop(office),
        "tanggal_surat": long_date(tanggal),
        "nomor_kasus": one_line(nomor_kasus),
        "identitas_korban": labelled(identitas_korban) or "-",
        "keterangan_kejadian": labelled(keterangan_kejadian) or "-",
        "uraian_kejadian": _text(uraian_kejadian),
        "riwayat_penanganan": timeline(riwayat_penanganan) or "-",
        **signer("penyusun", penyusun),
    }


def laporan_akhir(
    office: Office,
    kepala_dinas: KepalaDinas,
    *,
    nomor_laporan: str | None,
    tanggal: date,
    nomor_kasus: str,
    identitas_korban: Mapping[str, str],
    kronologi: str,
    layanan_diberikan: Sequence[tuple[date, str]],
    hasil_penanganan: str,
    kesimpulan: str,
    penyusun: StaffMember | None,
) -> dict[str, str]:
    """Every placeholder of the Laporan Akhir Penanganan Kasus; no number line when the office does not
    number its reports (`nomor_laporan` None); the Kepala Dinas signs it as known (`Mengetahui`)."""
    return {
        **kop(office),
        **penanda_tangan(kepala_dinas),
        "nomor_laporan": f"Nomor: {one_line(nomor_laporan)}" if nomor_laporan else "",
        "tanggal_surat": long_date(tanggal),
        "nomor_kasus": one_line(nomor_kasus),
        "identitas_korban": labelled(identitas_korban) or "-",
        "kronologi": _text(kronologi),
        "layanan_diberikan": timeline(layanan_diberikan) or "-",
        "hasil_penanganan": _text(hasil_penanganan),
        "kesimpulan": _text(kesimpulan),
        **signer("penyusun", penyusun),
    }
