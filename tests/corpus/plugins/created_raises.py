# case: a plugin raising in osmodel_process_created is named with its hook
# args: -p corpus.plugins.created_raises run {valid}
# expect: usage corpus.plugins.created_raises
# allow: KeyError
"""A plugin that fails when a process is created."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_process_created(kernel: object, process: object, creator: object) -> None:
    raise KeyError("creator")
