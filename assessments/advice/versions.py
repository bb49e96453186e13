"""What every rulebook edition shares: version numbers, sources, errors.

Kept apart so that neither edition's loader depends on the other's.
"""

import re

# The first edition of the advice spec; newer versions are second-edition.
FIRST_EDITION = ("2026.1", "2026.2")
SOURCES = ("article", "house")
# Year, dot, release number: nothing that could climb out of the directory.
VERSION_PATTERN = re.compile(r"\d{4}\.\d{1,3}")


class UnknownRulebook(LookupError):
    """No rulebook with that version exists (or the version string is invalid)."""


class RulebookError(ValueError):
    """A rulebook file is malformed; a bug in the data, not in the answers."""
