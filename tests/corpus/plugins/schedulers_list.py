# case: issue 16: osmodel_schedulers returning a list gives a traceback
# args: -p corpus.plugins.schedulers_list run {valid}
# expect: usage corpus.plugins.schedulers_list
"""A plugin whose osmodel_schedulers returns a list, not a mapping."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_schedulers() -> list[str]:
    return ["rr"]
