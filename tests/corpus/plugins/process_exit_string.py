# case: issue 16: osmodel_process_exit returning a string is blamed on "plugin unix, hook sys_exit"
# args: -p corpus.plugins.process_exit_string run {valid}
# expect: usage corpus.plugins.process_exit_string
"""A plugin whose osmodel_process_exit returns a string, not a State."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_process_exit(kernel: object, process: object) -> str:
    return "zombie"
