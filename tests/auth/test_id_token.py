"""The ID token checks, one by one, with keys made here (the provider tests cover them against a real provider)."""

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from app.auth.oidc import SignInFailed, verify_id_token

ISSUER, CLIENT, NONCE = "https://login.example.org/tenant/v2.0", "highlight", "n-123"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
NOW = int(time.time())


def _claims(**changes) -> dict:
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "s-1", "iat": NOW, "exp": NOW + 600, "nonce": NONCE}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _verify(token: str, now: int = NOW) -> dict:
    keys = KeySet([KEY]).as_dict(private=False)
    return verify_id_token(
        {"id_token": token},
        keys=lambda force: keys,
        issuer=ISSUER,
        client_id=CLIENT,
        nonce=NONCE,
        algorithms=["RS256", "HS256", "none"],
        now=now,
    )


def _signed(**changes) -> str:
    return jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(**changes), KEY)


def test_a_good_token_gives_its_claims():
    assert _verify(_signed())["sub"] == "s-1"


@pytest.mark.parametrize(
    "changes, check",
    [
        ({"iss": "https://evil.example.org"}, "iss"),
        ({"aud": "another-app"}, "aud"),
        ({"aud": None}, "aud"),
        ({"nonce": "other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"exp": NOW - 120}, "exp"),
        ({"iat": NOW + 3600}, "iat"),
        ({"sub": None}, "sub"),
    ],
)
def test_each_claim_is_checked(changes, check):
    with pytest.raises(SignInFailed) as failed:
        _verify(_signed(**changes))
    assert check in failed.value.reason


def test_an_unsigned_or_shared_secret_token_is_refused_even_if_the_provider_lists_it():
    shared = jwt.encode({"alg": "HS256"}, _claims(), OctKey.import_key(b"a secret anyone could hold, 32+ bytes"))
    with pytest.raises(SignInFailed):
        _verify(shared)
    header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=").decode()
    with pytest.raises(SignInFailed):
        _verify(f"{header}.{body}.")


def test_a_token_signed_by_another_key_is_refused():
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(SignInFailed) as failed:
        _verify(jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(), other))
    assert "signature" in failed.value.reason
