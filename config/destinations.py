"""Referral destinations (lembaga layanan): the name staff pick, whom the Surat Rujukan is addressed to, where.

An Indonesian letter is addressed to the head of an institution by title, with its
address: "Yth. Kepala UPTD PPA Kota Singkawang / di Singkawang". The names are those
of DOMAIN.md ("Referral destinations"); the heads' titles are the usual ones and the
addresses only the city: an office replaces them with the street addresses it writes
to (config: workflow.lembaga). A destination may also be written as its name alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from rules.workflow import picks


class Destination(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nama: str = Field(min_length=1, description="as staff pick it in 'Lembaga tujuan', e.g. 'UPTD PPA'")
    kepala: str = Field(
        default="", description="the addressee after 'Yth.', the head's title: 'Kepala UPTD PPA Kota Singkawang' "
                                "(blank: 'Pimpinan <nama>')",
    )
    alamat: str = Field(default="Tempat", description="the address after 'di' (blank: 'Tempat')")

    @property
    def addressee(self) -> str:
        return " ".join((self.kepala or f"Pimpinan {self.nama}").split())

    @property
    def address(self) -> str:
        return " ".join(self.alamat.split()) or "Tempat"


_SINGKAWANG: tuple[tuple[str, str, str], ...] = (
    ("UPTD PPA", "Kepala UPTD PPA Kota Singkawang", "Singkawang"),
    ("Unit PPA Polres", "Kepala Kepolisian Resor Singkawang u.p. Kepala Unit PPA Satreskrim", "Singkawang"),
    ("RSUD", "Direktur RSUD dr. Abdul Aziz Kota Singkawang", "Singkawang"),
    ("Puskesmas", "Kepala Puskesmas", "Singkawang"),
    ("LBH / Posbakum", "Pimpinan Lembaga Bantuan Hukum / Pos Bantuan Hukum", "Singkawang"),
    ("Psikolog", "Psikolog Mitra Layanan SAPA", "Singkawang"),
    ("Rumah aman (RPTC / RPSA)", "Kepala Rumah Aman (RPTC / RPSA)", "Singkawang"),
    ("Dinas Pendidikan", "Kepala Dinas Pendidikan Kota Singkawang", "Singkawang"),
    ("Kementerian Agama", "Kepala Kantor Kementerian Agama Kota Singkawang", "Singkawang"),
    ("Bapas", "Kepala Balai Pemasyarakatan Singkawang", "Singkawang"),
    ("LPSK", "Ketua Lembaga Perlindungan Saksi dan Korban", "Jakarta"),
    ("KPAI", "Ketua Komisi Perlindungan Anak Indonesia", "Jakarta"),
    ("KemenPPPA", "Menteri Pemberdayaan Perempuan dan Perlindungan Anak Republik Indonesia", "Jakarta"),
)


def default_destinations() -> list[Destination]:
    return [Destination(nama=n, kepala=k, alamat=a) for n, k, a in _SINGKAWANG]


def as_destination(item: object) -> object:
    """A destination written as its name alone is that name, addressed to its 'Pimpinan'."""
    return {"nama": item} if isinstance(item, str) else item


def destination_named(destinations: Sequence[Destination], name: str) -> Destination:
    """The configured destination staff picked (as the dropdown compares), else the name as typed."""
    found = next((d for d in destinations if picks(name, d.nama)), None)
    return found or Destination(nama=" ".join(name.split()) or "-")
