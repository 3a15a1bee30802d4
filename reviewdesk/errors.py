"""Errors that carry a message meant for a person, not a traceback."""


class ReviewdeskError(Exception):
    """A failure the user can understand and act on; its text is shown as it is."""

    exit_code = 1


class InvalidInput(ReviewdeskError):
    """Bad input from the user: a date, number, name, file or field value. Exit status 2."""

    exit_code = 2
