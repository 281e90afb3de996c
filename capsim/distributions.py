"""Probability distributions used by scenario files.

A distribution is a small validated object that knows its mean and variance and turns
uniform random numbers into values by inverse transform (``ppf``). Drawing by inverse
transform keeps common random numbers between scenarios: the same woman keeps the same
uniform number, so a longer mean stay gives *her* a longer stay, not a different woman.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator
from scipy import special

from capsim.limits import MAX_DURATION, bound

DistributionKind = Literal["fixed", "exponential", "lognormal", "gamma"]
#: A number (an int or a float, never a boolean or a text), as scenario fields take them.
_Real = Annotated[float, Strict()]


class Distribution(BaseModel):
    """A positive random duration or quantity, given by its mean and standard deviation.

    The unit is set by the field that holds the distribution (hours, days or minutes);
    the field's description says which.
    """

    # Finite numbers only, as in every scenario model.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    dist: DistributionKind = Field(
        "lognormal",
        description="Family: fixed (always the mean), exponential (sd = mean), "
        "lognormal or gamma (both need sd).",
    )
    mean: _Real = Field(..., gt=0, le=MAX_DURATION,
                        description="Mean (unit of the field)." + bound(MAX_DURATION))
    sd: _Real | None = Field(
        None,
        ge=0,
        le=MAX_DURATION,
        description="Standard deviation (unit of the field); sets the shape at a fixed "
        "mean. Required for lognormal and gamma; must equal the mean (or be left out) for "
        "exponential; ignored for fixed." + bound(MAX_DURATION),
    )

    @model_validator(mode="after")
    def _check_shape(self) -> Distribution:
        if self.dist in ("lognormal", "gamma") and (self.sd is None or self.sd <= 0):
            raise ValueError(f"a {self.dist} distribution needs sd > 0")
        if self.dist == "exponential" and self.sd is not None and not math.isclose(
            self.sd, self.mean, rel_tol=1e-9
        ):
            raise ValueError("an exponential distribution has sd = mean; leave sd out")
        return self

    @property
    def std(self) -> float:
        """Standard deviation in the field's unit (0 for fixed)."""
        if self.dist == "fixed":
            return 0.0
        if self.dist == "exponential":
            return self.mean
        if self.sd is None:  # only when built unvalidated: _check_shape requires it
            raise ValueError(f"a {self.dist} distribution needs sd > 0")
        return float(self.sd)

    @property
    def variance(self) -> float:
        """Variance in the field's unit squared."""
        return self.std**2

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Return the quantiles of uniform numbers ``u`` in (0, 1), in the field's unit."""
        u = np.asarray(u, dtype=float)
        if u.ndim == 0:  # one number: its quantile, as a number
            return self.ppf(u.reshape(1))[0]
        if self.dist == "fixed":
            return np.full_like(u, self.mean)
        # Each formula worked in one array, in place: a cohort's draws are long, and the same
        # operations in the same order give the same bits as with a new array for each step.
        if self.dist == "exponential":
            out = np.negative(u)
            np.log1p(out, out=out)
            out *= -self.mean
            return out
        if self.dist == "lognormal":
            sigma2 = math.log1p((self.std / self.mean) ** 2)
            mu = math.log(self.mean) - sigma2 / 2
            out = special.ndtri(u)
            out *= math.sqrt(sigma2)
            out += mu
            return np.exp(out, out=out)
        shape = (self.mean / self.std) ** 2
        scale = self.std**2 / self.mean
        out = special.gammaincinv(shape, u)
        out *= scale
        return out

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Return ``n`` draws in the field's unit, using one uniform number per draw."""
        return self.ppf(rng.random(n))
