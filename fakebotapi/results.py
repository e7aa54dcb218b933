"""Smallest valid result of a given Bot API type, for methods the fake does not model."""

from __future__ import annotations

from typing import Any

from .spec import ApiSpec

_ARRAY = "Array of "
_SCALARS: dict[str, Any] = {"Integer": 0, "Float": 0.0, "String": "", "Boolean": True}
_MAX_DEPTH = 8


def minimal_value(spec: ApiSpec, types: tuple[str, ...], depth: int = 0) -> Any:
    """A value of the first type: scalars zero-like, objects with only their required fields."""
    type_name = types[0] if types else "Boolean"
    if type_name.startswith(_ARRAY):
        return []
    if type_name in _SCALARS:
        return _SCALARS[type_name]
    spec_type = spec.types.get(type_name)
    if spec_type is None or depth > _MAX_DEPTH:
        return True
    if spec_type.subtypes:
        return minimal_value(spec, spec_type.subtypes[:1], depth + 1)
    return {
        name: minimal_value(spec, field.types, depth + 1)
        for name, field in spec_type.fields.items()
        if field.required
    }
