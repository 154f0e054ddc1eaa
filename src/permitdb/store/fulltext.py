"""The ``q`` full-text syntax: one parser, compiled to SQLite FTS5 and to a PostgreSQL tsquery.

The syntax is the web-search one users already know:

* ``solar battery``: every term must match (AND);
* ``"heat pump"``: the words next to each other, in this order;
* ``solar OR wind``: either (``OR`` in capitals binds tighter than the implicit AND, so
  ``roof solar OR wind`` is roof AND (solar OR wind));
* ``-pool`` / ``-"swimming pool"``: rows that do not match;
* ``batt*``: any word starting with ``batt``.

Nothing the user types reaches either engine as syntax: FTS5 gets every term as a quoted
string, PostgreSQL every term as a quoted ``to_tsquery`` operand of one bound parameter, so
each engine splits a term into words exactly as it split the indexed text ("in-ground" is the
phrase "in ground" on both).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

MAX_TERMS: Final = 32
# Words as FTS5's unicode61 tokenizer sees them: runs of letters and digits.
WORD: Final = re.compile(r"[^\W_]+")
# Line breaks and tabs pasted with a query are spacing; every other control character is not.
SPACING: Final = frozenset("\t\n\r")


class FullTextSyntaxError(ValueError):
    """``q`` cannot be parsed; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word or quoted phrase, as the user wrote it; ``prefix`` for a trailing ``*``."""

    text: str
    prefix: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word.lower() for word in WORD.findall(self.text))


@dataclass(frozen=True, slots=True)
class FullTextQuery:
    """Rows matching one term of every ``required`` group and no ``excluded`` term."""

    required: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.required and not self.excluded


@dataclass(frozen=True, slots=True)
class _Token:
    term: Term | None  # None: the OR operator
    excluded: bool = False


def _check_characters(text: str) -> None:
    for character in text:
        if unicodedata.category(character) == "Cc" and character not in SPACING:
            raise FullTextSyntaxError(
                f"q contains the control character U+{ord(character):04X}; remove it"
            )


def _term(text: str, *, prefix: bool, shown: str) -> Term:
    term = Term(text, prefix)
    if not term.words:
        raise FullTextSyntaxError(
            f"'{shown}' has no letters or digits to search for; remove it (a * goes right "
            "after a word, as in batt*)"
        )
    return term


def _phrase(text: str, begin: int, opening: int) -> tuple[Term, int]:
    """The quoted phrase opening at ``opening``, and where reading goes on after it."""
    closing = text.find('"', opening + 1)
    if closing < 0:
        raise FullTextSyntaxError(
            f"q has an opening quote with no closing one (at character {opening + 1}); "
            'close the phrase with " or remove the quote'
        )
    shown = text[begin : closing + 1]
    return _term(text[opening + 1 : closing], prefix=False, shown=shown), closing + 1


def _word_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and not text[end].isspace() and text[end] != '"':
        end += 1
    return end


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        begin = position
        excluded = text[begin] == "-"
        start = begin + 1 if excluded else begin
        if start < len(text) and text[start] == '"':
            phrase, position = _phrase(text, begin, start)
            tokens.append(_Token(phrase, excluded))
            continue
        position = _word_end(text, start)
        word = text[start:position]
        if word == "OR" and not excluded:
            tokens.append(_Token(None))
            continue
        shown = text[begin:position]
        term = _term(word.rstrip("*"), prefix=word.endswith("*"), shown=shown)
        tokens.append(_Token(term, excluded))
    return tokens


def _dangling_or() -> FullTextSyntaxError:
    return FullTextSyntaxError(
        "OR needs a term on each side, as in 'solar OR wind'; remove the extra OR, or write "
        "or in lower case to search for the word"
    )


def parse(text: str) -> FullTextQuery:
    """The query ``text`` means; :class:`FullTextSyntaxError` when it cannot be read."""
    _check_characters(text)
    tokens = _tokens(text)
    if len([token for token in tokens if token.term is not None]) > MAX_TERMS:
        raise FullTextSyntaxError(f"q has more than {MAX_TERMS} terms; search for fewer words")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False  # the previous token was OR
    for index, token in enumerate(tokens):
        if token.term is None:
            if joining or index == 0 or index == len(tokens) - 1:
                raise _dangling_or()
            joining = True
            continue
        next_is_or = index + 1 < len(tokens) and tokens[index + 1].term is None
        if token.excluded:
            if joining or next_is_or:
                raise FullTextSyntaxError(
                    "an excluded term (-word) cannot be part of OR; exclude each word on its own, "
                    "as in '-pool -spa'"
                )
            excluded.append(token.term)
        elif joining:
            groups[-1].append(token.term)
        else:
            groups.append([token.term])
        joining = False
    return FullTextQuery(
        required=tuple(tuple(dict.fromkeys(group)) for group in dict.fromkeys(map(tuple, groups))),
        excluded=tuple(dict.fromkeys(excluded)),
    )


# --- SQLite FTS5 ------------------------------------------------------------------------------


def _fts5_term(term: Term) -> str:
    # inside double quotes FTS5 reads only words (a doubled quote is a literal one)
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + " *" if term.prefix else quoted


def _fts5_any(terms: tuple[Term, ...]) -> str:
    return "(" + " OR ".join(map(_fts5_term, terms)) + ")"


def fts5_positive(query: FullTextQuery) -> str:
    """The required groups as one FTS5 MATCH expression ("" when there are none)."""
    return " AND ".join(map(_fts5_any, query.required))


def fts5_excluded(query: FullTextQuery) -> str:
    """Every excluded term as one FTS5 expression matching rows that have any of them."""
    return _fts5_any(query.excluded) if query.excluded else ""


def fts5_expression(query: FullTextQuery) -> str:
    """The whole query as one FTS5 MATCH expression; needs at least one required group.

    FTS5's NOT is binary ("a NOT b"), so a query of exclusions only cannot be written here:
    ``store.dialects`` turns that into NOT IN over :func:`fts5_excluded`.
    """
    positive = fts5_positive(query)
    excluded = fts5_excluded(query)
    return f"({positive}) NOT {excluded}" if excluded else positive


# --- PostgreSQL tsquery -----------------------------------------------------------------------


def _tsquery_term(term: Term) -> str:
    # a quoted operand is run through the same parser as the indexed text; several words in
    # it become a <-> phrase. Quote and backslash are the only characters special inside.
    escaped = term.text.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'" + (":*" if term.prefix else "")


def tsquery_text(query: FullTextQuery) -> str:
    """The query as ``to_tsquery`` input, to be bound as a parameter."""
    parts = ["(" + " | ".join(map(_tsquery_term, group)) + ")" for group in query.required]
    parts += ["!" + _tsquery_term(term) for term in query.excluded]
    return " & ".join(parts)
