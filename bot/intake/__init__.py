"""Email intake: receive raw mail durably, then parse, filter and apply it in one transaction.

`receive` files raw bytes (the only thing a channel does before answering), `worker` picks
filed messages up, `noise` decides what must never become a contact, `apply` turns a parsed
email into store changes, `reply` writes what the forwarder is told.
"""
