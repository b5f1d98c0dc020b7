"""Error types the CLI turns into one clear line (never a traceback).

Library code raises these (or plain ValueError/KeyError) with a message that names the
problem, the file involved and what to do about it.
"""


class WordvecError(ValueError):
    """A user or data error: bad input, bad option, unusable file. CLI exit status 1."""


class CorpusError(WordvecError):
    """The corpus cannot be read or yields nothing to train on."""


class FormatError(WordvecError):
    """A vectors, vocabulary or co-occurrence file is malformed or of an unknown version."""


class ResourceError(WordvecError):
    """Not enough memory or disk for what was asked; the message says which option reduces it."""


class TrainingDiverged(WordvecError):
    """The loss became NaN or infinite; nothing is written."""


class Interrupted(BaseException):
    """SIGINT/SIGTERM arrived; carries how far the work got. CLI exit status 130 or 143.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way up
    (a reader turning read failures into CorpusError, say) can swallow it, while every
    ``finally`` and ``except BaseException`` cleanup still runs.
    """

    def __init__(self, message: str, signal_number: int = 2, note: str | None = None):
        super().__init__(message)
        self.signal_number = signal_number
        self.note = note        # what became of the work: where its checkpoint is, how to resume


class MissingExtra(WordvecError):
    """An optional extra (matplotlib for pictures, say) is not installed; the message is the
    one line that installs it."""
