"""Newsletters: campaigns, their audience, sending, bounces, unsubscribes and consent.

Entry points other layers use:
- `runner.run(db, settings, now)`: the scheduler's sweep.
- `bounces.handle_bounce_message(session, raw, rcpt, now=)`: mail to bounces+/unsubscribe+.
- `consent.request_subscription(session, email, requested_by=, settings=, now=)`.
"""
