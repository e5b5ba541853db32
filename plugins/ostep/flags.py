"""A homework simulator's flags, read as the originals' ``optparse`` reads them.

Sheets quote command lines written for those scripts, so the same spellings
must mean the same: ``-s5`` and ``-s 5``, ``--seed=5`` and ``--seed 5``, a
long name shortened to any unique prefix (``--max 20``), short flags run
together (``-cs5``), integers in ``optparse``'s bases (``0x10``, ``0b11``,
``010`` is eight), ``--`` ending the flags.  One departure: a word that is no
flag is refused (the originals ignore it silently, which hides typos).
Every mistake is a `HomeworkUsageError` worded ``ostep NAME: ...``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from .homework import HomeworkUsageError


@frozen
class Flag:
    """One flag: its spellings, where its value goes, its kind and default, its help."""

    short: str | None
    long: str | None
    dest: str
    #: "int", "str" or "bool" (a switch that takes no value).
    kind: str
    default: int | str | bool
    help: str

    @property
    def name(self) -> str:
        """How messages name the flag: the short spelling when it has one."""
        return self.short or self.long or self.dest

    @property
    def metavar(self) -> str:
        return self.dest.upper()


@frozen
class Parsed:
    """The flags' values by ``dest`` (defaults filled in)."""

    values: Mapping[str, Any]


#: The columns of ``-h``'s text (the width osmodel's text views keep off a terminal).
WIDTH = 100
HELP = Flag("-h", "--help", "help", "bool", False, "print these flags and exit")


def integer(text: str) -> int:
    """``text`` as optparse's ``int`` type reads it: 0x hexadecimal, 0b binary, a leading
    0 octal, else decimal; ValueError when it is none of these."""
    digits = text
    if digits[:2].lower() == "0x":
        base = 16
    elif digits[:2].lower() == "0b":
        base, digits = 2, digits[2:] or "0"
    elif digits[:1] == "0":
        base = 8
    else:
        base = 10
    if len(digits) > 100:  # int() refuses thousands of digits; nobody means such a number
        raise ValueError(text)
    return int(digits, base)


def wants_help(argv: Sequence[str]) -> bool:
    """Whether ``-h`` or ``--help`` is among the flags (before any ``--``): the command then
    prints the simulator's usage, whatever else is there, as optparse does."""
    for arg in argv:
        if arg == "--":
            return False
        if arg in ("-h", "--help"):
            return True
    return False


def parse(program: str, flags: Sequence[Flag], argv: Sequence[str]) -> Parsed:
    """Read ``argv`` (everything after the simulator's name) against ``flags``; ``-h`` is
    the command's to answer (`wants_help`), so here it is only accepted alone."""
    table = (HELP, *flags)
    shorts = {flag.short: flag for flag in table if flag.short}
    longs = {flag.long: flag for flag in table if flag.long}
    values: dict[str, Any] = {flag.dest: flag.default for flag in flags}
    where = f"ostep {program}"

    def wrong(message: str) -> HomeworkUsageError:
        return HomeworkUsageError(f"{where}: {message} (see `osmodel ostep {program} -h`)")

    def store(flag: Flag, spelled: str, value: str) -> None:
        if flag.kind == "int":
            try:
                values[flag.dest] = integer(value)
            except ValueError:
                raise wrong(f"flag {spelled} takes a whole number, not {value[:40]!r}") \
                    from None
        else:
            values[flag.dest] = value

    args = list(argv)
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            if index < len(args):
                raise wrong(f"unexpected word {args[index][:40]!r} (only flags follow "
                            "the simulator's name)")
            break
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            flag = longs.get(name)
            if flag is None:
                found = sorted(long for long in longs if long.startswith(name))
                if not found:
                    raise wrong(f"no such flag {name[:40]}")
                if len(found) > 1:
                    raise wrong(f"flag {name} is ambiguous: {', '.join(found)}")
                flag = longs[found[0]]
            if flag is HELP:
                raise wrong(f"{arg} asks for help: write -h on its own")
            if flag.kind == "bool":
                if equals:
                    raise wrong(f"flag {flag.long} takes no value")
                values[flag.dest] = True
                continue
            if not equals:
                if index >= len(args):
                    raise wrong(f"flag {flag.long} needs a value")
                value = args[index]
                index += 1
            store(flag, flag.long or name, value)
        elif arg.startswith("-") and arg != "-":
            letters = arg[1:]
            while letters:
                spelled = "-" + letters[0]
                flag = shorts.get(spelled)
                if flag is None:
                    raise wrong(f"no such flag {spelled}")
                letters = letters[1:]
                if flag is HELP:
                    raise wrong(f"{arg} asks for help: write -h on its own")
                if flag.kind == "bool":
                    values[flag.dest] = True
                    continue
                if letters:
                    value, letters = letters, ""
                elif index < len(args):
                    value = args[index]
                    index += 1
                else:
                    raise wrong(f"flag {spelled} needs a value")
                store(flag, spelled, value)
        else:
            raise wrong(f"unexpected word {arg[:40]!r} (only flags follow the simulator's "
                        "name)")
    return Parsed(values)


def usage(program: str, summary: str, flags: Sequence[Flag], differences: Sequence[str]) -> str:
    """``osmodel ostep NAME -h``: the flags with their defaults, then where osmodel differs."""
    lines = [f"usage: osmodel ostep [OPTIONS] {program} [FLAGS]", "", summary, "", "flags:"]
    for flag in (HELP, *flags):
        spellings = [spelling for spelling in (flag.short, flag.long) if spelling]
        if flag.kind != "bool":
            spellings = [f"{spelling}={flag.metavar}" if spelling.startswith("--")
                         else f"{spelling} {flag.metavar}" for spelling in spellings]
        spelled = ", ".join(spellings)
        if flag.kind == "bool":
            default = ""
        elif flag.kind == "str":
            default = f" (default {flag.default!r})"
        else:
            default = f" (default {flag.default})"
        helped = textwrap.wrap(flag.help + default, WIDTH - 28)
        if len(spelled) > 24:
            lines.append(f"  {spelled}")
        else:
            lines.append(f"  {spelled:<26}{helped.pop(0)}")
        lines += [" " * 28 + line for line in helped]
    lines += ["", "where osmodel differs from the original:"]
    for line in differences:
        lines += textwrap.wrap(line, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return "\n".join(lines)
