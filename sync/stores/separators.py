"""The separator between a formula's arguments, by where the worker writes the formula.

Google parses a formula written through the API (a cell's `formulaValue`, a conditional format's or a
validation rule's custom formula) in the spreadsheet's own locale (File > Settings > Locale). Where
the decimal separator is a comma, as in the `id_ID` spreadsheet an Indonesian account makes, a `,`
between arguments does not parse: the cell shows #ERROR! ("Formula parse error."), as reported for
Turkish, German, Swedish, Dutch and Argentinian spreadsheets (googleapis/google-api-nodejs-client#1994,
cloudflare/cloudflare-docs#7616, serpapi/public-roadmap#1684). A `;` has separated arguments in every
locale since 2019 (mricon/ingress-fieldplan#5: "Google now accepts semicolons in all locales"), so
every formula the worker writes to Google separates its arguments with `;`.

An .xlsx file stores formulas in the file format's own syntax, whose separator is always `,`
whatever the locale of the program that shows it (Excel and LibreOffice show them in the user's
locale, with `;` where theirs writes 1,5): a `;` written there is a broken formula. The local store
writes `,`.
"""

from __future__ import annotations

GOOGLE = ";"  # parses in every Google Sheets locale
XLSX = ","  # the .xlsx file format's own syntax
