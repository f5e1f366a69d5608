"""The cycle: read the snapshot into typed records, plan with the rules, write once.

May import `rules`, `config`, `letters` and `sync.stores`; never `sync.commands`.
"""
