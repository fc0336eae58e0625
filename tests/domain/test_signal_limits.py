"""The no-contact limit is one rule for one client and for a batch: the shorter limit for a
client in care under formal power, the organisation's values where it set them."""

from __future__ import annotations

import numpy as np
import pytest

from keywork.domain.signals import SignalConfig


@pytest.mark.parametrize(("overrides", "coerced", "expected"), [
    ({}, False, 14),
    ({}, True, 7),
    ({"no_contact_days": 10}, False, 10),
    ({"no_contact_days": 10}, True, 7),
    ({"coerced_no_contact_days": 3}, True, 3),
    ({"coerced_no_contact_days": 21}, True, 21),  # an organisation may choose a longer one
])
def test_the_no_contact_limit_for_one_client(overrides, coerced, expected):
    limit = SignalConfig.from_dict(overrides).no_contact_limit(coerced)
    assert limit == expected
    assert isinstance(limit, int)


def test_the_no_contact_limit_for_a_batch_is_the_same_rule_row_by_row():
    cfg = SignalConfig.from_dict({"no_contact_days": 12, "coerced_no_contact_days": 4})
    flags = np.array([True, False, False, True])
    limits = cfg.no_contact_limit(flags)
    assert limits.tolist() == [4, 12, 12, 4]
    assert limits.tolist() == [cfg.no_contact_limit(bool(f)) for f in flags]
