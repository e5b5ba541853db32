"""Flag parsing for the process-run and mlfq homeworks, with the originals' own rules.

Both originals read their flags with Python's ``optparse``, so the standard
library's parser is used here too: the same short and long forms, ``-s3`` and
``--seed=3``, unique prefixes of long names (``--proc``), bundled short flags
(``-cp``), ``0x``/``0b``/leading-zero (octal) integers, and words after the
flags that are ignored.  Where it would print and exit, it raises
`HomeworkUsageError` instead, worded ``ostep NAME: ...``.
"""

from __future__ import annotations

import optparse
from collections.abc import Sequence
from typing import Any, NoReturn

from .homework import HomeworkUsageError


class FlagParser(optparse.OptionParser):
    """An optparse parser whose mistakes are `HomeworkUsageError`, never an exit."""

    def __init__(self, name: str) -> None:
        super().__init__(prog=f"ostep {name}", add_help_option=False)
        self.homework = name

    def error(self, msg: str) -> NoReturn:
        raise HomeworkUsageError(f"ostep {self.homework}: {msg}")

    def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
        raise HomeworkUsageError(f"ostep {self.homework}: {msg or 'bad flags'}")

    def read(self, argv: Sequence[str]) -> Any:
        """The flags' values; a word that is not a flag is refused (the original ignores it,
        which hides typos such as ``-L 2 3``), as for every ``osmodel ostep`` homework."""
        options, rest = self.parse_args(list(argv))
        if rest:
            raise self.fail(f"unexpected word {rest[0][:40]!r} (only flags follow the "
                            "simulator's name)")
        return options

    def fail(self, message: str) -> HomeworkUsageError:
        return HomeworkUsageError(f"ostep {self.homework}: {message}")


def flag_help(parser: optparse.OptionParser) -> list[str]:
    """The flags in the order they were added: ``-s, --seed N`` and what it does."""
    lines = []
    for option in parser.option_list:
        meta = ""
        if option.takes_value():
            meta = " " + (option.metavar or ("N" if option.type == "int" else "TEXT"))
        shown = ", ".join([*option._short_opts, *option._long_opts]) + meta
        if len(shown) > 24:
            lines += [f"  {shown}", f"  {'':<24}  {option.help}"]
        else:
            lines.append(f"  {shown:<24}  {option.help}")
    return lines
