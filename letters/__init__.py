"""Official letters (Surat Tugas, Surat Rujukan): templates, rendering, document writers.

The cycle plans which letter to draft (sync/cycle/letters_step.py); a `LetterWriter` turns
an order into a document: a .docx file locally, a Google Doc on Google.
"""
