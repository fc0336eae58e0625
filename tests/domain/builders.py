"""Build one-relationship batches for the signal tests, in the words of the rules."""

from __future__ import annotations

from collections.abc import Sequence

from keywork.domain.signals import (
    CheckinRow,
    ContactRow,
    RelationshipRow,
    SignalConfig,
    SignalResult,
    batch_from_rows,
    evaluate,
)

AS_OF = 20_000
REL = 7


def checkins(rater: str, values: Sequence[float | None], *, last_days_ago: int = 1,
             every: int = 7, at_max: Sequence[bool] = (), estimate: float | None = None
             ) -> list[CheckinRow]:
    """Check-ins oldest first, `every` days apart, the newest `last_days_ago` days ago."""
    n = len(values)
    flags = list(at_max) or [False] * n
    return [CheckinRow(REL, AS_OF - last_days_ago - every * (n - 1 - i), rater, v,
                       at_max=flags[i], estimate=estimate if rater == "keyworker" else None)
            for i, v in enumerate(values)]


def contacts(initiators: str, *, last_days_ago: int = 1, every: int = 2,
             missed: int = 0, kind: str | None = "session") -> list[ContactRow]:
    """Contacts oldest first from a string of initiators: w(orker), c(lient), o(ther).

    The first `missed` contacts were not attended.
    """
    codes = {"w": "worker", "c": "client", "o": "other"}
    n = len(initiators)
    return [ContactRow(REL, AS_OF - last_days_ago - every * (n - 1 - i), codes[ch],
                       attended=i >= missed, kind=kind)
            for i, ch in enumerate(initiators)]


def reciprocal(n: int = 20) -> list[ContactRow]:
    """Half started by the client, half of them everyday contact on the unit."""
    return [ContactRow(REL, AS_OF - 1 - 2 * i, "client" if i % 2 else "worker",
                       kind="everyday" if i % 4 < 2 else "session") for i in range(n)]


def one(*, client: Sequence[float | None] = (), worker: Sequence[float | None] = (),
        rows: Sequence[CheckinRow] = (), contact_rows: Sequence[ContactRow] | None = None,
        start_days_ago: int = 200, coerced: bool = False,
        config: SignalConfig | None = None) -> SignalResult:
    """Evaluate a single relationship. Default contact record: reciprocal, recent."""
    all_rows = [*checkins("client", client), *checkins("keyworker", worker), *rows]
    return evaluate(batch_from_rows(
        [RelationshipRow(REL, AS_OF - start_days_ago, coerced)], all_rows,
        reciprocal() if contact_rows is None else contact_rows, as_of_day=AS_OF), config)
