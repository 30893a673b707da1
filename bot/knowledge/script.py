"""Traditional Chinese, as members in Taiwan, Hong Kong and abroad type it, read as the simplified
Chinese the knowledge base is written in: "大賽有哪幾個賽道？" is searched as "大赛有哪几个赛道？".

OpenCC's phrase tables (opencc-python-reimplemented, pure Python) leave simplified text as it
is, so a question is converted whatever script it is in.
"""

from __future__ import annotations

import re
from functools import cache

from opencc import OpenCC

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@cache
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


def simplified(text: str) -> str:
    """The text with traditional characters written in simplified ones; other text unchanged."""
    if not _HAN.search(text):
        return text
    return _to_simplified().convert(text)
