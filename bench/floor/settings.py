"""Linli's settings with one more API route, for bench/intake_bench.py --floor only."""

from linli.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor.urls"
