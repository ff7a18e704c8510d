"""The one error type the ETL raises for bad input.

Every reader and extractor failure a user can cause is a `DocumentError`
naming the file and the problem, so callers can report it and go on.
"""


class DocumentError(Exception):
    """A document (or its metadata) cannot be loaded; `source` names it."""

    def __init__(self, source, reason):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")
