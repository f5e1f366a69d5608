"""Settings of the official letters (Surat Tugas, Surat Rujukan) and the case documents (Laporan Hasil
Penjangkauan, Kronologi Kejadian, Laporan Akhir Penanganan Kasus), embedded as `Settings.letters`.

THE DEFAULT STAFF ARE FICTIONAL PLACEHOLDERS ("Nama Kepala Dinas", NIP
19700101 199001 1 001, ...). The office must replace them with its real officials
in its configuration file before any letter is drafted: a letter names, and is
signed by, real civil servants.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.letter_numbers import DEFAULT_CODES, DEFAULT_PATTERN, CounterScope, Numbering

StaffRole = Literal["admin", "subkoor", "kabid", "kadis", "tim", "konselor"]
_NIP = re.compile(r"^\d{8} ?\d{6} ?\d ?\d{3}$")  # 18 digits: birth date, appointment, sex, sequence
NO_NIP = "-"  # non-civil-servant staff (contract counsellors) have none


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_nip(value: str) -> str:
    value = " ".join(value.split())
    if value != NO_NIP and not _NIP.match(value):
        raise ValueError(f"NIP must be 18 digits such as '19700101 199001 1 001', or '-' for none; got {value!r}")
    return value


_PICTURE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG


def _check_picture(path: Path) -> None:
    """The emblem must be there, and a PNG or JPEG (what Word, LibreOffice and Google Docs all show)."""
    where = f"letters.emblem '{path}' (relative to the folder the worker runs in, {Path.cwd()})"
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except FileNotFoundError:
        raise ValueError(f"{where} does not exist: put the office's emblem there, or leave letters.emblem "
                         "empty for letters without one") from None
    except OSError as err:
        raise ValueError(f"{where} cannot be read ({err.strerror or type(err).__name__}): check the file "
                         "and its permissions") from None
    if not head.startswith(_PICTURE_SIGNATURES):
        raise ValueError(f"{where} is not a PNG or JPEG picture: save the emblem as .png or .jpg and point "
                         "letters.emblem at that file")


class StaffMember(_Strict):
    """One officer who can be named in a Surat Tugas."""

    nama: str = Field(min_length=1, description="full name with academic titles, e.g. 'Siti Aminah, S.Sos.'")
    nip: str = NO_NIP
    pangkat_golongan: str = Field(default="-", description="e.g. 'Penata (III/c)'; '-' for non-civil-servants")
    jabatan: str = Field(min_length=1)
    role: StaffRole

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str) -> str:
        return _check_nip(value)


class KepalaDinas(_Strict):
    """The signer of both letters."""

    nama: str = "Nama Kepala Dinas"
    nip: str = "19700101 199001 1 001"
    pangkat: str = "Pembina Utama Muda (IV/c)"
    jabatan: str = Field(
        default="Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang",
        description="as printed above the signature (the letter adds the comma)",
    )

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str) -> str:
        return _check_nip(value)


def _default_staff() -> list[StaffMember]:
    return [
        StaffMember(nama="Nama Kepala Bidang", nip="19750101 200001 1 001", pangkat_golongan="Pembina (IV/a)",
                    jabatan="Kepala Bidang Perlindungan Perempuan dan Anak", role="kabid"),
        StaffMember(nama="Nama Sub Koordinator", nip="19800101 200501 2 001",
                    pangkat_golongan="Penata Tingkat I (III/d)",
                    jabatan="Sub Koordinator Perlindungan Perempuan dan Anak", role="subkoor"),
        StaffMember(nama="Nama Konselor", jabatan="Konselor", role="konselor"),
        StaffMember(nama="Nama Admin", nip="19900101 201501 2 001", pangkat_golongan="Pengatur (II/c)",
                    jabatan="Pengadministrasi Umum", role="admin"),
    ]


def _default_dasar() -> list[str]:
    # In the customary order: laws by year, then the ministerial regulation.
    return [
        "Undang-Undang Nomor 23 Tahun 2004 tentang Penghapusan Kekerasan dalam Rumah Tangga",
        "Undang-Undang Nomor 21 Tahun 2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang",
        "Undang-Undang Nomor 35 Tahun 2014 tentang Perubahan atas Undang-Undang Nomor 23 Tahun 2002 "
        "tentang Perlindungan Anak",
        "Undang-Undang Nomor 12 Tahun 2022 tentang Tindak Pidana Kekerasan Seksual",
        "Peraturan Menteri Pemberdayaan Perempuan dan Perlindungan Anak Nomor 2 Tahun 2022 "
        "tentang Standar Layanan Perlindungan Perempuan dan Anak",
    ]


def _default_tembusan() -> list[str]:
    # The Kepala Bidang answers for the service: the one copy an office usually keeps in the loop.
    return ["Kepala Bidang Perlindungan Perempuan dan Anak"]


def _default_codes() -> dict[str, dict[str, str]]:
    return {kind: dict(variants) for kind, variants in DEFAULT_CODES.items()}


class LetterNumbering(_Strict):
    """`kode klasifikasi/nomor urut/kode unit/tahun`; see rules/letter_numbers.py."""

    pattern: str = Field(
        default=DEFAULT_PATTERN,
        description="fields {kode} {urut} {unit} {tahun}, optionally {bulan_romawi}; "
        "e.g. '{kode}/{urut:03d}/{unit}/{tahun}'",
    )
    unit: str = "DSP3A"
    codes: dict[str, dict[str, str]] = Field(
        default_factory=_default_codes,
        description="letter type → variant → classification code; surat_rujukan: 'anak' / 'dewasa' victim",
    )
    counter: CounterScope = Field(
        default="per_type", description="'per_type': each letter type counts from 1 yearly; 'shared': one counter"
    )
    reports_numbered: bool = Field(
        default=True,
        description="the final case report (laporan akhir) takes a number like a letter (codes.laporan_akhir); "
                    "false: reports carry no number",
    )

    @model_validator(mode="after")
    def _valid(self) -> LetterNumbering:
        self.rules()  # raises ValueError with the reason
        missing = sorted({"surat_tugas", "surat_rujukan"} - set(self.codes))
        if missing:
            raise ValueError(f"codes must include the letter types {missing}")
        if not {"anak", "dewasa"} <= set(self.codes["surat_rujukan"]):
            raise ValueError("codes.surat_rujukan needs the variants 'anak' and 'dewasa'")
        if self.reports_numbered and "laporan_akhir" not in self.codes:
            raise ValueError(
                "reports_numbered is true but codes has no laporan_akhir: add e.g. laporan_akhir: {umum: '400.2'} "
                "under codes, or set reports_numbered: false"
            )
        return self

    def rules(self) -> Numbering:
        return Numbering(pattern=self.pattern, unit=self.unit, codes=self.codes, counter=self.counter)


class LetterTemplates(_Strict):
    """Template files; blank uses the one shipped in letters/templates/."""

    surat_tugas: Path | None = None
    surat_rujukan: Path | None = None
    laporan_penjangkauan: Path | None = None
    kronologi_kejadian: Path | None = None
    laporan_akhir: Path | None = None


class Letters(_Strict):
    """Everything a drafted letter needs that is not in the case."""

    staff: list[StaffMember] = Field(default_factory=_default_staff)
    kepala_dinas: KepalaDinas = KepalaDinas()
    dasar: list[str] = Field(default_factory=_default_dasar, min_length=1, description="legal bases, in order")
    tembusan_surat_tugas: list[str] = Field(
        default_factory=_default_tembusan,
        description="the Surat Tugas's copies to (Tembusan), by position, e.g. 'Sekretaris Daerah Kota Singkawang'; "
                    "[] for no Tembusan block",
    )
    tembusan_surat_rujukan: list[str] = Field(
        default_factory=_default_tembusan,
        description="the Surat Rujukan's copies to; it holds the victim's data: name few, or [] for none",
    )
    numbering: LetterNumbering = LetterNumbering()
    folder: str = Field(default="Surat SAPA", min_length=1, description="Drive folder / local folder of drafts")
    register_tab: str = Field(default="Agenda Surat Keluar", min_length=1, description="tab of issued numbers")
    templates: LetterTemplates = LetterTemplates()
    emblem: Path | None = Field(
        default=None,
        description="the emblem printed at the left of every letter's letterhead (kop), e.g. the city's coat of "
                    "arms: a PNG or JPEG file, relative to the folder the worker runs in; empty: no emblem",
    )

    @field_validator("emblem")
    @classmethod
    def _emblem_picture(cls, value: Path | None) -> Path | None:
        if value is not None:
            _check_picture(value)
        return value

    @field_validator("staff")
    @classmethod
    def _unique_names(cls, value: list[StaffMember]) -> list[StaffMember]:
        seen: set[str] = set()
        for member in value:
            key = " ".join(member.nama.casefold().split())
            if key in seen:
                raise ValueError(f"staff names must differ (the team is picked by name): {member.nama!r} twice")
            seen.add(key)
        return value

    @field_validator("dasar", "tembusan_surat_tugas", "tembusan_surat_rujukan")
    @classmethod
    def _no_blank_items(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("items must not be blank")
        return value

    def staff_named(self, names: list[str] | tuple[str, ...]) -> list[StaffMember]:
        """Members in the order given; KeyError names the first unknown one."""
        by_name = {" ".join(m.nama.casefold().split()): m for m in self.staff}
        out = []
        for name in names:
            key = " ".join(name.casefold().split())
            if key not in by_name:
                raise KeyError(f"no staff member named {name!r} in letters.staff")
            out.append(by_name[key])
        return out
