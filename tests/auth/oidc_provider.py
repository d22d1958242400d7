"""A real OpenID Connect provider on loopback for the tests: oidc-provider-mock (Authlib's provider), behind a
small WSGI layer that records what the client sent and can change the token endpoint's answer on its way back, as
an attacker between the two would."""

import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import oidc_provider_mock
import requests
import werkzeug.serving
from werkzeug.wrappers import Request


@dataclass
class Provider:
    issuer: str
    requests: list[tuple[str, dict]] = field(default_factory=list)  # (path, query or form) as the client sent them
    change_token: Callable[[dict], dict] | None = None  # rewrites the token endpoint's JSON answer

    def set_user(self, sub: str, **claims) -> None:
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign ``sub`` in at the provider's page (as the person would); returns where it sends the browser back."""
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def token_for(self, authorize_url: str, sub: str, *, client_id: str, redirect_uri: str) -> dict:
        """Run the provider's code flow as another client (``client_id``), with the nonce of ``authorize_url``."""
        from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

        parts = urlsplit(authorize_url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query.update(client_id=client_id, redirect_uri=redirect_uri)
        query.pop("code_challenge", None)
        query.pop("code_challenge_method", None)
        back = self.authorize(urlunsplit(parts._replace(query=urlencode(query))), sub)
        code = parse_qs(urlsplit(back).query)["code"][0]
        answer = requests.post(
            f"{self.issuer}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": "whatever",
            },
            timeout=5,
        )
        answer.raise_for_status()
        return answer.json()


class _Recorder:
    def __init__(self, app, provider: Provider):
        self.app, self.provider = app, provider

    def __call__(self, environ, start_response):
        # Read the body once and hand the provider a copy, so both see it.
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        request = Request({**environ, "wsgi.input": io.BytesIO(body)})
        sent = dict(request.form) if request.method == "POST" else dict(request.args)
        self.provider.requests.append((request.path, sent))
        change = self.provider.change_token
        if request.path != "/oauth2/token" or change is None:
            return self.app(environ, start_response)
        captured = {}

        def keep(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, keep))
        if captured["status"].startswith("200"):
            body = json.dumps(change(json.loads(body))).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def start() -> tuple[Provider, Callable[[], None]]:
    """Start the provider on 127.0.0.1 (any free port); returns it and a function that stops it."""
    provider = Provider(issuer="")
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, _Recorder(app, provider), threaded=True)
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return provider, stop
