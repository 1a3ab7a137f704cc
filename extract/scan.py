"""Whole-article regex scans, made fast for patterns that begin at a word boundary.

Python's ``re`` finds a pattern's candidate positions quickly when the pattern begins with a
literal or an alternation of literals ("cum|khoi"), but a pattern that begins with an assertion
(``\\b``, ``(?<![\\w])``) is tried at every character of the text. The vocabularies here begin
with a word boundary almost always, and an article is scanned by dozens of them.

:func:`finditer` and :func:`search` give exactly what ``rx.finditer`` and ``rx.search`` give:
the pattern without its leading assertion (a superset of its matches) finds the candidates,
and the whole pattern is matched at each of them, leftmost first.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Optional

_LEADING_BOUNDARY = (r"\b", r"(?<![\w])", r"(?<!\w)")


@lru_cache(maxsize=None)
def _locator(rx: re.Pattern) -> Optional[re.Pattern]:
    """``rx`` without its leading word-boundary assertion, or None when it has none."""
    for lead in _LEADING_BOUNDARY:
        if rx.pattern.startswith(lead):
            rest = rx.pattern[len(lead):]
            # a top-level alternation would leave the assertion on its first branch only
            if len(alternatives(rest)) > 1:
                return None
            return re.compile(rest, rx.flags)
    return None


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex ("a|(?:b|c)d" -> ["a", "(?:b|c)d"]): bars inside a
    group or a character class, and escaped ones, do not split it."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def finditer(rx: re.Pattern, text: str, pos: int = 0, endpos: Optional[int] = None) -> Iterator[re.Match]:
    """Same matches as ``rx.finditer(text, pos, endpos)``."""
    end = len(text) if endpos is None else endpos
    loose = _locator(rx)
    if loose is None:
        yield from rx.finditer(text, pos, end)
        return
    while pos <= end:
        candidate = loose.search(text, pos, end)
        if candidate is None:
            return
        m = rx.match(text, candidate.start(), end)
        if m is None:
            pos = candidate.start() + 1
            continue
        if m.end() == m.start():
            raise ValueError(f"extract.scan is for patterns that consume text: {rx.pattern!r} matched empty")
        yield m
        pos = m.end()


def search(rx: re.Pattern, text: str, pos: int = 0, endpos: Optional[int] = None) -> Optional[re.Match]:
    """Same match as ``rx.search(text, pos, endpos)``."""
    return next(finditer(rx, text, pos, endpos), None)
