"""Facilities that the scenario describes identically ("twins") and the pooling that gives them
one answer.

Each facility sees its own women, so two townships with the same beds, staff, booking share,
policy and travel times still simulate slightly different loads and intervals. Sized one by
one, a facility whose interval happens to sit at the edge of a level gets a different answer
from its twins, which no planner can act on. Sizing therefore treats a group of twins as one:
their offered loads are pooled (the mean over the group is a better estimate of each one's load
than any one of them), and in every round the group moves together: it meets a level only
when every member does, and its next capacity is the largest any member asks for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from capsim.scenario.models import Scenario
from capsim.sizing import requirements as req

#: Fields of a facility that name or place it and do not change what it does.
IDENTITY_FIELDS = {"id", "name", "name_en", "name_zh", "location"}

#: A placeholder for a twin in another facility's signature.
TWIN = "\0twin"


def twin_groups(scenario: Scenario) -> list[tuple[str, ...]]:
    """Groups of two or more facility ids that the scenario describes identically: the same
    facility fields apart from id, names and location, the same booking share, the same policy
    changes, the same diversion order and place in others' orders, and the same travel times
    (to each facility outside the group). Returns the groups in scenario order."""
    groups = _group(scenario, [f.id for f in scenario.facilities], {})
    # Refine with travel times, where a twin is any member of the same group, until stable.
    while True:
        member_of = {fid: n for n, g in enumerate(groups) for fid in g}
        refined = [g for group in groups for g in _group(scenario, group, member_of)]
        if len(refined) == len(groups):
            return [g for g in refined if len(g) > 1]
        groups = refined


def _group(scenario: Scenario, ids: Iterable[str],
           member_of: dict[str, int]) -> list[tuple[str, ...]]:
    by_signature: dict[tuple, list[str]] = defaultdict(list)
    for fid in ids:
        by_signature[_signature(scenario, fid, member_of)].append(fid)
    return [tuple(g) for g in by_signature.values()]


def _signature(scenario: Scenario, fid: str, member_of: dict[str, int]) -> tuple:
    facility = scenario.facility(fid)
    fields = facility.model_dump(exclude=IDENTITY_FIELDS & set(type(facility).model_fields))
    policy = sorted((str(p.date), p.beds, p.midwives, p.obstetricians, p.theatres,
                     str(p.delivers)) for p in scenario.policy if p.facility == fid)
    referral = scenario.referral

    def other(oid: str) -> str:
        same = member_of and member_of.get(oid) == member_of.get(fid)
        return TWIN if same else oid

    travel = []
    if member_of:
        for t in referral.transfers:
            if fid in t.between:
                rest = [x for x in t.between if x != fid] or [fid]
                travel.append((other(rest[0]), float(t.minutes)))
    placed = sorted((other(owner), order.index(fid))
                    for owner, order in referral.order.items() if fid in order)
    own_order = tuple(other(x) for x in referral.order.get(fid, ()))
    return (repr(sorted(fields.items())), scenario.demand.booking.get(fid, 0.0),
            tuple(policy), own_order, tuple(placed), tuple(sorted(travel)))


def pool_contexts(ctxs: dict[tuple[str, int], req.Context],
                  groups: list[tuple[str, ...]]) -> dict[tuple[str, int], req.Context]:
    """``ctxs`` with every twin's offered loads and DDI ceiling replaced by the group's mean
    in the same year (erlangs and shares, as in `capsim.sizing.requirements.Context`)."""
    out = dict(ctxs)
    years = {year for _, year in ctxs}
    for group in groups:
        for year in years:
            members = [ctxs[(fid, year)] for fid in group if (fid, year) in ctxs]
            if len(members) < 2:
                continue
            pooled = replace(
                members[0],
                bed_load=_mean(c.bed_load for c in members),
                delivery_bed_load=_mean(c.delivery_bed_load for c in members),
                labour_load=_mean(c.labour_load for c in members),
                theatre_load=_mean(c.theatre_load for c in members),
                ddi_ceiling=_mean(c.ddi_ceiling for c in members),
                ddi_ceiling_low=_mean(c.ddi_ceiling_low for c in members))
            for fid in group:
                if (fid, year) in out:
                    out[(fid, year)] = pooled
    return out


def _mean(values: Iterable[float]) -> float:
    xs = list(values)
    return sum(xs) / len(xs)


def join_verdicts(verdicts: dict, groups: list[tuple[str, ...]]) -> dict:
    """Per-key verdicts ``(met, least capacity, binding level)`` with each twin group's keys of
    one year and resource given the group's verdict: met only when every member met, and the
    largest least capacity any member asks for (with its binding level)."""
    out = dict(verdicts)
    group_of = {fid: n for n, g in enumerate(groups) for fid in g}
    together: dict[tuple, list] = defaultdict(list)
    for key in verdicts:
        fid, year, resource = key
        if fid in group_of:
            together[(group_of[fid], year, resource)].append(key)
    for keys in together.values():
        met = all(verdicts[k][0] for k in keys)
        _, best, binding = max((verdicts[k] for k in keys), key=lambda v: v[1])
        for k in keys:
            out[k] = (met, best, binding)
    return out
