"""A facility's own casemix: the figures of the women who book there, where they differ from
the region's.

A region's caesarean rates, stays, labours and complications serve every facility alike;
real units range from a caesarean share of 1% to 38%. A facility may carry a
`FacilityCasemix` (``facilities[].casemix``) that overrides, for the women who book at
it, any of:

- the risk mix of its bookings (the share of its women in each risk colour);
- planned and emergency caesarean rates, by risk colour;
- postnatal length of stay after a vaginal birth and after a caesarean;
- the duration of active labour, for all its women, by risk colour, or with a complication;
- the probability of an intrapartum complication, by risk colour.

What is not given is the region's. The override follows the woman from her booking: she
keeps her figures if she is referred or diverted elsewhere, as she keeps her random numbers
(each override turns the same uniform number into her value, so a scenario without any
override draws exactly the women it drew before).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from capsim.distributions import Distribution
from capsim.scenario.base import Real, RiskColour, Strict, check_every_colour, check_shares


class FacilityCasemix(Strict):
    """The casemix of the women who book at one facility, where it differs from the region's;
    every field is optional and falls back on the region's figure."""

    risk_mix: dict[RiskColour, Real] = Field(
        default_factory=dict,
        description="Share of the women booked here in each risk colour, summing to 1 (share): "
        "the booking shares by risk colour. All five colours, or none (the region's mix).",
    )
    planned_caesarean_rate: dict[RiskColour, Real] = Field(
        default_factory=dict,
        description="Probability of a planned (pre-labour) caesarean, by risk colour "
        "(probability); colours not listed keep the region's rate. Listed colours keep this "
        "rate through the region's dated caesarean-rate changes.",
    )
    emergency_caesarean_rate: dict[RiskColour, Real] = Field(
        default_factory=dict,
        description="Probability that a woman in labour needs an emergency caesarean, by risk "
        "colour (probability); colours not listed keep the region's rate.",
    )
    intrapartum_complication: dict[RiskColour, Real] = Field(
        default_factory=dict,
        description="Probability of a complication in labour that needs critical maternal "
        "care, by risk colour (probability); colours not listed keep the region's.",
    )
    postnatal_vaginal: Distribution | None = Field(
        None, description="Time in bed after a vaginal birth (days).")
    postnatal_caesarean: Distribution | None = Field(
        None, description="Time in bed after a caesarean (days).")
    labour: Distribution | None = Field(
        None, description="Hours of active labour of every woman booked here (hours).")
    labour_by_colour: dict[RiskColour, Distribution] = Field(
        default_factory=dict,
        description="Hours of active labour by risk colour (hours), before 'labour'.")
    labour_with_complication: Distribution | None = Field(
        None, description="Hours of active labour of a woman with an intrapartum complication "
        "(hours), before the other two.")

    @model_validator(mode="after")
    def _valid(self) -> FacilityCasemix:
        if self.risk_mix:
            check_every_colour(self.risk_mix, "risk_mix")
            check_shares(self.risk_mix, "risk_mix shares")
        for name in ("planned_caesarean_rate", "emergency_caesarean_rate",
                     "intrapartum_complication"):
            for colour, p in getattr(self, name).items():
                if not 0 <= p <= 1:
                    raise ValueError(f"{name}.{colour} must be a probability from 0 to 1, "
                                     f"got {p}")
        return self

    def labour_for(self, colour: RiskColour, complicated: bool) -> Distribution | None:
        """The distribution of active labour (hours) of a woman of ``colour`` booked here,
        with or without a complication; None where the region's applies."""
        if complicated and self.labour_with_complication is not None:
            return self.labour_with_complication
        return self.labour_by_colour.get(colour, self.labour)
