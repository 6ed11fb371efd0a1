"""A whole file that cannot be loaded: the Chinese message is all the user sees."""


class FileRejected(Exception):
    """Raised with a message for data stewards; never carries a cell's content."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
