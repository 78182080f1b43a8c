"""Linli's settings with the public form's per-address limits lifted: the benches send every
request from 127.0.0.1, which the real limits (rightly) stop after five an hour."""

from linli.settings import *  # noqa: F403

LINLI_PUBLIC_FORM_LIMITS = {"ip": (10**9, 3600), "phone": (10**9, 3600)}
