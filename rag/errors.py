"""Errors a user can act on: each message says what is wrong and how to fix it."""


class MitraError(Exception):
    """Base class; `str(error)` is a complete one-line message for the user."""


class ConfigError(MitraError):
    """A setting is missing or malformed."""


class IndexMissingError(MitraError):
    """There is no index yet, or it holds no articles."""

    def __init__(self, detail: str = "the index is empty") -> None:
        super().__init__(f"{detail}: build it with `mitra index` (or `mitra index PATH…`)")


class IndexDamagedError(MitraError):
    """The index's files are damaged; rebuilding it from the articles repairs it."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{detail}: run `mitra index --rebuild` (with your article folders)")


class StorageError(MitraError):
    """The data directory cannot be written: full disk, read-only folder."""


class ModelMismatchError(MitraError):
    """The index was built with another embedding model than the one configured."""


class IndexBusyError(MitraError):
    """Another `mitra index` run holds the lock."""


class QuestionError(MitraError):
    """The question is empty or too long."""


class LLMError(MitraError):
    """The LLM server is unreachable, too slow, or answered something unusable."""


class LocalModelError(MitraError):
    """The bundled model file cannot be found, assembled or verified."""


class ModelPackagesMissingError(LocalModelError):
    """Packages holding the model's parts are not installed (or not at the pinned version)."""


class ModelCorruptError(LocalModelError):
    """The model's parts do not add up to the expected file (size or SHA-256)."""


class NotGGUFError(LocalModelError):
    """A model path points at a file that is not a GGUF model."""


class ModelDiskFullError(LocalModelError):
    """There is no room to assemble the model file."""


class LLMLoadError(LLMError):
    """The local model could not be loaded (bad file, not enough memory, bad settings)."""


class ContextOverflowError(LLMError):
    """A request does not fit the local model's context; the caller should shorten the prompt."""

    def __init__(self, message: str, *, prompt_tokens: int, n_ctx: int) -> None:
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.n_ctx = n_ctx
