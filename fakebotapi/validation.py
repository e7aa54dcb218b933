"""Checks a call's parameters against the spec and converts them to Python values."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import ApiError, bad_request
from .records import UploadedFile
from .spec import ApiSpec, MethodSpec

_ARRAY = "Array of "
_INTEGER = re.compile(r"[+-]?\d+")
_ATTACH = "attach://"


class _MismatchError(Exception):
    """A value that does not fit the expected type; the message says where and why."""


def validate_params(
    spec: ApiSpec,
    method: MethodSpec,
    raw: dict[str, Any],
    files: dict[str, UploadedFile],
) -> dict[str, Any]:
    """Typed parameters of a call, or ApiError 400 for unknown, missing or ill-typed ones."""
    params = {name: value for name, value in raw.items() if value is not None}
    attached = _attach_names(params)
    # A file part is a parameter itself unless some parameter points to it with attach://.
    params.update({name: f for name, f in files.items() if name not in attached})
    for name in params:
        if name not in method.fields:
            raise bad_request(f'unknown parameter "{name}" for method {method.name}')
    for field in method.fields.values():
        if field.required and field.name not in params:
            raise bad_request(f'parameter "{field.name}" is required')
    checker = _Checker(spec, files)
    typed: dict[str, Any] = {}
    for name, value in params.items():
        types = method.fields[name].types
        try:
            typed[name] = checker.coerce(value, types, name)
        except _MismatchError as mismatch:
            raise _type_error(name, types, str(mismatch)) from None
    return typed


def _type_error(name: str, types: tuple[str, ...], detail: str) -> ApiError:
    expected = " or ".join(types)
    return bad_request(f'can\'t parse parameter "{name}": expected {expected}; {detail}')


def _attach_names(params: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for value in params.values():
        if isinstance(value, str) and _ATTACH in value:
            found.update(re.findall(r"attach://([\w.-]+)", value))
    return found


class _Checker:
    """Coerces one value to one of a field's spec types, recursing into arrays and objects."""

    def __init__(self, spec: ApiSpec, files: dict[str, UploadedFile]) -> None:
        self._spec = spec
        self._files = files

    def coerce(self, value: Any, types: tuple[str, ...], where: str) -> Any:
        reasons: list[str] = []
        for type_name in types:
            try:
                return self._coerce_one(value, type_name, where)
            except _MismatchError as mismatch:
                reasons.append(str(mismatch))
        raise _MismatchError(reasons[0] if len(reasons) == 1 else " / ".join(reasons))

    def _coerce_one(self, value: Any, type_name: str, where: str) -> Any:
        if type_name.startswith(_ARRAY):
            return self._array(value, type_name[len(_ARRAY) :], where)
        scalar = _SCALARS.get(type_name)
        if scalar is not None:
            return scalar(value, where)
        if type_name == "InputFile":
            return self._input_file(value, where)
        if type_name in self._spec.types:
            return self._object(value, type_name, where)
        return value

    def _array(self, value: Any, item_type: str, where: str) -> list[Any]:
        items = _json_if_text(value, where)
        if not isinstance(items, list):
            raise _MismatchError(f"{where} is not a JSON array")
        return [self.coerce(item, (item_type,), f"{where}[{i}]") for i, item in enumerate(items)]

    def _input_file(self, value: Any, where: str) -> UploadedFile:
        if isinstance(value, UploadedFile):
            return value
        if isinstance(value, str) and value.startswith(_ATTACH):
            attached = self._files.get(value[len(_ATTACH) :])
            if attached is not None:
                return attached
            raise _MismatchError(f"{where} points to a missing file part {value!r}")
        raise _MismatchError(f"{where} is not an uploaded file")

    def _object(self, value: Any, type_name: str, where: str) -> dict[str, Any]:
        obj = _json_if_text(value, where)
        if not isinstance(obj, dict):
            raise _MismatchError(f"{where} is not a JSON object ({type_name})")
        spec_type = self._spec.types[type_name]
        if spec_type.subtypes:
            return dict(self.coerce(obj, spec_type.subtypes, where))
        checked = dict(obj)  # Telegram ignores unknown fields inside objects
        for field in spec_type.fields.values():
            present = obj.get(field.name)
            if present is None:
                if field.required:
                    raise _MismatchError(
                        f'{where}: field "{field.name}" of {type_name} is required'
                    )
                continue
            checked[field.name] = self.coerce(present, field.types, f"{where}.{field.name}")
        return checked


def _json_if_text(value: Any, where: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _MismatchError(f"{where} is not valid JSON") from None


def _integer(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise _MismatchError(f"{where}={value!r} is not an Integer")


def _float(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise _MismatchError(f"{where}={value!r} is not a Float")


_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def _boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _MismatchError(f"{where}={value!r} is not a Boolean")


def _string(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _MismatchError(f"{where}={value!r} is not a String")


_SCALARS = {"Integer": _integer, "Float": _float, "Boolean": _boolean, "String": _string}
