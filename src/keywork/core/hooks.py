"""Extension points between apps.

Apps sit in layers and import only from the layers below (``tests/test_layers.py``). When
something in a lower app must reach a higher one (a submitted check-in asks the signal engine
to look again, a recorded contact may be a boundary matter, emergency access widens whom a
worker may read), the lower app declares a hook in its own ``hooks.py`` and the
higher app registers on it from its ``AppConfig.ready``. The lower app calls what is
registered without knowing who registered it.

- ``Hook``: any number of registered functions, called in order.
- ``Slot``: exactly one provider (a value the lower app needs and a higher app owns).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class Hook(Generic[T]):
    """What higher apps register (functions, or descriptions of a part they add), each
    under a key, in ``order``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, tuple[int, T]] = {}

    def register(self, key: str, fn: T, *, order: int = 50) -> None:
        """Register ``fn`` under ``key``; registering the same key again replaces it, so a
        ``ready`` that runs twice registers once."""
        self._entries[key] = (order, fn)

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    @contextmanager
    def overridden(self, key: str, fn: T | None) -> Iterator[None]:
        """Within the block, ``key`` stands for ``fn`` (or for nothing, with None); for tests
        that replace what an app registered."""
        saved = self._entries.get(key)
        if fn is None:
            self._entries.pop(key, None)
        else:
            self._entries[key] = (saved[0] if saved else 50, fn)
        try:
            yield
        finally:
            if saved is None:
                self._entries.pop(key, None)
            else:
                self._entries[key] = saved

    def items(self) -> list[tuple[str, T]]:
        return [(key, fn) for key, (_order, fn) in
                sorted(self._entries.items(), key=lambda kv: (kv[1][0], kv[0]))]

    def __iter__(self) -> Iterator[T]:
        return iter([fn for _key, fn in self.items()])

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {', '.join(k for k, _ in self.items())}>"


class Slot(Generic[F]):
    """One function a higher app provides; calling the slot calls it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._fn: F | None = None

    def provide(self, fn: F) -> None:
        self._fn = fn

    @property
    def provided(self) -> bool:
        return self._fn is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._fn is None:
            raise RuntimeError(f"Nothing provides {self.name}: the app that owns it is not "
                               "installed, or its AppConfig.ready did not run.")
        return self._fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {'provided' if self._fn else 'empty'}>"
