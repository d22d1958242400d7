"""Rules of accounts: who needs a second factor, when it is fresh, recovery codes, identities from the provider."""

from app.domain.accounts import (
    FRESH_SECOND_FACTOR,
    new_recovery_codes,
    normalise_recovery_code,
    second_factor_is_fresh,
    second_factor_required,
    token_hash,
)
from app.domain.permissions import Role
from app.domain.sso import identity_from_claims


def test_admins_leads_and_sponsors_need_a_second_factor_when_the_setting_says_so():
    assert second_factor_required(setting=True, is_admin=True, roles=[])
    assert second_factor_required(setting=True, is_admin=False, roles=[Role.VIEWER, Role.SPONSOR])
    assert second_factor_required(setting=True, is_admin=False, roles=["lead"])
    assert not second_factor_required(setting=True, is_admin=False, roles=[Role.OWNER, Role.VIEWER])
    assert not second_factor_required(setting=False, is_admin=True, roles=[Role.LEAD])


def test_a_second_factor_is_fresh_for_twelve_hours():
    now, limit = 1_900_000_000, int(FRESH_SECOND_FACTOR.total_seconds())
    assert limit == 12 * 3600
    assert second_factor_is_fresh(now - limit + 1, now)
    assert not second_factor_is_fresh(now - limit, now)
    assert not second_factor_is_fresh(None, now) and not second_factor_is_fresh(True, now)


def test_recovery_codes_are_ten_distinct_and_read_back_however_typed():
    codes = new_recovery_codes()
    assert len(set(codes)) == 10 and all(len(c) == 11 and c[5] == "-" for c in codes)
    assert normalise_recovery_code(codes[0].lower().replace("-", " ")) == codes[0]


def test_a_token_is_kept_as_its_sha256():
    assert token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_an_email_counts_as_verified_only_when_the_provider_says_so():
    base = {"iss": "https://login.example.org", "sub": "s", "email": "A@Example.org", "name": " Ann "}
    assert identity_from_claims({**base, "email_verified": True}).email_verified
    assert identity_from_claims({**base, "xms_edov": True}).email_verified  # Microsoft Entra ID's claim
    assert identity_from_claims({**base, "email_verified": "true"}).email_verified
    assert not identity_from_claims(base).email_verified
    assert not identity_from_claims({**base, "email_verified": False}).email_verified
    identity = identity_from_claims({**base, "email_verified": True})
    assert (identity.email, identity.name) == ("a@example.org", "Ann")
