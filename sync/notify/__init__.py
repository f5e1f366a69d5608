"""Notification channels (Telegram, e-mail) and the worker's ping: each sends one thing and says what came back.

Nothing here decides who is told what (`rules.notices`) or keeps the outbox: a channel sends one
text to one address, never raises, never sleeps, and reports a `Delivery` the sender acts on.
"""
