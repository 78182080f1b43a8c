"""Logging of the server: what a line says, and what it leaves out."""

import logging


class OneLineRefusals(logging.Filter):
    """A refusal (403) is logged as its one line, "Forbidden (Permission denied): /path":
    Django attaches the PermissionDenied's traceback, which says nothing a refusal needs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
