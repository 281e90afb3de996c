"""Values kept by the identity of the objects they were worked out from (capsim.kept)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from capsim.kept import KeptByIdentity


def test_a_value_is_worked_out_once_for_the_same_objects_and_again_for_equal_others():
    kept: KeptByIdentity[int] = KeptByIdentity(4)
    calls = []
    a, b = [1], [1]                     # equal, not the same object

    def work(x):
        return lambda: calls.append(x) or len(calls)

    assert kept.get((a,), work("a")) == 1
    assert kept.get((a,), work("a again")) == 1
    assert kept.get((b,), work("b")) == 2
    assert kept.get((a,), work("a"), extra="other") == 3   # another extra: another value
    assert calls == ["a", "b", "a"]


@given(st.lists(st.integers(0, 9), max_size=60), st.integers(1, 5))
def test_at_most_size_values_are_kept_and_the_oldest_goes_first(order, size):
    objects = [object() for _ in range(10)]
    kept: KeptByIdentity[int] = KeptByIdentity(size)
    held: list[int] = []                # the model: the objects kept, oldest first
    for i in order:
        worked: list[int] = []
        kept.get((objects[i],), lambda i=i, worked=worked: worked.append(i) or i)
        assert worked == ([] if i in held else [i])
        if i not in held:
            held.append(i)
            del held[:-size]
