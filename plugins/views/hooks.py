"""The compare view's own hooks, added to the run's plugin manager by ``osmodel_addhooks``.

Kept apart from the compare engine so that registering the views plugin
imports nothing heavy.  A platform implements them as methods of its
`Platform` subclass with ``@hookimpl(optionalhook=True)``, so it still loads
where this view is not installed; another plugin may answer them for any
platform (``kernel.platform.name`` says which one runs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from osmodel.kernel.hookspecs import hookspec

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel

#: The kinds of difference ``osmodel compare`` finds, each a key of a rule table.
KINDS = ("presence", "orphan", "memory", "forced_kill", "fatal_fault", "ctrl_c_reach",
         "ctrl_c_end", "exit_width", "end")


@hookspec
def osmodel_compare_rules(kernel: Kernel) -> Mapping[str, str] | None:
    """The running platform's rule, with its source, for kinds of difference compare reports.

    Called once per compared run, after it booted, while its platform takes
    part; answers are merged, the first (a ``trylast`` platform's last) winning
    for each kind.

    :param kernel: the kernel of the run; ``kernel.platform.name`` is the platform.
    :return: a mapping from a kind (``presence``, ``orphan``, ``memory``,
        ``forced_kill``, ``fatal_fault``, ``ctrl_c_reach``, ``ctrl_c_end``,
        ``exit_width``, ``end``) to the rule and where it is written, cited
        under the columns; or None.
    """
