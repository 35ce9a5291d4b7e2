"""Decoding a JSON body so that no shape of input costs more than its size or reaches a handler.

`json.loads` raises RecursionError, not ValueError, on arrays nested a thousand deep, and accepts
lone surrogates (`"\\ud800"`) that fail later wherever the text is encoded (logs, tracker store).
Both are refused here with a message a client can act on.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadJson(ValueError):
    """The body cannot be used; the message says why, in Chinese, for the client."""


def loads(body: bytes, max_depth: int = MAX_DEPTH) -> Any:
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadJson("请求内容不是有效的 UTF-8 文字。") from None
    except RecursionError:
        raise BadJson(f"请求内容嵌套过深（最多 {max_depth} 层）。") from None
    except ValueError:
        raise BadJson("请求内容不是有效的 JSON。") from None
    check(data, max_depth)
    return data


def check(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Nesting depth and text checked without recursion; the cost is one step per value."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise BadJson("请求中含有无法识别的文字编码（单独的代理码位）。")
        elif isinstance(value, (dict, list)):
            if depth > max_depth:
                raise BadJson(f"请求内容嵌套过深（最多 {max_depth} 层）。")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((key, depth))
                stack.append((item, depth + 1))
