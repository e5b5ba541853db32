# case: issue 16: osmodel_trace_sinks returning [5] is blamed on "plugin 'unix', hook _start"
# args: -p corpus.plugins.trace_sinks_list_of_five run {valid}
# expect: usage corpus.plugins.trace_sinks_list_of_five
"""A plugin whose osmodel_trace_sinks returns a list holding something that is not a sink."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_trace_sinks(kernel: object) -> list[int]:
    return [5]
