"""The sign-in throttle: strict per account tried, generous per client address, one count for the whole service.

Both limits count in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``: the app's database by default, or Redis or
memcached), which every worker and server shares. The per-address limit is Flask-Limiter's decorator on the sign-in
route; its address is ``request.remote_addr``, which comes from X-Forwarded-For only through ProxyFix with
``TRUSTED_PROXIES`` set. Behind a proxy without it every visitor shares the proxy's address, which is why that
limit is generous: guessing at accounts slows those accounts, never everyone.

The per-account limit counts a try before the password is checked (one atomic increment, so workers racing on one
account cannot pass the limit between them) and forgets the account's tries when a sign-in succeeds: only
failures add up. Unknown addresses are counted exactly as known ones, so a refusal says nothing about whether an
account exists.
"""

import hashlib
import math
import time

from flask import current_app
from limits import RateLimitItem, parse

from app.extensions import limiter

_SCOPE = "sign-in-account"


class TooManyTries(Exception):
    """The account tried has had its share of sign-in tries for now; ``retry_after`` seconds until the next."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many sign-in tries; retry after {retry_after} seconds")
        self.retry_after = retry_after


def address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_LIMIT"]


def _account_limit() -> RateLimitItem:
    return parse(current_app.config["SIGN_IN_ACCOUNT_LIMIT"])


def _account(email: str) -> str:
    # The address as the sign-in matches it (trimmed, any case), hashed: the count's key never holds what was typed.
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


# The same per-account limit, counted apart, for codes of the second factor and for password reset emails.
SECOND_FACTOR = "second-factor"
RESET = "password-reset"


def count_try(email: str, scope: str = _SCOPE) -> None:
    """Count one try at ``email``'s account (a sign-in, or another ``scope``). Raises TooManyTries once the
    account has used its limit."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    item, account = _account_limit(), _account(email)
    if not limiter.limiter.hit(item, scope, account):
        reset_at, _ = limiter.limiter.get_window_stats(item, scope, account)
        raise TooManyTries(max(1, math.ceil(reset_at - time.time())))


def forget_tries(email: str, scope: str = _SCOPE) -> None:
    """A try at ``email`` succeeded: its account starts again with a full allowance."""
    if current_app.config["RATELIMIT_ENABLED"]:
        limiter.limiter.clear(_account_limit(), scope, _account(email))
