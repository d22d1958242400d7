"""Profile one benchmark target in-process with pyinstrument: where a page's time goes, call by call.

    python -m bench.profile plan [--requests 20] [--html out.html]

Uses the database and manifest the last ``python -m bench.seed`` (or ``make bench``) left in bench/.data, signs
in as the target's user through a signed-in test client, and prints the server CPU per request and the call
tree. Profile on a quiet machine; compare CPU per request, not wall time.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa
from flask import url_for

from bench.seed import DATA_DIR, Manifest
from bench.targets import PAGE, TARGETS


def main() -> None:
    from pyinstrument import Profiler

    from app import create_app
    from app.auth.sessions import SignedInClient
    from app.config import Config
    from app.extensions import db
    from app.models import User

    pages = {t.key: t for t in TARGETS if t.kind == PAGE}
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=sorted(pages))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--html", help="write pyinstrument's HTML report here too")
    args = parser.parse_args()
    target = pages[args.target]

    manifest = Manifest.load(DATA_DIR / "manifest.json")
    config = Config(instance_dir=DATA_DIR / "instance")
    config.SQLALCHEMY_DATABASE_URI = manifest.database_url
    app = create_app(config)
    app.test_client_class = SignedInClient
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == target.user(manifest)))
        client = app.test_client(user=user)
    with app.test_request_context():
        url = url_for(target.endpoint, **target.params(manifest), **target.query)
    first = client.get(url)
    print(f"{url}: {first.status_code}, {len(first.data)} bytes")

    started = time.process_time()
    for _ in range(args.requests):
        client.get(url)
    cpu_ms = (time.process_time() - started) * 1000 / args.requests
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.requests):
            client.get(url)
    print(profiler.output_text(color=False, unicode=False))
    print(f"CPU per request without the profiler: {cpu_ms:.1f} ms")
    if args.html:
        with open(args.html, "w") as f:
            f.write(profiler.output_html())


if __name__ == "__main__":
    main()
