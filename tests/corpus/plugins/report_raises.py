# case: issue 16: osmodel_report raising gives a traceback instead of a named error
# args: -p corpus.plugins.report_raises run {valid}
# expect: usage corpus.plugins.report_raises
# allow: ValueError
"""A plugin whose report hook raises."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_report(kernel: object, report: dict[str, object]) -> None:
    raise ValueError("no report today")
