"""A per-installation secret key for the embedded first look, generated once and kept in the data dir."""

import secrets
from pathlib import Path


def local_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.touch(mode=0o600)
        path.write_text(key)
        return key
