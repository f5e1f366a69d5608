"""Stores: the one interface to a spreadsheet and its two implementations (the .xlsx workbook, Google Sheets).

May import `rules` and `config`; never `sync.cycle` or `sync.commands` (import-linter enforces it).
"""
