"""Every reply line the SMTP front answers with, named so tests and code say what they mean."""

from __future__ import annotations

S250_OK = "250 2.0.0 OK: queued"
S250_DUPLICATE = "250 2.0.0 OK: already received"
S250_RCPT_OK = "250 2.1.5 OK"
S451_TRY_AGAIN = "451 4.3.0 Temporary failure storing the message, try again later"
S451_SHUTTING_DOWN = "451 4.3.2 Service shutting down, try again later"
S421_ERROR = "421 4.3.0 Local error, closing connection"
S452_TOO_MANY_RCPTS = "452 4.5.3 Too many recipients"
S550_RELAY_DENIED = "550 5.7.1 Relaying denied: this server only receives mail for its own domain"
S550_NO_SUCH_USER = "550 5.1.1 No such user here"
S552_TOO_BIG = "552 5.3.4 Message too big for this server"
S554_NO_VALID_RCPT = "554 5.5.1 No valid recipients"
S500_LINE_TOO_LONG = "500 5.5.2 Line too long"

MAX_RECIPIENTS = 50
