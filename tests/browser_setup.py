"""Make sure Debian's chromium is there for the browser tests, installing it when we can (root or sudo)."""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def ensure_chromium() -> bool:
    if os.path.exists(CHROMIUM):
        return True
    apt = shutil.which("apt-get")
    if apt is None:
        return False
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return False
    print("Installing Debian's chromium for the browser tests…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, apt, "-qq", "update"], check=False, env=env)
    subprocess.run([*prefix, apt, "-qq", "install", "-y", "chromium"], check=False, env=env)
    return os.path.exists(CHROMIUM)


if __name__ == "__main__":
    if not ensure_chromium():
        message = f"chromium not found at {CHROMIUM} and could not be installed (needs root or sudo)."
        if os.environ.get("CI"):
            sys.exit(f"Error: {message}")
        print(f"Warning: {message} Browser tests will report as skipped.", file=sys.stderr)
