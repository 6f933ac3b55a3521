"""The operator's policy file: carbon budgets per namespace or workload (TOML or YAML, e.g. from a ConfigMap).

::

    [[budgets]]
    name = "PAYMENTS_2026"          # a code like a standard's, so it can be passed as `standard`
    namespace = "payments"
    workload = "checkout"           # optional: without it (or a selector) the budget covers the whole namespace
    # selector = { team = "checkout" }  # or: the pods carrying these labels (kube-state-metrics kube_pod_labels)
    kgco2eq_per_month = 40          # or kwh_per_month (IT energy, as Kepler measures it)
    reduction_percent_per_year = 5  # optional path: the budget shrinks 5 % a year from base_year
    base_year = 2026

    shiftable = ["reports/pdf-renderer"]  # services whose work can move in time, beside Jobs and CronJobs

    [[functional_units]]            # SCI's R: (O + M) / R per unit of work
    namespace = "payments"
    unit = "request"
    rate_query = 'sum(rate(http_requests_total{namespace="payments"}[5m]))'

A budget is the operator's own yardstick: its verdict is the one that depends on the workload's energy
(docs/methodology.md §6.3.1). Errors name the file, the line and the field.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from carbon_kepler_mcp.domain.expression import validate_promql_expression
from carbon_kepler_mcp.errors import DataError, InvalidArgumentError

__all__ = ["Budget", "FunctionalUnit", "Policy", "load_policy"]

_CODE = r"^[A-Z][A-Z0-9_]{1,63}$"
_NAME = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"
_LABEL_KEY = r"^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
_LABEL_VALUE = r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$"


class Budget(BaseModel):
    """A monthly carbon (or energy) budget for a namespace or one workload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(pattern=_CODE)]
    namespace: Annotated[str, StringConstraints(pattern=_NAME, max_length=63)]
    workload: Annotated[str, StringConstraints(pattern=_NAME)] | None = None
    selector: dict[
        Annotated[str, StringConstraints(pattern=_LABEL_KEY)], Annotated[str, StringConstraints(pattern=_LABEL_VALUE)]
    ] = Field(default_factory=dict[str, str])
    """Label selector (key = value, all must match): the pods of the namespace that carry these labels, from
    kube-state-metrics ``kube_pod_labels`` (its ``--metric-labels-allowlist`` must name the keys)."""
    kgco2eq_per_month: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    kwh_per_month: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """IT energy (Kepler's), so an energy budget needs no PUE."""
    reduction_percent_per_year: float = Field(default=0.0, ge=0, lt=100, allow_inf_nan=False)
    base_year: int | None = Field(default=None, ge=2000, le=2100)
    description: str | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> Self:
        if (self.kgco2eq_per_month is None) == (self.kwh_per_month is None):
            raise ValueError("give exactly one of kgco2eq_per_month and kwh_per_month")
        if self.workload is not None and self.selector:
            raise ValueError("give a workload or a selector, not both")
        if self.reduction_percent_per_year and self.base_year is None:
            raise ValueError("reduction_percent_per_year needs base_year (the year the amount is for)")
        return self

    @property
    def unit(self) -> Literal["kgCO2eq", "kWh"]:
        return "kgCO2eq" if self.kgco2eq_per_month is not None else "kWh"

    @property
    def scope(self) -> str:
        if self.selector:
            labels = ",".join(f"{key}={value}" for key, value in sorted(self.selector.items()))
            return f"namespace {self.namespace}, pods labelled {labels}"
        return f"{self.namespace}/{self.workload}" if self.workload else f"namespace {self.namespace}"

    def amount_for(self, year: int) -> float:
        """This year's monthly amount: the base amount reduced by the yearly path since ``base_year``."""
        base = self.kgco2eq_per_month if self.kgco2eq_per_month is not None else self.kwh_per_month
        assert base is not None
        years = 0 if self.base_year is None else max(0, year - self.base_year)
        return base * (1 - self.reduction_percent_per_year / 100) ** years


class FunctionalUnit(BaseModel):
    """SCI's R for a workload or namespace: a PromQL per-second rate of the work it does (requests, jobs, ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    namespace: Annotated[str, StringConstraints(pattern=_NAME, max_length=63)]
    workload: Annotated[str, StringConstraints(pattern=_NAME)] | None = None
    unit: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9 _-]{0,39}$")]
    """What one unit is, e.g. ``request`` (SCI is then gCO2eq per request)."""
    rate_query: str
    """A PromQL per-second rate, e.g. ``sum(rate(http_requests_total{namespace="payments"}[5m]))``."""

    @field_validator("rate_query")
    @classmethod
    def _valid_promql(cls, value: str) -> str:
        try:
            return validate_promql_expression(value, "rate_query")
        except InvalidArgumentError as exc:
            raise ValueError(str(exc)) from None


class Policy(BaseModel):
    """Everything the policy file declares (no file: no budgets)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    budgets: tuple[Budget, ...] = ()
    functional_units: tuple[FunctionalUnit, ...] = ()
    shiftable: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][-a-z0-9.]*/[a-z0-9][-a-z0-9.]*$")], ...] = ()
    """``namespace/workload`` of services whose work can move in time (beside Jobs and CronJobs)."""
    source: str | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [b.name for b in self.budgets]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate:
            raise ValueError(f"budget name {duplicate!r} is used twice")
        return self

    def is_shiftable(self, namespace: str, workload: str) -> bool:
        """Whether the operator marked the workload as able to run at another time."""
        return f"{namespace}/{workload}" in self.shiftable

    def functional_unit(self, namespace: str, workload: str) -> FunctionalUnit | None:
        """The functional unit declared for a workload (its own first, then its namespace's)."""
        own = next((u for u in self.functional_units if u.namespace == namespace and u.workload == workload), None)
        if own is not None:
            return own
        return next((u for u in self.functional_units if u.namespace == namespace and u.workload is None), None)

    def budget(self, name: str) -> Budget | None:
        return next((b for b in self.budgets if b.name == name), None)

    def covering(self, namespace: str, workload: str | None) -> Budget | None:
        """The most specific budget covering a workload (its own first, then its namespace's); label-selector budgets
        are matched apart (:meth:`selector_budgets`), as membership needs the pods' labels."""
        plain = [b for b in self.budgets if b.namespace == namespace and not b.selector]
        own = next((b for b in plain if workload is not None and b.workload == workload), None)
        return own or next((b for b in plain if b.workload is None), None)

    def selector_budgets(self, namespace: str) -> tuple[Budget, ...]:
        """The namespace's budgets that choose pods by label (membership needs kube-state-metrics)."""
        return tuple(b for b in self.budgets if b.namespace == namespace and b.selector)


def load_policy(path: Path | None) -> Policy:
    """The policy in ``path`` (``.toml``, ``.yaml`` or ``.yml``); an empty policy when ``path`` is None."""
    if path is None:
        return Policy()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            f"policy file {path}: cannot be read ({exc.strerror or exc}); fix CARBON_KEPLER_POLICY_FILE"
        ) from None
    yaml_file = path.suffix.lower() in (".yaml", ".yml")
    raw, lines = _parse_yaml(text, path) if yaml_file else _parse_toml(text, path)
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        field = ".".join(str(part) for part in loc) or "(top level)"
        index = loc[1] if len(loc) > 1 and loc[0] == "budgets" and isinstance(loc[1], int) else None
        line = lines[index] if index is not None and index < len(lines) else None
        where = f", line {line}" if line else ""
        raise DataError(
            f"policy file {path}{where}: {field}: {error['msg']}"
            + (f" (got {str(error.get('input'))[:60]!r})" if loc and "input" in error else "")
        ) from None
    return policy.model_copy(update={"source": str(path)})


def _parse_toml(text: str, path: Path) -> tuple[Any, list[int]]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"policy file {path}: not valid TOML: {exc}") from None
    # The line each [[budgets]] entry starts on, so validation errors can name it.
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().replace(" ", "") == "[[budgets]]"]
    return raw, lines


def _parse_yaml(text: str, path: Path) -> tuple[Any, list[int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise DataError(f"policy file {path}{where}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise DataError(f"policy file {path}: not valid YAML: {exc}") from None
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "budgets" and isinstance(value, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value.value]
    return raw if raw is not None else {}, lines
