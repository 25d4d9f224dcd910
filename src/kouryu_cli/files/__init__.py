"""Files from people and for them: bytes within a limit, text decoded, YAML, tables, writing."""

from __future__ import annotations

import os

# Every data file (plan, actuals, forms) is read up to this many bytes: KOURYU_MAX_BYTES.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def max_bytes() -> int:
    """The size limit for data files: KOURYU_MAX_BYTES, or 64 MiB."""
    value = os.environ.get("KOURYU_MAX_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_BYTES
