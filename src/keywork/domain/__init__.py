"""Keywork's pure core: instruments and scoring, relationship signals, planted test data.

Nothing here imports Django or any other part of Keywork (a test fails if it does). The
functions work on frozen dataclasses and numpy arrays, and the same vectorised code serves
one relationship on a web request and every relationship of a service in a bulk job.

- `instruments`: check-in forms as data (loaded from YAML), scoring, reliable change.
- `signals`: the relationship pattern, its reasons, and the alerts.
- `synth`: planted patterns for tests and the benchmark.
"""

from __future__ import annotations

from keywork.domain.errors import DomainError

__all__ = ["DomainError"]
