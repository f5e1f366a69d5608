"""Commands: the CLI and what it runs (demo, init, doctor, status, bench, self-test).

May import everything of the product; nothing imports it but `sync.__main__`.
"""
