"""Official letters (Surat Tugas, Surat Rujukan): templates, numbering, document writers.

Not built yet: the workflow drafts letters once issue 5 lands. Nothing imports this.
"""
