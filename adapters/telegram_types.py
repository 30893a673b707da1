"""Import aiogram with its Telegram types built when first used, not all at import.

aiogram declares its ~900 Bot API types with pydantic's `defer_build`, then builds every one of
them at the end of `aiogram.types` by calling `model_rebuild` with a namespace holding all the
type names (their annotations name each other, imported only for type checkers). Each built
type carries its own validator and serializer with every type it nests inlined: 150 MB of RSS
and 2 s of start-up, most of it for types the bot never receives (aiogram issue #1513).

Imported before aiogram, this module lets that loop put the namespace where pydantic looks
for it anyway, each type's module, instead of building: a type is then built by pydantic the
first time it is validated or serialized (an `Update` builds what it nests), and the bot API
methods, built at import, find the names they nest. `communitybot run` on Telegram idles about
75 MB lower. If aiogram was already imported, or stops calling `model_rebuild` this way,
nothing changes: the types are built at import, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pydantic


def _import_aiogram_types_lazily() -> None:
    if "aiogram.types" in sys.modules:
        return
    build_now = pydantic.BaseModel.__dict__["model_rebuild"]

    def share_names_instead(
        cls: type[pydantic.BaseModel],
        *,
        _types_namespace: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> bool | None:
        if _types_namespace is None or not cls.model_config.get("defer_build"):
            return build_now.__func__(cls, _types_namespace=_types_namespace, **options)
        module_names = vars(sys.modules[cls.__module__])
        for name, value in _types_namespace.items():
            module_names.setdefault(name, value)  # never shadow what the module defines
        return None

    pydantic.BaseModel.model_rebuild = classmethod(share_names_instead)  # type: ignore[method-assign,assignment]
    # The bot API methods (some 170 models) are built when first used too: a model inherits
    # pydantic.BaseModel's config unless it sets the key, and aiogram's methods do not.
    configured = pydantic.BaseModel.model_config
    pydantic.BaseModel.model_config = {**configured, "defer_build": True}
    try:
        import aiogram.types  # noqa: F401  (the import is the point)
    finally:
        pydantic.BaseModel.model_rebuild = build_now  # type: ignore[method-assign]
        pydantic.BaseModel.model_config = configured


_import_aiogram_types_lazily()
