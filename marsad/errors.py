"""Errors a user can act on: printed as one line, never as a traceback."""


class UserError(Exception):
    """Bad input or configuration; the message names the file/line/URL and what is wrong."""


class InputError(UserError):
    """One input item (file, line, URL) could not be read; other items go on."""
