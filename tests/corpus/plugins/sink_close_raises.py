# case: issue 16: a trace sink whose close() raises gives a traceback instead of a named error
# args: -p corpus.plugins.sink_close_raises run {valid}
# expect: usage corpus.plugins.sink_close_raises
# allow: RuntimeError
"""A plugin whose trace sink fails when the run closes it."""

from osmodel.kernel import hookimpl


class Sink:
    def emit(self, event: object) -> None:
        pass

    def close(self) -> None:
        raise RuntimeError("the sink could not close")


@hookimpl
def osmodel_trace_sinks(kernel: object) -> list[Sink]:
    return [Sink()]
