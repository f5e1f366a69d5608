"""Regenerate config/default.yaml from the settings model: `python -m config.write_default`.

The shipped file spells out every default so that an office sees what it can
change; a test checks that it matches the model.
"""

from __future__ import annotations

import yaml

from config.load import DEFAULT_CONFIG
from config.settings import Settings

HEADER = """\
# sapa-sync configuration: the defaults of DSP3A Kota Singkawang.
#
# Copy this file, change what differs in your office, and pass it with
#   python -m sync --config my-office.yaml once
# Keys left out keep the values below. Every form question title can be changed
# under form.questions (match your Google Form's question titles exactly; case and
# extra spaces do not matter). The responses tab 'Form Responses 1' / 'Respons
# Formulir 1' and the column 'Timestamp' / 'Stempel waktu' are found on their own.
#
# case_ids.pattern: {year} is the year of the complaint (WIB), {seq} its number in
# that year, e.g. SAPA-{year}-{seq:04d} -> SAPA-2026-0007.
"""

SECTIONS = {
    "office": "The office's identity (used in letters and WhatsApp messages).",
    "timezone": "The office's time zone: of every date the worker writes, and of the form's timestamps (a Google "
                "spreadsheet's own zone, File > Settings, should be the same; where not, they are converted).",
    "store": "Where the spreadsheet is: 'local' (an .xlsx workbook, path relative to the folder "
             "you run in) or 'google'.",
    "google": "The Google backend: spreadsheet, credentials, letters folder, editors per role "
              "(see README, 'Menghubungkan spreadsheet Google').",
    "tabs": "Tab names (staff-facing, Indonesian).",
    "case_ids": "Case numbers and review numbers.",
    "form": "The Google Form: question titles (by stable key), other titles a question's column may carry "
            "(aliases, e.g. its wording before an edit), questions the worker does not use (extra_questions: "
            "shown to the Admin as 'Jawaban Lain' without a warning), and answer labels: an option's label, or "
            "a list of its labels with the form's current one first (e.g. seksual: [Seksual, Kekerasan seksual]). "
            "A renamed question or a reworded option is also recognised on its own when that is unambiguous, "
            "with a warning; an option still unknown is named in `status` and the log tab until it is listed here.",
    "intake": "What sends a response to the Admin's review tab instead of making a case.",
    "workflow": "Names accepted in 'Anggota tim' (empty: any) and the referral destinations: the name staff "
                "pick, the head's title the Surat Rujukan is addressed to ('Yth. ...') and the address "
                "('di ...'); REPLACE THE ADDRESSES with the street addresses your office writes to.",
    "triage": "Risk: which answers make a case DARURAT (tinggi) or sedang.",
    "sla": "Deadlines in hours: first contact by risk, the whole service (the office promises "
           "2 days), optional per step.",
    "whatsapp": "The discreet first message to the reporter: no word of violence, no names.",
    "duplicates": "When a new case is linked to an open one as a probable duplicate.",
    "letters": "Letters (Surat Tugas, Surat Rujukan). THE STAFF BELOW ARE PLACEHOLDERS: replace them with "
               "your officials (name, NIP, rank, position) before drafting real letters.",
    "monitoring": "Monitoring by the Konselor after a case is closed or referred: follow-up days per risk "
                  "level (tinggi = DARURAT, sooner) and how many days before its day a follow-up shows as due.",
    "poll_interval_seconds": "How often `python -m sync run` looks for new responses.",
    "heartbeat_minutes": "How often an idle cycle refreshes 'Diperbarui sistem' on the Panduan tab (a busy "
                         "cycle always does); the cell turns red when the worker seems stopped.",
    "worker": "Where the worker counts failed cycles (empty: beside the workbook; for Google under "
              "~/.local/state/sapa-sync/) and how many in a row raise the alarm (log tab, status, `once`); "
              "the largest request it sends to Google (max_request_bytes: more changes are written in parts, "
              "one cycle each, run back to back; a larger spreadsheet is read in parts; the workbook is written "
              "whole); on Google, how often an idle "
              "`run` reads the whole spreadsheet although nothing seems changed (full_read_every, in cycles); "
              "ping_url: an address (e.g. a Healthchecks check) fetched after every cycle that succeeds and, with "
              "/fail added, after one that fails, so that a stopped worker is noticed without the spreadsheet.",
    "recap": "The monthly recap in SIMFONI-PPA's categories (tab and `python -m sync report`): how the form's "
             "answers map to SIMFONI-PPA's values (an answer not mapped counts as 'Lainnya', with a warning), "
             "and the small counts the export that leaves the office shows as '<3'.",
    "notify": "Notifications on Telegram and e-mail (see README, 'Notifikasi'): recipients per role, as "
              "telegram:<chat id> or email:<address> (operator: the worker's own alarms); the bot token and the "
              "SMTP password are read from the environment variables named here, never from this file. Quiet "
              "hours hold everything but DARURAT and the worker's alarms; times are \"HH:MM\" (local) in quotes. "
              "Try it with `python -m sync doctor --notify-test`.",
}


def render() -> str:
    data = Settings().model_dump(mode="json")
    data["store"]["workbook"] = "sapa.xlsx"
    parts = [HEADER]
    for key, value in data.items():
        parts.append(f"\n# {SECTIONS[key]}\n")
        parts.append(yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, width=100))
    return "".join(parts)


if __name__ == "__main__":
    DEFAULT_CONFIG.write_text(render(), encoding="utf-8")
