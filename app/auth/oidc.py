"""The OpenID Connect client (Authlib): authorization code flow with PKCE (S256), state and nonce, the provider
found from its issuer's discovery document.

The ID token is checked here rather than left to Authlib's defaults, so that every check is explicit: its
signature against the provider's published keys (one of the algorithms the provider names, never "none" or a
shared-secret algorithm), ``iss`` equal to OIDC_ISSUER, ``aud`` holding OIDC_CLIENT_ID (and ``azp`` naming it when
there are several), ``exp`` in the future and ``iat`` not, and ``nonce`` equal to the one this browser's sign-in
sent. The state names this browser's sign-in and is forgotten as the provider's answer is read, so an answer
cannot be replayed, nor one meant for another browser accepted.
"""

import time

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import Flask, current_app, session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from requests import RequestException

clock = time.time  # tests move it
LEEWAY_SECONDS = 60  # clock difference allowed between the provider and this server
_NAME = "oidc"
_ASYMMETRIC = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}


class SignInFailed(Exception):
    """The provider's answer cannot be trusted or used; ``reason`` is for the security log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def init_app(app: Flask) -> None:
    """Register the provider's client when single sign-on is set up (OIDC_ISSUER); nothing otherwise."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        _NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "default_timeout": 10},
    )


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _client():
    return current_app.extensions["authlib.integrations.flask_client"].create_client(_NAME)


def _metadata(client) -> dict:
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        # OpenID Connect Discovery: the document must be the configured issuer's own.
        raise SignInFailed(f"discovery document names issuer {metadata.get('issuer')!r}, not OIDC_ISSUER")
    return metadata


def authorize_url(redirect_uri: str, *, again: bool = False) -> str:
    """Where to send the browser to sign in (``again``: sign in afresh, for an action that needs it). The state,
    nonce and PKCE verifier are kept in this browser's session."""
    client = _client()
    try:
        _metadata(client)
        extra = {"prompt": "login", "max_age": 0} if again else {}
        found = client.create_authorization_url(redirect_uri, **extra)
    except (RequestException, OAuthError, ValueError) as error:
        raise SignInFailed(f"provider unreachable: {error}") from error
    client.save_authorize_data(redirect_uri=redirect_uri, **found)
    return found["url"]


def finish(args: dict) -> dict:
    """The verified claims of the ID token the provider's answer (``args``: the callback's query) leads to.

    Raises SignInFailed for an error from the provider, a state this browser did not start (or already used), a
    failed code exchange, or an ID token that fails any check.
    """
    client = _client()
    state = args.get("state") or ""
    data = client.framework.get_state_data(session, state) if state else None
    if state:
        client.framework.clear_state_data(session, state)  # one use, whatever follows
    if args.get("error"):
        raise SignInFailed(f"provider answered {args.get('error')}: {args.get('error_description') or ''}".strip())
    if not data or not data.get("nonce") or not data.get("code_verifier"):
        raise SignInFailed("state unknown to this browser, or already used")
    if not args.get("code"):
        raise SignInFailed("no authorization code")
    try:
        metadata = _metadata(client)
        token = client.fetch_access_token(
            code=args["code"], state=state, code_verifier=data["code_verifier"], redirect_uri=data["redirect_uri"]
        )
    except (RequestException, OAuthError, ValueError) as error:
        raise SignInFailed(f"code exchange failed: {error}") from error
    return verify_id_token(
        token,
        keys=lambda force: client.fetch_jwk_set(force=force),
        issuer=current_app.config["OIDC_ISSUER"],
        client_id=current_app.config["OIDC_CLIENT_ID"],
        nonce=data["nonce"],
        algorithms=metadata.get("id_token_signing_alg_values_supported") or ["RS256"],
        now=int(clock()),
    )


def verify_id_token(token: dict, *, keys, issuer: str, client_id: str, nonce: str, algorithms, now: int) -> dict:
    """The claims of ``token["id_token"]`` once every check passes; raises SignInFailed naming the first that
    fails. ``keys(force)`` gives the provider's JWKS (``force``: fetch it again, as after a key rotation)."""
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInFailed("no ID token")
    allowed = [alg for alg in algorithms if alg in _ASYMMETRIC]
    if not allowed:
        raise SignInFailed(f"provider offers no acceptable signing algorithm ({algorithms})")
    registry = JWSRegistry(algorithms=allowed, strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(id_token, KeySet.import_key_set(keys(False)), registry=registry)
        except JoseError:
            decoded = jwt.decode(id_token, KeySet.import_key_set(keys(True)), registry=registry)
    except (JoseError, ValueError, RequestException) as error:
        raise SignInFailed(f"ID token signature not valid: {error}") from error
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }
    params = {"nonce": nonce, "client_id": client_id}
    if "access_token" in token:
        params["access_token"] = token["access_token"]
    claims = CodeIDToken(decoded.claims, decoded.header, options, params)
    try:
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except JoseError as error:
        raise SignInFailed(f"ID token refused ({getattr(error, 'claim', 'claims')}): {error}") from error
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SignInFailed("ID token has no subject")
    return dict(claims)
