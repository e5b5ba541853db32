# case: issue 16: osmodel_trace_sinks returning 5 gives a traceback
# args: -p corpus.plugins.trace_sinks_five run {valid}
# expect: usage corpus.plugins.trace_sinks_five
"""A plugin whose osmodel_trace_sinks returns a number."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_trace_sinks(kernel: object) -> int:
    return 5
