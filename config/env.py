"""The environment every settings module reads: `.env` at the root, then the process's own."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Read here once, since several settings modules choose their defaults by it.
DEBUG = env.bool("DEBUG", default=False)
