# case: osmodel_syscalls returning a list instead of a mapping
# args: -p corpus.plugins.syscalls_list run {valid}
# expect: usage corpus.plugins.syscalls_list
"""A plugin whose osmodel_syscalls returns a list."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_syscalls(kernel: object, platform: str) -> list[str]:
    return ["spawn"]
