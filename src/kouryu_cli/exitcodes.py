"""Exit statuses, in one place (kept free of imports: the console script loads it first)."""

EXIT_OK = 0
EXIT_NOTHING_FOUND = 1  # also: two editions differ
EXIT_USAGE = 2
EXIT_PLAN_FILE = 3
EXIT_INTERNAL = 70  # a bug: unexpected exceptions
EXIT_INTERRUPTED = 130
