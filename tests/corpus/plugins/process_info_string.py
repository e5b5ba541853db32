# case: issue 16: osmodel_process_info returning a string gives a traceback
# args: -p corpus.plugins.process_info_string run {valid}
# expect: usage corpus.plugins.process_info_string
"""A plugin whose osmodel_process_info returns a string, not a mapping."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_process_info(kernel: object, process: object) -> str:
    return "junk"
