"""The property's strategies live with the self-test that also runs them: `sync/commands/selftest/strategies.py`."""

from sync.commands.selftest.strategies import ROWS, keeps_every_response_and_makes_no_formula

__all__ = ["ROWS", "keeps_every_response_and_makes_no_formula"]
