"""One CLI sub-command per tool, generated from the registry's request models.

Required fields become positional arguments, the others ``--options`` (underscores as dashes); enums become
choices, booleans ``--x/--no-x``, lists repeatable options (or comma-separated values). The values are validated by
the tool's own request model, so the CLI accepts exactly what MCP and REST accept.
"""

from __future__ import annotations

import argparse
import json
import types
import typing
from typing import Any, Final, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from carbon_kepler_mcp.adapters.cli import render
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.registry import TOOLS, ToolSpec
from carbon_kepler_mcp.app.requests import parse_request
from carbon_kepler_mcp.domain.i18n import Language
from carbon_kepler_mcp.errors import CarbonKeplerError

__all__ = ["add_tool_commands", "request_from_args", "run_tool", "tool_for_command"]

POSITIONAL_NAMES: Final = {"workload_name": "workload"}
"""How a required field is named on the command line."""

ALIASES: Final[dict[str, tuple[str, ...]]] = {
    # Option names of the first CLI, kept working beside the generated ones.
    "namespace": ("-n",),
    "language": ("--lang",),
    "optimizations": ("--optimization", "-o"),
    "rightsizing_reduction_percent": ("--rightsizing-percent",),
    "batch_duration_hours": ("--batch-hours",),
    "status_filter": ("--status",),
    "comparison_regions": ("--compare",),
    "duration_hours": ("--duration",),
}

_BY_COMMAND: Final = {spec.command: spec for spec in TOOLS}


def tool_for_command(command: str) -> ToolSpec | None:
    """The tool a sub-command runs (None for the other commands)."""
    return _BY_COMMAND.get(command)


def _literal_choices(annotation: Any) -> tuple[str, ...] | None:
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is Literal:
            return tuple(str(a) for a in get_args(arg))
    return None


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) in (types.UnionType, typing.Union):
        return any(_is_list(a) for a in get_args(annotation))
    return get_origin(annotation) is list


def _is_bool(annotation: Any) -> bool:
    return annotation is bool


def _help(field: FieldInfo) -> str:
    text = (field.description or "").replace("%", "%%")
    if not field.is_required() and field.default is not None:
        text += f" (default: {field.default})"
    return text


def add_tool_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:  # pyright: ignore[reportPrivateUsage]
    """One sub-command per tool of the registry, each with ``--json``."""
    for spec in TOOLS:
        parser = sub.add_parser(spec.command, help=spec.title.lower(), description=spec.description)
        for name, field in spec.request.model_fields.items():
            annotation = field.annotation
            if field.is_required():
                parser.add_argument(
                    POSITIONAL_NAMES.get(name, name),
                    metavar=POSITIONAL_NAMES.get(name, name).upper(),
                    help=_help(field),
                )
                continue
            flags = ("--" + name.replace("_", "-"), *ALIASES.get(name, ()))
            kwargs: dict[str, Any] = {"dest": name, "help": _help(field), "default": None}
            if _is_bool(annotation):
                kwargs["action"] = argparse.BooleanOptionalAction
            elif _is_list(annotation):
                kwargs["action"] = "append"
                kwargs["metavar"] = "VALUE"
            elif (choices := _literal_choices(annotation)) is not None:
                kwargs["choices"] = choices
            parser.add_argument(*flags, **kwargs)
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="print the tool's exact structured result as JSON")
        if spec.csv is not None:
            output.add_argument("--csv", action="store_true", help="print the result's rows as CSV")


def request_from_args(spec: ToolSpec, args: argparse.Namespace) -> BaseModel:
    """The tool's request from parsed arguments, validated by its model (errors name the option)."""
    values: dict[str, Any] = {}
    for name, field in spec.request.model_fields.items():
        value = getattr(args, POSITIONAL_NAMES.get(name, name) if field.is_required() else name, None)
        if value is None:
            continue
        if isinstance(value, list):  # repeatable and comma-separated both work: -o a -o b, --compare a,b
            value = [part.strip() for item in typing.cast(list[str], value) for part in item.split(",") if part.strip()]
        values[name] = value

    def option(field: str) -> str:
        if field in spec.request.model_fields and spec.request.model_fields[field].is_required():
            return POSITIONAL_NAMES.get(field, field)
        return "--" + field.replace("_", "-")

    try:
        return parse_request(spec.request, values, name_of=option)
    except CarbonKeplerError as exc:
        exc.language = str(values.get("language", "en"))  # main prints the refusal in the asked language
        raise


async def run_tool(ctx: AppContext, spec: ToolSpec, request: BaseModel, *, as_json: bool, as_csv: bool = False) -> str:
    """The tool's answer as the CLI prints it: the exact structured result (``--json``), CSV rows (``--csv``,
    for tools whose answer is a table) or text for people."""
    try:
        result = await spec.run(ctx, request)
    except CarbonKeplerError as exc:
        exc.language = str(getattr(request, "language", "en"))
        raise
    if as_csv and spec.csv is not None:
        return spec.csv(result).rstrip("\n")
    if as_json:
        return json.dumps(result.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2)
    language: Language = "ko" if getattr(request, "language", "en") == "ko" else "en"
    return render.text(result, language)
