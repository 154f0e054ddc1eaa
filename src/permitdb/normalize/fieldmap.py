"""A catalog entry's field map, compiled once and applied to each raw record.

Per canonical field: read (``source`` field, first non-empty of a list or all of them joined,
``template``, or constant ``value``), replace through ``map`` (exact, trimmed), convert, then check
the entry's ``patterns`` and ``required``. A missing key, ``null`` and ``""`` all mean "no value"
(SODA drops nulls, other portals send empty strings). Templates support only ``{field}`` and
``{field:SPEC}`` with a plain format spec: catalog text never reaches ``str.format``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from permitdb.catalog.model import TEMPLATE_FIELD, CatalogEntry, FieldSpec
from permitdb.errors import CatalogError, RecordRejected
from permitdb.normalize import converters
from permitdb.normalize.dates import zone

Read = Callable[[Mapping[str, Any]], Any]
# fill, align, sign, zero, width, grouping, precision, type: "0>5", ">8", ",.2f", "03d".
_FORMAT_SPEC = re.compile(r"(?:.?[<>^=])?[+\- ]?0?\d*[,_]?(?:\.\d+)?[sdf%]?")
_PLAN_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class _FieldRule:
    target: str
    read: Read
    replacements: Mapping[str, str] | None
    convert: converters.Convert
    reject_code: str


@dataclass(frozen=True, slots=True)
class FieldMap:
    """An entry's field map, patterns and required list, ready to apply."""

    rules: tuple[_FieldRule, ...]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    required: tuple[str, ...]

    def apply(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical field -> converted value (``location`` becomes latitude/longitude)."""
        values: dict[str, Any] = {}
        for rule in self.rules:
            value = rule.read(raw)
            if is_empty(value):
                continue
            if rule.replacements is not None and isinstance(value, str | int | float):
                text = str(value).strip()
                value = rule.replacements.get(text, text)
                if not value:  # a map to "" says the code means "no value" (e.g. "Missing")
                    continue
            try:
                converted = rule.convert(value)
            except (ValueError, TypeError, OverflowError) as exc:
                raise RecordRejected(
                    rule.reject_code,
                    f"{rule.target}: cannot read {value!r} ({exc})",
                    field=rule.target,
                ) from exc
            if converted is None:
                continue
            if rule.target == "location":
                values.setdefault("latitude", converted[0])
                values.setdefault("longitude", converted[1])
            else:
                values[rule.target] = converted
        self._validate(values)
        return values

    def _validate(self, values: dict[str, Any]) -> None:
        for name, pattern in self.patterns:
            value = _field_value(values, name)
            if value is not None and not pattern.search(_as_text(value)):
                raise RecordRejected(
                    "pattern_mismatch",
                    f"{name}: {value!r} does not match {pattern.pattern!r}",
                    field=name,
                )
        for name in self.required:
            if is_empty(_field_value(values, name)):
                raise RecordRejected("missing_required_field", f"{name} is empty", field=name)


def field_map(entry: CatalogEntry) -> FieldMap:
    """The compiled field map of ``entry``, built once per entry object.

    CatalogEntry is frozen but holds dicts, so it is not hashable: the cache is keyed by
    ``id()`` and keeps the entry itself to check the id was not reused by a new object.
    """
    cached = _plans.get(id(entry))
    if cached is not None and cached[0] is entry:
        _plans.move_to_end(id(entry))
        return cached[1]
    plan = _compile(entry)
    _plans[id(entry)] = (entry, plan)
    if len(_plans) > _PLAN_CACHE_SIZE:
        _plans.popitem(last=False)
    return plan


_plans: OrderedDict[int, tuple[CatalogEntry, FieldMap]] = OrderedDict()


def is_empty(value: Any) -> bool:
    """Missing, null, blank text, or an empty container."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, dict | list) and not value


def _compile(entry: CatalogEntry) -> FieldMap:
    tz = zone(entry.jurisdiction.timezone)
    rules = []
    for target, spec in entry.field_specs().items():
        name = converters.converter_for(target, spec.convert)
        rules.append(
            _FieldRule(
                target=target,
                read=_reader(entry, target, spec),
                replacements=spec.map,
                convert=converters.build(name, tz, spec.format),
                reject_code=converters.REJECT_CODE.get(name, "unparseable_value"),
            )
        )
    patterns = tuple((name, re.compile(text)) for name, text in entry.patterns.items())
    return FieldMap(tuple(rules), patterns, tuple(entry.required))


def _reader(entry: CatalogEntry, target: str, spec: FieldSpec) -> Read:
    if isinstance(spec.source, str):
        key = spec.source
        return lambda raw: raw.get(key)
    if isinstance(spec.source, list):
        keys = tuple(spec.source)
        if spec.join is None:
            return lambda raw: next((raw[k] for k in keys if not is_empty(raw.get(k))), None)
        separator = spec.join
        return lambda raw: separator.join(
            _as_text(raw[k]).strip() for k in keys if not is_empty(raw.get(k))
        )
    if spec.template is not None:
        return _template_reader(entry, target, spec.template)
    constant = spec.value
    return lambda raw: constant


def _template_reader(entry: CatalogEntry, target: str, template: str) -> Read:
    for match in TEMPLATE_FIELD.finditer(template):
        spec = match.group(2)
        if spec and not _FORMAT_SPEC.fullmatch(spec):
            raise CatalogError(entry.slug, [f"fields.{target}.template: unsupported spec {spec!r}"])

    def read(raw: Mapping[str, Any]) -> str | None:
        # Any empty part makes the whole value unknown: a BBL without its lot is no BBL.
        if any(is_empty(raw.get(m.group(1))) for m in TEMPLATE_FIELD.finditer(template)):
            return None
        return TEMPLATE_FIELD.sub(lambda m: _formatted(raw[m.group(1)], m.group(2)), template)

    return read


def _formatted(value: Any, spec: str | None) -> str:
    text = _as_text(value).strip()
    if not spec:
        return text
    if spec[-1] in "df%":
        number: float = float(text)
        if spec[-1] == "d":
            number = int(number)
        return format(number, spec)
    return format(text, spec)


def _field_value(values: dict[str, Any], name: str) -> Any:
    if name == "location":
        return values.get("latitude")
    return values.get(name)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
